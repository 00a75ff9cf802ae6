"""The declared shape of every record kind kept in the home, checked on every read.

A record that does not match its shape (a hand edit, a truncated write from another tool,
valid JSON of the wrong form) is a StateError naming the file and what is wrong: never a
KeyError further up, and never overwritten, because every write starts from a checked read.
Fields not declared are allowed (a newer minor addition); declared ones must be right.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from kvcli.errors import StateError

Shape = dict  # field name -> checker


class _Mismatch(Exception):
    pass


def check(path: Path | str, record: Any, shape: Shape) -> None:
    try:
        _check_object(record, shape, None)
    except _Mismatch:
        pass
    else:
        return
    try:  # once more, naming the place: a list checks thousands of records that are fine
        _check_object(record, shape, "")
    except _Mismatch as problem:
        raise StateError(f"The state file '{path}' is damaged: {problem}. kvcli will not "
                         "overwrite it: repair or remove it by hand.") from None


def _check_object(value: Any, shape: Shape, where: str | None) -> None:
    """`where` is the place named in a mismatch; None: no names are built (a first pass)."""
    if not isinstance(value, dict):
        raise _Mismatch(f"{where or 'the record'} should be an object")
    for field, checker in shape.items():
        path = None if where is None else f"{where}.{field}" if where else field
        if field not in value:
            raise _Mismatch(f"'{path}' is missing")
        checker(value[field], path)


# --- checkers ---------------------------------------------------------------------------
def _typed(*types: type, label: str) -> Callable[[Any, str], None]:
    def checker(value: Any, where: str) -> None:
        if isinstance(value, bool) and bool not in types:
            raise _Mismatch(f"'{where}' should be {label}")
        if not isinstance(value, types):
            raise _Mismatch(f"'{where}' should be {label}")

    return checker


def optional(checker: Callable[[Any, str], None]) -> Callable[[Any, str], None]:
    def check_optional(value: Any, where: str) -> None:
        if value is not None:
            checker(value, where)

    return check_optional


def obj(shape: Shape) -> Callable[[Any, str], None]:
    return lambda value, where: _check_object(value, shape, where)


def list_of(checker: Callable[[Any, str], None], *, non_empty: bool = False):
    def check_list(value: Any, where: str) -> None:
        if not isinstance(value, list):
            raise _Mismatch(f"'{where}' should be a list")
        if non_empty and not value:
            raise _Mismatch(f"'{where}' should not be empty")
        for index, item in enumerate(value):
            checker(item, None if where is None else f"{where}[{index}]")

    return check_list


def _stamp(value: Any, where: str) -> None:
    """A stored instant (ISO 8601 with offset, as kvcli writes them)."""
    if not isinstance(value, str):
        raise _Mismatch(f"'{where}' should be a time")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _Mismatch(f"'{where}' is not a valid time: '{value}'") from None
    if parsed.tzinfo is None:
        raise _Mismatch(f"'{where}' has no time zone: '{value}'")


def _version_id(value: Any, where: str) -> None:
    if not (isinstance(value, str) and len(value) == 32
            and not value.strip("0123456789abcdef")):  # strip: every character is hex
        raise _Mismatch(f"'{where}' should be 32 lowercase hex characters")


def _tags(value: Any, where: str) -> None:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise _Mismatch(f"'{where}' should be an object of strings")


STRING = _typed(str, label="a string")
BOOL = _typed(bool, label="true or false")
INTEGER = _typed(int, label="an integer")
NUMBER = _typed(int, float, label="a number")
DICT = _typed(dict, label="an object")
LIST = _typed(list, label="a list")
STAMP = _stamp
TAGS = _tags
ANY = lambda value, where: None  # noqa: E731 - a declared field whose form is free

# --- record kinds -----------------------------------------------------------------------
HOME = {
    "format": INTEGER,
    "subscriptionId": STRING,
    "tenantId": STRING,
    "user": optional(obj({"name": STRING, "objectId": STRING})),  # None: signed out
    "clockOffsetSeconds": NUMBER,
}
DELETED = optional(obj({"deletedDate": STAMP, "scheduledPurgeDate": STAMP}))
GROUP = {"name": STRING, "location": STRING, "tags": optional(TAGS)}
VAULT = {
    "name": STRING,
    "resourceGroup": STRING,
    "location": STRING,
    "tags": TAGS,
    "sku": STRING,
    "tenantId": STRING,
    "retentionDays": INTEGER,
    "purgeProtection": BOOL,
    "rbac": BOOL,
    "enabledForDeployment": BOOL,
    "enabledForDiskEncryption": BOOL,
    "enabledForTemplateDeployment": BOOL,
    "publicNetworkAccess": STRING,
    "networkAcls": obj({"bypass": STRING, "defaultAction": STRING, "ipRules": LIST,
                        "virtualNetworkRules": LIST}),
    "accessPolicies": LIST,
    "createdAt": STAMP,
    "createdBy": STRING,
    "lastModifiedAt": STAMP,
    "lastModifiedBy": STRING,
    "deleted": DELETED,
}
PRINCIPALS = {"principals": list_of(obj({"id": STRING, "type": STRING,
                                           "displayName": STRING}))}
ROLE_ASSIGNMENTS = {"assignments": list_of(obj({
    "name": STRING, "scope": STRING, "roleDefinitionId": STRING, "principalId": STRING,
    "principalType": STRING, "createdOn": STAMP, "createdBy": STRING}))}
AUDIT_HEAD = {"number": INTEGER, "hash": STRING}
# What every version of every object kind has; a kind adds its own payload fields.
VERSION = {
    "version": _version_id,
    "enabled": BOOL,
    "created": STAMP,
    "updated": STAMP,
    "expires": optional(STAMP),
    "notBefore": optional(STAMP),
    "tags": TAGS,
}
SEALED = obj({"nonce": STRING, "data": STRING})
VERSION_PAYLOADS: dict[str, Shape] = {
    "secrets": {"value": SEALED, "contentType": optional(STRING), "managed": optional(BOOL),
                "kid": optional(STRING)},
    "keys": {"kty": STRING, "keyOps": list_of(STRING), "keySize": optional(INTEGER),
             "public": DICT, "private": SEALED, "exportable": BOOL,
             "releasePolicy": optional(obj({"encodedPolicy": STRING, "immutable": BOOL})),
             "managed": optional(BOOL)},
    "certificates": {"cer": optional(STRING), "private": optional(SEALED)},
}
# What an object of a kind keeps beside its versions.
RECORD_PAYLOADS: dict[str, Shape] = {
    "keys": {"rotationPolicy": optional(obj({
        "lifetimeActions": list_of(obj({"action": STRING, "timeAfterCreate": optional(STRING),
                                        "timeBeforeExpiry": optional(STRING)})),
        "expiryTime": optional(STRING), "created": STAMP, "updated": STAMP}))},
    "certificates": {"policy": DICT, "policyCreated": STAMP, "policyUpdated": STAMP,
                     "operation": optional(obj({"issuer": STRING, "status": STRING,
                                                "csr": optional(STRING),
                                                "requestId": STRING}))},
}


def object_shape(collection: str) -> Shape:
    """An object of one kind: its name, its versions (oldest first) and its deleted state."""
    version = {**VERSION, **VERSION_PAYLOADS.get(collection, {})}
    return {"name": STRING, "versions": list_of(obj(version), non_empty=True),
            "deleted": DELETED, **RECORD_PAYLOADS.get(collection, {})}
