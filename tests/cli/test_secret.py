"""`kvcli keyvault secret` end to end: shapes, versions, soft delete, errors, exit codes."""

from __future__ import annotations

import base64
import json
import os

import pytest

SECRET_KEYS = ["attributes", "contentType", "id", "kid", "managed", "name", "tags", "value"]
LIST_KEYS = ["attributes", "contentType", "id", "managed", "name", "tags"]
NOT_FOUND = ("A secret with (name/id) {} was not found in this key vault. If you recently "
             "deleted this secret you may be able to recover it using the correct recovery "
             "command. For help resolving this issue, please see "
             "https://go.microsoft.com/fwlink/?linkid=2125182")


@pytest.fixture
def secret(kv, vault):
    result = kv("keyvault", "secret", "set", "--vault-name", vault, "-n", "s1",
                "--value", "hunter3")
    assert result.exit_code == 0, result.stderr
    return result.json


def test_set_prints_the_secret_bundle(kv, vault):
    result = kv("keyvault", "secret", "set", "--vault-name", vault, "-n", "db-pass",
                "--value", "hunter3", "--tags", "env=dev", "--content-type", "text/plain")
    assert result.exit_code == 0, result.stderr
    bundle = result.json
    assert sorted(bundle) == SECRET_KEYS
    assert bundle["value"] == "hunter3"
    assert bundle["name"] == "db-pass"
    assert bundle["contentType"] == "text/plain"
    assert bundle["tags"] == {"env": "dev", "file-encoding": "utf-8"}
    assert bundle["kid"] is None and bundle["managed"] is None
    prefix = "https://vault1.vault.azure.net/secrets/db-pass/"
    assert bundle["id"].startswith(prefix)
    assert len(bundle["id"][len(prefix):]) == 32
    assert bundle["attributes"] == {
        "created": "2026-01-01T00:00:00+00:00", "enabled": True, "expires": None,
        "notBefore": None, "recoverableDays": 90, "recoveryLevel": "Recoverable+Purgeable",
        "updated": "2026-01-01T00:00:00+00:00"}


def test_query_value_tsv_prints_bare_value(kv, vault, secret):
    result = kv("keyvault", "secret", "show", "--vault-name", vault, "-n", "s1",
                "--query", "value", "-o", "tsv")
    assert (result.exit_code, result.stdout) == (0, "hunter3\n")


def test_each_set_adds_a_version_and_show_picks_latest_or_given(kv, vault, secret):
    second = kv("keyvault", "secret", "set", "--vault-name", vault, "-n", "S1",
                "--value", "v2").json
    assert second["name"] == "s1"  # names are case-insensitive; the first spelling stays
    versions = kv("keyvault", "secret", "list-versions", "--vault-name", vault, "-n", "s1").json
    assert [v["id"] for v in versions] == [secret["id"], second["id"]]
    assert all(sorted(v) == LIST_KEYS for v in versions)
    assert kv("keyvault", "secret", "show", "--vault-name", vault, "-n", "s1").json["value"] == "v2"
    old_version = secret["id"].rsplit("/", 1)[1]
    old = kv("keyvault", "secret", "show", "--vault-name", vault, "-n", "s1",
             "--version", old_version)
    assert old.json["value"] == "hunter3"
    by_id = kv("keyvault", "secret", "show", "--id", secret["id"])
    assert by_id.json["value"] == "hunter3"


def test_show_missing_secret_is_exit_3_and_other_commands_exit_1(kv, vault):
    result = kv("keyvault", "secret", "show", "--vault-name", vault, "-n", "nosuch")
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        f"ERROR: (SecretNotFound) {NOT_FOUND.format('nosuch')}",
        "Code: SecretNotFound", f"Message: {NOT_FOUND.format('nosuch')}"]
    result = kv("keyvault", "secret", "delete", "--vault-name", vault, "-n", "nosuch")
    assert result.exit_code == 1
    assert "(SecretNotFound)" in result.stderr
    result = kv("keyvault", "secret", "show", "--vault-name", vault, "-n", "s1", "--version",
                "0" * 32)
    assert result.exit_code == 3


def test_list_hides_values_and_versions(kv, vault, secret):
    kv("keyvault", "secret", "set", "--vault-name", vault, "-n", "a-first", "--value", "x")
    listed = kv("keyvault", "secret", "list", "--vault-name", vault).json
    assert [s["name"] for s in listed] == ["a-first", "s1"]
    assert all(sorted(s) == LIST_KEYS for s in listed)
    assert listed[1]["id"] == "https://vault1.vault.azure.net/secrets/s1"
    assert kv("keyvault", "secret", "list", "--vault-name", vault, "--maxresults", "1").json \
        == listed[:1]
    table = kv("keyvault", "secret", "list", "--vault-name", vault, "-o", "table").stdout
    assert table.splitlines()[0].split() == ["Name", "Id", "Enabled"]


