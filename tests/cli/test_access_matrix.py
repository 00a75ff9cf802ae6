"""Who may do what, role by role: every built-in role against every vault (ARM) operation
and every secret data operation, allowed or refused as Azure would.

The expectations are written out by hand from the real role definitions (actions, notActions,
dataActions on learn.microsoft.com), not computed by kvcli's own matcher.
"""

from __future__ import annotations

import pytest

ALICE = "alice@contoso.com"
ADMIN = "admin@kvcli.local"
ROLES = ["Owner", "Contributor", "Reader", "User Access Administrator",
         "Key Vault Administrator", "Key Vault Certificates Officer",
         "Key Vault Certificate User", "Key Vault Contributor", "Key Vault Crypto Officer",
         "Key Vault Crypto Service Encryption User", "Key Vault Crypto User",
         "Key Vault Data Access Administrator", "Key Vault Purge Operator", "Key Vault Reader",
         "Key Vault Secrets Officer", "Key Vault Secrets User"]

ARM_OPS = ["create", "show", "update", "list-deleted", "show-deleted", "recover", "purge",
           "delete"]
ALL_ARM = set(ARM_OPS)
DELETED_READ = {"list-deleted", "show-deleted"}
EXPECTED_ARM = {
    "Owner": ALL_ARM,
    "Contributor": ALL_ARM,
    "Reader": {"show"} | DELETED_READ,
    "User Access Administrator": {"show"} | DELETED_READ,
    "Key Vault Contributor": ALL_ARM - {"purge"},
    "Key Vault Purge Operator": DELETED_READ | {"purge"},
    "Key Vault Administrator": DELETED_READ,
    "Key Vault Certificates Officer": DELETED_READ,
    "Key Vault Crypto Officer": DELETED_READ,
    "Key Vault Reader": DELETED_READ,
    "Key Vault Secrets Officer": DELETED_READ,
}

SECRET_OPS = ["set", "show", "download", "list", "list-versions", "set-attributes",
              "show-deleted", "list-deleted", "recover", "purge", "delete", "backup", "restore"]
ALL_SECRET = set(SECRET_OPS)
METADATA = {"list", "list-versions", "list-deleted", "show-deleted"}
EXPECTED_SECRET = {
    "Key Vault Administrator": ALL_SECRET,
    "Key Vault Secrets Officer": ALL_SECRET,
    "Key Vault Secrets User": METADATA | {"show", "download"},
    "Key Vault Certificate User": METADATA | {"show", "download"},
    "Key Vault Reader": METADATA,
}


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


def refused(result) -> bool:
    """A 403 from ARM or Key Vault: exit 1 and the service's words."""
    forbidden = "(AuthorizationFailed)" in result.stderr or "(Forbidden)" in result.stderr
    if forbidden:
        assert result.exit_code == 1
    return forbidden


def login(kv, upn):
    ok(kv("login", "-u", upn, "-o", "none"))


def subscription(kv) -> str:
    return "/subscriptions/" + ok(kv("account", "show", "--query", "id", "-o", "tsv")).stdout.strip()


def vault_id(kv, name) -> str:
    return ok(kv("keyvault", "show", "-n", name, "--query", "id", "-o", "tsv")).stdout.strip()


def assign(kv, role, scope, assignee=ALICE):
    ok(kv("role", "assignment", "create", "--assignee", assignee, "--role", role,
          "--scope", scope, "-o", "none"))


def arm_command(op):
    return {
        "create": ["keyvault", "create", "-n", "made-by-alice", "-g", "rg1"],
        "show": ["keyvault", "show", "-n", "live-vault"],
        "update": ["keyvault", "update", "-n", "live-vault", "--tags", "a=b"],
        "list-deleted": ["keyvault", "list-deleted"],
        "show-deleted": ["keyvault", "show-deleted", "-n", "gone-vault"],
        "recover": ["keyvault", "recover", "-n", "back-vault"],
        "purge": ["keyvault", "purge", "-n", "gone-vault"],
        "delete": ["keyvault", "delete", "-n", "live-vault"],
    }[op]


