"""Secrets: what is truly their own (value, content type, encodings); the rest is shared.

Values are sealed at rest under the home's data key; listing never decrypts one.
"""

from __future__ import annotations

from datetime import datetime
from itertools import islice
from typing import Iterator

from kvcli.core import access, messages
from kvcli.core.clock import home_now
from kvcli.core.ids import new_version
from kvcli.core.objects import SECRET, DataPlaneVault, is_managed, page
from kvcli.core.tags import object_tags
from kvcli.core.timeutil import data_plane, to_stamp
from kvcli.store.home import Home

MAX_VALUE_BYTES = 25 * 1024
MAX_CONTENT_TYPE_LENGTH = 255


# --- views ------------------------------------------------------------------------------
def _attributes(vault: DataPlaneVault, version: dict) -> dict:
    return {
        "created": data_plane(version["created"]),
        "enabled": version["enabled"],
        "expires": data_plane(version["expires"]),
        "notBefore": data_plane(version["notBefore"]),
        "recoverableDays": vault.retention_days,
        "recoveryLevel": vault.recovery_level,
        "updated": data_plane(version["updated"]),
    }


def list_item(vault: DataPlaneVault, record: dict, version: dict, *, versioned: bool) -> dict:
    """`secret list` / `list-versions` item: no `kid`, no `value` (az-reference §4.4)."""
    return {
        "attributes": _attributes(vault, version),
        "contentType": version["contentType"],
        "id": vault.object_id(SECRET, record["name"], version["version"] if versioned else None),
        "managed": version.get("managed"),
        "name": record["name"],
        "tags": version["tags"],
    }


def bundle(vault: DataPlaneVault, record: dict, version: dict, value: str | None = None) -> dict:
    """`secret show` / `set` shape (§4.3); `value` is None where az prints null."""
    item = list_item(vault, record, version, versioned=True)
    item["kid"] = version.get("kid")
    item["value"] = value
    return item


def deleted_bundle(vault: DataPlaneVault, record: dict) -> dict:
    return {**bundle(vault, record, record["versions"][-1]),
            **vault.deleted_fields(SECRET, record)}


def deleted_list_item(vault: DataPlaneVault, record: dict) -> dict:
    return {**list_item(vault, record, record["versions"][-1], versioned=False),
            **vault.deleted_fields(SECRET, record)}


# --- helpers ----------------------------------------------------------------------------
def _version(record: dict, version: str | None, *, show: bool = False) -> dict:
    if not version:
        return record["versions"][-1]
    for candidate in record["versions"]:
        if candidate["version"] == version.lower():
            return candidate
    raise messages.object_not_found(SECRET, f"{record['name']}/{version}", show=show)


def _check_content_type(content_type: str | None) -> None:
    if content_type is not None and len(content_type) > MAX_CONTENT_TYPE_LENGTH:
        raise messages.content_type_too_long(len(content_type))


def _value(vault: DataPlaneVault, record: dict, version: dict) -> str:
    if not version["enabled"]:
        raise messages.secret_disabled()
    plain = vault.unseal(SECRET, record["name"], version["version"], version["value"])
    return plain.decode("utf-8")


# --- operations -------------------------------------------------------------------------
@access.data_operation(SECRET, "Set")
def set_secret(home: Home, vault_name: str, name: str, value: str, *,
               content_type: str | None = None, tags: dict | None = None,
               enabled: bool = True, expires: datetime | None = None,
               not_before: datetime | None = None) -> dict:
    """Add a new version (creating the secret on first use); a soft-deleted name is refused."""
    vault = DataPlaneVault(home, vault_name)
    size = len(value.encode("utf-8"))
    tags = object_tags(tags)
    _check_content_type(content_type)
    with home.locked():
        record = vault.ensure_name_free(SECRET, name)
        if size > MAX_VALUE_BYTES:
            raise messages.secret_too_large(size)
        record = record or {"name": name, "versions": [], "deleted": None}
        now = to_stamp(home_now(home))
        version_id = new_version()
        version = {
            "version": version_id,
            "value": vault.seal(SECRET, record["name"], version_id, value.encode("utf-8")),
            "contentType": content_type,
            "tags": tags or {},
            "enabled": enabled,
            "expires": to_stamp(expires) if expires else None,
            "notBefore": to_stamp(not_before) if not_before else None,
            "created": now,
            "updated": now,
            "managed": None,
            "kid": None,
        }
        record["versions"].append(version)
        vault.write(SECRET, record)
    return bundle(vault, record, version, value)


@access.data_operation(SECRET, "Get")
def show_secret(home: Home, vault_name: str, name: str, version: str | None = None) -> dict:
    vault = DataPlaneVault(home, vault_name)
    record = vault.active(SECRET, name, show=True)
    chosen = _version(record, version, show=True)
    return bundle(vault, record, chosen, _value(vault, record, chosen))


@access.data_operation(SECRET, "Get")
def secret_value(home: Home, vault_name: str, name: str,
                 version: str | None = None) -> tuple[str, dict]:
    """The plain value and its tags, for `download`."""
    vault = DataPlaneVault(home, vault_name)
    record = vault.active(SECRET, name)
    chosen = _version(record, version)
    return _value(vault, record, chosen), chosen["tags"]


