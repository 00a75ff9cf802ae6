"""Vaults: creation rules, soft delete, recover and purge, and the JSON az prints."""

from __future__ import annotations

from typing import Callable

from kvcli.core import access, lifecycle, messages
from kvcli.core.clock import home_now
from kvcli.core.groups import load_group
from kvcli.core.lifecycle import State
from kvcli.core.locations import resolve_location
from kvcli.core.tags import resource_tags
from kvcli.core.timeutil import arm, to_stamp
from kvcli.store import paths, schema
from kvcli.store.home import Home, ReadOnlyHome
SKUS = ("premium", "standard")
ALL_PERMISSIONS = ["all"]


# --- reading ----------------------------------------------------------------------------
def _stored_vault(home: Home, name: str) -> dict | None:
    """The vault file as stored; None for a name no vault can have (never touches the disk)."""
    if not paths.is_valid("vault", name):
        return None
    return home.read(paths.vault_file(home.root, name), schema.VAULT, name)


def read_vault(home: Home, name: str) -> dict | None:
    """The stored vault, active or soft-deleted; None once purged or past its purge date."""
    record = _stored_vault(home, name)
    if lifecycle.state_of(record, home_now(home)) is State.GONE:
        if record is not None:
            _purge_expired(home, name)
        return None
    return record


def _purge_expired(home: Home, name: str) -> None:
    """The clock has passed the scheduled purge date: purge for good, so that moving the
    clock back later cannot bring the vault back. A read-only home still answers reads:
    the purge waits for the next writable run."""
    try:
        with home.locked():
            record = _stored_vault(home, name)
            if record is not None and lifecycle.state_of(record, home_now(home)) is State.GONE:
                home.discard(paths.vault_dir(home.root, name))
    except ReadOnlyHome:
        pass


def active_vault(home: Home, name: str, resource_group: str | None = None) -> dict:
    """The active vault for a management-plane command, failing as ARM/az would."""
    if resource_group is not None:
        load_group(home, resource_group)
    record = read_vault(home, name)
    found = record is not None and not record.get("deleted")
    if resource_group is None:
        if not found:
            raise messages.vault_not_found_in_subscription(name)
    elif not found or record["resourceGroup"].lower() != resource_group.lower():
        raise messages.vault_not_found_in_group(name, resource_group)
    return record


def deleted_vault(home: Home, name: str, location: str | None = None) -> dict:
    record = read_vault(home, name)
    if record is None or not record.get("deleted"):
        if location is not None:
            raise messages.deleted_vault_not_found_at(name, resolve_location(location))
        raise messages.no_deleted_vault(name)
    if location is not None and resolve_location(location) != record["location"]:
        raise messages.deleted_vault_not_found_at(name, resolve_location(location))
    return record


def _all_vaults(home: Home) -> list[dict]:
    now = home_now(home)
    records = []
    for entry in home.entries(paths.vaults_dir(home.root)):
        if not paths.is_valid("vault", entry):
            continue
        record = _stored_vault(home, entry)
        if lifecycle.state_of(record, now) is not State.GONE:
            records.append(record)
        elif record is not None:
            _purge_expired(home, entry)
    return records


# --- views ------------------------------------------------------------------------------
def vault_id(home: Home, record: dict) -> str:
    return (f"/subscriptions/{home.subscription_id}/resourceGroups/{record['resourceGroup']}"
            f"/providers/Microsoft.KeyVault/vaults/{record['name']}")


def vault_uri(name: str) -> str:
    return f"https://{name.lower()}.vault.azure.net/"


def vault_view(home: Home, record: dict) -> dict:
    """The vault as `az keyvault show` prints it (az-reference §4.1)."""
    return {
        "id": vault_id(home, record),
        "location": record["location"],
        "name": record["name"],
        "properties": {
            "accessPolicies": record["accessPolicies"],
            "createMode": None,
            "enablePurgeProtection": True if record["purgeProtection"] else None,
            "enableRbacAuthorization": record["rbac"],
            "enableSoftDelete": True,
            "enabledForDeployment": record["enabledForDeployment"],
            "enabledForDiskEncryption": record["enabledForDiskEncryption"],
            "enabledForTemplateDeployment": record["enabledForTemplateDeployment"],
            "hsmPoolResourceId": None,
            "networkAcls": record["networkAcls"],
            "privateEndpointConnections": None,
            "provisioningState": "Succeeded",
            "publicNetworkAccess": record["publicNetworkAccess"],
            "sku": {"family": "A", "name": record["sku"]},
            "softDeleteRetentionInDays": record["retentionDays"],
            "tenantId": record["tenantId"],
            "vaultUri": vault_uri(record["name"]),
        },
        "resourceGroup": record["resourceGroup"],
        "systemData": {
            "createdAt": arm(record["createdAt"]),
            "createdBy": record["createdBy"],
            "createdByType": "User",
            "lastModifiedAt": arm(record["lastModifiedAt"]),
            "lastModifiedBy": record["lastModifiedBy"],
            "lastModifiedByType": "User",
        },
        "tags": record["tags"],
        "type": "Microsoft.KeyVault/vaults",
    }


