"""Key Vault's wire shapes, from and to the core's views: no Starlette here.

The core's views are az's (times as ISO text, `expires`/`notBefore`, nulls printed); Key
Vault sends epoch seconds, `exp`/`nbf` and leaves nulls and empty tags out.
"""

from __future__ import annotations

import base64
from datetime import datetime, timezone
from typing import Any

from kvcli.core import messages
from kvcli.errors import KvError, ServiceError, StateError

TIMES = frozenset({"created", "updated", "expires", "notBefore", "deletedDate",
                   "scheduledPurgeDate"})
WIRE_NAMES = {"expires": "exp", "notBefore": "nbf"}
# az adds the name; Key Vault names an object by its id only.
VIEW_ONLY = frozenset({"name"})


def epoch(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp())


def _field(name: str, value: Any) -> Any:
    if name in TIMES:
        return epoch(value)
    if name == "attributes":
        return wire(value)
    return value


def wire(view: dict) -> dict:
    """A core view in Key Vault's JSON."""
    return {WIRE_NAMES.get(name, name): _field(name, value) for name, value in view.items()
            if value is not None and value != {} and name not in VIEW_ONLY}


def paging(query: dict, limit: int) -> tuple[int, str | None]:
    """(page size, cursor) of a list request: `maxresults` (1..limit, default limit) and
    the `$skiptoken` this server put in the previous page's `nextLink`."""
    size = query.get("maxresults")
    try:
        size = limit if size is None else int(size)
    except ValueError:
        raise messages.page_size_invalid(limit) from None
    if not 1 <= size <= limit:
        raise messages.page_size_invalid(limit)
    token = query.get("$skiptoken")
    if token is None:
        return size, None
    try:
        return size, from_base64url(token, "$skiptoken").decode("utf-8")
    except (KvError, UnicodeDecodeError):
        raise messages.skip_token_invalid() from None


def by_name(item: dict) -> str:
    return item["name"]


def page(items: list[dict], url: str, query: dict, size: int, shape=wire,
         cursor=by_name) -> dict:
    """One page as Key Vault sends it: `value` (each item made by `shape`) and, when
    `items` holds more than `size` (the caller asks for one more), the `nextLink` for the
    rest, whose `$skiptoken` is the `cursor` of the last item sent. `url` is the
    collection's URL on this server, so the SDK comes back here."""
    next_link = None
    if len(items) > size:
        token = to_base64url(cursor(items[size - 1]).encode("utf-8"))
        next_link = (f"{url}?api-version={query['api-version']}&$skiptoken={token}"
                     f"&maxresults={size}")
    return {"value": [shape(item) for item in items[:size]], "nextLink": next_link}


def id_tail(item: dict) -> str:
    """The cursor of a list read whole: the last segment of the item's id (a version id,
    an issuer's name)."""
    return (item.get("id") or item["kid"]).rsplit("/", 1)[1]


def after_id(items: list[dict], cursor: str | None) -> list[dict]:
    """The items after the one a cursor names (all of them without one)."""
    if cursor is None:
        return items
    for index, item in enumerate(items):
        if id_tail(item) == cursor:
            return items[index + 1:]
    raise messages.skip_token_invalid()


def error_body(error: KvError) -> tuple[int, dict]:
    """The HTTP status and `{"error": {"code", "message", "innererror"}}` for an error."""
    if isinstance(error, ServiceError):
        body = {"code": error.code, "message": error.message}
        if error.inner_code:
            body["innererror"] = {"code": error.inner_code}
        return error.status, {"error": body}
    if isinstance(error, StateError):
        return error_body(messages.server_failed())
    return 400, {"error": {"code": "BadParameter", "message": error.message}}


# --- request bodies ---------------------------------------------------------------------
class Body:
    """The JSON body of a request, read field by field with Key Vault's 400 for bad types."""

    def __init__(self, raw: bytes) -> None:
        import json

        try:
            document = json.loads(raw) if raw else {}
        except ValueError:
            raise messages.request_body_invalid("it is not JSON.") from None
        if not isinstance(document, dict):
            raise messages.request_body_invalid("a JSON object is expected.")
        self.document = document

    def get(self, name: str, kind: type | tuple, default: Any = None, *,
            required: bool = False) -> Any:
        value = self.document.get(name)
        if value is None:
            if required:
                raise messages.request_body_invalid(f"'{name}' is required.")
            return default
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise messages.request_body_invalid(f"'{name}' has the wrong type.")
        return value

    def attributes(self) -> "Body":
        nested = Body(b"")
        nested.document = self.get("attributes", dict, {})
        return nested

    def time(self, name: str) -> datetime | None:
        """`exp` / `nbf`: epoch seconds."""
        value = self.get(name, (int, float))
        return None if value is None else datetime.fromtimestamp(value, timezone.utc)

    def tags(self) -> dict | None:
        tags = self.get("tags", dict)
        if tags is not None and not all(isinstance(v, str) for v in tags.values()):
            raise messages.request_body_invalid("tag values must be strings.")
        return tags

    def blob(self, name: str = "value") -> bytes:
        """A base64url value (backup blobs, key material)."""
        text = self.get(name, str, required=True)
        return from_base64url(text, name)


def to_base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def from_base64url(text: str, name: str = "value") -> bytes:
    import binascii

    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise messages.request_body_invalid(f"'{name}' is not base64url.") from None
