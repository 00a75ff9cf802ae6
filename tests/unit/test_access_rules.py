"""The data-action table for every object kind, role by role, and that every data-plane
function of every kind module is declared to the authorisation boundary."""

from __future__ import annotations

import importlib
import importlib.util
import inspect

import pytest

from kvcli.core import access, roles

READS = {"Get", "List", "ListVersions", "ListDeleted", "GetDeleted"}
KEY_OPS = READS | {"Create", "Import", "Update", "Rotate", "Delete", "Recover", "Purge", "Backup",
                   "Restore", "Encrypt", "Decrypt", "Sign", "Verify", "WrapKey", "UnwrapKey",
                   "Release", "GetRotationPolicy", "SetRotationPolicy"}
CERT_READS = READS | {"GetPending", "GetContacts"}
CERT_OPS = CERT_READS | {"Create", "Import", "Update", "Delete", "Recover", "Purge", "Backup",
                         "Restore", "DeletePending", "UpdatePending", "Merge", "GetIssuer",
                         "ListIssuers", "SetIssuer", "DeleteIssuer", "SetContacts",
                         "DeleteContacts"}
EXPECTED = {
    "keys": {
        "Key Vault Administrator": KEY_OPS,
        "Key Vault Crypto Officer": KEY_OPS,
        "Key Vault Crypto User": READS | {"Update", "Backup", "Encrypt", "Decrypt", "WrapKey",
                                          "UnwrapKey", "Sign", "Verify"},
        "Key Vault Crypto Service Encryption User": READS | {"WrapKey", "UnwrapKey"},
        "Key Vault Reader": READS | {"GetRotationPolicy"},
        "Key Vault Certificate User": READS,
    },
    "certificates": {
        "Key Vault Administrator": CERT_OPS,
        "Key Vault Certificates Officer": CERT_OPS,
        "Key Vault Certificate User": CERT_READS,
        # `vaults/*/read` also covers the issuers (certificatecas/read).
        "Key Vault Reader": CERT_READS | {"GetIssuer", "ListIssuers"},
    },
}


@pytest.mark.parametrize("collection", ["keys", "certificates"])
@pytest.mark.parametrize("role", roles.BUILT_IN_ROLES, ids=lambda r: r.name)
def test_data_actions_of_future_kinds(collection, role):
    ops = {op for (kind, op) in access.DATA_ACTIONS if kind == collection}
    assert ops == (KEY_OPS if collection == "keys" else CERT_OPS)
    granted = {op for op in ops
               if roles.grants_data_action(role, access.data_action(collection, "X", op).data)}
    assert granted == EXPECTED[collection].get(role.name, set())


def test_access_policy_permissions_in_the_table_are_ones_az_accepts():
    for (collection, _), (_, permission) in access.DATA_ACTIONS.items():
        assert permission in access.POLICY_PERMISSIONS[collection]


@pytest.mark.parametrize("module", ["kvcli.core.secrets", "kvcli.core.keys",
                                    "kvcli.core.certificates"])
def test_every_data_plane_function_is_authorised(module):
    """A kind's public `(home, vault_name, ...)` functions must each name their operation."""
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} does not exist on this branch")
    functions = [f for name, f in inspect.getmembers(importlib.import_module(module),
                                                     inspect.isfunction)
                 if f.__module__ == module and not name.startswith("_")
                 and list(inspect.signature(f).parameters)[:2] == ["home", "vault_name"]]
    assert functions
    assert [f.__name__ for f in functions if not hasattr(f, "kvcli_action")] == []


def test_wildcards_match_any_text_and_ignore_case():
    assert roles.matches(("Microsoft.KeyVault/vaults/*/read",),
                         "microsoft.keyvault/VAULTS/keys/read")
    assert not roles.matches(("Microsoft.KeyVault/vaults/*/read",), "Microsoft.KeyVault/vaults/read")
    assert roles.matches(("*",), "Microsoft.Resources/subscriptions/resourceGroups/write")