def vault_list_item(home: Home, record: dict) -> dict:
    """`az keyvault list` without -g goes through ARM's generic resource list."""
    return {
        "id": vault_id(home, record),
        "location": record["location"],
        "name": record["name"],
        "resourceGroup": record["resourceGroup"],
        "systemData": None,
        "tags": record["tags"],
        "type": "Microsoft.KeyVault/vaults",
    }


def deleted_vault_view(home: Home, record: dict) -> dict:
    """A soft-deleted vault as `az keyvault show-deleted` prints it (az-reference §4.2)."""
    return {
        "id": (f"/subscriptions/{home.subscription_id}/providers/Microsoft.KeyVault/locations/"
               f"{record['location']}/deletedVaults/{record['name']}"),
        "name": record["name"],
        "properties": {
            "deletionDate": arm(record["deleted"]["deletedDate"]),
            "location": record["location"],
            "purgeProtectionEnabled": bool(record["purgeProtection"]),
            "scheduledPurgeDate": arm(record["deleted"]["scheduledPurgeDate"]),
            "tags": record["tags"],
            "vaultId": vault_id(home, record),
        },
        "systemData": None,
        "type": "Microsoft.KeyVault/deletedVaults",
    }


# --- changes ----------------------------------------------------------------------------
def validate_vault_name(name: str) -> None:
    if not paths.is_valid("vault", name):
        raise messages.vault_name_invalid(name)


def validate_retention(days: int) -> None:
    if not lifecycle.MIN_RETENTION_DAYS <= days <= lifecycle.MAX_RETENTION_DAYS:
        raise messages.retention_out_of_range(days)


def create_vault(home: Home, *, name: str, resource_group: str, location: str | None = None,
                 retention_days: int = 90, enable_purge_protection: bool | None = None,
                 enable_rbac_authorization: bool = True, sku: str = "standard",
                 tags: dict | None = None, no_self_perms: bool = False,
                 enabled_for_deployment: bool | None = None,
                 enabled_for_disk_encryption: bool | None = None,
                 enabled_for_template_deployment: bool | None = None,
                 public_network_access: str | None = None, default_action: str | None = None,
                 bypass: str | None = None, network_acls: dict | None = None) -> dict:
    """Create a vault with az's defaults; the name is taken while a soft-deleted twin exists.

    `network_acls` (from `network_rules.from_create_arguments`) wins over bypass and
    default_action, as in az."""
    from kvcli.core import network_rules

    group = load_group(home, resource_group)
    location = resolve_location(location) if location else group["location"]
    validate_vault_name(name)
    resource_tags(tags)
    validate_retention(retention_days)
    if enable_purge_protection is False:
        enable_purge_protection = None
    with access.guard(home, access.VAULT_CREATE,
                      access.vault_scope(home, group["name"], name)):
        existing = read_vault(home, name)
        if existing is not None:
            if existing.get("deleted"):
                raise messages.vault_name_deleted(name)
            if existing["resourceGroup"].lower() == resource_group.lower():
                raise messages.vault_already_exists_here(name)
            raise messages.vault_name_taken(name)
        home.discard(paths.vault_dir(home.root, name))
        now = to_stamp(home_now(home))
        policies = []
        if not enable_rbac_authorization and not no_self_perms:
            policies.append(_self_policy(home))
        record = {
            "name": name,
            "resourceGroup": group["name"],
            "location": location,
            "tags": tags or {},
            "sku": sku.lower(),
            "tenantId": home.tenant_id,
            "retentionDays": retention_days,
            "purgeProtection": bool(enable_purge_protection),
            "rbac": enable_rbac_authorization,
            "enabledForDeployment": bool(enabled_for_deployment),
            "enabledForDiskEncryption": bool(enabled_for_disk_encryption),
            "enabledForTemplateDeployment": bool(enabled_for_template_deployment),
            "publicNetworkAccess": public_network_access or "Enabled",
            "networkAcls": network_rules.stored(
                network_acls or network_rules.default_acls(bypass, default_action)),
            "accessPolicies": policies,
            "createdAt": now, "createdBy": home.user_name,
            "lastModifiedAt": now, "lastModifiedBy": home.user_name,
            "deleted": None,
        }
        home.write(paths.vault_file(home.root, name), record)
    return vault_view(home, record)


