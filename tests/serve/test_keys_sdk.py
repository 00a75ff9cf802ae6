"""The official azure-keyvault-keys SDK against a live `kvcli serve`, results checked with
`cryptography`. The vault is addressed by host (NAME.localhost:PORT), as with a hosts
entry, so the SDK's own challenge-resource check stays on."""

from __future__ import annotations

import base64
import hashlib
import socket

import pytest

from tests.serve.conftest import ADMIN, FakeCredential, jwt
from tests.serve.test_secrets_sdk import raw

pytest.importorskip("azure.keyvault.keys", reason="the 'serve-test' extra is not installed")

from azure.core.exceptions import HttpResponseError, ResourceNotFoundError  # noqa: E402
from azure.keyvault.keys import (  # noqa: E402
    JsonWebKey, KeyClient, KeyRotationLifetimeAction, KeyRotationPolicy, KeyRotationPolicyAction)
from azure.keyvault.keys.crypto import (  # noqa: E402
    EncryptionAlgorithm, KeyWrapAlgorithm, SignatureAlgorithm)
from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.utils import (  # noqa: E402
    Prehashed, encode_dss_signature)


@pytest.fixture(autouse=True)
def localhost_names(monkeypatch):
    """NAME.localhost resolves to loopback, as systemd-resolved or a hosts entry makes it."""
    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):
        if isinstance(host, str) and host.endswith(".localhost"):
            host = "127.0.0.1"
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)


def client(served, vault: str) -> KeyClient:
    return KeyClient(f"https://{vault}.localhost:{served.port}", FakeCredential(upn=ADMIN),
                     connection_verify=str(served.ca_file))


def rsa_public(key) -> rsa.RSAPublicKey:
    return rsa.RSAPublicNumbers(int.from_bytes(key.key.e, "big"),
                                int.from_bytes(key.key.n, "big")).public_key()


def url64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_rsa_sign_encrypt_wrap_round_trips_checked_by_cryptography(served, new_vault):
    vault = new_vault("keys-rsa")
    keys = client(served, vault)
    key = keys.create_rsa_key("signer", size=2048, tags={"use": "lab"})
    assert key.key_type == "RSA" and key.properties.tags == {"use": "lab"}
    assert key.id == f"https://{vault}.vault.azure.net/keys/signer/{key.properties.version}"
    public = rsa_public(key)
    assert public.key_size == 2048
    crypto = keys.get_cryptography_client("signer")
    digest = hashlib.sha256(b"payload").digest()
    signed = crypto.sign(SignatureAlgorithm.rs256, digest)  # remote: needs the private key
    public.verify(signed.signature, digest, padding.PKCS1v15(), Prehashed(hashes.SHA256()))
    assert crypto.verify(SignatureAlgorithm.rs256, digest, signed.signature).is_valid
    sealed = public.encrypt(b"secret", padding.OAEP(padding.MGF1(hashes.SHA256()),
                                                    hashes.SHA256(), None))
    assert crypto.decrypt(EncryptionAlgorithm.rsa_oaep_256, sealed).plaintext == b"secret"
    wrapped = public.encrypt(b"k" * 32, padding.OAEP(padding.MGF1(hashes.SHA1()),
                                                     hashes.SHA1(), None))
    assert crypto.unwrap_key(KeyWrapAlgorithm.rsa_oaep, wrapped).key == b"k" * 32


def test_the_servers_public_key_operations_answer_on_the_wire(served, new_vault):
    vault = new_vault("keys-wire")
    keys = client(served, vault)
    key = keys.create_rsa_key("pub")
    crypto = keys.get_cryptography_client("pub")
    host, token = f"{vault}.localhost:{served.port}", jwt(upn=ADMIN)
    version = key.properties.version
    status, _, body = raw(served, "POST", f"/keys/pub/{version}/encrypt?api-version=7.6",
                          host=host, token=token, body={"alg": "RSA-OAEP", "value": url64(b"hi")})
    assert status == 200, body
    sealed = base64.urlsafe_b64decode(body["value"] + "==")
    assert crypto.decrypt(EncryptionAlgorithm.rsa_oaep, sealed).plaintext == b"hi"
    status, _, body = raw(served, "POST", f"/keys/pub/{version}/wrapkey?api-version=7.6",
                          host=host, token=token, body={"alg": "RSA1_5", "value": url64(b"w")})
    assert status == 200, body
    wrapped = base64.urlsafe_b64decode(body["value"] + "==")
    assert crypto.unwrap_key(KeyWrapAlgorithm.rsa1_5, wrapped).key == b"w"
    digest = hashlib.sha256(b"m").digest()
    signature = crypto.sign(SignatureAlgorithm.ps256, digest).signature
    for candidate, valid in ((signature, True), (bytes(len(signature)), False)):
        status, _, body = raw(served, "POST", f"/keys/pub/{version}/verify?api-version=7.6",
                              host=host, token=token,
                              body={"alg": "PS256", "digest": url64(digest),
                                    "value": url64(candidate)})
        assert (status, body) == (200, {"value": valid})


