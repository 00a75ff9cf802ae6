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


def page(items: list[dict], url: str, query: dict, limit: int, shape=wire) -> dict:
    """One page of a list as Key Vault sends it: `value` (each item made by `shape`) and the
    `nextLink` for the rest. `url` is the collection's URL on this server, so the SDK comes
    back here."""
    size = query.get("maxresults")
    try:
        size = limit if size is None else int(size)
    except ValueError:
        raise messages.page_size_invalid(limit) from None
    if not 1 <= size <= limit:
        raise messages.page_size_invalid(limit)
    try:
        start = int(query.get("$skiptoken") or 0)
    except ValueError:
        raise messages.skip_token_invalid() from None
    if start < 0:
        raise messages.skip_token_invalid()
    rest = start + size
    next_link = None
    if rest < len(items):
        next_link = (f"{url}?api-version={query['api-version']}&$skiptoken={rest}"
                     f"&maxresults={size}")
    return {"value": [shape(item) for item in items[start:rest]], "nextLink": next_link}


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
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise messages.request_body_invalid(f"'{name}' is not base64url.") from None
