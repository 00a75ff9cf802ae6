"""Azure's built-in role definitions that matter to Key Vault, as `az role definition list`
shows them. Ids, actions and dataActions are the real ones (learn.microsoft.com built-in
roles); a role grants an operation when one of its patterns matches and no "not" pattern does.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple


class Role(NamedTuple):
    id: str
    name: str
    description: str
    actions: tuple[str, ...] = ()
    not_actions: tuple[str, ...] = ()
    data_actions: tuple[str, ...] = ()
    # Roles this one may assign or remove (an ABAC condition in Azure); None: no condition.
    assignable_role_ids: tuple[str, ...] | None = None


_KV_READ_ACTIONS = (
    "Microsoft.Authorization/*/read",
    "Microsoft.Insights/alertRules/*",
    "Microsoft.Resources/deployments/*",
    "Microsoft.Resources/subscriptions/resourceGroups/read",
    "Microsoft.Support/*",
    "Microsoft.KeyVault/checkNameAvailability/read",
    "Microsoft.KeyVault/deletedVaults/read",
    "Microsoft.KeyVault/locations/*/read",
    "Microsoft.KeyVault/vaults/*/read",
    "Microsoft.KeyVault/operations/read",
)
_RBAC_ONLY = ("Only works for key vaults that use the 'Azure role-based access control' "
              "permission model.")

OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
KEY_VAULT_ADMINISTRATOR = "00482a5a-887f-4fb3-b363-3b7fe8e74483"
_DATA_ACCESS_ADMIN_ROLES = (
    KEY_VAULT_ADMINISTRATOR, "a4417e6f-fecd-4de8-b567-7b0420556985",
    "14b46e9e-c2b7-41b4-b07b-48a6ebf60603", "e147488a-f6f5-4113-8e2d-b22465e65bf6",
    "12338af0-0e69-4776-bea7-57ae8d297424", "21090545-7ca7-4776-b22c-e363652d74d2",
    "b86a8fe4-44ce-4948-aee5-eccb2c155cd7", "4633458b-17de-408a-b874-0445c86b69e6")

BUILT_IN_ROLES: tuple[Role, ...] = (
    Role(OWNER, "Owner", "Grants full access to manage all resources, including the ability to "
         "assign roles in Azure RBAC.", actions=("*",)),
    Role("b24988ac-6180-42a0-ab88-20f7382dd24c", "Contributor",
         "Grants full access to manage all resources, but does not allow you to assign roles in "
         "Azure RBAC, manage assignments in Azure Blueprints, or share image galleries.",
         actions=("*",),
         not_actions=("Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write",
                      "Microsoft.Authorization/elevateAccess/Action",
                      "Microsoft.Blueprint/blueprintAssignments/write",
                      "Microsoft.Blueprint/blueprintAssignments/delete",
                      "Microsoft.Compute/galleries/share/action",
                      "Microsoft.Purview/consents/write", "Microsoft.Purview/consents/delete",
                      "Microsoft.Resources/deploymentStacks/manageDenySetting/action",
                      "Microsoft.Subscription/cancel/action",
                      "Microsoft.Subscription/enable/action")),
    Role("acdd72a7-3385-48ef-bd42-f606fba81ae7", "Reader",
         "View all resources, but does not allow you to make any changes.", actions=("*/read",)),
    Role("18d7d88d-d35e-4fb5-a5c3-7773c4a72b9d", "User Access Administrator",
         "Lets you manage user access to Azure resources.",
         actions=("*/read", "Microsoft.Authorization/*", "Microsoft.Support/*")),
    Role(KEY_VAULT_ADMINISTRATOR, "Key Vault Administrator",
         "Perform all data plane operations on a key vault and all objects in it, including "
         "certificates, keys, and secrets. Cannot manage key vault resources or manage role "
         f"assignments. {_RBAC_ONLY}",
         actions=_KV_READ_ACTIONS, data_actions=("Microsoft.KeyVault/vaults/*",)),
    Role("a4417e6f-fecd-4de8-b567-7b0420556985", "Key Vault Certificates Officer",
         "Perform any action on the certificates of a key vault, except manage permissions. "
         + _RBAC_ONLY,
         actions=_KV_READ_ACTIONS,
         data_actions=("Microsoft.KeyVault/vaults/certificatecas/*",
                       "Microsoft.KeyVault/vaults/certificates/*",
                       "Microsoft.KeyVault/vaults/certificatecontacts/write")),
    Role("db79e9a7-68ee-4b58-9aeb-b90e7c24fcba", "Key Vault Certificate User",
         "Read certificate contents. " + _RBAC_ONLY,
         data_actions=("Microsoft.KeyVault/vaults/certificates/read",
                       "Microsoft.KeyVault/vaults/secrets/getSecret/action",
                       "Microsoft.KeyVault/vaults/secrets/readMetadata/action",
                       "Microsoft.KeyVault/vaults/keys/read")),
    Role("f25e0fa2-a7c8-4377-a976-54943a77a395", "Key Vault Contributor",
         "Lets you manage key vaults, but not access to them.",
         actions=("Microsoft.Authorization/*/read", "Microsoft.Insights/alertRules/*",
                  "Microsoft.KeyVault/*", "Microsoft.Resources/deployments/*",
                  "Microsoft.Resources/subscriptions/resourceGroups/read",
                  "Microsoft.Support/*"),
         not_actions=("Microsoft.KeyVault/locations/deletedVaults/purge/action",
                      "Microsoft.KeyVault/hsmPools/*", "Microsoft.KeyVault/managedHsms/*")),
    Role("14b46e9e-c2b7-41b4-b07b-48a6ebf60603", "Key Vault Crypto Officer",
         "Perform any action on the keys of a key vault, except manage permissions. "
         + _RBAC_ONLY,
         actions=_KV_READ_ACTIONS,
         data_actions=("Microsoft.KeyVault/vaults/keys/*",
                       "Microsoft.KeyVault/vaults/keyrotationpolicies/*")),
    Role("e147488a-f6f5-4113-8e2d-b22465e65bf6", "Key Vault Crypto Service Encryption User",
         "Read metadata of keys and perform wrap/unwrap operations. " + _RBAC_ONLY,
         actions=("Microsoft.EventGrid/eventSubscriptions/write",
                  "Microsoft.EventGrid/eventSubscriptions/read",
                  "Microsoft.EventGrid/eventSubscriptions/delete"),
         data_actions=("Microsoft.KeyVault/vaults/keys/read",
                       "Microsoft.KeyVault/vaults/keys/wrap/action",
                       "Microsoft.KeyVault/vaults/keys/unwrap/action")),
    Role("12338af0-0e69-4776-bea7-57ae8d297424", "Key Vault Crypto User",
         "Perform cryptographic operations using keys. " + _RBAC_ONLY,
         data_actions=("Microsoft.KeyVault/vaults/keys/read",
                       "Microsoft.KeyVault/vaults/keys/update/action",
                       "Microsoft.KeyVault/vaults/keys/backup/action",
                       "Microsoft.KeyVault/vaults/keys/encrypt/action",
                       "Microsoft.KeyVault/vaults/keys/decrypt/action",
                       "Microsoft.KeyVault/vaults/keys/wrap/action",
                       "Microsoft.KeyVault/vaults/keys/unwrap/action",
                       "Microsoft.KeyVault/vaults/keys/sign/action",
                       "Microsoft.KeyVault/vaults/keys/verify/action")),
    Role("8b54135c-b56d-4d72-a534-26097cfdc8d8", "Key Vault Data Access Administrator",
         "Manage access to Azure Key Vault by adding or removing role assignments for the Key "
         "Vault Administrator, Key Vault Certificates Officer, Key Vault Crypto Officer, Key "
         "Vault Crypto Service Encryption User, Key Vault Crypto User, Key Vault Reader, Key "
         "Vault Secrets Officer, or Key Vault Secrets User roles. Includes an ABAC condition to "
         "constrain role assignments.",
         actions=("Microsoft.Authorization/roleAssignments/write",
                  "Microsoft.Authorization/roleAssignments/delete",
                  "Microsoft.Authorization/*/read", "Microsoft.Resources/deployments/*",
                  "Microsoft.Resources/subscriptions/resourceGroups/read",
                  "Microsoft.Resources/subscriptions/read",
                  "Microsoft.Management/managementGroups/read",
                  "Microsoft.Resources/deployments/*", "Microsoft.Support/*",
                  "Microsoft.KeyVault/vaults/*/read"),
         assignable_role_ids=_DATA_ACCESS_ADMIN_ROLES),
    Role("a68e7c17-0ab2-4c09-9a58-125dae29748c", "Key Vault Purge Operator",
         "Allows permanent deletion of soft-deleted vaults.",
         actions=("Microsoft.Authorization/*/read", "Microsoft.Insights/alertRules/*",
                  "Microsoft.Resources/deployments/*",
                  "Microsoft.Resources/subscriptions/resourceGroups/read",
                  "Microsoft.KeyVault/deletedVaults/read",
                  "Microsoft.KeyVault/locations/deletedVaults/read",
                  "Microsoft.KeyVault/locations/deletedVaults/purge/action",
                  "Microsoft.KeyVault/locations/operationResults/read")),
    Role("21090545-7ca7-4776-b22c-e363652d74d2", "Key Vault Reader",
         "Read metadata of key vaults and its certificates, keys, and secrets. Cannot read "
         "sensitive values such as secret contents or key material. " + _RBAC_ONLY,
         actions=_KV_READ_ACTIONS,
         data_actions=("Microsoft.KeyVault/vaults/*/read",
                       "Microsoft.KeyVault/vaults/secrets/readMetadata/action")),
    Role("b86a8fe4-44ce-4948-aee5-eccb2c155cd7", "Key Vault Secrets Officer",
         "Perform any action on the secrets of a key vault, except manage permissions. "
         + _RBAC_ONLY,
         actions=_KV_READ_ACTIONS, data_actions=("Microsoft.KeyVault/vaults/secrets/*",)),
    Role("4633458b-17de-408a-b874-0445c86b69e6", "Key Vault Secrets User",
         "Read secret contents. " + _RBAC_ONLY,
         data_actions=("Microsoft.KeyVault/vaults/secrets/getSecret/action",
                       "Microsoft.KeyVault/vaults/secrets/readMetadata/action")),
)


def find_role(name_or_id: str) -> Role | None:
    """A role by its name (any case), its GUID, or its full definition id."""
    wanted = name_or_id.rstrip("/").rsplit("/", 1)[-1].lower()
    for role in BUILT_IN_ROLES:
        if wanted in (role.id, role.name.lower()):
            return role
    return None


@lru_cache(maxsize=256)
def _pattern(pattern: str) -> re.Pattern:
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")), re.IGNORECASE)


def matches(patterns: tuple[str, ...], action: str) -> bool:
    """Azure's rule: `*` stands for any text, and case does not matter."""
    return any(_pattern(p).fullmatch(action) for p in patterns)