def test_delete_warns_and_hides_the_secret(kv, vault, secret):
    result = kv("keyvault", "secret", "delete", "--vault-name", vault, "-n", "s1")
    assert result.exit_code == 0
    assert result.stderr.startswith("WARNING: Warning! If you have soft-delete protection "
                                    "enabled on this key vault, this secret will be moved")
    deleted = result.json
    assert deleted["value"] is None
    assert deleted["recoveryId"] == "https://vault1.vault.azure.net/deletedsecrets/s1"
    assert deleted["deletedDate"] == "2026-01-01T00:00:00+00:00"
    assert deleted["scheduledPurgeDate"] == "2026-04-01T00:00:00+00:00"
    assert deleted["id"] == secret["id"]
    for verb in (("show",), ("set-attributes", "--enabled", "false"), ("list-versions",)):
        assert kv("keyvault", "secret", *verb, "--vault-name", vault, "-n", "s1").exit_code != 0
    assert kv("keyvault", "secret", "list", "--vault-name", vault).json == []
    items = kv("keyvault", "secret", "list-deleted", "--vault-name", vault).json
    assert [sorted(i) for i in items] == [sorted(LIST_KEYS + ["deletedDate", "recoveryId",
                                                              "scheduledPurgeDate"])]
    shown = kv("keyvault", "secret", "show-deleted", "--vault-name", vault, "-n", "s1").json
    assert shown == deleted


def test_name_taken_while_deleted(kv, vault, secret):
    kv("keyvault", "secret", "delete", "--vault-name", vault, "-n", "s1")
    result = kv("keyvault", "secret", "set", "--vault-name", vault, "-n", "s1", "--value", "x")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "ERROR: (Conflict) Secret s1 is currently in a deleted but recoverable state, and its "
        "name cannot be reused; in this state, the secret can only be recovered or purged.",
        "Code: Conflict",
        "Message: Secret s1 is currently in a deleted but recoverable state, and its name "
        "cannot be reused; in this state, the secret can only be recovered or purged.",
        "Inner error: {", '    "code": "ObjectIsDeletedButRecoverable"', "}"]


def test_recover_brings_back_every_version(kv, vault, secret):
    kv("keyvault", "secret", "set", "--vault-name", vault, "-n", "s1", "--value", "v2")
    kv("keyvault", "secret", "delete", "--vault-name", vault, "-n", "s1")
    recovered = kv("keyvault", "secret", "recover", "--vault-name", vault, "-n", "s1")
    assert recovered.exit_code == 0
    assert recovered.json["value"] is None
    versions = kv("keyvault", "secret", "list-versions", "--vault-name", vault, "-n", "s1").json
    assert len(versions) == 2
    assert kv("keyvault", "secret", "show", "--id", secret["id"]).json["value"] == "hunter3"


def test_deleted_not_found_texts(kv, vault):
    for verb in ("recover", "purge", "show-deleted"):
        result = kv("keyvault", "secret", verb, "--vault-name", vault, "-n", "ghost")
        assert result.exit_code == 1
        assert result.stderr.startswith("ERROR: (SecretNotFound) Deleted Secret not found: ghost")


def test_purge_and_purge_protection(kv, rg, vault, secret):
    kv("keyvault", "secret", "delete", "--vault-name", vault, "-n", "s1")
    assert kv("keyvault", "secret", "purge", "--vault-name", vault, "-n", "s1").stdout == ""
    assert kv("keyvault", "secret", "list-deleted", "--vault-name", vault).json == []
    assert kv("keyvault", "secret", "set", "--vault-name", vault, "-n", "s1",
              "--value", "again").exit_code == 0
    kv("keyvault", "create", "-n", "protected", "-g", rg, "--enable-purge-protection", "true",
       "--retention-days", "10")
    kv("keyvault", "secret", "set", "--vault-name", "protected", "-n", "p", "--value", "x")
    deleted = kv("keyvault", "secret", "delete", "--vault-name", "protected", "-n", "p").json
    assert deleted["attributes"]["recoveryLevel"] == "CustomizedRecoverable"
    assert deleted["attributes"]["recoverableDays"] == 10
    result = kv("keyvault", "secret", "purge", "--vault-name", "protected", "-n", "p")
    assert result.exit_code == 1
    assert result.stderr.startswith('ERROR: (Forbidden) Operation "purge" is not allowed '
                                    "because purge protection is enabled for this vault.")
    kv("clock", "advance", "--days", "10")
    # the retention has run out: the secret is gone as if purged, and its name is free
    assert kv("keyvault", "secret", "list-deleted", "--vault-name", "protected").json == []
    assert kv("keyvault", "secret", "set", "--vault-name", "protected", "-n", "p",
              "--value", "y").exit_code == 0


