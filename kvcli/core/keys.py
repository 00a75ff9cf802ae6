"""Keys: generation, import and cryptographic operations over `cryptography`, and JWK views.

Each version stores its public JWK fields (standard base64, as az prints them), so `list`,
`show` and `list-deleted` never import `cryptography`. The private key (PKCS#8 DER) or the
AES key bytes are sealed under the home's data key, bound to their place, never in clear.
The lifecycle (soft delete, recover, purge, restore) is DataPlaneVault's, as for secrets.
A rotation policy's `Rotate` action runs when the key is next read after its time, as
automatic purge does (`_apply_rotation_policy`).
"""

from __future__ import annotations

import base64
import calendar
import re
from datetime import datetime, timedelta
from itertools import islice
from typing import Iterator

from kvcli.core import access, messages
from kvcli.core.clock import home_now
from kvcli.core.ids import new_version
from kvcli.core.objects import KEY, DataPlaneVault, is_managed, page
from kvcli.core.tags import object_tags
from kvcli.core.timeutil import data_plane, from_stamp, to_stamp
from kvcli.errors import KvError
from kvcli.store.home import Home

ALL_OPS = ("encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey")
DEFAULT_OPS = {"RSA": ALL_OPS, "EC": ("sign", "verify"),
               "oct": ("encrypt", "decrypt", "wrapKey", "unwrapKey")}
RSA_SIZES = (2048, 3072, 4096)
AES_SIZES = (128, 192, 256)
_JWK_FIELDS = ("crv", "d", "dp", "dq", "e", "k", "n", "p", "q", "qi", "t", "x", "y")
# JWK curve -> (cryptography class name, coordinate bytes)
CURVE_SPECS = {"P-256": ("SECP256R1", 32), "P-256K": ("SECP256K1", 32),
                "P-384": ("SECP384R1", 48), "P-521": ("SECP521R1", 66)}
_CURVE_BY_OPENSSL = {"secp256r1": "P-256", "secp256k1": "P-256K", "secp384r1": "P-384",
                     "secp521r1": "P-521"}
# signature algorithm -> (key type, digest bytes, hash, RSA padding or EC curve)
SIGN_ALGORITHMS = {
    "RS256": ("RSA", 32, "SHA256", "PKCS1"), "RS384": ("RSA", 48, "SHA384", "PKCS1"),
    "RS512": ("RSA", 64, "SHA512", "PKCS1"), "PS256": ("RSA", 32, "SHA256", "PSS"),
    "PS384": ("RSA", 48, "SHA384", "PSS"), "PS512": ("RSA", 64, "SHA512", "PSS"),
    "ES256": ("EC", 32, "SHA256", "P-256"), "ES256K": ("EC", 32, "SHA256", "P-256K"),
    "ES384": ("EC", 48, "SHA384", "P-384"), "ES512": ("EC", 64, "SHA512", "P-521"),
}
RSA_ENCRYPTION = ("RSA-OAEP", "RSA-OAEP-256", "RSA1_5")
AES_ENCRYPTION = tuple(f"A{bits}{mode}" for bits in AES_SIZES
                       for mode in ("CBC", "CBCPAD", "GCM"))
DEFAULT_ROTATION_POLICY = [{"action": "Notify", "timeAfterCreate": None,
                            "timeBeforeExpiry": "P30D"}]
_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?"
                       r"(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")
MIN_ROTATION_DAYS = 7
MIN_POLICY_EXPIRY_DAYS = 28


