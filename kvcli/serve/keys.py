"""Keys over REST: each route is a call into `kvcli.core.keys`, reshaped by `wire`.

Key Vault's wire carries key material and operation values as base64url and names JWK
operations `key_ops`; the core keeps az's shapes (standard base64, hex for iv/tag/aad).
"""

from __future__ import annotations

import base64
import json

from kvcli.core import keys, messages
from kvcli.serve.wire import from_base64url, to_base64url, wire

PAGE_LIMIT = 25  # Key Vault's largest `maxresults` for keys
JWK_BYTES = ("n", "e", "x", "y", "d", "dp", "dq", "p", "q", "qi", "k", "t")


# --- shapes -------------------------------------------------------------------------------
def _b64_to_url(text: str) -> str:
    return to_base64url(base64.b64decode(text))


def _jwk(view: dict) -> dict:
    return {("key_ops" if name == "keyOps" else name):
            (_b64_to_url(value) if name in JWK_BYTES else value)
            for name, value in view.items() if value is not None}


def key_wire(view: dict) -> dict:
    """A core key view (bundle, list item, deleted) in Key Vault's JSON."""
    shaped = wire(view)
    if "key" in shaped:
        shaped["key"] = _jwk(shaped["key"])
    policy = shaped.get("releasePolicy")
    if policy is not None:
        shaped["releasePolicy"] = {"contentType": policy["contentType"],
                                   "data": _b64_to_url(policy["encodedPolicy"]),
                                   "immutable": policy["immutable"]}
    return shaped


def _rotation_policy_wire(view: dict) -> dict:
    from kvcli.serve.wire import epoch

    actions = [{"trigger": {field: action[field] for field in ("timeAfterCreate",
                                                               "timeBeforeExpiry")
                            if action[field]},
                "action": {"type": action["action"]}} for action in view["lifetimeActions"]]
    attributes = {"expiryTime": view["expiresIn"],
                  "created": epoch(view["createdOn"]) if view["createdOn"] else None,
                  "updated": epoch(view["updatedOn"]) if view["updatedOn"] else None}
    return {"id": view["id"], "lifetimeActions": actions,
            "attributes": {name: value for name, value in attributes.items()
                           if value is not None}}


def _release_policy(body) -> tuple[dict | None, bool | None]:
    """(the policy document, immutable) of a request's `release_policy`."""
    release = body.get("release_policy", dict)
    if release is None:
        return None, None
    data = release.get("data")
    if not isinstance(data, str):
        raise messages.request_body_invalid("'release_policy.data' is required.")
    try:
        policy = json.loads(from_base64url(data, "release_policy.data"))
    except ValueError:
        raise messages.request_body_invalid("'release_policy.data' is not JSON.") from None
    return policy, release.get("immutable")