@pytest.mark.parametrize("role", ROLES)
def test_vault_operations_by_role(kv, rg, role):
    for name in ("live-vault", "gone-vault", "back-vault"):
        ok(kv("keyvault", "create", "-n", name, "-g", rg, "-o", "none"))
    for name in ("gone-vault", "back-vault"):
        ok(kv("keyvault", "delete", "-n", name))
    ok(kv("ad", "user", "create", "--display-name", "Alice", "--user-principal-name", ALICE,
          "-o", "none"))
    assign(kv, role, subscription(kv))
    login(kv, ALICE)
    allowed = {op for op in ARM_OPS if not refused(kv(*arm_command(op)))}
    assert allowed == EXPECTED_ARM.get(role, set())


def secret_command(op, tmp_path):
    base = ["--vault-name", "vault1"]
    return {
        "set": ["set", *base, "-n", "s-new", "--value", "v"],
        "show": ["show", *base, "-n", "s-live"],
        "download": ["download", *base, "-n", "s-live", "-f", str(tmp_path / "out.txt")],
        "list": ["list", *base],
        "list-versions": ["list-versions", *base, "-n", "s-live"],
        "set-attributes": ["set-attributes", *base, "-n", "s-live", "--enabled", "true"],
        "show-deleted": ["show-deleted", *base, "-n", "s-purge"],
        "list-deleted": ["list-deleted", *base],
        "recover": ["recover", *base, "-n", "s-recover"],
        "purge": ["purge", *base, "-n", "s-purge"],
        "delete": ["delete", *base, "-n", "s-victim"],
        "backup": ["backup", *base, "-n", "s-live", "-f", str(tmp_path / "alice.blob")],
        "restore": ["restore", *base, "-f", str(tmp_path / "gone.blob")],
    }[op]


def prepare_secrets(kv, tmp_path, vault="vault1"):
    secret = ["keyvault", "secret"]
    for name in ("s-live", "s-victim", "s-recover", "s-purge", "s-gone"):
        ok(kv(*secret, "set", "--vault-name", vault, "-n", name, "--value", "v", "-o", "none"))
    ok(kv(*secret, "backup", "--vault-name", vault, "-n", "s-gone", "-f",
          str(tmp_path / "gone.blob")))
    for name in ("s-recover", "s-purge", "s-gone"):
        ok(kv(*secret, "delete", "--vault-name", vault, "-n", name, "-o", "none"))
    ok(kv(*secret, "purge", "--vault-name", vault, "-n", "s-gone"))


def secrets_state(kv, vault="vault1"):
    active = ok(kv("keyvault", "secret", "list", "--vault-name", vault,
                   "--query", "[].[name, attributes.updated]")).json
    deleted = ok(kv("keyvault", "secret", "list-deleted", "--vault-name", vault,
                    "--query", "[].name")).json
    return active, deleted


@pytest.mark.parametrize("role", ROLES)
def test_secret_operations_by_role(kv, vault, tmp_path, role):
    prepare_secrets(kv, tmp_path)
    ok(kv("ad", "user", "create", "--display-name", "Alice", "--user-principal-name", ALICE,
          "-o", "none"))
    assign(kv, role, vault_id(kv, vault))
    before = secrets_state(kv)
    login(kv, ALICE)
    allowed = set()
    for op in SECRET_OPS:
        result = kv("keyvault", "secret", *secret_command(op, tmp_path))
        if not refused(result):
            assert result.exit_code == 0, (op, result.stderr)
            allowed.add(op)
    assert allowed == EXPECTED_SECRET.get(role, set())
    if not allowed:
        login(kv, ADMIN)
        assert secrets_state(kv) == before, "a refused call changed the vault"