def base_type(kty: str) -> str:
    return kty.removesuffix("-HSM")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _int_bytes(value: int, length: int | None = None) -> bytes:
    return value.to_bytes(length or max(1, (value.bit_length() + 7) // 8), "big")


# --- views ------------------------------------------------------------------------------
def _attributes(vault: DataPlaneVault, version: dict) -> dict:
    return {
        "created": data_plane(version["created"]),
        "enabled": version["enabled"],
        "expires": data_plane(version["expires"]),
        "exportable": version["exportable"],
        "hsmPlatform": None,
        "keySize": None,
        "notBefore": data_plane(version["notBefore"]),
        "recoverableDays": vault.retention_days,
        "recoveryLevel": vault.recovery_level,
        "updated": data_plane(version["updated"]),
    }


def _release_policy(version: dict) -> dict | None:
    policy = version.get("releasePolicy")
    if policy is None:
        return None
    return {"contentType": "application/json; charset=utf-8",
            "encodedPolicy": policy["encodedPolicy"], "immutable": policy["immutable"]}


def jwk(vault: DataPlaneVault, record: dict, version: dict) -> dict:
    """The public JSON web key as az prints it: every field, private ones null."""
    fields = dict.fromkeys(_JWK_FIELDS)
    fields.update(version["public"])
    fields["keyOps"] = list(version["keyOps"])
    fields["kid"] = vault.object_id(KEY, record["name"], version["version"])
    fields["kty"] = version["kty"]
    return fields


def bundle(vault: DataPlaneVault, record: dict, version: dict) -> dict:
    """`key show` / `create` / `import` / `rotate` shape (az-reference §4.6)."""
    return {
        "attributes": _attributes(vault, version),
        "key": jwk(vault, record, version),
        "managed": version.get("managed"),
        "releasePolicy": _release_policy(version),
        "tags": version["tags"] or None,  # Key Vault sends no tags when there are none
    }


def list_item(vault: DataPlaneVault, record: dict, version: dict, *, versioned: bool) -> dict:
    """`key list` / `list-versions` item: properties only, no key material (§4.6)."""
    return {
        "attributes": {**_attributes(vault, version), "attestation": None,
                       "externalKey": None},
        "keySize": None,
        "kid": vault.object_id(KEY, record["name"], version["version"] if versioned else None),
        "managed": version.get("managed"),
        "name": record["name"],
        "releasePolicy": _release_policy(version),
        "tags": version["tags"] or None,
    }


def deleted_bundle(vault: DataPlaneVault, record: dict) -> dict:
    return {**bundle(vault, record, record["versions"][-1]), **vault.deleted_fields(KEY, record)}


def deleted_list_item(vault: DataPlaneVault, record: dict) -> dict:
    return {**list_item(vault, record, record["versions"][-1], versioned=False),
            **vault.deleted_fields(KEY, record)}


# --- key material (imports cryptography) ------------------------------------------------
def _curve(name: str):
    from cryptography.hazmat.primitives.asymmetric import ec

    return getattr(ec, CURVE_SPECS[name][0])()


def _public_fields(private_key) -> tuple[dict, int | None]:
    """The public JWK fields of a private key, and its size in bits (RSA)."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    if isinstance(private_key, rsa.RSAPrivateKey):
        numbers = private_key.public_key().public_numbers()
        return {"n": _b64(_int_bytes(numbers.n)), "e": _b64(_int_bytes(numbers.e))}, \
            private_key.key_size
    numbers = private_key.public_key().public_numbers()
    crv = _CURVE_BY_OPENSSL[private_key.curve.name]
    length = CURVE_SPECS[crv][1]
    return {"crv": crv, "x": _b64(_int_bytes(numbers.x, length)),
            "y": _b64(_int_bytes(numbers.y, length))}, None


def _pkcs8(private_key) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return private_key.private_bytes(serialization.Encoding.DER,
                                     serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption())


def _generate(kty: str, size: int | None, curve: str | None) -> tuple[dict, int | None, bytes]:
    """(public JWK fields, size in bits, secret bytes to seal) of a fresh key."""
    kind = base_type(kty)
    if kind == "oct":
        import os

        return {}, size, os.urandom(size // 8)
    if kind == "RSA":
        from cryptography.hazmat.primitives.asymmetric import rsa

        private_key = rsa.generate_private_key(public_exponent=65537, key_size=size)
    else:
        from cryptography.hazmat.primitives.asymmetric import ec

        private_key = ec.generate_private_key(_curve(curve))
    public, bits = _public_fields(private_key)
    return public, bits, _pkcs8(private_key)


def _public_key(version: dict):
    """The `cryptography` public key rebuilt from the stored JWK fields."""
    fields = version["public"]

    def number(name: str) -> int:
        return int.from_bytes(base64.b64decode(fields[name]), "big")

    if base_type(version["kty"]) == "RSA":
        from cryptography.hazmat.primitives.asymmetric import rsa

        return rsa.RSAPublicNumbers(number("e"), number("n")).public_key()
    from cryptography.hazmat.primitives.asymmetric import ec

    return ec.EllipticCurvePublicNumbers(number("x"), number("y"),
                                         _curve(fields["crv"])).public_key()


def _secret(vault: DataPlaneVault, record: dict, version: dict):
    """The unsealed private key (RSA/EC) or AES key bytes (oct) of one version."""
    raw = vault.unseal(KEY, record["name"], version["version"], version["private"])
    if base_type(version["kty"]) == "oct":
        return raw
    from cryptography.hazmat.primitives import serialization

    return serialization.load_der_private_key(raw, password=None)


# --- helpers ----------------------------------------------------------------------------
def _version(record: dict, version: str | None, *, show: bool = False) -> dict:
    if not version:
        return record["versions"][-1]
    for candidate in record["versions"]:
        if candidate["version"] == version.lower():
            return candidate
    raise messages.object_not_found(KEY, f"{record['name']}/{version}", show=show)


def _check_type(vault: DataPlaneVault, kty: str) -> None:
    """Software symmetric keys exist only in Managed HSM; HSM types need a Premium vault
    (kvcli keeps them as software keys there)."""
    if kty == "oct":
        raise messages.key_type_not_in_vaults(kty)
    if kty.endswith("-HSM") and vault.record["sku"] != "premium":
        raise messages.key_type_needs_premium(kty)


def _key_shape(kty: str, size: int | None, curve: str | None) -> tuple[int | None, str | None]:
    """Key Vault's defaults and limits for size and curve."""
    kind = base_type(kty)
    if kind == "EC":
        curve = curve or "P-256"
        if size is not None:
            raise messages.key_parameter_invalid("The key size is not used for EC keys; give "
                                                 "--curve instead.")
        return None, curve
    if curve is not None:
        raise messages.key_parameter_invalid(f"The curve is only used for EC keys, not "
                                             f"'{kty}' keys.")
    if kind == "RSA":
        size = size or 2048
        if size not in RSA_SIZES:
            raise messages.key_parameter_invalid(
                f"Invalid RSA key size {size}: supported sizes are 2048, 3072 and 4096.")
        return size, None
    size = size or 256
    if size not in AES_SIZES:
        raise messages.key_parameter_invalid(
            f"Invalid AES key size {size}: supported sizes are 128, 192 and 256.")
    return size, None


def release_policy(policy: dict | None, exportable: bool | None, immutable: bool | None) -> dict:
    """Key Vault's pairing of `exportable` and a release policy, as stored on a version."""
    if exportable and policy is None:
        raise messages.key_release_policy_required()
    if policy is not None and not exportable:
        raise messages.key_release_policy_not_exportable()
    if policy is None:
        return {"exportable": bool(exportable), "releasePolicy": None}
    import json

    encoded = _b64(json.dumps(policy, separators=(",", ":")).encode())
    return {"exportable": True,
            "releasePolicy": {"encodedPolicy": encoded, "immutable": bool(immutable)}}


def _new_version(vault: DataPlaneVault, name: str, *, kty: str, public: dict,
                 bits: int | None, secret: bytes, ops, tags, enabled: bool,
                 expires: str | None, not_before: str | None, created: str,
                 exportable: bool, release: dict | None) -> dict:
    version_id = new_version()
    return {
        "version": version_id,
        "kty": kty,
        "keyOps": list(ops) if ops else list(DEFAULT_OPS[base_type(kty)]),
        "keySize": bits,
        "public": public,
        "private": vault.seal(KEY, name, version_id, secret),
        "enabled": enabled,
        "expires": expires,
        "notBefore": not_before,
        "created": created,
        "updated": created,
        "tags": tags or {},
        "exportable": exportable,
        "releasePolicy": release,
        "managed": None,
    }


def _store_version(vault: DataPlaneVault, name: str, make) -> tuple[dict, dict]:
    """Add the version `make(record_name)` builds to the key, creating it on first use."""
    with vault.home.locked():
        record = vault.ensure_name_free(KEY, name)
        record = record or {"name": name, "versions": [], "deleted": None,
                            "rotationPolicy": None}
        version = make(record["name"])
        record["versions"].append(version)
        vault.write(KEY, record)
    return record, version


# --- rotation ---------------------------------------------------------------------------
def parse_duration(text: str) -> tuple[int, int, timedelta]:
    """An ISO 8601 duration as (years, months, rest); years and months are calendar units."""
    match = _DURATION.match(text or "")
    if not match or not any(match.groups()):
        raise messages.rotation_policy_invalid(f"'{text}' is not an ISO 8601 duration such "
                                               "as P90D, P18M or P1Y.")
    years, months, weeks, days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return years, months, timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes,
                                    seconds=seconds)


def add_duration(moment: datetime, text: str, sign: int = 1) -> datetime:
    years, months, rest = parse_duration(text)
    total = moment.year * 12 + moment.month - 1 + sign * (years * 12 + months)
    year, month = divmod(total, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day) + sign * rest


def _next_rotation(record: dict) -> datetime | None:
    """When the policy's Rotate action is next due for the latest version, if ever."""
    policy = record.get("rotationPolicy")
    if not policy:
        return None
    latest = record["versions"][-1]
    due = []
    for action in policy["lifetimeActions"]:
        if action["action"].lower() != "rotate":
            continue
        if action["timeAfterCreate"]:
            due.append(add_duration(from_stamp(latest["created"]), action["timeAfterCreate"]))
        if action["timeBeforeExpiry"] and latest["expires"]:
            due.append(add_duration(from_stamp(latest["expires"]), action["timeBeforeExpiry"],
                                    -1))
    return min(due) if due else None


def _rotated_version(vault: DataPlaneVault, record: dict, at: datetime) -> dict:
    """A new version like the latest one (type, size, curve, ops, tags), made at `at`."""
    latest = record["versions"][-1]
    public, bits, secret = _generate(latest["kty"], latest["keySize"],
                                     latest["public"].get("crv"))
    expiry = (record.get("rotationPolicy") or {}).get("expiryTime")
    return _new_version(vault, record["name"], kty=latest["kty"], public=public, bits=bits,
                        secret=secret, ops=latest["keyOps"], tags=latest["tags"],
                        enabled=True, not_before=None, created=to_stamp(at),
                        expires=to_stamp(add_duration(at, expiry)) if expiry else None,
                        exportable=latest["exportable"], release=latest["releasePolicy"])


def _apply_rotation_policy(vault: DataPlaneVault, record: dict, *, show: bool = False) -> dict:
    """Every Rotate the policy asked for since the latest version, each at its own time.
    A read-only home still answers, unrotated: the rotation waits for a writable run, as
    automatic purge does."""
    from kvcli.store.home import ReadOnlyHome

    now = home_now(vault.home)
    due = _next_rotation(record)
    if due is None or due > now:
        return record
    try:
        with vault.home.locked():
            current = vault.active(KEY, record["name"], show=show)
            changed = False
            while (due := _next_rotation(current)) is not None and due <= now:
                current["versions"].append(_rotated_version(vault, current, due))
                changed = True
            if changed:
                vault.write(KEY, current)
    except ReadOnlyHome:
        return record
    return current


def _active(vault: DataPlaneVault, name: str, *, show: bool = False) -> dict:
    """The active key, after any rotation its policy has made due."""
    return _apply_rotation_policy(vault, vault.active(KEY, name, show=show), show=show)


# --- operations -------------------------------------------------------------------------
@access.data_operation(KEY, "Create")
def create_key(home: Home, vault_name: str, name: str, *, kty: str = "RSA",
               size: int | None = None, curve: str | None = None, ops=None,
               tags: dict | None = None, enabled: bool = True,
               expires: datetime | None = None, not_before: datetime | None = None,
               exportable: bool | None = None, policy: dict | None = None,
               immutable: bool | None = None) -> dict:
    """Generate a new key version (creating the key on first use)."""
    vault = DataPlaneVault(home, vault_name)
    tags = object_tags(tags)
    vault.ensure_name_free(KEY, name)
    _check_type(vault, kty)
    size, curve = _key_shape(kty, size, curve)
    release = release_policy(policy, exportable, immutable)
    public, bits, secret = _generate(kty, size, curve)
    now = to_stamp(home_now(home))
    record, version = _store_version(vault, name, lambda stored_name: _new_version(
        vault, stored_name, kty=kty, public=public, bits=bits, secret=secret, ops=ops,
        tags=tags, enabled=enabled, expires=to_stamp(expires) if expires else None,
        not_before=to_stamp(not_before) if not_before else None, created=now,
        exportable=release["exportable"], release=release["releasePolicy"]))
    return bundle(vault, record, version)


@access.data_operation(KEY, "Import")
def import_key(home: Home, vault_name: str, name: str, pem: bytes, *,
               password: bytes | None = None, hsm: bool = False, ops=None,
               tags: dict | None = None, enabled: bool = True,
               expires: datetime | None = None, not_before: datetime | None = None,
               exportable: bool | None = None, policy: dict | None = None,
               immutable: bool | None = None) -> dict:
    """Import an RSA or EC private key from PEM as a new version."""
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    vault = DataPlaneVault(home, vault_name)
    tags = object_tags(tags)
    vault.ensure_name_free(KEY, name)
    try:
        private_key = load_pem_private_key(pem, password)
    except (ValueError, TypeError, UnsupportedAlgorithm) as error:
        raise KvError(f"Import failed: {error}") from None
    if isinstance(private_key, rsa.RSAPrivateKey):
        kty = "RSA"
    elif isinstance(private_key, ec.EllipticCurvePrivateKey):
        if private_key.curve.name not in _CURVE_BY_OPENSSL:
            raise KvError(f"Import failed: Unsupported curve, {private_key.curve.name}.")
        kty = "EC"
    else:
        raise KvError(f"Import failed: Unsupported key type, {type(private_key)}.")
    if kty == "RSA" and private_key.key_size not in RSA_SIZES:
        raise messages.key_parameter_invalid(
            f"Invalid RSA key size {private_key.key_size}: supported sizes are 2048, 3072 "
            "and 4096.")
    kty = f"{kty}-HSM" if hsm else kty
    _check_type(vault, kty)
    release = release_policy(policy, exportable, immutable)
    public, bits = _public_fields(private_key)
    secret = _pkcs8(private_key)
    now = to_stamp(home_now(home))
    record, version = _store_version(vault, name, lambda stored_name: _new_version(
        vault, stored_name, kty=kty, public=public, bits=bits, secret=secret, ops=ops,
        tags=tags, enabled=enabled, expires=to_stamp(expires) if expires else None,
        not_before=to_stamp(not_before) if not_before else None, created=now,
        exportable=release["exportable"], release=release["releasePolicy"]))
    return bundle(vault, record, version)


@access.data_operation(KEY, "Get")
def show_key(home: Home, vault_name: str, name: str, version: str | None = None) -> dict:
    vault = DataPlaneVault(home, vault_name)
    record = _active(vault, name, show=True)
    return bundle(vault, record, _version(record, version, show=True))


@access.data_operation(KEY, "List")
def list_keys(home: Home, vault_name: str, *, include_managed: bool = False,
              max_results: int | None = None, after: str | None = None) -> Iterator[dict]:
    """At most `max_results` keys, in name order, after the one named `after`; made one at
    a time as they are read."""
    vault = DataPlaneVault(home, vault_name)
    rotated = (_apply_rotation_policy(vault, record) for record in vault.each(KEY, after)
               if not record.get("deleted"))
    listed = (record for record in rotated
              if include_managed or not record["versions"][-1].get("managed"))
    for record in islice(listed, max_results):
        yield list_item(vault, record, record["versions"][-1], versioned=False)


@access.data_operation(KEY, "ListVersions")
def list_versions(home: Home, vault_name: str, name: str,
                  max_results: int | None = None) -> list[dict]:
    vault = DataPlaneVault(home, vault_name)
    record = _active(vault, name)
    items = [list_item(vault, record, v, versioned=True) for v in record["versions"]]
    return page(items, max_results)


@access.data_operation(KEY, "Update")
def set_attributes(home: Home, vault_name: str, name: str, version: str | None = None, *,
                   enabled: bool | None = None, expires: datetime | None = None,
                   not_before: datetime | None = None, ops=None,
                   tags: dict | None = None, policy: dict | None = None,
                   immutable: bool | None = None) -> dict:
    vault = DataPlaneVault(home, vault_name)
    tags = object_tags(tags)
    _active(vault, name)
    with home.locked():
        record = vault.changeable(KEY, name, "update")
        chosen = _version(record, version)
        if policy is not None:
            if (chosen["releasePolicy"] or {}).get("immutable"):
                raise messages.key_release_policy_immutable()
            chosen["releasePolicy"] = release_policy(policy, chosen["exportable"],
                                                     immutable)["releasePolicy"]
        for field, value in (("enabled", enabled), ("tags", tags)):
            if value is not None:
                chosen[field] = value
        if ops is not None:
            chosen["keyOps"] = list(ops)
        if expires is not None:
            chosen["expires"] = to_stamp(expires)
        if not_before is not None:
            chosen["notBefore"] = to_stamp(not_before)
        chosen["updated"] = to_stamp(home_now(home))
        vault.write(KEY, record)
    return bundle(vault, record, chosen)


@access.data_operation(KEY, "Delete")
def delete_key(home: Home, vault_name: str, name: str) -> dict:
    vault = DataPlaneVault(home, vault_name)
    return deleted_bundle(vault, vault.soft_delete(KEY, name))


@access.data_operation(KEY, "ListDeleted")
def list_deleted_keys(home: Home, vault_name: str, max_results: int | None = None,
                      after: str | None = None) -> Iterator[dict]:
    vault = DataPlaneVault(home, vault_name)
    # A certificate's deleted key is listed with the certificate, not here.
    listed = (record for record in vault.each(KEY, after)
              if record.get("deleted") and not is_managed(record))
    for record in islice(listed, max_results):
        yield deleted_list_item(vault, record)


@access.data_operation(KEY, "GetDeleted")
def show_deleted_key(home: Home, vault_name: str, name: str) -> dict:
    vault = DataPlaneVault(home, vault_name)
    return deleted_bundle(vault, vault.deleted(KEY, name))


@access.data_operation(KEY, "Recover")
def recover_key(home: Home, vault_name: str, name: str) -> dict:
    vault = DataPlaneVault(home, vault_name)
    record = vault.recover(KEY, name)
    return bundle(vault, record, record["versions"][-1])


@access.data_operation(KEY, "Purge")
def purge_key(home: Home, vault_name: str, name: str) -> None:
    DataPlaneVault(home, vault_name).purge(KEY, name)


@access.data_operation(KEY, "Rotate")
def rotate_key(home: Home, vault_name: str, name: str) -> dict:
    """A new version now, like the latest one; the policy's expiryTime sets its expiry."""
    vault = DataPlaneVault(home, vault_name)
    _active(vault, name)
    with home.locked():
        record = vault.changeable(KEY, name, "rotate")
        version = _rotated_version(vault, record, home_now(home))
        record["versions"].append(version)
        vault.write(KEY, record)
    return bundle(vault, record, version)


@access.data_operation(KEY, "Get")
def public_key_bytes(home: Home, vault_name: str, name: str, version: str | None,
                     encoding: str) -> bytes:
    """The public key of one version as PEM or DER (SubjectPublicKeyInfo); never the private."""
    from cryptography.hazmat.primitives import serialization

    vault = DataPlaneVault(home, vault_name)
    record = _active(vault, name)
    chosen = _version(record, version)
    if base_type(chosen["kty"]) == "oct":
        raise KvError(f"Unsupported key type: {chosen['kty']}. (Supported key types: RSA, "
                      "RSA-HSM, EC, EC-HSM)")
    return _public_key(chosen).public_bytes(
        getattr(serialization.Encoding, encoding),
        serialization.PublicFormat.SubjectPublicKeyInfo)


# --- rotation policy --------------------------------------------------------------------
def _policy_view(vault: DataPlaneVault, record: dict) -> dict:
    policy = record.get("rotationPolicy")
    return {
        "createdOn": data_plane(policy["created"]) if policy else None,
        "expiresIn": policy["expiryTime"] if policy else None,
        "id": f"{vault.object_id(KEY, record['name'])}/rotationpolicy",
        "lifetimeActions": [dict(a) for a in (policy["lifetimeActions"] if policy
                                              else DEFAULT_ROTATION_POLICY)],
        "updatedOn": data_plane(policy["updated"]) if policy else None,
    }


@access.data_operation(KEY, "GetRotationPolicy")
def show_rotation_policy(home: Home, vault_name: str, name: str) -> dict:
    vault = DataPlaneVault(home, vault_name)
    return _policy_view(vault, _active(vault, name, show=True))


def _pick(source: dict, *names: str):
    for name in names:
        if source.get(name) is not None:
            return source[name]
    return None


def normalise_policy(policy: dict) -> tuple[list[dict], str | None]:
    """az's policy JSON (camelCase or snake_case, trigger/action nested or flat) as
    lifetime actions and expiryTime, checked against Key Vault's limits."""
    actions = []
    for raw in _pick(policy, "lifetimeActions", "lifetime_actions") or []:
        if not isinstance(raw, dict):
            raise messages.rotation_policy_invalid("each lifetime action must be an object.")
        action = raw.get("action")
        action_type = _pick(action, "type") if isinstance(action, dict) else action
        trigger = raw.get("trigger") if isinstance(raw.get("trigger"), dict) else raw
        after = _pick(trigger, "timeAfterCreate", "time_after_create")
        before = _pick(trigger, "timeBeforeExpiry", "time_before_expiry")
        if not isinstance(action_type, str) or action_type.lower() not in ("rotate", "notify"):
            raise messages.rotation_policy_invalid("the action type must be Rotate or Notify.")
        if (after is None) == (before is None):
            raise messages.rotation_policy_invalid("each lifetime action needs exactly one of "
                                                   "timeAfterCreate and timeBeforeExpiry.")
        actions.append({"action": action_type.capitalize(), "timeAfterCreate": after,
                        "timeBeforeExpiry": before})
    attributes = policy.get("attributes") if isinstance(policy.get("attributes"), dict) else {}
    expiry = (_pick(attributes, "expiryTime", "expiry_time", "expires_in")
              or _pick(policy, "expiryTime", "expiry_time", "expires_in"))
    _check_policy_limits(actions, expiry)
    return actions, expiry


def _days(text: str) -> float:
    """A duration's length in days, counted from a fixed date (months vary)."""
    start = datetime(2001, 1, 1)
    return (add_duration(start, text) - start) / timedelta(days=1)


def _check_policy_limits(actions: list[dict], expiry: str | None) -> None:
    """Key Vault's limits (every rotation at least 7 days apart) keep rotations finite."""
    if expiry is not None and _days(expiry) < MIN_POLICY_EXPIRY_DAYS:
        raise messages.rotation_policy_invalid(f"expiryTime must be at least "
                                               f"P{MIN_POLICY_EXPIRY_DAYS}D.")
    for action in actions:
        for field in ("timeAfterCreate", "timeBeforeExpiry"):
            if action[field] is not None and _days(action[field]) < MIN_ROTATION_DAYS:
                raise messages.rotation_policy_invalid(
                    f"{field} must be at least P{MIN_ROTATION_DAYS}D.")
        before = action["timeBeforeExpiry"]
        if before and expiry and _days(expiry) - _days(before) < MIN_ROTATION_DAYS:
            raise messages.rotation_policy_invalid(
                f"timeBeforeExpiry must be at least {MIN_ROTATION_DAYS} days shorter than "
                "expiryTime.")


@access.data_operation(KEY, "SetRotationPolicy")
def update_rotation_policy(home: Home, vault_name: str, name: str, policy: dict) -> dict:
    actions, expiry = normalise_policy(policy)
    vault = DataPlaneVault(home, vault_name)
    _active(vault, name)
    with home.locked():
        record = vault.changeable(KEY, name, "update")
        now = to_stamp(home_now(home))
        created = (record.get("rotationPolicy") or {}).get("created") or now
        record["rotationPolicy"] = {"lifetimeActions": actions, "expiryTime": expiry,
                                    "created": created, "updated": now}
        vault.write(KEY, record)
    return _policy_view(vault, _apply_rotation_policy(vault, record))


# --- cryptographic operations -----------------------------------------------------------
def _usable(home: Home, vault_name: str, name: str, version: str | None,
            operation: str) -> tuple[DataPlaneVault, dict, dict]:
    """The key version, refused as Key Vault refuses it: disabled, operation not in its
    key_ops, or (encrypt, sign and wrapKey) outside its validity window; decrypt, verify and
    unwrapKey still work on an expired key."""
    vault = DataPlaneVault(home, vault_name)
    record = _active(vault, name)
    chosen = _version(record, version)
    if not chosen["enabled"]:
        raise messages.key_disabled(operation)
    if operation not in chosen["keyOps"]:
        raise messages.key_operation_not_permitted(operation)
    if operation in ("encrypt", "sign", "wrapKey"):
        now = home_now(home)
        if chosen["notBefore"] and now < from_stamp(chosen["notBefore"]):
            raise messages.key_not_yet_valid(operation)
        if chosen["expires"] and now >= from_stamp(chosen["expires"]):
            raise messages.key_expired(operation)
    return vault, record, chosen


def _rsa_padding(algorithm: str):
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    if algorithm == "RSA1_5":
        return padding.PKCS1v15()
    digest = hashes.SHA256() if algorithm == "RSA-OAEP-256" else hashes.SHA1()
    return padding.OAEP(mgf=padding.MGF1(algorithm=digest), algorithm=digest, label=None)


def _check_cipher(version: dict, algorithm: str) -> None:
    kind = base_type(version["kty"])
    if algorithm in RSA_ENCRYPTION and kind == "RSA":
        return
    if algorithm in AES_ENCRYPTION and kind == "oct" and \
            int(algorithm[1:4]) == version["keySize"]:
        return
    raise messages.key_algorithm_unsupported(algorithm, version["kty"])


def _aes_cbc(key: bytes, iv: bytes | None, data: bytes, *, encrypt: bool, pad: bool) -> bytes:
    from cryptography.hazmat.primitives import padding as sym_padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    if iv is None or len(iv) != 16:
        raise messages.key_parameter_invalid("AES-CBC needs a 16-byte initialization vector "
                                             "(--iv, hex).")
    cipher = Cipher(algorithms.AES(key), modes.CBC(iv))
    if encrypt:
        if pad:
            padder = sym_padding.PKCS7(128).padder()
            data = padder.update(data) + padder.finalize()
        if len(data) % 16:
            raise messages.key_parameter_invalid("AES-CBC without padding needs a plaintext "
                                                 "whose length is a multiple of 16 bytes.")
        worker = cipher.encryptor()
        return worker.update(data) + worker.finalize()
    worker = cipher.decryptor()
    try:
        plain = worker.update(data) + worker.finalize()
        if pad:
            unpadder = sym_padding.PKCS7(128).unpadder()
            plain = unpadder.update(plain) + unpadder.finalize()
    except ValueError:
        raise messages.key_decrypt_failed() from None
    return plain


@access.data_operation(KEY, "Encrypt")
def encrypt(home: Home, vault_name: str, name: str, version: str | None, algorithm: str,
            plaintext: bytes, *, iv: bytes | None = None, aad: bytes | None = None) -> dict:
    vault, record, chosen = _usable(home, vault_name, name, version, "encrypt")
    _check_cipher(chosen, algorithm)
    secret = _secret(vault, record, chosen)
    tag = None
    if algorithm in RSA_ENCRYPTION:
        try:
            result = secret.public_key().encrypt(plaintext, _rsa_padding(algorithm))
        except ValueError as error:
            raise messages.key_parameter_invalid(f"Cannot encrypt: {error}") from None
        iv = aad = None
    elif algorithm.endswith("GCM"):
        import os

        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        iv = iv or os.urandom(12)
        sealed = AESGCM(secret).encrypt(iv, plaintext, aad)
        result, tag = sealed[:-16], sealed[-16:]
    else:
        result = _aes_cbc(secret, iv, plaintext, encrypt=True, pad=algorithm.endswith("PAD"))
        aad = None
    return {"aad": aad.hex() if aad else None, "algorithm": algorithm,
            "iv": iv.hex() if iv else None,
            "kid": vault.object_id(KEY, record["name"], chosen["version"]),
            "result": _b64(result), "tag": tag.hex() if tag else None}


@access.data_operation(KEY, "Decrypt")
def decrypt(home: Home, vault_name: str, name: str, version: str | None, algorithm: str,
            ciphertext: bytes, *, iv: bytes | None = None, tag: bytes | None = None,
            aad: bytes | None = None) -> tuple[dict, bytes]:
    """(result without `result`, plaintext): the caller renders the plaintext as asked."""
    vault, record, chosen = _usable(home, vault_name, name, version, "decrypt")
    _check_cipher(chosen, algorithm)
    secret = _secret(vault, record, chosen)
    if algorithm in RSA_ENCRYPTION:
        try:
            plain = secret.decrypt(ciphertext, _rsa_padding(algorithm))
        except ValueError:
            raise messages.key_decrypt_failed() from None
    elif algorithm.endswith("GCM"):
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        if not iv or not tag:
            raise messages.key_parameter_invalid("AES-GCM decryption needs --iv and --tag.")
        try:
            plain = AESGCM(secret).decrypt(iv, ciphertext + tag, aad)
        except (InvalidTag, ValueError):
            raise messages.key_decrypt_failed() from None
    else:
        plain = _aes_cbc(secret, iv, ciphertext, encrypt=False, pad=algorithm.endswith("PAD"))
    return {"algorithm": algorithm,
            "kid": vault.object_id(KEY, record["name"], chosen["version"])}, plain


@access.data_operation(KEY, "WrapKey")
def wrap_key(home: Home, vault_name: str, name: str, version: str | None, algorithm: str,
             key: bytes) -> dict:
    """Key Vault's wrapKey: another key encrypted under this RSA key's public key, allowed
    by the key's own wrapKey operation (not encrypt)."""
    vault, record, chosen = _usable(home, vault_name, name, version, "wrapKey")
    if algorithm not in RSA_ENCRYPTION or base_type(chosen["kty"]) != "RSA":
        raise messages.key_algorithm_unsupported(algorithm, chosen["kty"])
    try:
        wrapped = _public_key(chosen).encrypt(key, _rsa_padding(algorithm))
    except ValueError as error:
        raise messages.key_parameter_invalid(f"Cannot wrap: {error}") from None
    return {"algorithm": algorithm,
            "kid": vault.object_id(KEY, record["name"], chosen["version"]),
            "result": _b64(wrapped)}


@access.data_operation(KEY, "UnwrapKey")
def unwrap_key(home: Home, vault_name: str, name: str, version: str | None, algorithm: str,
               wrapped: bytes) -> tuple[dict, bytes]:
    """(result without `result`, the unwrapped key)."""
    vault, record, chosen = _usable(home, vault_name, name, version, "unwrapKey")
    if algorithm not in RSA_ENCRYPTION or base_type(chosen["kty"]) != "RSA":
        raise messages.key_algorithm_unsupported(algorithm, chosen["kty"])
    try:
        plain = _secret(vault, record, chosen).decrypt(wrapped, _rsa_padding(algorithm))
    except ValueError:
        raise messages.key_decrypt_failed() from None
    return {"algorithm": algorithm,
            "kid": vault.object_id(KEY, record["name"], chosen["version"])}, plain


def _check_signing(version: dict, algorithm: str, digest: bytes) -> tuple:
    spec = SIGN_ALGORITHMS.get(algorithm)
    kind = base_type(version["kty"])
    if spec is None or spec[0] != kind or (kind == "EC" and spec[3] != version["public"]["crv"]):
        raise messages.key_algorithm_unsupported(algorithm, version["kty"])
    if len(digest) != spec[1]:
        raise messages.key_digest_length(algorithm, len(digest), spec[1])
    return spec


def _sign_scheme(spec: tuple):
    """(padding or None, signature algorithm) over a digest computed by the caller."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, utils

    hash_algorithm = getattr(hashes, spec[2])()
    prehashed = utils.Prehashed(hash_algorithm)
    if spec[0] == "EC":
        return None, ec.ECDSA(prehashed)
    if spec[3] == "PSS":
        return padding.PSS(mgf=padding.MGF1(hash_algorithm),
                           salt_length=hash_algorithm.digest_size), prehashed
    return padding.PKCS1v15(), prehashed


@access.data_operation(KEY, "Sign")
def sign(home: Home, vault_name: str, name: str, version: str | None, algorithm: str,
         digest: bytes) -> dict:
    """Sign a digest; EC signatures are JWS-style R||S, as Key Vault returns them."""
    vault, record, chosen = _usable(home, vault_name, name, version, "sign")
    spec = _check_signing(chosen, algorithm, digest)
    private_key = _secret(vault, record, chosen)
    pad, scheme = _sign_scheme(spec)
    if pad is None:
        from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

        r, s = decode_dss_signature(private_key.sign(digest, scheme))
        length = CURVE_SPECS[spec[3]][1]
        signature = _int_bytes(r, length) + _int_bytes(s, length)
    else:
        signature = private_key.sign(digest, pad, scheme)
    return {"algorithm": algorithm,
            "keyId": vault.object_id(KEY, record["name"], chosen["version"]),
            "signature": _b64(signature)}


@access.data_operation(KEY, "Verify")
def verify(home: Home, vault_name: str, name: str, version: str | None, algorithm: str,
           digest: bytes, signature: bytes) -> dict:
    from cryptography.exceptions import InvalidSignature

    vault, record, chosen = _usable(home, vault_name, name, version, "verify")
    spec = _check_signing(chosen, algorithm, digest)
    public_key = _public_key(chosen)
    pad, scheme = _sign_scheme(spec)
    valid = True
    try:
        if pad is None:
            from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

            length = CURVE_SPECS[spec[3]][1]
            if len(signature) != 2 * length:
                raise InvalidSignature()
            der = encode_dss_signature(int.from_bytes(signature[:length], "big"),
                                       int.from_bytes(signature[length:], "big"))
            public_key.verify(der, digest, scheme)
        else:
            public_key.verify(signature, digest, pad, scheme)
    except InvalidSignature:
        valid = False
    return {"algorithm": algorithm, "isValid": valid,
            "keyId": vault.object_id(KEY, record["name"], chosen["version"])}


# --- backup and restore -----------------------------------------------------------------
@access.data_operation(KEY, "Backup")
def backup_key(home: Home, vault_name: str, name: str) -> bytes:
    return backup_object(DataPlaneVault(home, vault_name), name)


def backup_object(vault: DataPlaneVault, name: str) -> bytes:
    """One blob with every version and the rotation policy; key material sealed inside."""
    from kvcli.core import backup

    record = _active(vault, name)
    # A certificate's key is backed up with its certificate, never alone.
    vault.changeable(KEY, record["name"], "backup")
    versions = [{**v, "private": _b64(vault.unseal(KEY, record["name"], v["version"],
                                                   v["private"]))}
                for v in record["versions"]]
    return backup.seal_object(vault.home, kind=KEY.noun, name=record["name"],
                              source_vault=vault.name, geography=vault.geography,
                              versions=len(versions),
                              payload={"name": record["name"], "versions": versions,
                                       "rotationPolicy": record.get("rotationPolicy")})


@access.data_operation(KEY, "Restore")
def restore_key(home: Home, vault_name: str, blob: bytes) -> dict:
    return restore_object(DataPlaneVault(home, vault_name), blob)


def restore_object(vault: DataPlaneVault, blob: bytes) -> dict:
    """Recreate the key with its versions, ids and policy, rewritten to the target vault."""
    from kvcli.core import backup

    _, payload = backup.open_object(vault.home, blob, kind=KEY.noun,
                                    target_geography=vault.geography)
    name = payload["name"]
    _check_type(vault, payload["versions"][-1]["kty"])
    versions = [{**v, "private": vault.seal(KEY, name, v["version"],
                                            base64.b64decode(v["private"]))}
                for v in payload["versions"]]
    record = {"name": name, "versions": versions, "deleted": None,
              "rotationPolicy": payload.get("rotationPolicy")}
    vault.restore(KEY, record)
    return bundle(vault, record, versions[-1])


# --- keys owned by certificates ----------------------------------------------------------
def managed_version(vault: DataPlaneVault, name: str, version_id: str, private_key, *,
                    tags: dict, enabled: bool, created: str, expires: str | None,
                    not_before: str | None) -> dict:
    """The key version a certificate version owns: same version id, its key pair, its
    validity; `managed` so that only the certificate changes it."""
    public, bits = _public_fields(private_key)
    kty = "EC" if "crv" in public else "RSA"
    return {
        "version": version_id, "kty": kty, "keyOps": list(DEFAULT_OPS[kty]),
        "keySize": bits, "public": public,
        "private": vault.seal(KEY, name, version_id, _pkcs8(private_key)),
        "enabled": enabled, "expires": expires, "notBefore": not_before,
        "created": created, "updated": created, "tags": dict(tags),
        "exportable": False, "releasePolicy": None, "managed": True,
    }