def grants_action(role: Role, action: str) -> bool:
    return matches(role.actions, action) and not matches(role.not_actions, action)


def grants_data_action(role: Role, action: str) -> bool:
    return matches(role.data_actions, action)


def definition_view(subscription_id: str, role: Role) -> dict:
    """One role as `az role definition list` prints it."""
    return {
        "assignableScopes": ["/"],
        "createdBy": None,
        "createdOn": None,
        "description": role.description,
        "id": f"/subscriptions/{subscription_id}/providers/Microsoft.Authorization/"
              f"roleDefinitions/{role.id}",
        "name": role.id,
        "permissions": [{"actions": list(role.actions), "condition": None,
                         "conditionVersion": None, "dataActions": list(role.data_actions),
                         "notActions": list(role.not_actions), "notDataActions": []}],
        "roleName": role.name,
        "roleType": "BuiltInRole",
        "type": "Microsoft.Authorization/roleDefinitions",
        "updatedBy": None,
        "updatedOn": None,
    }


def list_definitions(subscription_id: str, name: str | None = None) -> list[dict]:
    """`--name` matches a role name or id exactly (any case), as az does."""
    roles = BUILT_IN_ROLES if name is None else [r for r in BUILT_IN_ROLES
                                                 if name.lower() in (r.name.lower(), r.id)]
    return [definition_view(subscription_id, r) for r in roles]
