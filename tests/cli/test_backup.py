"""Secret backup and restore, whole-vault backup, and `backup inspect`, end to end."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def backed_up(kv, vault, tmp_path):
    """A secret with two versions, one disabled and tagged, backed up to a file."""
    first = kv("keyvault", "secret", "set", "--vault-name", vault, "-n", "db", "--value", "one",
               "--tags", "env=dev", "--content-type", "password").json
    kv("keyvault", "secret", "set", "--vault-name", vault, "-n", "db", "--value", "two",
       "--disabled")
    blob = tmp_path / "db.blob"
    result = kv("keyvault", "secret", "backup", "--vault-name", vault, "-n", "db", "-f", str(blob))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    return blob, first


def _versions(kv, vault, name="db"):
    return kv("keyvault", "secret", "list-versions", "--vault-name", vault, "-n", name).json


def test_blob_is_marked_and_hides_values(backed_up):
    blob, _ = backed_up
    data = blob.read_bytes()
    assert data.startswith(b"KVCLI-BACKUP\n\x01")
    assert b"one" not in data.split(b"}", 1)[1] and b"two" not in data


def test_round_trip_after_purge_keeps_everything(kv, vault, backed_up):
    blob, first = backed_up
    before = _versions(kv, vault)
    kv("keyvault", "secret", "delete", "--vault-name", vault, "-n", "db")
    kv("keyvault", "secret", "purge", "--vault-name", vault, "-n", "db")
    restored = kv("keyvault", "secret", "restore", "--vault-name", vault, "-f", str(blob))
    assert restored.exit_code == 0, restored.stderr
    assert restored.json["value"] is None
    assert restored.json["attributes"]["enabled"] is False
    assert _versions(kv, vault) == before
    assert kv("keyvault", "secret", "show", "--id", first["id"]).json["value"] == "one"
    assert kv("keyvault", "secret", "show", "--id", first["id"]).json["tags"] == {
        "env": "dev", "file-encoding": "utf-8"}


def test_restore_into_second_vault_rewrites_ids(kv, rg, backed_up):
    blob, first = backed_up
    kv("keyvault", "create", "-n", "vault2", "-g", rg)
    restored = kv("keyvault", "secret", "restore", "--vault-name", "vault2", "-f", str(blob)).json
    assert restored["id"].startswith("https://vault2.vault.azure.net/secrets/db/")
    version = first["id"].rsplit("/", 1)[1]
    shown = kv("keyvault", "secret", "show", "--vault-name", "vault2", "-n", "db",
               "--version", version).json
    assert shown["value"] == "one"
    assert shown["id"] == f"https://vault2.vault.azure.net/secrets/db/{version}"


def test_restore_conflicts_with_active_and_deleted_names(kv, vault, backed_up):
    blob, _ = backed_up
    active = kv("keyvault", "secret", "restore", "--vault-name", vault, "-f", str(blob))
    assert active.exit_code == 1
    assert active.stderr.startswith("ERROR: (Conflict) Secret db already exists")
    kv("keyvault", "secret", "delete", "--vault-name", vault, "-n", "db")
    deleted = kv("keyvault", "secret", "restore", "--vault-name", vault, "-f", str(blob))
    assert deleted.exit_code == 1
    assert "ObjectIsDeletedButRecoverable" in deleted.stderr


def test_restore_refused_in_another_geography(kv, backed_up):
    blob, _ = backed_up
    kv("group", "create", "-n", "eu", "-l", "westeurope")
    kv("keyvault", "create", "-n", "euvault", "-g", "eu")
    result = kv("keyvault", "secret", "restore", "--vault-name", "euvault", "-f", str(blob))
    assert result.exit_code == 1
    assert result.stderr.startswith("ERROR: (Forbidden) Restore of a backup blob into a vault "
                                    "in a different geography is not allowed.")
    assert kv("keyvault", "secret", "list", "--vault-name", "euvault").json == []
    kv("group", "create", "-n", "us2", "-l", "westus2")
    kv("keyvault", "create", "-n", "usvault", "-g", "us2")
    ok = kv("keyvault", "secret", "restore", "--vault-name", "usvault", "-f", str(blob))
    assert ok.exit_code == 0, ok.stderr


def test_blob_from_another_home_is_forbidden(kv, backed_up, tmp_path, monkeypatch):
    blob, _ = backed_up
    monkeypatch.setenv("KVCLI_HOME", str(tmp_path / "other-home"))
    kv("group", "create", "-n", "rg1", "-l", "eastus")
    kv("keyvault", "create", "-n", "vault1", "-g", "rg1")
    result = kv("keyvault", "secret", "restore", "--vault-name", "vault1", "-f", str(blob))
    assert result.exit_code == 1
    assert result.stderr.startswith("ERROR: (Forbidden) Restore of a backup blob into a "
                                    "different subscription is not allowed.")
    inspected = kv("backup", "inspect", str(blob)).json
    assert inspected["verified"] is False


def test_missing_truncated_and_foreign_files(kv, vault, backed_up, tmp_path):
    blob, _ = backed_up
    missing = kv("keyvault", "secret", "restore", "--vault-name", vault, "-f",
                 str(tmp_path / "nope.blob"))
    assert (missing.exit_code, missing.stderr) == (
        1, f"ERROR: [Errno 2] No such file or directory: '{tmp_path / 'nope.blob'}'\n")
    kv("keyvault", "secret", "delete", "--vault-name", vault, "-n", "db")
    kv("keyvault", "secret", "purge", "--vault-name", vault, "-n", "db")
    data = blob.read_bytes()
    cases = {"truncated": data[:-5], "foreign": b"PK\x03\x04 not a backup at all",
             "empty": b"", "future": data[:13] + b"\x02" + data[14:],
             "flipped": data[:-1] + bytes([data[-1] ^ 0x01])}
    for label, content in cases.items():
        bad = tmp_path / f"{label}.blob"
        bad.write_bytes(content)
        result = kv("keyvault", "secret", "restore", "--vault-name", vault, "-f", str(bad))
        assert result.exit_code == 1, label
        assert result.stderr.startswith("ERROR: (BadParameter) Backup blob contains invalid or "
                                        "corrupt version."), label
    assert kv("keyvault", "secret", "list", "--vault-name", vault).json == []


def test_wrong_kind_is_refused(kv, vault, backed_up, home):
    """A blob whose authenticated header names another kind cannot be restored as a secret."""
    from kvcli.core import backup
    from kvcli.errors import ServiceError
    from kvcli.store.home import Home

    blob, _ = backed_up
    header, _ = backup.read_header(blob.read_bytes())
    key_blob = backup.seal_object(Home.open(home), kind="key", name="k", source_vault=vault,
                                  geography=header["geography"], versions=1, payload={})
    with pytest.raises(ServiceError) as refused:
        backup.open_object(Home.open(home), key_blob, kind="secret",
                           target_geography=header["geography"])
    assert refused.value.code == "BadParameter"
    assert "holds a key, not a secret" in refused.value.message


def test_backup_of_deleted_or_missing_secret(kv, vault, tmp_path):
    result = kv("keyvault", "secret", "backup", "--vault-name", vault, "-n", "ghost",
                "-f", str(tmp_path / "g.blob"))
    assert result.exit_code == 1
    assert "(SecretNotFound)" in result.stderr
    assert not (tmp_path / "g.blob").exists()


def test_inspect_shows_header_never_values(kv, vault, backed_up):
    blob, _ = backed_up
    result = kv("backup", "inspect", str(blob))
    assert result.exit_code == 0
    info = result.json
    assert info["kind"] == "secret" and info["name"] == "db"
    assert info["sourceVault"] == vault and info["versions"] == 2
    assert info["geography"] == "United States" and info["verified"] is True
    assert info["subscriptionId"] == kv("account", "show").json["id"]
    assert "one" not in result.stdout and "two" not in result.stdout


def test_backup_all_and_restore_all(kv, rg, vault, tmp_path):
    for name in ("a", "b", "c"):
        kv("keyvault", "secret", "set", "--vault-name", vault, "-n", name, "--value", name * 3)
    kv("keyvault", "secret", "delete", "--vault-name", vault, "-n", "c")
    out = tmp_path / "bk"
    manifest = kv("keyvault", "backup-all", "--vault-name", vault, "--dir", str(out))
    assert manifest.exit_code == 0, manifest.stderr
    assert [(o["kind"], o["name"]) for o in manifest.json["objects"]] == [("secret", "a"),
                                                                         ("secret", "b")]
    assert manifest.stderr == ("WARNING: 1 soft-deleted object(s) not backed up (Key Vault "
                               "cannot back up a deleted object; recover it first): secret c\n")
    assert json.loads((out / "manifest.json").read_text()) == manifest.json
    kv("keyvault", "create", "-n", "vault2", "-g", rg)
    kv("keyvault", "secret", "set", "--vault-name", "vault2", "-n", "b", "--value", "taken")
    report = kv("keyvault", "restore-all", "--vault-name", "vault2", "--dir", str(out))
    assert report.exit_code == 1
    assert report.stderr.strip().endswith("ERROR: 1 of 2 objects were not restored.")
    outcome = {r["name"]: (r["status"], r["error"]) for r in report.json}
    assert outcome["a"] == ("restored", None)
    assert outcome["b"][0] == "refused" and outcome["b"][1].startswith("(Conflict)")
    assert kv("keyvault", "secret", "show", "--vault-name", "vault2", "-n", "a").json["value"] \
        == "aaa"
    missing = kv("keyvault", "restore-all", "--vault-name", "vault2", "--dir",
                 str(tmp_path / "none"))
    assert missing.exit_code == 1
    assert "No such file or directory" in missing.stderr


def test_backup_all_shows_progress_only_on_a_terminal(kv, vault, tmp_path, home):
    """A rich progress line goes to an interactive stderr; piped runs stay silent."""
    import os
    import pty
    import subprocess
    import sys

    kv("keyvault", "secret", "set", "--vault-name", vault, "-n", "p1", "--value", "x")
    args = [sys.executable, "-m", "kvcli", "keyvault", "backup-all", "--vault-name", vault,
            "-o", "none"]
    piped = subprocess.run([*args, "--dir", str(tmp_path / "piped")], capture_output=True,
                           text=True, env=os.environ.copy())
    assert (piped.returncode, piped.stderr) == (0, "")
    controller, terminal = pty.openpty()
    proc = subprocess.run([*args, "--dir", str(tmp_path / "tty")], stdout=subprocess.PIPE,
                          stderr=terminal, env={**os.environ, "TERM": "xterm"})
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    assert proc.returncode == 0
    assert b"Backing up" in shown
    assert (tmp_path / "tty" / "manifest.json").exists()
