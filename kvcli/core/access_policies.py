"""`keyvault set-policy` / `delete-policy`: the access policies of vaults that do not use
RBAC, edited as az does (one entry per object id, application id and tenant)."""

from __future__ import annotations

from kvcli.core import access, messages
from kvcli.core.vaults import active_vault, save_modified, vault_id, vault_view
from kvcli.store.home import Home

LISTS = ("certificates", "keys", "secrets", "storage")


def _same_entry(policy: dict, object_id: str, application_id: str | None, tenant: str) -> bool:
    return (policy["objectId"].lower() == object_id.lower()
            and (policy.get("applicationId") or "").lower() == (application_id or "").lower()
            and policy["tenantId"].lower() == tenant.lower())


def set_policy(home: Home, name: str, resource_group: str | None, *, object_id: str,
               application_id: str | None = None, permissions: dict[str, list | None]) -> dict:
    """Add the principal's entry, or replace only the permission lists given."""
    with home.locked():
        record = active_vault(home, name, resource_group)
        with access.guard(home, access.VAULT_SET_POLICY, vault_id(home, record), vault=record):
            if record["rbac"]:
                raise messages.policies_on_rbac_vault()
            policy = next((p for p in record["accessPolicies"]
                           if _same_entry(p, object_id, application_id, record["tenantId"])),
                          None)
            if policy is None:
                record["accessPolicies"].append({
                    "applicationId": application_id, "objectId": object_id,
                    "permissions": {kind: permissions.get(kind) for kind in LISTS},
                    "tenantId": record["tenantId"]})
            else:
                for kind in LISTS:
                    if permissions.get(kind) is not None:
                        policy["permissions"][kind] = permissions[kind]
            save_modified(home, record)
    return vault_view(home, record)


def delete_policy(home: Home, name: str, resource_group: str | None, *, object_id: str,
                  application_id: str | None = None) -> dict:
    with home.locked():
        record = active_vault(home, name, resource_group)
        with access.guard(home, access.VAULT_SET_POLICY, vault_id(home, record), vault=record):
            kept = [p for p in record["accessPolicies"]
                    if not _same_entry(p, object_id, application_id, record["tenantId"])]
            if len(kept) == len(record["accessPolicies"]):
                raise messages.no_matching_policies()
            record["accessPolicies"] = kept
            save_modified(home, record)
    return vault_view(home, record)