def test_ec_signature_is_r_s_and_verifies_with_cryptography(served, new_vault):
    vault = new_vault("keys-ec")
    keys = client(served, vault)
    key = keys.create_ec_key("ec", curve="P-256")
    assert key.key.crv == "P-256"
    public = ec.EllipticCurvePublicNumbers(int.from_bytes(key.key.x, "big"),
                                           int.from_bytes(key.key.y, "big"),
                                           ec.SECP256R1()).public_key()
    digest = hashlib.sha256(b"ec").digest()
    signature = keys.get_cryptography_client("ec").sign(SignatureAlgorithm.es256,
                                                         digest).signature
    assert len(signature) == 64
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"),
                               int.from_bytes(signature[32:], "big"))
    public.verify(der, digest, ec.ECDSA(Prehashed(hashes.SHA256())))


def test_imported_jwk_signs_as_the_original_key(served, new_vault):
    vault = new_vault("keys-import")
    keys = client(served, vault)
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    numbers = private.private_numbers()

    def raw_int(value: int) -> bytes:
        return value.to_bytes((value.bit_length() + 7) // 8, "big")

    jwk = JsonWebKey(kty="RSA", n=raw_int(numbers.public_numbers.n),
                     e=raw_int(numbers.public_numbers.e), d=raw_int(numbers.d),
                     p=raw_int(numbers.p), q=raw_int(numbers.q), dp=raw_int(numbers.dmp1),
                     dq=raw_int(numbers.dmq1), qi=raw_int(numbers.iqmp),
                     key_ops=["sign", "verify"])
    imported = keys.import_key("brought", jwk)
    assert imported.key.n == raw_int(numbers.public_numbers.n)
    assert sorted(imported.key_operations) == ["sign", "verify"]
    assert imported.key.d is None  # the private part never leaves
    digest = hashlib.sha256(b"imported").digest()
    signature = keys.get_cryptography_client("brought").sign(SignatureAlgorithm.rs256,
                                                              digest).signature
    private.public_key().verify(signature, digest, padding.PKCS1v15(),
                                Prehashed(hashes.SHA256()))
    with pytest.raises(HttpResponseError) as refused:
        keys.get_cryptography_client("brought").decrypt(EncryptionAlgorithm.rsa_oaep, b"x" * 256)
    assert refused.value.status_code == 403


def test_rotate_and_rotation_policy(served, new_vault):
    vault = new_vault("keys-rotate")
    keys = client(served, vault)
    first = keys.create_rsa_key("turning")
    rotated = keys.rotate_key("turning")
    assert rotated.properties.version != first.properties.version
    assert rotated.key.n != first.key.n
    assert len(list(keys.list_properties_of_key_versions("turning"))) == 2
    default = keys.get_key_rotation_policy("turning")
    assert [(a.action, a.time_before_expiry) for a in default.lifetime_actions] == [
        ("Notify", "P30D")]
    policy = keys.update_key_rotation_policy("turning", KeyRotationPolicy(), lifetime_actions=[
        KeyRotationLifetimeAction(KeyRotationPolicyAction.rotate, time_after_create="P30D")],
        expires_in="P90D")
    assert policy.expires_in == "P90D"
    assert [(a.action, a.time_after_create) for a in policy.lifetime_actions] == [
        ("Rotate", "P30D")]
    assert keys.get_key_rotation_policy("turning").expires_in == "P90D"


def test_update_list_delete_recover_purge_backup_restore(served, new_vault):
    vault = new_vault("keys-life")
    keys = client(served, vault)
    for name in ("a", "b", "c"):
        keys.create_ec_key(name)
    pages = list(keys.list_properties_of_keys(max_page_size=2).by_page())
    assert [[k.name for k in page] for page in pages] == [["a", "b"], ["c"]]
    updated = keys.update_key_properties("a", enabled=False, key_operations=["verify"])
    assert (updated.properties.enabled, updated.key_operations) == (False, ["verify"])
    blob = keys.backup_key("b")
    assert keys.begin_delete_key("b").result().recovery_id.endswith("/deletedkeys/b")
    assert [k.name for k in keys.list_deleted_keys()] == ["b"]
    assert keys.get_deleted_key("b").name == "b"
    assert keys.begin_recover_deleted_key("b").result().name == "b"
    keys.begin_delete_key("b").result()
    keys.purge_deleted_key("b")
    with pytest.raises(ResourceNotFoundError) as missing:
        keys.get_key("b")
    assert missing.value.error.code == "KeyNotFound"
    restored = keys.restore_key_backup(blob)
    assert restored.name == "b" and keys.get_key("b").key.x == restored.key.x


def test_a_key_made_by_the_cli_is_used_by_the_sdk(served, new_vault, kv):
    vault = new_vault("keys-cli")
    result = kv("keyvault", "key", "create", "--vault-name", vault, "-n", "clikey",
                "--kty", "RSA")
    assert result.exit_code == 0, result.stderr
    key = client(served, vault).get_key("clikey")
    assert key.id == result.json["key"]["kid"]
    assert base64.b64encode(key.key.n).decode() == result.json["key"]["n"]
