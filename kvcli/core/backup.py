"""The per-object backup blob: one format for every kind (see docs/backup-format.md).

    MARKER (13 ASCII bytes "KVCLI-BACKUP\\n")
    FORMAT VERSION (1 byte)
    HEADER LENGTH (4 bytes, big-endian)   HEADER (UTF-8 JSON, authenticated, readable)
    NONCE (12 bytes)                      SEALED OBJECT (AES-256-GCM ciphertext + tag)

Everything before the nonce is the associated data of the AES-GCM seal, so one flipped bit
anywhere (marker, version, header, nonce or ciphertext) makes the blob fail to open. The
key is the subscription's backup key (`keys/backup.key` in the home), so a blob opens only
in the subscription that wrote it, as in Key Vault.
"""

from __future__ import annotations

import json
import os
import struct

from kvcli.core.clock import home_now
from kvcli.core.timeutil import to_stamp
from kvcli.errors import ServiceError

MARKER = b"KVCLI-BACKUP\n"
FORMAT_VERSION = 1
KEY_NAME = "backup.key"
_LENGTH = struct.Struct(">I")
_NONCE_BYTES = 12
_MAX_HEADER = 64 * 1024
# The largest blob kvcli reads. A blob holds every version of one object; 64 MiB is
# about 2 000 versions of a 25 KB secret, far beyond what Key Vault itself backs up.
MAX_BLOB_BYTES = 64 * 1024 * 1024
_PREFIX = len(MARKER) + 1 + _LENGTH.size


def read_blob_file(path: object) -> bytes:
    """Read a backup file, failing with az's own text when it is missing or unreadable, and
    refusing one larger than any blob kvcli writes (MAX_BLOB_BYTES)."""
    from kvcli.store.files import read_input

    return read_input(path, MAX_BLOB_BYTES, "backup blob")


def _corrupt(detail: str = "") -> ServiceError:
    """GUESS: Key Vault's 400 for a blob it cannot read (az-reference §6)."""
    message = "Backup blob contains invalid or corrupt version."
    return ServiceError("BadParameter", f"{message} {detail}".strip(), status=400)


def seal_object(home, *, kind: str, name: str, source_vault: str, geography: str,
                versions: int, payload: dict) -> bytes:
    """Write one blob: the readable header and the object sealed under the backup key."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from kvcli import __version__

    header = {
        "created": to_stamp(home_now(home)),
        "geography": geography,
        "kind": kind,
        "kvcliVersion": __version__,
        "name": name,
        "sourceVault": source_vault,
        "subscriptionId": home.subscription_id,
        "versions": versions,
    }
    header_bytes = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    prefix = MARKER + bytes([FORMAT_VERSION]) + _LENGTH.pack(len(header_bytes)) + header_bytes
    key = home.key(KEY_NAME)
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, json.dumps(payload).encode(), prefix)
    return prefix + nonce + sealed


def read_header(blob: bytes) -> tuple[dict, int]:
    """The header and where it ends; anything that is not a well-formed kvcli blob is refused."""
    if len(blob) < _PREFIX or not blob.startswith(MARKER):
        raise _corrupt()
    version = blob[len(MARKER)]
    if version > FORMAT_VERSION:
        raise _corrupt(f"The blob uses backup format {version}; this kvcli reads format "
                       f"{FORMAT_VERSION}.")
    if version < 1:
        raise _corrupt()
    (length,) = _LENGTH.unpack_from(blob, len(MARKER) + 1)
    end = _PREFIX + length
    if length > _MAX_HEADER or len(blob) < end + _NONCE_BYTES + 16:
        raise _corrupt()
    try:
        header = json.loads(blob[_PREFIX:end])
    except ValueError:
        raise _corrupt() from None
    if not isinstance(header, dict) or not {"kind", "name", "subscriptionId",
                                            "geography"} <= set(header):
        raise _corrupt()
    return header, end


def open_object(home, blob: bytes, *, kind: str, target_geography: str) -> tuple[dict, dict]:
    """Check a blob against Key Vault's restore rules and return (header, object payload)."""
    header, end = read_header(blob)
    if header["kind"] != kind:
        raise _corrupt(f"The blob holds a {header['kind']}, not a {kind}.")
    if header["subscriptionId"] != home.subscription_id:
        raise ServiceError("Forbidden", "Restore of a backup blob into a different subscription "
                           "is not allowed. The blob was created in subscription "
                           f"'{header['subscriptionId']}'.", status=403)
    if header["geography"] != target_geography:
        raise ServiceError("Forbidden", "Restore of a backup blob into a vault in a different "
                           f"geography is not allowed. The blob was created in "
                           f"'{header['geography']}'; the target vault is in "
                           f"'{target_geography}'.", status=403)
    try:
        payload = json.loads(_decrypt(home, blob, end))
    except ValueError:
        raise _corrupt() from None
    return header, payload


def _decrypt(home, blob: bytes, end: int) -> bytes:
    """Open the sealed part; a wrong key, a changed bit or a home without a key all refuse."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    key = home.key(KEY_NAME)
    try:
        return AESGCM(key).decrypt(blob[end:end + _NONCE_BYTES], blob[end + _NONCE_BYTES:],
                                   blob[:end])
    except InvalidTag:
        raise _corrupt() from None


def verifies(home, blob: bytes) -> bool:
    """Whether this home's backup key authenticates the blob (for `backup inspect`)."""
    _, end = read_header(blob)
    try:
        _decrypt(home, blob, end)
    except ServiceError:
        return False
    return True