def test_secrets_of_a_deleted_vault_come_back_with_it(kv, rg, vault, secret):
    kv("keyvault", "secret", "set", "--vault-name", vault, "-n", "gone-first", "--value", "x")
    kv("keyvault", "secret", "delete", "--vault-name", vault, "-n", "gone-first")
    kv("clock", "advance", "--days", "1")
    kv("keyvault", "delete", "-n", vault)
    result = kv("keyvault", "secret", "show", "--vault-name", vault, "-n", "s1")
    assert result.exit_code == 1
    assert result.stderr == ("ERROR: HTTPSConnection(host='vault1.vault.azure.net', port=443): "
                             "Failed to resolve 'vault1.vault.azure.net' ([Errno -2] Name or "
                             "service not known)\n")
    kv("keyvault", "recover", "-n", vault)
    assert kv("keyvault", "secret", "show", "--vault-name", vault, "-n", "s1").json["value"] \
        == "hunter3"
    still_deleted = kv("keyvault", "secret", "show-deleted", "--vault-name", vault,
                       "-n", "gone-first").json
    assert still_deleted["deletedDate"] == "2026-01-01T00:00:00+00:00"


def test_disabled_secret_value_is_forbidden(kv, vault):
    kv("keyvault", "secret", "set", "--vault-name", vault, "-n", "off", "--value", "x",
       "--disabled")
    result = kv("keyvault", "secret", "show", "--vault-name", vault, "-n", "off")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "ERROR: (Forbidden) Operation get is not allowed on a disabled secret.")
    assert "SecretDisabled" in result.stderr
    enabled = kv("keyvault", "secret", "set-attributes", "--vault-name", vault, "-n", "off",
                 "--enabled", "true", "--expires", "2030-01-01", "--tags", "a=b")
    assert enabled.json["attributes"]["enabled"] is True
    assert enabled.json["attributes"]["expires"] == "2030-01-01T00:00:00+00:00"
    assert enabled.json["tags"] == {"a": "b"}
    assert enabled.json["value"] is None
    assert kv("keyvault", "secret", "show", "--vault-name", vault, "-n", "off").json["value"] \
        == "x"


def test_expires_is_informational_and_validated(kv, vault):
    past = kv("keyvault", "secret", "set", "--vault-name", vault, "-n", "old", "--value", "x",
              "--expires", "2020-01-01T00:00:00Z", "--not-before", "2020-01-01T00Z")
    assert past.json["attributes"]["expires"] == "2020-01-01T00:00:00+00:00"
    assert kv("keyvault", "secret", "show", "--vault-name", vault, "-n", "old").exit_code == 0
    bad = kv("keyvault", "secret", "set", "--vault-name", vault, "-n", "old", "--value", "x",
             "--expires", "tomorrow")
    assert (bad.exit_code, bad.stderr) == (
        1, "ERROR: Input 'tomorrow' not valid. Valid example: 2000-12-31T12:59:59Z\n")


def test_value_or_file_usage(kv, vault):
    neither = kv("keyvault", "secret", "set", "--vault-name", vault, "-n", "x")
    assert (neither.exit_code, neither.stderr) == (
        1, "ERROR: incorrect usage: [Required] --value VALUE | --file PATH\n")
    both = kv("keyvault", "secret", "set", "--vault-name", vault, "-n", "x", "--value", "a",
              "--file", "f")
    assert both.exit_code == 1


def test_id_argument_rules(kv, vault, secret):
    result = kv("keyvault", "secret", "show", "--vault-name", vault, "--id", secret["id"])
    assert (result.exit_code, result.stderr) == (
        1, "ERROR: --vault-name and --id are mutually exclusive.\n")
    result = kv("keyvault", "secret", "show", "--vault-name", vault)
    assert result.stderr.startswith("ERROR: incorrect usage: --id ID | --vault-name/--hsm-name")
    result = kv("keyvault", "secret", "show", "--id", "notaurl")
    assert result.exit_code == 2
    assert result.stderr.startswith("ERROR: 'notaurl' is not a valid ID")
    listed = kv("keyvault", "secret", "list", "--id", "https://vault1.vault.azure.net")
    assert [s["name"] for s in listed.json] == ["s1"]


