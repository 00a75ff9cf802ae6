"""The declared shape of every record kind kept in the home, checked on every read.

A record that does not match its shape (a hand edit, a truncated write from another tool,
valid JSON of the wrong form) is a StateError naming the file and what is wrong: never a
KeyError further up, and never overwritten, because every write starts from a checked read.
Fields not declared are allowed (a newer minor addition); declared ones must be right.

A shape checked more than a few times in a process is checked first by one expression
compiled from it (a list checks thousands of records, and a call per field would cost more
than reading the file); only a record that fails it is walked field by field, to name what
is wrong. A command that reads a few records walks them: compiling costs more.
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
    test = _compiled_once_used(shape)
    if test is not None and test(record):
        return
    try:
        _check_object(record, shape, "")
    except _Mismatch as problem:
        raise StateError(f"The state file '{path}' is damaged: {problem}. kvcli will not "
                         "overwrite it: repair or remove it by hand.") from None


def _check_object(value: Any, shape: Shape, where: str) -> None:
    if not isinstance(value, dict):
        raise _Mismatch(f"{where or 'the record'} should be an object")
    for field, checker in shape.items():
        path = f"{where}.{field}" if where else field
        if field not in value:
            raise _Mismatch(f"'{path}' is missing")
        checker(value[field], path)


# --- the compiled first pass -----------------------------------------------------------
# Each checker carries `test(x, depth)`: the source of an expression true exactly when the
# value named `x` passes the checker (`depth` keeps nested loop variables apart).
_COMPILED: dict[int, tuple[Shape, Callable[[Any], Any]]] = {}
# Compiling costs about half a millisecond: a command that reads a handful of records walks
# them; one that reads more (a list, a bulk command) compiles each shape once it has walked
# this many records of it.
_COMPILE_AFTER = 8
_WALKED: dict[int, int] = {}


def _compiled_once_used(shape: Shape) -> Callable[[Any], Any] | None:
    """The shape's compiled test once the shape has been checked often, else None."""
    entry = _COMPILED.get(id(shape))
    if entry is not None and entry[0] is shape:
        return entry[1]
    walked = _WALKED[id(shape)] = _WALKED.get(id(shape), 0) + 1
    return _compiled(shape) if walked > _COMPILE_AFTER else None


def _compiled(shape: Shape) -> Callable[[Any], Any]:
    """The shape's first-pass test, compiled once per shape."""
    entry = _COMPILED.get(id(shape))
    if entry is None or entry[0] is not shape:
        source = f"lambda record: {_object_test(shape, 'record', 0)}"
        entry = _COMPILED[id(shape)] = (shape, eval(source, dict(_HELPERS)))
    return entry[1]


def _object_test(shape: Shape, x: str, depth: int) -> str:
    fields = "".join(f" and {field!r} in {x} and {checker.test(f'{x}[{field!r}]', depth)}"
                     for field, checker in shape.items())
    return f"(isinstance({x}, dict){fields})"


def _passes(checker: Callable[[Any, str], None]) -> Callable[[Any], bool]:
    """A checker that needs statements (a parse) as a call in the compiled test."""
    def passes(value: Any) -> bool:
        try:
            checker(value, "")
        except _Mismatch:
            return False
        return True

    return passes


def _called(name: str, checker: Callable[[Any, str], None]) -> Callable[[Any, str], None]:
    _HELPERS[name] = _passes(checker)
    checker.test = lambda x, depth: f"{name}({x})"  # type: ignore[attr-defined]
    return checker


_HELPERS: dict[str, Any] = {}


# --- checkers ---------------------------------------------------------------------------
def _typed(*types: type, label: str) -> Callable[[Any, str], None]:
    def checker(value: Any, where: str) -> None:
        if isinstance(value, bool) and bool not in types:
            raise _Mismatch(f"'{where}' should be {label}")
        if not isinstance(value, types):
            raise _Mismatch(f"'{where}' should be {label}")

    names = ", ".join(kind.__name__ for kind in types)  # builtins only
    # isinstance(True, int) holds: a bool passes as a number only where declared.
    no_bool = (" and {x} is not True and {x} is not False"
               if bool not in types and any(issubclass(bool, kind) for kind in types) else "")
    checker.test = lambda x, depth: (  # type: ignore[attr-defined]
        f"(isinstance({x}, ({names},)){no_bool.format(x=x)})")
    return checker


def optional(checker: Callable[[Any, str], None]) -> Callable[[Any, str], None]:
    def check_optional(value: Any, where: str) -> None:
        if value is not None:
            checker(value, where)

    check_optional.test = lambda x, depth: (  # type: ignore[attr-defined]
        f"({x} is None or {checker.test(x, depth)})")
    return check_optional


def obj(shape: Shape) -> Callable[[Any, str], None]:
    def check_obj(value: Any, where: str) -> None:
        _check_object(value, shape, where)

    check_obj.test = lambda x, depth: _object_test(shape, x, depth)  # type: ignore
    return check_obj


def list_of(checker: Callable[[Any, str], None], *, non_empty: bool = False):
    def check_list(value: Any, where: str) -> None:
        if not isinstance(value, list):
            raise _Mismatch(f"'{where}' should be a list")
        if non_empty and not value:
            raise _Mismatch(f"'{where}' should not be empty")
        for index, item in enumerate(value):
            checker(item, f"{where}[{index}]")

    def test(x: str, depth: int) -> str:
        item = f"_item{depth}"
        filled = f" and {x}" if non_empty else ""
        return (f"(isinstance({x}, list){filled} and "
                f"all({checker.test(item, depth + 1)} for {item} in {x}))")

    check_list.test = test  # type: ignore[attr-defined]
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
STAMP = _called("_is_stamp", _stamp)
TAGS = _called("_is_tags", _tags)
VERSION_ID = _called("_is_version_id", _version_id)


def ANY(value: Any, where: str) -> None:  # noqa: N802 - a declared field whose form is free
    pass


ANY.test = lambda x, depth: "True"  # type: ignore[attr-defined]

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
    "version": VERSION_ID,
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
    """An object of one kind: its name, its versions (oldest first) and its deleted state.
    Made once per kind, so its compiled test is too."""
    if collection not in _OBJECT_SHAPES:
        version = {**VERSION, **VERSION_PAYLOADS.get(collection, {})}
        _OBJECT_SHAPES[collection] = {"name": STRING,
                                      "versions": list_of(obj(version), non_empty=True),
                                      "deleted": DELETED, **RECORD_PAYLOADS.get(collection, {})}
    return _OBJECT_SHAPES[collection]


_OBJECT_SHAPES: dict[str, Shape] = {}
