"""backup-all and restore-all, which pay their fixed costs once per run (one lock, one read of
the vault, one access decision per kind, writes published in batches), do exactly what the
per-object commands do: the same objects restored, one audit line per object operation as
Key Vault logs one per request, and each object still authorised on its own scope."""

from __future__ import annotations

import pytest

from tests.cli.test_access_matrix import ADMIN, ALICE, assign, login, ok, vault_id

SECRET, KEY, CERT = (["keyvault", kind] for kind in ("secret", "key", "certificate"))


@pytest.fixture
def filled(kv, vault):
    """Secrets with several versions, tags and a content type, a key, a certificate."""
    versions = {"alpha": ["a1", "a2"], "beta": ["b1"], "gamma": ["g1", "g2", "g3"]}
    for name, values in versions.items():
        for value in values:
            ok(kv(*SECRET, "set", "--vault-name", vault, "-n", name, "--value", value,
                  "--tags", f"v={value}", "--content-type", "text/plain", "-o", "none"))
    ok(kv(*KEY, "create", "--vault-name", vault, "-n", "k1", "--kty", "RSA", "-o", "none"))
    default = ok(kv(*CERT, "get-default-policy")).stdout
    ok(kv(*CERT, "create", "--vault-name", vault, "-n", "c1", "-p", default, "-o", "none"))
    return vault


def _shown(kv, vault):
    """Every object of a vault as the show and list-versions commands print it, with the
    vault's address taken out so that two vaults compare."""
    found = {}
    for kind, names in ((SECRET, ["alpha", "beta", "gamma", "c1"]), (KEY, ["k1", "c1"]),
                        (CERT, ["c1"])):
        for name in names:
            shown = ok(kv(*kind, "show", "--vault-name", vault, "-n", name)).stdout
            versions = ok(kv(*kind, "list-versions", "--vault-name", vault, "-n", name)).stdout
            found[(kind[1], name)] = (shown + versions).replace(vault, "VAULT")
    return found


def test_restore_all_restores_what_each_restore_does(kv, rg, filled, tmp_path):
    ok(kv("keyvault", "backup-all", "--vault-name", filled, "--dir", str(tmp_path / "all")))
    for target in ("bulkvault", "onevault"):
        ok(kv("keyvault", "create", "-n", target, "-g", rg, "-o", "none"))
    report = ok(kv("keyvault", "restore-all", "--vault-name", "bulkvault",
                   "--dir", str(tmp_path / "all"))).json
    assert [(r["kind"], r["name"], r["status"]) for r in report] == [
        ("secret", "alpha", "restored"), ("secret", "beta", "restored"),
        ("secret", "gamma", "restored"), ("key", "k1", "restored"),
        ("certificate", "c1", "restored")]
    for kind, name in (("secret", "alpha"), ("secret", "beta"), ("secret", "gamma"),
                       ("key", "k1"), ("certificate", "c1")):
        blob = tmp_path / f"{kind}-{name}.blob"
        ok(kv("keyvault", kind, "backup", "--vault-name", filled, "-n", name, "-f", str(blob)))
        ok(kv("keyvault", kind, "restore", "--vault-name", "onevault", "-f", str(blob)))
    assert _shown(kv, "bulkvault") == _shown(kv, "onevault") == _shown(kv, filled)


def _operations(kv, vault, result="Success"):
    return [(entry["operationName"], entry["requestUri"]) for entry in ok(kv(
        "audit", "list", "--vault-name", vault, "--result", result)).json]


def test_one_audit_line_per_object_operation(kv, rg, filled, tmp_path, home):
    before = len(_operations(kv, filled))
    ok(kv("keyvault", "backup-all", "--vault-name", filled, "--dir", str(tmp_path / "b")))
    uri = f"https://{filled}.vault.azure.net"
    assert _operations(kv, filled)[before:] == [
        ("SecretList", uri), ("KeyList", uri), ("CertificateList", uri),
        ("SecretListDeleted", uri), ("KeyListDeleted", uri), ("CertificateListDeleted", uri),
        ("SecretBackup", f"{uri}/secrets/alpha"), ("SecretBackup", f"{uri}/secrets/beta"),
        ("SecretBackup", f"{uri}/secrets/gamma"), ("KeyBackup", f"{uri}/keys/k1"),
        ("CertificateBackup", f"{uri}/certificates/c1")]
    ok(kv("keyvault", "create", "-n", "vault2", "-g", rg, "-o", "none"))
    ok(kv(*SECRET, "set", "--vault-name", "vault2", "-n", "beta", "--value", "taken",
          "-o", "none"))
    assert kv("keyvault", "restore-all", "--vault-name", "vault2",
              "--dir", str(tmp_path / "b")).exit_code == 1
    target = "https://vault2.vault.azure.net"
    assert _operations(kv, "vault2")[2:] == [
        ("SecretRestore", target), ("SecretRestore", target), ("KeyRestore", target),
        ("CertificateRestore", target)]
    assert _operations(kv, "vault2", "Failed") == [("SecretRestore", target)]
    assert ok(kv("audit", "verify")).json["intact"] is True


def test_each_backup_is_still_authorised_on_its_own_object(kv, vault, tmp_path):
    for name in ("mine", "yours", "theirs"):
        ok(kv(*SECRET, "set", "--vault-name", vault, "-n", name, "--value", "v", "-o", "none"))
    login(kv, ALICE)
    login(kv, ADMIN)
    scope = vault_id(kv, vault)
    assign(kv, "Key Vault Reader", scope)  # may list every kind, back up nothing
    for name in ("mine", "yours"):
        assign(kv, "Key Vault Secrets Officer", f"{scope}/secrets/{name}")
    login(kv, ALICE)
    refused = kv("keyvault", "backup-all", "--vault-name", vault, "--dir", str(tmp_path / "r"))
    assert refused.exit_code == 1
    assert "secrets/theirs" in refused.stderr, refused.stderr
    assert _operations(kv, vault, "Denied") == [
        ("SecretBackup", f"https://{vault}.vault.azure.net/secrets/theirs")]
    login(kv, ADMIN)
    assign(kv, "Key Vault Secrets Officer", f"{scope}/secrets/theirs")
    login(kv, ALICE)
    done = ok(kv("keyvault", "backup-all", "--vault-name", vault, "--dir", str(tmp_path / "d")))
    assert [entry["name"] for entry in done.json["objects"]] == ["mine", "theirs", "yours"]


def test_backup_all_still_answers_on_a_read_only_home(kv, vault, home, tmp_path):
    """No lock can be taken there, so the run is not batched in the home (nothing can be
    written there, the audit line included); its blob files are still written whole."""
    from tests.cli.test_read_only_home import read_only, snapshot

    ok(kv(*SECRET, "set", "--vault-name", vault, "-n", "s", "--value", "v", "-o", "none"))
    before = snapshot(home)
    with read_only():
        done = ok(kv("keyvault", "backup-all", "--vault-name", vault,
                     "--dir", str(tmp_path / "ro")))
        assert [entry["name"] for entry in done.json["objects"]] == ["s"]
        assert ok(kv("backup", "inspect", str(tmp_path / "ro" / "secret-s.kvbackup"))).json[
            "verified"] is True
    assert snapshot(home) == before