def test_invalid_names_and_sizes(kv, vault):
    result = kv("keyvault", "secret", "set", "--vault-name", vault, "-n", "bad_name",
                "--value", "x")
    assert result.exit_code == 1
    assert "(BadParameter) The request URI contains an invalid name: bad_name" in result.stderr
    too_big = kv("keyvault", "secret", "set", "--vault-name", vault, "-n", "big",
                 "--value", "x" * (25 * 1024 + 1))
    assert too_big.exit_code == 1
    assert "(BadParameter)" in too_big.stderr
    fits = kv("keyvault", "secret", "set", "--vault-name", vault, "-n", "big",
              "--value", "x" * (25 * 1024))
    assert fits.exit_code == 0


def test_file_encodings_round_trip(kv, vault, tmp_path):
    raw = bytes(range(256))
    source = tmp_path / "blob.bin"
    source.write_bytes(raw)
    stored = kv("keyvault", "secret", "set", "--vault-name", vault, "-n", "bin",
                "--file", str(source), "--encoding", "base64").json
    assert stored["value"] == base64.b64encode(raw).decode()
    assert stored["tags"] == {"file-encoding": "base64"}
    target = tmp_path / "out.bin"
    result = kv("keyvault", "secret", "download", "--vault-name", vault, "-n", "bin",
                "--file", str(target))
    assert (result.exit_code, result.stdout) == (0, "")
    assert target.read_bytes() == raw
    again = kv("keyvault", "secret", "download", "--vault-name", vault, "-n", "bin",
               "--file", str(target))
    assert (again.exit_code, again.stderr) == (
        1, f"ERROR: File '{target}' already exists. Use --overwrite to overwrite the "
           "existing file.\n")
    as_hex = kv("keyvault", "secret", "download", "--vault-name", vault, "-n", "bin",
                "--file", str(target), "--encoding", "utf-8", "--overwrite")
    assert as_hex.exit_code == 0
    assert target.read_text() == base64.b64encode(raw).decode()

    text = tmp_path / "note.txt"
    text.write_text("héllo\n")
    hexed = kv("keyvault", "secret", "set", "--vault-name", vault, "-n", "hexed",
               "--file", str(text), "--encoding", "hex").json
    assert hexed["value"] == "héllo\n".encode().hex()
    not_ascii = kv("keyvault", "secret", "set", "--vault-name", vault, "-n", "asc",
                   "--file", str(text), "--encoding", "ascii")
    assert (not_ascii.exit_code, not_ascii.stderr) == (
        1, f"ERROR: Unable to decode file '{text}' with 'ascii' encoding.\n")
    missing = kv("keyvault", "secret", "set", "--vault-name", vault, "-n", "m",
                 "--file", str(tmp_path / "nope"))
    assert missing.stderr == (f"ERROR: [Errno 2] No such file or directory: "
                              f"'{tmp_path / 'nope'}'\n")


def test_values_are_encrypted_at_rest(kv, vault, home):
    kv("keyvault", "secret", "set", "--vault-name", vault, "-n", "plain",
       "--value", "correct-horse-battery-staple")
    for directory, _, names in os.walk(home):
        for name in names:
            data = (home / directory / name).read_bytes()
            assert b"correct-horse-battery-staple" not in data, name
    key_file = home / "keys" / "data.key"
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert oct(home.stat().st_mode & 0o777) == "0o700"
    stored = json.loads((home / "vaults" / "vault1" / "secrets" / "plain.json").read_text())
    assert set(stored["versions"][0]["value"]) == {"nonce", "data"}


def test_recovery_id_and_vault_uri_forms_of_id(kv, vault, secret):
    deleted = kv("keyvault", "secret", "delete", "--vault-name", vault, "-n", "s1").json
    shown = kv("keyvault", "secret", "show-deleted", "--id", deleted["recoveryId"])
    assert shown.json["name"] == "s1"
    recovered = kv("keyvault", "secret", "recover", "--id", deleted["recoveryId"])
    assert recovered.exit_code == 0
    assert kv("keyvault", "secret", "show", "--id",
              "https://vault1.vault.azure.net/secrets/s1").json["value"] == "hunter3"


def test_expired_secret_stays_purged_when_the_clock_goes_back(kv, vault, secret):
    kv("keyvault", "secret", "delete", "--vault-name", vault, "-n", "s1")
    kv("clock", "advance", "--days", "90")
    assert kv("keyvault", "secret", "show-deleted", "--vault-name", vault,
              "-n", "s1").exit_code == 1
    kv("clock", "reset")
    assert kv("keyvault", "secret", "list-deleted", "--vault-name", vault).json == []
    assert kv("keyvault", "secret", "recover", "--vault-name", vault, "-n", "s1").exit_code == 1