def _private_pem(jwk: dict) -> tuple[bytes, bool]:
    """(PKCS#8 PEM, is an HSM type) of an imported JWK: the core imports PEM."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    kty = jwk.get("kty")
    if not isinstance(kty, str):
        raise messages.request_body_invalid("'key.kty' is required.")

    def number(name: str) -> int:
        value = jwk.get(name)
        if not isinstance(value, str):
            raise messages.request_body_invalid(f"'key.{name}' is required for a {kty} key.")
        return int.from_bytes(from_base64url(value, f"key.{name}"), "big")

    kind = keys.base_type(kty)
    try:
        if kind == "RSA":
            n, e, d = number("n"), number("e"), number("d")
            if all(isinstance(jwk.get(f), str) for f in ("p", "q", "dp", "dq", "qi")):
                p, q, dp, dq, qi = (number(f) for f in ("p", "q", "dp", "dq", "qi"))
            else:
                p, q = rsa.rsa_recover_prime_factors(n, e, d)
                dp, dq, qi = rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q), \
                    rsa.rsa_crt_iqmp(p, q)
            private = rsa.RSAPrivateNumbers(p, q, d, dp, dq, qi,
                                            rsa.RSAPublicNumbers(e, n)).private_key()
        elif kind == "EC":
            curve = keys.CURVE_SPECS.get(jwk.get("crv"))
            if curve is None:
                raise messages.key_parameter_invalid(f"Unsupported curve: {jwk.get('crv')}.")
            private = ec.EllipticCurvePrivateNumbers(
                number("d"), ec.EllipticCurvePublicNumbers(
                    number("x"), number("y"), getattr(ec, curve[0])())).private_key()
        else:
            raise messages.key_type_not_in_vaults(kty)
    except ValueError as error:
        raise messages.key_parameter_invalid(f"The key is invalid: {error}") from None
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return pem, kty.endswith("-HSM")


def _bytes(body, name: str) -> bytes | None:
    value = body.get(name, str)
    return None if value is None else from_base64url(value, name)


def _hex_to_url(text: str | None) -> str | None:
    return to_base64url(bytes.fromhex(text)) if text else None


# --- routes -------------------------------------------------------------------------------
def create_key(call):
    body = call.body()
    attributes = body.attributes()
    exponent = body.get("public_exponent", int)
    if exponent not in (None, 65537):
        raise messages.key_parameter_invalid("Only the public exponent 65537 is supported.")
    policy, immutable = _release_policy(body)
    return key_wire(keys.create_key(
        call.home, call.vault, call.name, kty=body.get("kty", str, required=True),
        size=body.get("key_size", int), curve=body.get("crv", str),
        ops=body.get("key_ops", list), tags=body.tags(),
        enabled=attributes.get("enabled", bool, True), expires=attributes.time("exp"),
        not_before=attributes.time("nbf"), exportable=attributes.get("exportable", bool),
        policy=policy, immutable=immutable))


def import_key(call):
    body = call.body()
    attributes = body.attributes()
    jwk = body.get("key", dict, required=True)
    pem, hsm_type = _private_pem(jwk)
    policy, immutable = _release_policy(body)
    ops = jwk.get("key_ops")
    return key_wire(keys.import_key(
        call.home, call.vault, call.name, pem, hsm=bool(body.get("Hsm", bool)) or hsm_type,
        ops=ops if isinstance(ops, list) and ops else None, tags=body.tags(),
        enabled=attributes.get("enabled", bool, True), expires=attributes.time("exp"),
        not_before=attributes.time("nbf"), exportable=attributes.get("exportable", bool),
        policy=policy, immutable=immutable))


def get_key(call):
    return key_wire(keys.show_key(call.home, call.vault, call.name, call.version))


def list_keys(call):
    size, after = call.paging(PAGE_LIMIT)
    return call.page(keys.list_keys(call.home, call.vault, include_managed=True,
                                    max_results=size + 1, after=after), size, key_wire)


def list_versions(call):
    return call.whole_list_page(keys.list_versions(call.home, call.vault, call.name),
                              PAGE_LIMIT, key_wire)


def update_key(call):
    body = call.body()
    attributes = body.attributes()
    policy, immutable = _release_policy(body)
    return key_wire(keys.set_attributes(
        call.home, call.vault, call.name, call.version,
        enabled=attributes.get("enabled", bool), expires=attributes.time("exp"),
        not_before=attributes.time("nbf"), ops=body.get("key_ops", list), tags=body.tags(),
        policy=policy, immutable=immutable))


def delete_key(call):
    return key_wire(keys.delete_key(call.home, call.vault, call.name))


def list_deleted(call):
    size, after = call.paging(PAGE_LIMIT)
    return call.page(keys.list_deleted_keys(call.home, call.vault, size + 1, after), size,
                     key_wire)


def get_deleted(call):
    return key_wire(keys.show_deleted_key(call.home, call.vault, call.name))


def recover_key(call):
    return key_wire(keys.recover_key(call.home, call.vault, call.name))


def purge_key(call):
    keys.purge_key(call.home, call.vault, call.name)


def backup_key(call):
    return {"value": to_base64url(keys.backup_key(call.home, call.vault, call.name))}


def restore_key(call):
    return key_wire(keys.restore_key(call.home, call.vault, call.body().blob()))


def rotate_key(call):
    return key_wire(keys.rotate_key(call.home, call.vault, call.name))


def get_rotation_policy(call):
    return _rotation_policy_wire(keys.show_rotation_policy(call.home, call.vault, call.name))


def update_rotation_policy(call):
    return _rotation_policy_wire(keys.update_rotation_policy(
        call.home, call.vault, call.name, call.body().document))


def encrypt(call):
    body = call.body()
    result = keys.encrypt(call.home, call.vault, call.name, call.version,
                          body.get("alg", str, required=True), body.blob("value"),
                          iv=_bytes(body, "iv"), aad=_bytes(body, "aad"))
    shaped = {"kid": result["kid"], "value": _b64_to_url(result["result"]),
              "iv": _hex_to_url(result["iv"]), "tag": _hex_to_url(result["tag"]),
              "aad": _hex_to_url(result["aad"])}
    return {name: value for name, value in shaped.items() if value is not None}


def decrypt(call):
    body = call.body()
    result, plain = keys.decrypt(call.home, call.vault, call.name, call.version,
                                 body.get("alg", str, required=True), body.blob("value"),
                                 iv=_bytes(body, "iv"), tag=_bytes(body, "tag"),
                                 aad=_bytes(body, "aad"))
    return {"kid": result["kid"], "value": to_base64url(plain)}


def sign(call):
    body = call.body()
    result = keys.sign(call.home, call.vault, call.name, call.version,
                       body.get("alg", str, required=True), body.blob("value"))
    return {"kid": result["keyId"], "value": _b64_to_url(result["signature"])}


def verify(call):
    body = call.body()
    result = keys.verify(call.home, call.vault, call.name, call.version,
                         body.get("alg", str, required=True), body.blob("digest"),
                         body.blob("value"))
    return {"value": result["isValid"]}


def wrap_key(call):
    body = call.body()
    result = keys.wrap_key(call.home, call.vault, call.name, call.version,
                           body.get("alg", str, required=True), body.blob("value"))
    return {"kid": result["kid"], "value": _b64_to_url(result["result"])}


def unwrap_key(call):
    body = call.body()
    result, plain = keys.unwrap_key(call.home, call.vault, call.name, call.version,
                                    body.get("alg", str, required=True), body.blob("value"))
    return {"kid": result["kid"], "value": to_base64url(plain)}


OPERATIONS = {"encrypt": encrypt, "decrypt": decrypt, "sign": sign, "verify": verify,
              "wrapkey": wrap_key, "unwrapkey": unwrap_key}
# The first route matching path and method answers: fixed words before `{version}`.
ROUTES = [
    ("POST", "/keys/restore", restore_key),
    ("GET", "/keys", list_keys),
    ("POST", "/keys/{name}/create", create_key),
    ("PUT", "/keys/{name}", import_key),
    ("GET", "/keys/{name}/versions", list_versions),
    ("POST", "/keys/{name}/backup", backup_key),
    ("POST", "/keys/{name}/rotate", rotate_key),
    ("GET", "/keys/{name}/rotationpolicy", get_rotation_policy),
    ("PUT", "/keys/{name}/rotationpolicy", update_rotation_policy),
    ("DELETE", "/keys/{name}", delete_key),
    ("GET", "/keys/{name}", get_key),
    ("GET", "/keys/{name}/", get_key),
    ("GET", "/keys/{name}/{version}", get_key),
    ("PATCH", "/keys/{name}/", update_key),
    ("PATCH", "/keys/{name}/{version}", update_key),
    *[("POST", f"/keys/{{name}}/{{version}}/{operation}", handler)
      for operation, handler in OPERATIONS.items()],
    *[("POST", f"/keys/{{name}}//{operation}", handler)
      for operation, handler in OPERATIONS.items()],
    ("GET", "/deletedkeys", list_deleted),
    ("GET", "/deletedkeys/{name}", get_deleted),
    ("DELETE", "/deletedkeys/{name}", purge_key),
    ("POST", "/deletedkeys/{name}/recover", recover_key),
]
