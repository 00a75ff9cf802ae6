"""Encryption at rest of secret values and key material (AES-256-GCM from `cryptography`).

The data key lives in the home (`keys/data.key`, 0600). Each value is sealed with a fresh
96-bit nonce, and the associated data binds it to its object and version so a value cannot
be moved to another object's file unnoticed.
"""

from __future__ import annotations

import base64
import os

from kvcli.errors import StateError
from kvcli.store import files, paths

KEY_BYTES = 32



def load_key(home, name: str = "data.key", *, create: bool = False) -> bytes:
    """The home's key of that name; `create` makes it on first use (under the home's lock)."""
    path = paths.keys_dir(home.root) / name
    try:
        key = path.read_bytes()
    except FileNotFoundError:
        if not create:
            raise StateError(f"The key file '{path}' is missing: stored values cannot be "
                             "decrypted.") from None
        key = os.urandom(KEY_BYTES)
        files.ensure_dir(path.parent)
        files.write_bytes_atomic(path, key)
    if len(key) != KEY_BYTES:
        raise StateError(f"The key file '{path}' is damaged (expected {KEY_BYTES} bytes). "
                         "kvcli will not overwrite it.")
    return key


def seal(key: bytes, plaintext: bytes, context: str) -> dict:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, plaintext, context.encode())
    return {"nonce": base64.b64encode(nonce).decode(), "data": base64.b64encode(sealed).decode()}


def unseal(key: bytes, box: dict, context: str) -> bytes:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        return AESGCM(key).decrypt(base64.b64decode(box["nonce"]), base64.b64decode(box["data"]),
                                   context.encode())
    except (InvalidTag, KeyError, ValueError):
        raise StateError(f"A stored value ({context}) cannot be decrypted with this home's "
                         "data key: the state is damaged.") from None
