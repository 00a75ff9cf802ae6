"""`keyvault update` as az does it: named flags, then generic `--set/--add/--remove`, on the
vault as the service shows it; the result is checked by the service's rules and stored.

az sends back only `location`, `tags` and `properties`; read-only properties (`vaultUri`,
`provisioningState`, ...) and properties the model does not have are ignored by the
service, as they are here. Network rule commands reuse the same path.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

from kvcli.core import lifecycle, messages, network_rules
from kvcli.core.generic_update import Operation
from kvcli.store.home import Home

_FLAG_PROPERTIES = {
    "enabled_for_deployment": "enabledForDeployment",
    "enabled_for_disk_encryption": "enabledForDiskEncryption",
    "enabled_for_template_deployment": "enabledForTemplateDeployment",
    "enable_rbac_authorization": "enableRbacAuthorization",
    "enable_purge_protection": "enablePurgeProtection",
    "retention_days": "softDeleteRetentionInDays",
    "public_network_access": "publicNetworkAccess",
}
_BOOLEANS = {"enabledForDeployment": "enabledForDeployment",
             "enabledForDiskEncryption": "enabledForDiskEncryption",
             "enabledForTemplateDeployment": "enabledForTemplateDeployment",
             "enableRbacAuthorization": "rbac"}
_PERMISSION_KINDS = ("certificates", "keys", "secrets", "storage")


def update_vault(home: Home, name: str, resource_group: str | None = None, *,
                 operations: Iterable[Operation] = (), force_string: bool = False,
                 tags: dict | None = None, bypass: str | None = None,
                 default_action: str | None = None,
                 warn: Callable[[str], None] = lambda message: None, **flags: Any) -> dict:
    """az's `update_vault` custom function (the named flags), then the generic update."""
    from kvcli.core import generic_update, vaults

    def change(document: dict) -> bool:
        properties = document["properties"]
        for flag, value in flags.items():
            if value is not None:
                properties[_FLAG_PROPERTIES[flag]] = value
        if bypass or default_action:
            acls = properties.get("networkAcls")
            if acls is None:
                properties["networkAcls"] = network_rules.default_acls(bypass, default_action)
            else:
                acls.update({key: value for key, value in (("bypass", bypass),
                                                           ("defaultAction", default_action))
                             if value})
        if tags is not None:
            document["tags"] = tags
        generic_update.apply(document, operations, force_string=force_string, warn=warn)
        return True

    return vaults.modify_vault(home, name, resource_group, change)


def store(home: Home, record: dict, document: dict) -> None:
    """Check the vault the request describes as Key Vault would, then keep it in `record`."""
    location = document.get("location")
    if not isinstance(location, str):
        raise messages.invalid_property_value("location", location)
    if location.replace(" ", "").lower() != record["location"]:
        raise messages.vault_location_change(record["name"], record["resourceGroup"],
                                             record["location"], location)
    properties = document.get("properties")
    if not isinstance(properties, dict):
        raise messages.invalid_property_value("properties", properties)
    changes: dict[str, Any] = {"tags": _tags(document.get("tags"))}
    changes["sku"] = _sku(properties.get("sku"))
    if properties.get("tenantId") != home.tenant_id:
        raise messages.invalid_property_value("properties.tenantId", properties.get("tenantId"))
    _check_retention(record, properties.get("softDeleteRetentionInDays"))
    if properties.get("enableSoftDelete") is False:
        raise messages.soft_delete_mandatory()
    protection = properties.get("enablePurgeProtection")
    if protection is False:
        raise messages.purge_protection_irreversible()
    if protection is not None and protection is not True:
        raise messages.invalid_property_value("properties.enablePurgeProtection", protection)
    changes["purgeProtection"] = record["purgeProtection"] or protection is True
    for prop, field in _BOOLEANS.items():
        value = properties.get(prop)
        if value is not None and not isinstance(value, bool):
            raise messages.invalid_property_value(f"properties.{prop}", value)
        changes[field] = record[field] if value is None else value
    access = properties.get("publicNetworkAccess")
    changes["publicNetworkAccess"] = (record["publicNetworkAccess"] if access is None else
                                      _public_access(access))
    changes["networkAcls"] = network_rules.stored(properties.get("networkAcls"))
    changes["accessPolicies"] = _access_policies(properties.get("accessPolicies"))
    record.update(changes)


def _tags(tags: Any) -> dict:
    """ARM tags: a map of strings (the SDK sends other values as their text), within ARM's
    limits."""
    if tags is None:
        return {}
    if not isinstance(tags, dict):
        raise messages.invalid_property_value("tags", tags)
    from kvcli.core.tags import resource_tags

    return resource_tags({str(key): value if isinstance(value, str) else str(value)
                          for key, value in tags.items() if value is not None})


def _sku(sku: Any) -> str:
    from kvcli.core.vaults import SKUS

    name = sku.get("name") if isinstance(sku, dict) else None
    if not isinstance(name, str) or name.lower() not in SKUS:
        raise messages.invalid_property_value("properties.sku.name", name)
    if sku.get("family") != "A":
        raise messages.invalid_property_value("properties.sku.family", sku.get("family"))
    return name.lower()


def _check_retention(record: dict, days: Any) -> None:
    if days is None or days == record["retentionDays"]:
        return
    if not isinstance(days, int) or isinstance(days, bool):
        raise messages.invalid_property_value("properties.softDeleteRetentionInDays", days)
    if not lifecycle.MIN_RETENTION_DAYS <= days <= lifecycle.MAX_RETENTION_DAYS:
        raise messages.retention_out_of_range(days)
    raise messages.retention_immutable()


def _public_access(value: Any) -> str:
    for choice in ("Enabled", "Disabled"):
        if isinstance(value, str) and value.lower() == choice.lower():
            return choice
    raise messages.invalid_property_value("properties.publicNetworkAccess", value)


def _access_policies(policies: Any) -> list[dict]:
    if policies is None:
        return []
    if not isinstance(policies, list):
        raise messages.invalid_property_value("properties.accessPolicies", policies)
    return [_access_policy(entry, f"properties.accessPolicies[{index}]")
            for index, entry in enumerate(policies)]


def _access_policy(entry: Any, path: str) -> dict:
    if not isinstance(entry, dict):
        raise messages.invalid_property_value(path, entry)
    for required in ("tenantId", "objectId"):
        if not isinstance(entry.get(required), str) or not entry[required]:
            raise messages.invalid_property_value(f"{path}.{required}", entry.get(required))
    permissions = entry.get("permissions")
    if not isinstance(permissions, dict):
        raise messages.invalid_property_value(f"{path}.permissions", permissions)
    checked = {}
    for kind in _PERMISSION_KINDS:
        granted = permissions.get(kind) or []
        if not isinstance(granted, list) or not all(isinstance(p, str) for p in granted):
            raise messages.invalid_property_value(f"{path}.permissions.{kind}", granted)
        checked[kind] = granted
    return {"applicationId": entry.get("applicationId"), "objectId": entry["objectId"],
            "permissions": checked, "tenantId": entry["tenantId"]}
