"""Who may do what with keys and certificates, role by role, end to end through the CLI.

As in test_access_matrix.py, the expectations are written by hand from the real built-in role
definitions (their dataActions on learn.microsoft.com), not computed by kvcli's matcher:
Crypto Officer holds `keys/*` and `keyrotationpolicies/*`; Crypto User `keys/read`,
`update`, `backup`, `encrypt`, `decrypt`, `wrap`, `unwrap`, `sign`, `verify`; Crypto Service
Encryption User `keys/read`, `wrap`, `unwrap`; Certificate User `certificates/read`,
`keys/read` and two secret reads; Certificates Officer `certificates/*`,
`certificatecas/*`, `certificatecontacts/write`; Reader `vaults/*/read`.
"""

from __future__ import annotations

import base64
import hashlib

import pytest

from tests.cli.test_access_matrix import ADMIN, ALICE, ROLES, assign, login, ok, refused, vault_id

KEY_OPS = ["create", "show", "list", "list-versions", "set-attributes", "download", "delete",
           "list-deleted", "show-deleted", "recover", "purge", "backup", "restore", "encrypt",
           "decrypt", "sign", "verify", "rotate", "policy-show", "policy-update"]
KEY_READS = {"show", "list", "list-versions", "download", "list-deleted", "show-deleted"}
EXPECTED_KEYS = {
    "Key Vault Administrator": set(KEY_OPS),
    "Key Vault Crypto Officer": set(KEY_OPS),
    "Key Vault Crypto User": KEY_READS | {"set-attributes", "backup", "encrypt", "decrypt",
                                         "sign", "verify"},
    "Key Vault Crypto Service Encryption User": KEY_READS,
    "Key Vault Certificate User": KEY_READS,
    "Key Vault Reader": KEY_READS | {"policy-show"},
}

CERT_OPS = ["create", "show", "list", "list-versions", "set-attributes", "download", "delete",
            "list-deleted", "show-deleted", "recover", "purge", "backup", "restore",
            "pending-show", "issuer-create", "issuer-list", "contact-add", "contact-list"]
CERT_READS = {"show", "list", "list-versions", "download", "list-deleted", "show-deleted",
              "pending-show", "contact-list"}
EXPECTED_CERTS = {
    "Key Vault Administrator": set(CERT_OPS),
    "Key Vault Certificates Officer": set(CERT_OPS),
    "Key Vault Certificate User": CERT_READS,
    "Key Vault Reader": CERT_READS | {"issuer-list"},
}


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def key(kv, *args):
    return kv("keyvault", "key", *args)


def prepare_keys(kv, tmp_path):
    base = ("--vault-name", "vault1")
    for name in ("k-live", "k-victim", "k-recover", "k-purge", "k-gone"):
        ok(key(kv, "create", *base, "-n", name, "-o", "none"))
    ok(key(kv, "backup", *base, "-n", "k-gone", "-f", str(tmp_path / "gone.blob")))
    for name in ("k-recover", "k-purge", "k-gone"):
        ok(key(kv, "delete", *base, "-n", name, "-o", "none"))
    ok(key(kv, "purge", *base, "-n", "k-gone"))
    digest = b64(hashlib.sha256(b"m").digest())
    ciphertext = ok(key(kv, "encrypt", *base, "-n", "k-live", "-a", "RSA-OAEP", "--value",
                        "hi", "--data-type", "plaintext")).json["result"]
    signature = ok(key(kv, "sign", *base, "-n", "k-live", "-a", "RS256", "--digest",
                       digest)).json["signature"]
    return digest, ciphertext, signature


def key_command(op, tmp_path, digest, ciphertext, signature):
    base = ["--vault-name", "vault1"]
    live = [*base, "-n", "k-live"]
    return {
        "create": ["create", *base, "-n", "k-new"],
        "show": ["show", *live],
        "list": ["list", *base],
        "list-versions": ["list-versions", *live],
        "set-attributes": ["set-attributes", *live, "--enabled", "true"],
        "download": ["download", *live, "-f", str(tmp_path / "pub.pem")],
        "delete": ["delete", *base, "-n", "k-victim"],
        "list-deleted": ["list-deleted", *base],
        "show-deleted": ["show-deleted", *base, "-n", "k-purge"],
        "recover": ["recover", *base, "-n", "k-recover"],
        "purge": ["purge", *base, "-n", "k-purge"],
        "backup": ["backup", *live, "-f", str(tmp_path / "alice.blob")],
        "restore": ["restore", *base, "-f", str(tmp_path / "gone.blob")],
        "encrypt": ["encrypt", *live, "-a", "RSA-OAEP", "--value", "x", "--data-type",
                    "plaintext"],
        "decrypt": ["decrypt", *live, "-a", "RSA-OAEP", "--value", ciphertext],
        "sign": ["sign", *live, "-a", "RS256", "--digest", digest],
        "verify": ["verify", *live, "-a", "RS256", "--digest", digest, "--signature",
                   signature],
        "rotate": ["rotate", *live],
        "policy-show": ["rotation-policy", "show", *live],
        "policy-update": ["rotation-policy", "update", *live, "--value",
                          '{"lifetimeActions": [{"action": {"type": "Notify"}, '
                          '"trigger": {"timeBeforeExpiry": "P30D"}}]}'],
    }[op]