def _self_policy(home: Home) -> dict:
    """az grants the creator of an access-policy vault every permission but purge."""
    return {
        "applicationId": None,
        "objectId": home.meta["user"]["objectId"],
        "permissions": {"certificates": ALL_PERMISSIONS, "keys": ALL_PERMISSIONS,
                        "secrets": ALL_PERMISSIONS, "storage": ALL_PERMISSIONS},
        "tenantId": home.tenant_id,
    }


def show_vault(home: Home, name: str, resource_group: str | None = None) -> dict:
    record = active_vault(home, name, resource_group)
    with access.guard(home, access.VAULT_READ, vault_id(home, record), vault=record):
        return vault_view(home, record)


def list_vaults(home: Home, resource_group: str | None = None) -> list[dict]:
    """Without -g az lists generic resources (short items); with -g full vault objects.
    ARM lists only the vaults the caller may read."""
    readable = [r for r in _all_vaults(home) if not r.get("deleted")
                and access.permits(home, access.VAULT_READ, vault_id(home, r))]
    if resource_group is not None:
        load_group(home, resource_group)
        return [vault_view(home, r) for r in readable
                if r["resourceGroup"].lower() == resource_group.lower()]
    return [vault_list_item(home, r) for r in readable]


def modify_vault(home: Home, name: str, resource_group: str | None,
                 change: Callable[[dict], bool]) -> dict:
    """Read, change and write back a vault as ARM's GET then PUT: `change` edits the vault's
    JSON view (without `resourceGroup`, which az adds for printing) and answers whether
    there is anything to send; the result is checked and stored (see vault_update)."""
    from kvcli.core import vault_update

    with home.locked():
        record = active_vault(home, name, resource_group)
        with access.guard(home, access.VAULT_UPDATE, vault_id(home, record), vault=record):
            document = vault_view(home, record)
            del document["resourceGroup"]
            if change(document):
                vault_update.store(home, record, document)
                save_modified(home, record)
    return vault_view(home, record)


def delete_vault(home: Home, name: str, resource_group: str | None = None) -> None:
    with home.locked():
        record = active_vault(home, name, resource_group)
        with access.guard(home, access.VAULT_DELETE, vault_id(home, record), vault=record):
            _soft_delete(home, record)


def soft_delete_vaults_of_group(home: Home, group_name: str) -> None:
    """Called under the lock by group delete: every active vault of the group is soft-deleted."""
    for record in _all_vaults(home):
        if not record.get("deleted") and record["resourceGroup"].lower() == group_name.lower():
            _soft_delete(home, record)


def save_modified(home: Home, record: dict) -> None:
    """Stamp ARM's lastModified* fields and store the vault."""
    record["lastModifiedAt"] = to_stamp(home_now(home))
    record["lastModifiedBy"] = home.user_name
    home.write(paths.vault_file(home.root, record["name"]), record)


def _soft_delete(home: Home, record: dict) -> None:
    """Soft-delete the vault; its role assignments are deleted and recovery does not bring
    them back, as in Azure."""
    lifecycle.soft_delete(record, home_now(home), record["retentionDays"])
    home.write(paths.vault_file(home.root, record["name"]), record)
    access.drop_assignments_under(home, vault_id(home, record))


def list_deleted_vaults(home: Home) -> list[dict]:
    with access.guard(home, access.VAULT_LIST_DELETED, access.subscription_scope(home)):
        return [deleted_vault_view(home, r) for r in _all_vaults(home) if r.get("deleted")]


def _deleted_scope(home: Home, record: dict) -> str:
    return access.deleted_vault_scope(home, record["location"], record["name"])


def show_deleted_vault(home: Home, name: str, location: str | None = None) -> dict:
    record = deleted_vault(home, name, location)
    with access.guard(home, access.VAULT_GET_DELETED, _deleted_scope(home, record),
                      vault=record):
        return deleted_vault_view(home, record)


def recover_vault(home: Home, name: str, resource_group: str | None = None,
                  location: str | None = None) -> dict:
    """Recover into the original group; the group must exist again if it was deleted."""
    with home.locked():
        record = deleted_vault(home, name, location)
        if resource_group is not None and resource_group.lower() != record["resourceGroup"].lower():
            raise messages.deleted_vault_group_mismatch(name, record["resourceGroup"])
        load_group(home, record["resourceGroup"])
        with access.guard(home, access.VAULT_RECOVER, vault_id(home, record), vault=record):
            lifecycle.recover(record)
            save_modified(home, record)
    return vault_view(home, record)


def purge_vault(home: Home, name: str, location: str | None = None) -> None:
    with home.locked():
        record = deleted_vault(home, name, location)
        with access.guard(home, access.VAULT_PURGE, _deleted_scope(home, record), vault=record):
            if lifecycle.purge_blocked(record, home_now(home), record["purgeProtection"]):
                raise messages.vault_purge_protected()
            home.discard(paths.vault_dir(home.root, name))