@access.data_operation(SECRET, "List")
def list_secrets(home: Home, vault_name: str, *, include_managed: bool = False,
                 max_results: int | None = None, after: str | None = None) -> Iterator[dict]:
    """At most `max_results` secrets, in name order, after the one named `after`; made one
    at a time as they are read."""
    vault = DataPlaneVault(home, vault_name)
    listed = (record for record in vault.each(SECRET, after) if not record.get("deleted")
              and (include_managed or not record["versions"][-1].get("managed")))
    for record in islice(listed, max_results):
        yield list_item(vault, record, record["versions"][-1], versioned=False)


@access.data_operation(SECRET, "ListVersions")
def list_versions(home: Home, vault_name: str, name: str,
                  max_results: int | None = None) -> list[dict]:
    vault = DataPlaneVault(home, vault_name)
    record = vault.active(SECRET, name)
    items = [list_item(vault, record, v, versioned=True) for v in record["versions"]]
    return page(items, max_results)


@access.data_operation(SECRET, "Update")
def set_attributes(home: Home, vault_name: str, name: str, version: str | None = None, *,
                   enabled: bool | None = None, expires: datetime | None = None,
                   not_before: datetime | None = None, content_type: str | None = None,
                   tags: dict | None = None) -> dict:
    vault = DataPlaneVault(home, vault_name)
    tags = object_tags(tags)
    _check_content_type(content_type)
    with home.locked():
        record = vault.changeable(SECRET, name)
        chosen = _version(record, version)
        for field, value in (("enabled", enabled), ("contentType", content_type),
                             ("tags", tags)):
            if value is not None:
                chosen[field] = value
        if expires is not None:
            chosen["expires"] = to_stamp(expires)
        if not_before is not None:
            chosen["notBefore"] = to_stamp(not_before)
        chosen["updated"] = to_stamp(home_now(home))
        vault.write(SECRET, record)
    return bundle(vault, record, chosen)


@access.data_operation(SECRET, "Delete")
def delete_secret(home: Home, vault_name: str, name: str) -> dict:
    vault = DataPlaneVault(home, vault_name)
    return deleted_bundle(vault, vault.soft_delete(SECRET, name))


@access.data_operation(SECRET, "ListDeleted")
def list_deleted_secrets(home: Home, vault_name: str, max_results: int | None = None,
                         after: str | None = None) -> Iterator[dict]:
    vault = DataPlaneVault(home, vault_name)
    # A certificate's deleted secret is listed with the certificate, not here.
    listed = (record for record in vault.each(SECRET, after)
              if record.get("deleted") and not is_managed(record))
    for record in islice(listed, max_results):
        yield deleted_list_item(vault, record)


@access.data_operation(SECRET, "GetDeleted")
def show_deleted_secret(home: Home, vault_name: str, name: str) -> dict:
    vault = DataPlaneVault(home, vault_name)
    return deleted_bundle(vault, vault.deleted(SECRET, name))


@access.data_operation(SECRET, "Recover")
def recover_secret(home: Home, vault_name: str, name: str) -> dict:
    vault = DataPlaneVault(home, vault_name)
    record = vault.recover(SECRET, name)
    return bundle(vault, record, record["versions"][-1])


@access.data_operation(SECRET, "Purge")
def purge_secret(home: Home, vault_name: str, name: str) -> None:
    DataPlaneVault(home, vault_name).purge(SECRET, name)


# --- backup and restore -----------------------------------------------------------------
@access.data_operation(SECRET, "Backup")
def backup_secret(home: Home, vault_name: str, name: str) -> bytes:
    return backup_object(DataPlaneVault(home, vault_name), name)


def backup_object(vault: DataPlaneVault, name: str) -> bytes:
    """One blob with every version of the secret, values in the sealed part only."""
    from kvcli.core import backup

    # A certificate's secret is backed up with its certificate, never alone.
    record = vault.changeable(SECRET, name, "backup")
    versions = [{**v, "value": vault.unseal(SECRET, record["name"], v["version"],
                                            v["value"]).decode("utf-8")}
                for v in record["versions"]]
    return backup.seal_object(vault.home, kind=SECRET.noun, name=record["name"],
                              source_vault=vault.name, geography=vault.geography,
                              versions=len(versions),
                              payload={"name": record["name"], "versions": versions})


@access.data_operation(SECRET, "Restore")
def restore_secret(home: Home, vault_name: str, blob: bytes) -> dict:
    return restore_object(DataPlaneVault(home, vault_name), blob)


def restore_object(vault: DataPlaneVault, blob: bytes) -> dict:
    """Recreate the secret with its versions and ids, rewritten to the target vault."""
    from kvcli.core import backup

    _, payload = backup.open_object(vault.home, blob, kind=SECRET.noun,
                                    target_geography=vault.geography)
    name = payload["name"]
    versions = [{**v, "value": vault.seal(SECRET, name, v["version"], v["value"].encode("utf-8"))}
                for v in payload["versions"]]
    record = {"name": name, "versions": versions, "deleted": None}
    vault.restore(SECRET, record)
    return bundle(vault, record, versions[-1])


# --- secrets owned by certificates -------------------------------------------------------
def managed_version(vault: DataPlaneVault, name: str, version_id: str, value: str, *,
                    content_type: str, kid: str, tags: dict, enabled: bool, created: str,
                    expires: str | None, not_before: str | None) -> dict:
    """The secret version a certificate version owns: the certificate with its private key
    (PKCS#12 base64 or PEM), `managed`, pointing at the key of the same version."""
    return {
        "version": version_id,
        "value": vault.seal(SECRET, name, version_id, value.encode("utf-8")),
        "contentType": content_type, "tags": dict(tags), "enabled": enabled,
        "expires": expires, "notBefore": not_before, "created": created, "updated": created,
        "managed": True, "kid": kid,
    }