def state(kv, kind):
    listed = ok(kv("keyvault", kind, "list", "--vault-name", "vault1",
                   "--query", "[].[name, attributes.updated]")).json
    deleted = ok(kv("keyvault", kind, "list-deleted", "--vault-name", "vault1",
                    "--query", "[].name")).json
    return listed, deleted


def alice_with(kv, role, vault):
    ok(kv("ad", "user", "create", "--display-name", "Alice", "--user-principal-name", ALICE,
          "-o", "none"))
    assign(kv, role, vault_id(kv, vault))


@pytest.mark.parametrize("role", ROLES)
def test_key_operations_by_role(kv, vault, tmp_path, role):
    prepared = prepare_keys(kv, tmp_path)
    alice_with(kv, role, vault)
    before = state(kv, "key")
    login(kv, ALICE)
    allowed = set()
    for op in KEY_OPS:
        result = key(kv, *key_command(op, tmp_path, *prepared))
        if not refused(result):
            assert result.exit_code == 0, (op, result.stderr)
            allowed.add(op)
    assert allowed == EXPECTED_KEYS.get(role, set())
    if not allowed:
        login(kv, ADMIN)
        assert state(kv, "key") == before, "a refused call changed the vault"


def cert(kv, *args):
    return kv("keyvault", "certificate", *args)


def prepare_certificates(kv, tmp_path):
    base = ("--vault-name", "vault1")
    policy = ok(cert(kv, "get-default-policy")).stdout
    for name in ("c-live", "c-victim", "c-recover", "c-purge", "c-gone"):
        ok(cert(kv, "create", *base, "-n", name, "-p", policy, "-o", "none"))
    ok(cert(kv, "backup", *base, "-n", "c-gone", "-f", str(tmp_path / "gone.blob")))
    for name in ("c-recover", "c-purge", "c-gone"):
        ok(cert(kv, "delete", *base, "-n", name, "-o", "none"))
    ok(cert(kv, "purge", *base, "-n", "c-gone"))
    pending = policy.replace('"name": "Self"', '"name": "Unknown"')
    ok(cert(kv, "create", *base, "-n", "c-pending", "-p", pending, "-o", "none"))
    return policy


def cert_command(op, tmp_path, policy):
    base = ["--vault-name", "vault1"]
    live = [*base, "-n", "c-live"]
    return {
        "create": ["create", *base, "-n", "c-new", "-p", policy],
        "show": ["show", *live],
        "list": ["list", *base],
        "list-versions": ["list-versions", *live],
        "set-attributes": ["set-attributes", *live, "--enabled", "true"],
        "download": ["download", *live, "-f", str(tmp_path / "c.pem")],
        "delete": ["delete", *base, "-n", "c-victim"],
        "list-deleted": ["list-deleted", *base],
        "show-deleted": ["show-deleted", *base, "-n", "c-purge"],
        "recover": ["recover", *base, "-n", "c-recover"],
        "purge": ["purge", *base, "-n", "c-purge"],
        "backup": ["backup", *live, "-f", str(tmp_path / "alice.blob")],
        "restore": ["restore", *base, "-f", str(tmp_path / "gone.blob")],
        "pending-show": ["pending", "show", *base, "-n", "c-pending"],
        "issuer-create": ["issuer", "create", *base, "--issuer-name", "i1", "--provider-name", "Test"],
        "issuer-list": ["issuer", "list", *base],
        "contact-add": ["contact", "add", *base, "--email", "a@contoso.com"],
        "contact-list": ["contact", "list", *base],
    }[op]


@pytest.mark.parametrize("role", ["Key Vault Administrator", "Key Vault Certificates Officer",
                                  "Key Vault Certificate User", "Key Vault Reader",
                                  "Key Vault Secrets Officer", "Key Vault Crypto Officer",
                                  "Owner"])
def test_certificate_operations_by_role(kv, vault, tmp_path, role):
    policy = prepare_certificates(kv, tmp_path)
    ok(cert(kv, "contact", "add", "--vault-name", vault, "--email", "b@contoso.com",
            "-o", "none"))
    alice_with(kv, role, vault)
    before = state(kv, "certificate")
    login(kv, ALICE)
    allowed = set()
    for op in CERT_OPS:
        result = cert(kv, *cert_command(op, tmp_path, policy))
        if not refused(result):
            assert result.exit_code == 0, (op, result.stderr)
            allowed.add(op)
    assert allowed == EXPECTED_CERTS.get(role, set())
    if not allowed:
        login(kv, ADMIN)
        assert state(kv, "certificate") == before, "a refused call changed the vault"
