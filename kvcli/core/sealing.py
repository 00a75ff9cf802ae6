"""Encryption at rest of secret values and key material (AES-256-GCM from `cryptography`).

The data key lives in the home (`keys/data.key`, 0600, made with the home and never
remade). Each value is sealed with a fresh 96-bit nonce, and the associated data names its
place (vault, kind, object name and version), so a value copied or moved to any other
place in the home does not open there.
"""

from __future__ import annotations

import base64
import os

from kvcli.errors import StateError

DATA_KEY = "data.key"


def place(vault_name: str, kind: str, name: str, version: str) -> str:
    """The associated data of a sealed value: where it is allowed to open."""
    return f"{vault_name.lower()}/{kind}/{name.lower()}/{version}"


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
    except (InvalidTag, KeyError, TypeError, ValueError):
        raise StateError(f"A stored value ({context}) cannot be decrypted with this home's "
                         "data key: it was altered, or moved from another place.") from None
