"""Object identifiers as Key Vault writes them and az parses them.

`https://{vault}.vault.azure.net/{collection}/{name}[/{version}]`; az takes the vault from
the host's first label and the name from the second path segment.
"""

from __future__ import annotations

import os
from typing import NamedTuple
from urllib.parse import urlparse

from kvcli.errors import UsageError


class ObjectId(NamedTuple):
    vault_name: str
    collection: str | None
    name: str | None
    version: str | None


def new_guid() -> str:
    """A random (version 4) GUID, as Azure makes for object ids and request ids. Made from
    `os.urandom` directly: importing `uuid` costs every command 2 ms (it imports `platform`)."""
    raw = bytearray(os.urandom(16))
    raw[6] = raw[6] & 0x0F | 0x40
    raw[8] = raw[8] & 0x3F | 0x80
    text = raw.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def new_version() -> str:
    """A Key Vault object version: 32 random hex digits."""
    return os.urandom(16).hex()


def parse_object_id(text: str) -> ObjectId:
    """Parse any id form az accepts (object, versioned object, deleted object, vault URI)."""
    try:
        parsed = urlparse(text)
        hostname = parsed.hostname
    except ValueError:  # e.g. an unbalanced '[' ("Invalid IPv6 URL")
        hostname = None
    if not hostname or parsed.scheme not in ("https", "http"):
        raise UsageError(f"'{text}' is not a valid ID")
    segments = [s for s in parsed.path.split("/") if s]
    if len(segments) > 3:
        raise UsageError(f"'{text}' is not a valid ID")
    vault_name = hostname.split(".")[0]
    return ObjectId(vault_name, *(segments + [None] * (3 - len(segments))))
