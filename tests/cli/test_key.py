"""`kvcli keyvault key` end to end: shapes, lifecycle, backup, and cryptography checked
independently: every signature and ciphertext is verified here with `cryptography` against
the public key kvcli downloads (or the private key the test imported itself)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

KEY_KEYS = ["attributes", "key", "managed", "releasePolicy", "tags"]
JWK_KEYS = sorted(["crv", "d", "dp", "dq", "e", "k", "keyOps", "kid", "kty", "n", "p", "q",
                   "qi", "t", "x", "y"])
LIST_KEYS = ["attributes", "keySize", "kid", "managed", "name", "releasePolicy", "tags"]
DELETED_FIELDS = ["deletedDate", "recoveryId", "scheduledPurgeDate"]
ALL_OPS = ["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey"]
NOT_FOUND = ("A key with (name/id) {} was not found in this key vault. If you recently "
             "deleted this key you may be able to recover it using the correct recovery "
             "command. For help resolving this issue, please see "
             "https://go.microsoft.com/fwlink/?linkid=2125182")
HASHES = {256: hashes.SHA256(), 384: hashes.SHA384(), 512: hashes.SHA512()}
CURVES = {"P-256": ec.SECP256R1(), "P-256K": ec.SECP256K1(), "P-384": ec.SECP384R1(),
          "P-521": ec.SECP521R1()}


def key_cmd(kv, verb, *args):
    return kv("keyvault", "key", *verb.split(), *args)


def create(kv, vault, name, *args):
    result = key_cmd(kv, "create", "--vault-name", vault, "-n", name, *args)
    assert result.exit_code == 0, result.stderr
    return result.json


def downloaded_public_key(kv, vault, name, tmp_path, *args, encoding="PEM"):
    path = tmp_path / f"{name}-{len(list(tmp_path.iterdir()))}.{encoding.lower()}"
    result = key_cmd(kv, "download", "--vault-name", vault, "-n", name, "-f", str(path),
                     "-e", encoding, *args)
    assert (result.exit_code, result.stdout) == (0, ""), result.stderr
    data = path.read_bytes()
    if encoding == "PEM":
        return serialization.load_pem_public_key(data)
    return serialization.load_der_public_key(data)


def digest_of(data: bytes, bits: int) -> bytes:
    return hashlib.new(f"sha{bits}", data).digest()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def jwk_int(field: str) -> int:
    return int.from_bytes(base64.b64decode(field, validate=True), "big")


def pem_of(private_key, password: bytes | None = None) -> bytes:
    algorithm = (serialization.BestAvailableEncryption(password) if password
                 else serialization.NoEncryption())
    return private_key.private_bytes(serialization.Encoding.PEM,
                                     serialization.PrivateFormat.PKCS8, algorithm)


def import_private(kv, vault, name, private_key, tmp_path, *args):
    path = tmp_path / f"{name}.pem"
    path.write_bytes(pem_of(private_key))
    result = key_cmd(kv, "import", "--vault-name", vault, "-n", name, "--pem-file", str(path),
                     *args)
    assert result.exit_code == 0, result.stderr
    return result.json


@pytest.fixture(scope="module")
def rsa_private():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def premium(kv, rg):
    assert kv("keyvault", "create", "-n", "premium1", "-g", rg, "--sku", "premium").exit_code \
        == 0
    return "premium1"


# --- create / show / list ----------------------------------------------------------------
def test_create_default_is_rsa_2048_with_all_six_operations(kv, vault, tmp_path):
    bundle = create(kv, vault, "k1", "--tags", "purpose=demo")
    assert sorted(bundle) == KEY_KEYS
    assert sorted(bundle["key"]) == JWK_KEYS
    assert bundle["attributes"] == {
        "created": "2026-01-01T00:00:00+00:00", "enabled": True, "expires": None,
        "exportable": False, "hsmPlatform": None, "keySize": None, "notBefore": None,
        "recoverableDays": 90, "recoveryLevel": "Recoverable+Purgeable",
        "updated": "2026-01-01T00:00:00+00:00"}
    key = bundle["key"]
    assert key["kty"] == "RSA" and key["keyOps"] == ALL_OPS and key["e"] == "AQAB"
    assert all(key[f] is None for f in ("d", "dp", "dq", "p", "q", "qi", "k", "crv", "x", "y"))
    n = base64.b64decode(key["n"], validate=True)  # standard base64, padded
    assert len(n) == 256 and n[0] & 0x80
    prefix = "https://vault1.vault.azure.net/keys/k1/"
    assert key["kid"].startswith(prefix) and len(key["kid"][len(prefix):]) == 32
    assert bundle["tags"] == {"purpose": "demo"}
    assert bundle["managed"] is None and bundle["releasePolicy"] is None
    public = downloaded_public_key(kv, vault, "k1", tmp_path)
    assert public.public_numbers().n == jwk_int(key["n"])
    assert public.public_numbers().e == 65537


@pytest.mark.parametrize("size", [3072, 4096])
def test_rsa_sizes(kv, vault, tmp_path, size):
    bundle = create(kv, vault, "big", "--size", str(size))
    assert len(base64.b64decode(bundle["key"]["n"])) * 8 == size
    assert downloaded_public_key(kv, vault, "big", tmp_path).key_size == size


@pytest.mark.parametrize("curve,length", [("P-256", 32), ("P-256K", 32), ("P-384", 48),
                                          ("P-521", 66)])
def test_ec_curves(kv, vault, tmp_path, curve, length):
    key = create(kv, vault, "ec", "--kty", "EC", "--curve", curve)["key"]
    assert (key["kty"], key["crv"], key["keyOps"]) == ("EC", curve, ["sign", "verify"])
    assert len(base64.b64decode(key["x"])) == len(base64.b64decode(key["y"])) == length
    assert key["n"] is None and key["e"] is None
    public = downloaded_public_key(kv, vault, "ec", tmp_path, encoding="DER")
    assert public.curve.name == CURVES[curve].name
    assert (public.public_numbers().x, public.public_numbers().y) == (jwk_int(key["x"]),
                                                                      jwk_int(key["y"]))


def test_curve_alone_means_ec_and_ops_are_kept(kv, vault):
    bundle = create(kv, vault, "e", "--curve", "P-384", "--ops", "sign")
    assert bundle["tags"] is None  # Key Vault sends no tags for a key created without any
    key = bundle["key"]
    assert (key["kty"], key["crv"], key["keyOps"]) == ("EC", "P-384", ["sign"])
    key = create(kv, vault, "r", "--ops", "encrypt", "decrypt")["key"]
    assert key["keyOps"] == ["encrypt", "decrypt"]


def test_show_list_and_versions(kv, vault):
    first = create(kv, vault, "k1")
    second = create(kv, vault, "K1", "--disabled")
    create(kv, vault, "a-key")
    assert second["key"]["kid"].startswith("https://vault1.vault.azure.net/keys/k1/")
    shown = key_cmd(kv, "show", "--vault-name", vault, "-n", "k1").json
    assert shown == second
    old = first["key"]["kid"].rsplit("/", 1)[1]
    assert key_cmd(kv, "show", "--vault-name", vault, "-n", "k1", "--version", old).json \
        == first
    assert key_cmd(kv, "show", "--id", first["key"]["kid"]).json == first
    listed = key_cmd(kv, "list", "--vault-name", vault).json
    assert [k["name"] for k in listed] == ["a-key", "k1"]
    assert all(sorted(k) == LIST_KEYS for k in listed)
    assert listed[1]["kid"] == "https://vault1.vault.azure.net/keys/k1"
    assert listed[1]["attributes"]["enabled"] is False
    assert sorted(listed[1]["attributes"]) == sorted(
        ["attestation", "created", "enabled", "expires", "exportable", "externalKey",
         "hsmPlatform", "keySize", "notBefore", "recoverableDays", "recoveryLevel", "updated"])
    assert key_cmd(kv, "list", "--vault-name", vault, "--maxresults", "1").json == listed[:1]
    versions = key_cmd(kv, "list-versions", "--vault-name", vault, "-n", "k1").json
    assert [v["kid"] for v in versions] == [first["key"]["kid"], second["key"]["kid"]]
    assert all(sorted(v) == LIST_KEYS for v in versions)  # no key material in listings


def test_show_missing_key_is_exit_3_and_other_commands_exit_1(kv, vault):
    result = key_cmd(kv, "show", "--vault-name", vault, "-n", "nosuch")
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        f"ERROR: (KeyNotFound) {NOT_FOUND.format('nosuch')}", "Code: KeyNotFound",
        f"Message: {NOT_FOUND.format('nosuch')}"]
    assert key_cmd(kv, "delete", "--vault-name", vault, "-n", "nosuch").exit_code == 1
    create(kv, vault, "k1")
    result = key_cmd(kv, "show", "--vault-name", vault, "-n", "k1", "--version", "0" * 32)
    assert result.exit_code == 3
    assert key_cmd(kv, "show", "--vault-name", "novault", "-n", "k1").stderr.startswith(
        "ERROR: HTTPSConnection(host='novault.vault.azure.net'")


@pytest.mark.parametrize("args,code,message", [
    (("--kty", "FOO"), 2, "ERROR: kvcli keyvault key create: 'FOO' is not a valid value for "
                          "'--kty'. Allowed values: EC, EC-HSM, RSA, RSA-HSM, oct, oct-HSM."),
    (("--ops", "sign", "fly"), 2, "ERROR: kvcli keyvault key create: 'fly' is not a valid "
                                  "value for '--ops'."),
    (("--size", "1024"), 1, "ERROR: (BadParameter) Invalid RSA key size 1024"),
    (("--kty", "oct"), 1, "ERROR: (BadParameter) Key type 'oct' is not supported by Key Vault "
                          "vaults."),
    (("--kty", "RSA-HSM"), 1, "ERROR: (BadParameter) Key type 'RSA-HSM' is not supported by "
                              "this vault: HSM-protected keys require a vault of the Premium "
                              "SKU."),
    (("--protection", "hsm"), 1, "ERROR: (BadParameter) Key type 'RSA-HSM'"),
    (("--kty", "EC-HSM", "--protection", "software"), 1,
     "ERROR: The key type {} is invalid for software protected keys. Omit --protection"),
    (("--kty", "RSA", "--curve", "P-256"), 1, "ERROR: (BadParameter) The curve is only used "
                                              "for EC keys"),
    (("--immutable",), 1, "ERROR: Please provide policy when setting `--immutable`"),
    (("--exportable",), 1, "ERROR: (BadParameter) Exportable keys must have a release policy"),
    (("--expires", "soon"), 1, "ERROR: Input 'soon' not valid. Valid example: "
                               "2000-12-31T12:59:59Z"),
])
def test_create_refusals(kv, vault, args, code, message):
    result = key_cmd(kv, "create", "--vault-name", vault, "-n", "bad", *args)
    assert result.exit_code == code
    assert result.stderr.startswith(message), result.stderr
    assert key_cmd(kv, "list", "--vault-name", vault).json == []


def test_hsm_key_types_are_software_keys_in_a_premium_vault(kv, premium, tmp_path):
    key = create(kv, premium, "hsm", "--protection", "hsm")["key"]
    assert key["kty"] == "RSA-HSM"
    ec_key = create(kv, premium, "hsm-ec", "--kty", "EC-HSM", "--curve", "P-256")["key"]
    assert ec_key["kty"] == "EC-HSM"
    assert downloaded_public_key(kv, premium, "hsm-ec", tmp_path).curve.name == "secp256r1"


def test_release_policy_with_exportable(kv, premium, tmp_path):
    policy = {"version": "1.0.0", "anyOf": [{"authority": "https://attest.example",
                                             "allOf": [{"claim": "c", "equals": "v"}]}]}
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(policy))
    bundle = create(kv, premium, "exp", "--exportable", "--policy", str(path), "--immutable")
    assert bundle["attributes"]["exportable"] is True
    release = bundle["releasePolicy"]
    assert release["immutable"] is True
    assert json.loads(base64.b64decode(release["encodedPolicy"])) == policy
    result = key_cmd(kv, "create", "--vault-name", premium, "-n", "x", "--policy",
                     json.dumps(policy))
    assert result.exit_code == 1 and "Non-exportable keys must not have a release policy" \
        in result.stderr
    frozen = key_cmd(kv, "set-attributes", "--vault-name", premium, "-n", "exp", "--policy",
                     json.dumps({"version": "1.0.0", "anyOf": []}))
    assert frozen.exit_code == 1 and frozen.stderr.startswith(
        "ERROR: (BadParameter) The release policy of this key is immutable")
    create(kv, premium, "loose", "--exportable", "--policy", json.dumps(policy))
    changed = key_cmd(kv, "set-attributes", "--vault-name", premium, "-n", "loose",
                      "--policy", json.dumps({"version": "1.0.0", "anyOf": []}),
                      "--immutable", "true").json["releasePolicy"]
    assert changed["immutable"] is True
    assert json.loads(base64.b64decode(changed["encodedPolicy"])) == {"version": "1.0.0",
                                                                     "anyOf": []}
    plain = key_cmd(kv, "set-attributes", "--vault-name", premium, "-n", "exp",
                    "--immutable", "true")
    assert plain.stderr == "ERROR: Please provide policy when setting `--immutable`\n"


def test_set_attributes(kv, vault):
    create(kv, vault, "k1")
    updated = key_cmd(kv, "set-attributes", "--vault-name", vault, "-n", "k1", "--enabled",
                      "false", "--ops", "sign", "verify", "--tags", "a=b",
                      "--expires", "2030-01-01").json
    assert updated["attributes"]["enabled"] is False
    assert updated["attributes"]["expires"] == "2030-01-01T00:00:00+00:00"
    assert updated["key"]["keyOps"] == ["sign", "verify"]
    assert updated["tags"] == {"a": "b"}
    assert key_cmd(kv, "show", "--vault-name", vault, "-n", "k1").json == updated


# --- lifecycle (DataPlaneVault, as secrets) ---------------------------------------------
def test_delete_warns_and_moves_to_soft_deleted(kv, vault):
    bundle = create(kv, vault, "k1")
    result = key_cmd(kv, "delete", "--vault-name", vault, "-n", "k1")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "WARNING: Warning! If you have soft-delete protection enabled on this key vault, this "
        "key will be moved to the soft deleted state. You will not be able to create a key "
        "with the same name within this key vault until the key has been purged from the "
        "soft-deleted state. Please see the following documentation for additional guidance.",
        "https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview"]
    deleted = result.json
    assert sorted(deleted) == sorted(KEY_KEYS + DELETED_FIELDS)
    assert deleted["key"] == bundle["key"]
    assert deleted["recoveryId"] == "https://vault1.vault.azure.net/deletedkeys/k1"
    assert deleted["scheduledPurgeDate"] == "2026-04-01T00:00:00+00:00"
    assert key_cmd(kv, "show-deleted", "--vault-name", vault, "-n", "k1").json == deleted
    items = key_cmd(kv, "list-deleted", "--vault-name", vault).json
    assert [sorted(i) for i in items] == [sorted(LIST_KEYS + DELETED_FIELDS)]
    assert key_cmd(kv, "list", "--vault-name", vault).json == []
    assert key_cmd(kv, "show", "--vault-name", vault, "-n", "k1").exit_code == 3
    taken = key_cmd(kv, "create", "--vault-name", vault, "-n", "k1")
    assert taken.exit_code == 1
    assert taken.stderr.startswith(
        "ERROR: (Conflict) Key k1 is currently in a deleted but recoverable state, and its "
        "name cannot be reused; in this state, the key can only be recovered or purged.")
    for verb in ("recover", "purge", "show-deleted"):
        result = key_cmd(kv, verb, "--vault-name", vault, "-n", "ghost")
        assert result.exit_code == 1
        assert result.stderr.startswith("ERROR: (KeyNotFound) Deleted Key not found: ghost")


def test_recover_brings_back_every_version(kv, vault, tmp_path):
    first = create(kv, vault, "k1")
    create(kv, vault, "k1")
    before = downloaded_public_key(kv, vault, "k1", tmp_path, "--version",
                                   first["key"]["kid"].rsplit("/", 1)[1])
    key_cmd(kv, "delete", "--vault-name", vault, "-n", "k1")
    recovered = key_cmd(kv, "recover", "--vault-name", vault, "-n", "k1")
    assert recovered.exit_code == 0 and sorted(recovered.json) == KEY_KEYS
    assert len(key_cmd(kv, "list-versions", "--vault-name", vault, "-n", "k1").json) == 2
    digest = digest_of(b"after recover", 256)
    signed = key_cmd(kv, "sign", "--id", first["key"]["kid"], "-a", "RS256", "--digest",
                     b64(digest)).json
    before.verify(base64.b64decode(signed["signature"]), digest, padding.PKCS1v15(),
                  utils.Prehashed(hashes.SHA256()))


def test_purge_purge_protection_and_automatic_purge(kv, rg, vault):
    create(kv, vault, "k1")
    key_cmd(kv, "delete", "--vault-name", vault, "-n", "k1")
    assert key_cmd(kv, "purge", "--vault-name", vault, "-n", "k1").stdout == ""
    assert key_cmd(kv, "list-deleted", "--vault-name", vault).json == []
    create(kv, vault, "k1")
    kv("keyvault", "create", "-n", "protected", "-g", rg, "--enable-purge-protection", "true",
       "--retention-days", "10")
    create(kv, "protected", "p")
    deleted = key_cmd(kv, "delete", "--vault-name", "protected", "-n", "p").json
    assert deleted["attributes"]["recoveryLevel"] == "CustomizedRecoverable"
    assert deleted["attributes"]["recoverableDays"] == 10
    refused = key_cmd(kv, "purge", "--vault-name", "protected", "-n", "p")
    assert refused.exit_code == 1
    assert refused.stderr.startswith('ERROR: (Forbidden) Operation "purge" is not allowed '
                                     "because purge protection is enabled for this vault.")
    kv("clock", "advance", "--days", "10")
    assert key_cmd(kv, "list-deleted", "--vault-name", "protected").json == []
    create(kv, "protected", "p")


def test_key_names_follow_key_vault_rules_and_vault_deletion_hides_keys(kv, vault):
    bad = key_cmd(kv, "create", "--vault-name", vault, "-n", "bad_name")
    assert bad.exit_code == 1
    assert bad.stderr.startswith("ERROR: (BadParameter) The request URI contains an invalid "
                                 "name: bad_name")
    create(kv, vault, "k1")
    kv("keyvault", "delete", "-n", vault)
    assert key_cmd(kv, "show", "--vault-name", vault, "-n", "k1").stderr.startswith(
        "ERROR: HTTPSConnection(host='vault1.vault.azure.net'")
    kv("keyvault", "recover", "-n", vault)
    assert key_cmd(kv, "show", "--vault-name", vault, "-n", "k1").exit_code == 0


# --- backup / restore / download ---------------------------------------------------------
def test_backup_and_restore_across_vaults_keeps_every_version_and_the_key(kv, rg, vault,
                                                                         tmp_path):
    first = create(kv, vault, "k1", "--tags", "t=1")
    second = create(kv, vault, "k1", "--kty", "EC")
    public = downloaded_public_key(kv, vault, "k1", tmp_path)
    blob = tmp_path / "k1.blob"
    result = key_cmd(kv, "backup", "--vault-name", vault, "-n", "k1", "-f", str(blob))
    assert (result.exit_code, result.stdout) == (0, "")
    assert kv("backup", "inspect", str(blob)).json["versions"] == 2
    kv("keyvault", "create", "-n", "vault2", "-g", rg, "-l", "westus2")
    restored = key_cmd(kv, "restore", "--vault-name", "vault2", "-f", str(blob))
    assert restored.exit_code == 0, restored.stderr
    assert restored.json["key"]["kid"] == second["key"]["kid"].replace("vault1", "vault2")
    versions = key_cmd(kv, "list-versions", "--vault-name", "vault2", "-n", "k1").json
    assert [v["kid"].rsplit("/", 1)[1] for v in versions] == [
        first["key"]["kid"].rsplit("/", 1)[1], second["key"]["kid"].rsplit("/", 1)[1]]
    assert versions[0]["tags"] == {"t": "1"}
    digest = digest_of(b"restored", 256)
    signed = key_cmd(kv, "sign", "--vault-name", "vault2", "-n", "k1", "-a", "ES256",
                     "--digest", b64(digest)).json
    raw = base64.b64decode(signed["signature"])
    public.verify(utils.encode_dss_signature(int.from_bytes(raw[:32], "big"),
                                             int.from_bytes(raw[32:], "big")),
                  digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))
    conflict = key_cmd(kv, "restore", "--vault-name", "vault2", "-f", str(blob))
    assert conflict.exit_code == 1 and conflict.stderr.startswith(
        "ERROR: (Conflict) Key k1 already exists in this key vault.")
    key_cmd(kv, "delete", "--vault-name", "vault2", "-n", "k1")
    deleted = key_cmd(kv, "restore", "--vault-name", "vault2", "-f", str(blob))
    assert deleted.exit_code == 1 and "ObjectIsDeletedButRecoverable" in deleted.stderr


def test_restore_refusals(kv, vault, tmp_path):
    create(kv, vault, "k1")
    blob = tmp_path / "k1.blob"
    key_cmd(kv, "backup", "--vault-name", vault, "-n", "k1", "-f", str(blob))
    kv("group", "create", "-n", "eu", "-l", "westeurope")
    kv("keyvault", "create", "-n", "euvault", "-g", "eu")
    other_geo = key_cmd(kv, "restore", "--vault-name", "euvault", "-f", str(blob))
    assert other_geo.exit_code == 1 and other_geo.stderr.startswith(
        "ERROR: (Forbidden) Restore of a backup blob into a vault in a different geography")
    kv("keyvault", "secret", "set", "--vault-name", vault, "-n", "s", "--value", "x")
    secret_blob = tmp_path / "s.blob"
    kv("keyvault", "secret", "backup", "--vault-name", vault, "-n", "s", "-f", str(secret_blob))
    wrong_kind = key_cmd(kv, "restore", "--vault-name", "euvault", "-f", str(secret_blob))
    assert wrong_kind.exit_code == 1 and "(BadParameter)" in wrong_kind.stderr
    flipped = bytearray(blob.read_bytes())
    flipped[-5] ^= 1
    blob.write_bytes(bytes(flipped))
    key_cmd(kv, "delete", "--vault-name", vault, "-n", "k1")
    key_cmd(kv, "purge", "--vault-name", vault, "-n", "k1")
    altered = key_cmd(kv, "restore", "--vault-name", vault, "-f", str(blob))
    assert altered.exit_code == 1 and "(BadParameter)" in altered.stderr
    assert key_cmd(kv, "restore", "--vault-name", vault, "-f", str(tmp_path / "none")) \
        .stderr.startswith("ERROR: [Errno 2] No such file or directory")
    assert key_cmd(kv, "restore", "--vault-name", vault).stderr == (
        "ERROR: Please specify --file/-f or --storage-account-name & --blob-container-name & "
        "--storage-container-SAS-token & --backup-folder\n")
    named = key_cmd(kv, "restore", "--vault-name", vault, "-f", str(blob), "-n", "k1")
    assert named.stderr == "ERROR: Please do not specify --name/-n when using --file/-f\n"


def test_backup_all_includes_keys(kv, rg, vault, tmp_path):
    create(kv, vault, "k1")
    kv("keyvault", "secret", "set", "--vault-name", vault, "-n", "s1", "--value", "x")
    manifest = kv("keyvault", "backup-all", "--vault-name", vault, "--dir", str(tmp_path / "b"))
    assert [(o["kind"], o["name"]) for o in manifest.json["objects"]] == [("secret", "s1"),
                                                                         ("key", "k1")]
    kv("keyvault", "create", "-n", "vault2", "-g", rg)
    report = kv("keyvault", "restore-all", "--vault-name", "vault2", "--dir",
                str(tmp_path / "b"))
    assert report.exit_code == 0, report.stderr
    assert key_cmd(kv, "show", "--vault-name", "vault2", "-n", "k1").exit_code == 0


def test_download_refusals(kv, vault, premium, tmp_path):
    create(kv, vault, "k1")
    existing = tmp_path / "exists.pem"
    existing.write_text("keep")
    result = key_cmd(kv, "download", "--vault-name", vault, "-n", "k1", "-f", str(existing))
    assert result.stderr == f"ERROR: File or directory named '{existing}' already exists.\n"
    assert existing.read_text() == "keep"
    create(kv, premium, "aes", "--kty", "oct-HSM")
    result = key_cmd(kv, "download", "--vault-name", premium, "-n", "aes", "-f",
                     str(tmp_path / "aes.pem"))
    assert result.stderr == ("ERROR: Unsupported key type: oct-HSM. (Supported key types: "
                             "RSA, RSA-HSM, EC, EC-HSM)\n")
    assert not (tmp_path / "aes.pem").exists()


def test_private_material_is_sealed_at_rest(kv, vault, home, tmp_path, rsa_private):
    import_private(kv, vault, "known", rsa_private, tmp_path)
    pem_body = b"".join(pem_of(rsa_private).splitlines()[1:-1])
    der = rsa_private.private_bytes(serialization.Encoding.DER,
                                    serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    d = rsa_private.private_numbers().d.to_bytes(256, "big")
    p = rsa_private.private_numbers().p.to_bytes(128, "big")
    needles = [pem_body[:64], der[40:104], base64.b64encode(der)[40:104],
               base64.b64encode(d)[:40], base64.urlsafe_b64encode(d)[:40].rstrip(b"="),
               d[:32], p[:32], base64.b64encode(p)[:40], d.hex().encode()[:40]]
    naive_forms = [pem_of(rsa_private), der, base64.b64encode(der), d + p, d.hex().encode(),
                   json.dumps({"d": base64.b64encode(d).decode(), "p": base64.b64encode(p)
                               .decode(), "d_url": base64.urlsafe_b64encode(d).decode()})
                   .encode()]
    assert all(any(needle in form for form in naive_forms) for needle in needles)  # control
    key_cmd(kv, "backup", "--vault-name", vault, "-n", "known", "-f", str(tmp_path / "b.blob"))
    stored = [path.read_bytes() for path in home.rglob("*") if path.is_file()]
    stored.append((tmp_path / "b.blob").read_bytes())
    assert len(stored) > 3
    for content in stored:
        for needle in needles:
            assert needle not in content


@pytest.mark.parametrize("verb", [("list",), ("show", "-n", "k1"), ("list-deleted",),
                                  ("list-versions", "-n", "k1")])
def test_reading_keys_does_not_import_cryptography(kv, vault, verb):
    create(kv, vault, "k1")
    code = ("import sys\nfrom kvcli.cli.app import main\ntry:\n    main(sys.argv[1:])\n"
            "except SystemExit as stop:\n    assert stop.code == 0, stop.code\n"
            "assert not [m for m in sys.modules if m.startswith('cryptography')], 'imported'\n")
    proc = subprocess.run([sys.executable, "-c", code, "keyvault", "key", *verb,
                           "--vault-name", vault, "-o", "none"], capture_output=True,
                          text=True, env=os.environ.copy())
    assert proc.returncode == 0, proc.stderr


# --- import ------------------------------------------------------------------------------
def test_import_pem_file_string_and_password(kv, vault, tmp_path, rsa_private):
    bundle = import_private(kv, vault, "imp", rsa_private, tmp_path, "--tags", "src=pem")
    assert bundle["key"]["kty"] == "RSA" and bundle["key"]["keyOps"] == ALL_OPS
    assert jwk_int(bundle["key"]["n"]) == rsa_private.public_key().public_numbers().n
    assert bundle["tags"] == {"src": "pem"}
    ec_private = ec.generate_private_key(ec.SECP256K1())
    result = key_cmd(kv, "import", "--vault-name", vault, "-n", "imp-ec", "--pem-string",
                     pem_of(ec_private, b"pw1234").decode(), "--pem-password", "pw1234",
                     "--ops", "sign")
    assert result.exit_code == 0, result.stderr
    key = result.json["key"]
    assert (key["kty"], key["crv"], key["keyOps"]) == ("EC", "P-256K", ["sign"])
    assert jwk_int(key["x"]) == ec_private.public_key().public_numbers().x
    wrong = key_cmd(kv, "import", "--vault-name", vault, "-n", "imp-ec", "--pem-string",
                    pem_of(ec_private, b"pw1234").decode(), "--pem-password", "nope")
    assert wrong.exit_code == 1 and wrong.stderr.startswith("ERROR: Import failed: ")
    garbage = key_cmd(kv, "import", "--vault-name", vault, "-n", "g", "--pem-string", "junk")
    assert garbage.exit_code == 1 and garbage.stderr.startswith("ERROR: Import failed: ")


def test_import_argument_rules(kv, vault, tmp_path):
    none = key_cmd(kv, "import", "--vault-name", vault, "-n", "x")
    assert none.exit_code == 2 and none.stderr.startswith(
        "ERROR: supply exactly one: --byok-file, --byok-string, --pem-file, --pem-string")
    both = key_cmd(kv, "import", "--vault-name", vault, "-n", "x", "--pem-string", "a",
                   "--byok-string", "b")
    assert both.exit_code == 2
    byok = tmp_path / "k.byok"
    byok.write_bytes(b"{}")
    refused = key_cmd(kv, "import", "--vault-name", vault, "-n", "x", "--byok-file", str(byok))
    assert refused.exit_code == 1 and refused.stderr.startswith(
        "ERROR: BYOK import is not supported by kvcli")
    curve = key_cmd(kv, "import", "--vault-name", vault, "-n", "x", "--pem-string", "a",
                    "--kty", "EC")
    assert curve.stderr == "ERROR: parameter --curve should be specified when key type --kty " \
                           "is EC.\n"
    missing = key_cmd(kv, "import", "--vault-name", vault, "-n", "x", "--pem-file",
                      str(tmp_path / "none.pem"))
    assert missing.stderr.startswith("ERROR: [Errno 2] No such file or directory")


# --- cryptographic operations, checked independently -------------------------------------
@pytest.mark.parametrize("algorithm,bits,pss", [
    ("RS256", 256, False), ("RS384", 384, False), ("RS512", 512, False),
    ("PS256", 256, True), ("PS384", 384, True), ("PS512", 512, True)])
def test_rsa_signatures_verify_with_the_downloaded_public_key(kv, vault, tmp_path, algorithm,
                                                              bits, pss):
    create(kv, vault, "signer")
    public = downloaded_public_key(kv, vault, "signer", tmp_path)
    digest = digest_of(b"message", bits)
    signed = key_cmd(kv, "sign", "--vault-name", vault, "-n", "signer", "-a", algorithm,
                     "--digest", b64(digest))
    assert signed.exit_code == 0, signed.stderr
    assert sorted(signed.json) == ["algorithm", "keyId", "signature"]
    signature = base64.b64decode(signed.json["signature"], validate=True)
    pad = (padding.PSS(mgf=padding.MGF1(HASHES[bits]), salt_length=bits // 8) if pss
           else padding.PKCS1v15())
    public.verify(signature, digest, pad, utils.Prehashed(HASHES[bits]))
    with pytest.raises(InvalidSignature):
        public.verify(signature, digest_of(b"other", bits), pad, utils.Prehashed(HASHES[bits]))
    verified = key_cmd(kv, "verify", "--vault-name", vault, "-n", "signer", "-a", algorithm,
                       "--digest", b64(digest), "--signature", signed.json["signature"]).json
    assert verified == {"algorithm": algorithm, "isValid": True,
                        "keyId": signed.json["keyId"]}


@pytest.mark.parametrize("algorithm,curve,bits", [
    ("ES256", "P-256", 256), ("ES256K", "P-256K", 256), ("ES384", "P-384", 384),
    ("ES512", "P-521", 512)])
def test_ec_signatures_verify_with_the_downloaded_public_key(kv, vault, tmp_path, algorithm,
                                                             curve, bits):
    create(kv, vault, "signer", "--kty", "EC", "--curve", curve)
    public = downloaded_public_key(kv, vault, "signer", tmp_path)
    digest = digest_of(b"message", bits)
    signed = key_cmd(kv, "sign", "--vault-name", vault, "-n", "signer", "-a", algorithm,
                     "--digest", b64(digest)).json
    raw = base64.b64decode(signed["signature"])
    half = len(raw) // 2
    assert half == {"P-256": 32, "P-256K": 32, "P-384": 48, "P-521": 66}[curve]
    der = utils.encode_dss_signature(int.from_bytes(raw[:half], "big"),
                                     int.from_bytes(raw[half:], "big"))
    public.verify(der, digest, ec.ECDSA(utils.Prehashed(HASHES[bits])))


def test_verify_judges_signatures_made_outside_kvcli(kv, vault, tmp_path, rsa_private):
    import_private(kv, vault, "mine", rsa_private, tmp_path)
    digest = digest_of(b"outside", 256)
    signature = rsa_private.sign(digest, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))
    args = ("--vault-name", vault, "-n", "mine", "-a", "RS256", "--digest", b64(digest))
    assert key_cmd(kv, "verify", *args, "--signature", b64(signature)).json["isValid"] is True
    tampered = bytes([signature[0] ^ 1]) + signature[1:]
    assert key_cmd(kv, "verify", *args, "--signature", b64(tampered)).json["isValid"] is False


@pytest.mark.parametrize("algorithm", ["RSA-OAEP", "RSA-OAEP-256", "RSA1_5"])
def test_rsa_encryption_both_ways_with_independent_keys(kv, vault, tmp_path, rsa_private,
                                                        algorithm):
    import_private(kv, vault, "enc", rsa_private, tmp_path)
    pad = {"RSA-OAEP": padding.OAEP(padding.MGF1(hashes.SHA1()), hashes.SHA1(), None),
           "RSA-OAEP-256": padding.OAEP(padding.MGF1(hashes.SHA256()), hashes.SHA256(), None),
           "RSA1_5": padding.PKCS1v15()}[algorithm]
    encrypted = key_cmd(kv, "encrypt", "--vault-name", vault, "-n", "enc", "-a", algorithm,
                        "--value", "attack at dawn", "--data-type", "plaintext")
    assert encrypted.exit_code == 0, encrypted.stderr
    assert encrypted.stderr == ("WARNING: This command is in preview and under development. "
                                "Reference and support levels: https://aka.ms/CLI_refstatus\n")
    result = encrypted.json
    assert sorted(result) == ["aad", "algorithm", "iv", "kid", "result", "tag"]
    assert (result["aad"], result["iv"], result["tag"]) == (None, None, None)
    assert rsa_private.decrypt(base64.b64decode(result["result"]), pad) == b"attack at dawn"
    public = downloaded_public_key(kv, vault, "enc", tmp_path)
    ciphertext = public.encrypt(b"\x00\x01binary", pad)
    decrypted = key_cmd(kv, "decrypt", "--vault-name", vault, "-n", "enc", "-a", algorithm,
                        "--value", b64(ciphertext)).json
    assert decrypted == {"algorithm": algorithm, "kid": result["kid"],
                         "result": b64(b"\x00\x01binary")}
    text = key_cmd(kv, "decrypt", "--vault-name", vault, "-n", "enc", "-a", algorithm,
                   "--value", b64(public.encrypt(b"plain", pad)), "--data-type", "plaintext")
    assert text.json["result"] == "plain"


@pytest.mark.parametrize("size", [3072, 4096])
def test_rsa_encryption_at_larger_sizes(kv, vault, tmp_path, size):
    create(kv, vault, "enc", "--size", str(size))
    public = downloaded_public_key(kv, vault, "enc", tmp_path)
    pad = padding.OAEP(padding.MGF1(hashes.SHA256()), hashes.SHA256(), None)
    decrypted = key_cmd(kv, "decrypt", "--vault-name", vault, "-n", "enc", "-a",
                        "RSA-OAEP-256", "--value", b64(public.encrypt(b"big", pad)),
                        "--data-type", "plaintext").json
    assert decrypted["result"] == "big"


@pytest.mark.parametrize("algorithm", ["A128GCM", "A256GCM", "A192CBCPAD", "A256CBC"])
def test_aes_round_trip_on_oct_hsm_keys_in_premium(kv, premium, algorithm):
    bits = algorithm[1:4]
    create(kv, premium, "aes", "--kty", "oct-HSM", "--size", bits)
    args = ["--vault-name", premium, "-n", "aes", "-a", algorithm]
    value = b"sixteen byte msg" * 2
    extra = [] if algorithm.endswith("GCM") else ["--iv", "00" * 16]
    if algorithm.endswith("GCM"):
        extra = ["--aad", "cafe"]
    encrypted = key_cmd(kv, "encrypt", *args, "--value", b64(value), *extra)
    assert encrypted.exit_code == 0, encrypted.stderr
    result = encrypted.json
    assert base64.b64decode(result["result"]) != value
    back = ["--iv", result["iv"]]
    if result["tag"]:
        back += ["--tag", result["tag"], "--aad", result["aad"]]
        assert len(bytes.fromhex(result["tag"])) == 16
    decrypted = key_cmd(kv, "decrypt", *args, "--value", result["result"], *back).json
    assert base64.b64decode(decrypted["result"]) == value
    if result["tag"]:
        wrong_aad = key_cmd(kv, "decrypt", *args, "--value", result["result"], "--iv",
                            result["iv"], "--tag", result["tag"], "--aad", "beef",
                            "--only-show-errors")
        assert wrong_aad.exit_code == 1 and "Decryption failed" in wrong_aad.stderr


def test_crypto_refusals(kv, vault, premium):
    create(kv, vault, "ec", "--kty", "EC", "--curve", "P-384")
    create(kv, vault, "rsa", "--ops", "encrypt", "decrypt")
    digest32 = b64(digest_of(b"x", 256))
    cases = [
        (("encrypt", "-n", "ec", "-a", "RSA-OAEP", "--value", "AAAA"),
         "ERROR: (Forbidden) Operation encrypt is not permitted"),
        (("sign", "-n", "rsa", "-a", "RS256", "--digest", digest32),
         "ERROR: (Forbidden) Operation sign is not permitted"),
        (("sign", "-n", "ec", "-a", "ES256", "--digest", digest32),
         "ERROR: (BadParameter) Algorithm 'ES256' is not supported for key type 'EC'."),
        (("sign", "-n", "ec", "-a", "RS384", "--digest", b64(digest_of(b"x", 384))),
         "ERROR: (BadParameter) Algorithm 'RS384' is not supported"),
        (("sign", "-n", "ec", "-a", "HS384", "--digest", b64(digest_of(b"x", 384))),
         "ERROR: (BadParameter) Algorithm 'HS384' is not supported"),
        (("sign", "-n", "ec", "-a", "ES384", "--digest", digest32),
         "ERROR: (BadParameter) Invalid digest length 32 for algorithm ES384: 48 bytes"),
        (("encrypt", "-n", "rsa", "-a", "A256GCM", "--value", "AAAA"),
         "ERROR: (BadParameter) Algorithm 'A256GCM' is not supported for key type 'RSA'."),
        (("decrypt", "-n", "rsa", "-a", "RSA-OAEP", "--value", "AAAA"),
         "ERROR: (BadParameter) Decryption failed"),
        (("sign", "-n", "ec", "-a", "ES384", "--digest", "abcde"),
         "ERROR: Invalid base64-encoded string: number of data characters (5) cannot be 1 "
         "more than a multiple of 4"),
    ]
    for args, message in cases:
        result = key_cmd(kv, args[0], "--vault-name", vault, *args[1:], "--only-show-errors")
        assert result.exit_code == 1, args
        assert result.stderr.startswith(message), result.stderr
    not_b64 = key_cmd(kv, "encrypt", "--vault-name", vault, "-n", "rsa", "-a", "RSA-OAEP",
                      "--value", "abc", "--only-show-errors")
    assert not_b64.exit_code == 2 and not_b64.stderr.startswith("ERROR: Incorrect padding")
    odd_iv = key_cmd(kv, "encrypt", "--vault-name", vault, "-n", "rsa", "-a", "RSA-OAEP",
                     "--value", "AAAA", "--iv", "abc", "--only-show-errors")
    assert (odd_iv.exit_code, odd_iv.stderr) == (1, "ERROR: Odd-length string\n")
    bad = key_cmd(kv, "sign", "--vault-name", vault, "-n", "ec", "-a", "XX", "--digest", "AA==")
    assert bad.exit_code == 2 and "'XX' is not a valid value for '--algorithm'" in bad.stderr
    create(kv, premium, "aes128", "--kty", "oct-HSM", "--size", "128")
    mismatch = key_cmd(kv, "encrypt", "--vault-name", premium, "-n", "aes128", "-a", "A256GCM",
                       "--value", "AAAA", "--only-show-errors")
    assert mismatch.stderr.startswith("ERROR: (BadParameter) Algorithm 'A256GCM'")


def test_disabled_and_out_of_window_keys_are_refused(kv, vault):
    digest = b64(digest_of(b"x", 256))
    create(kv, vault, "off", "--disabled")
    result = key_cmd(kv, "sign", "--vault-name", vault, "-n", "off", "-a", "RS256",
                     "--digest", digest)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "ERROR: (Forbidden) Operation sign is not allowed on a disabled key.")
    assert "KeyDisabled" in result.stderr
    create(kv, vault, "later", "--not-before", "2026-02-01")
    result = key_cmd(kv, "sign", "--vault-name", vault, "-n", "later", "-a", "RS256",
                     "--digest", digest)
    assert result.stderr.startswith("ERROR: (Forbidden) Operation sign is not allowed on a key "
                                    "that is not yet valid")
    create(kv, vault, "brief", "--expires", "2026-01-10")
    signed = key_cmd(kv, "sign", "--vault-name", vault, "-n", "brief", "-a", "RS256",
                     "--digest", digest).json
    kv("clock", "advance", "--days", "40")
    assert key_cmd(kv, "sign", "--vault-name", vault, "-n", "later", "-a", "RS256",
                   "--digest", digest).exit_code == 0
    expired = key_cmd(kv, "sign", "--vault-name", vault, "-n", "brief", "-a", "RS256",
                      "--digest", digest)
    assert expired.stderr.startswith("ERROR: (Forbidden) Operation sign is not allowed on an "
                                     "expired key.")
    # verifying an old signature stays possible after expiry, as in Key Vault
    assert key_cmd(kv, "verify", "--vault-name", vault, "-n", "brief", "-a", "RS256",
                   "--digest", digest, "--signature", signed["signature"]).json["isValid"]


# --- rotation ----------------------------------------------------------------------------
def test_rotate_makes_a_like_version(kv, vault):
    first = create(kv, vault, "k1", "--kty", "EC", "--curve", "P-521", "--ops", "sign",
                   "--tags", "a=b")
    rotated = key_cmd(kv, "rotate", "--vault-name", vault, "-n", "k1").json
    assert sorted(rotated) == KEY_KEYS
    key = rotated["key"]
    assert (key["kty"], key["crv"], key["keyOps"]) == ("EC", "P-521", ["sign"])
    assert key["kid"] != first["key"]["kid"] and key["x"] != first["key"]["x"]
    assert rotated["tags"] == {"a": "b"}
    assert len(key_cmd(kv, "list-versions", "--vault-name", vault, "-n", "k1").json) == 2


def test_rotation_policy_show_default_and_update(kv, vault, tmp_path):
    create(kv, vault, "k1")
    default = key_cmd(kv, "rotation-policy show", "--vault-name", vault, "-n", "k1").json
    assert default == {"createdOn": None, "expiresIn": None,
                       "id": "https://vault1.vault.azure.net/keys/k1/rotationpolicy",
                       "lifetimeActions": [{"action": "Notify", "timeAfterCreate": None,
                                            "timeBeforeExpiry": "P30D"}],
                       "updatedOn": None}
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({
        "lifetimeActions": [{"trigger": {"timeAfterCreate": "P90D"},
                             "action": {"type": "Rotate"}},
                            {"trigger": {"timeBeforeExpiry": "P30D"},
                             "action": {"type": "Notify"}}],
        "attributes": {"expiryTime": "P1Y"}}))
    updated = key_cmd(kv, "rotation-policy update", "--vault-name", vault, "-n", "k1",
                      "--value", str(policy))
    assert updated.exit_code == 0, updated.stderr
    assert updated.json == {
        "createdOn": "2026-01-01T00:00:00+00:00", "expiresIn": "P1Y",
        "id": "https://vault1.vault.azure.net/keys/k1/rotationpolicy",
        "lifetimeActions": [{"action": "Rotate", "timeAfterCreate": "P90D",
                             "timeBeforeExpiry": None},
                            {"action": "Notify", "timeAfterCreate": None,
                             "timeBeforeExpiry": "P30D"}],
        "updatedOn": "2026-01-01T00:00:00+00:00"}
    assert key_cmd(kv, "rotation-policy show", "--vault-name", vault, "-n", "k1").json \
        == updated.json
    assert key_cmd(kv, "rotation-policy show", "--vault-name", vault, "-n", "no").exit_code == 3


@pytest.mark.parametrize("value,message", [
    ("{}", "ERROR: Please specify a valid policy"),
    ("{bad", "ERROR: Failed to parse string as JSON:"),
    ('{"lifetimeActions": [{"trigger": {"timeAfterCreate": "P1D"}, "action": '
     '{"type": "Rotate"}}]}', "ERROR: (BadParameter) Invalid key rotation policy: "
                             "timeAfterCreate must be at least P7D."),
    ('{"lifetimeActions": [{"trigger": {"timeAfterCreate": "soon"}, "action": '
     '{"type": "Rotate"}}]}', "ERROR: (BadParameter) Invalid key rotation policy: 'soon'"),
    ('{"lifetimeActions": [{"trigger": {"timeAfterCreate": "P30D"}, "action": '
     '{"type": "Explode"}}]}', "ERROR: (BadParameter) Invalid key rotation policy: the action"),
    ('{"lifetimeActions": [{"trigger": {"timeBeforeExpiry": "P25D"}, "action": '
     '{"type": "Rotate"}}], "attributes": {"expiryTime": "P28D"}}',
     "ERROR: (BadParameter) Invalid key rotation policy: timeBeforeExpiry must be at least 7"),
])
def test_rotation_policy_refusals(kv, vault, value, message):
    create(kv, vault, "k1")
    result = key_cmd(kv, "rotation-policy update", "--vault-name", vault, "-n", "k1",
                     "--value", value)
    assert result.exit_code == 1
    assert result.stderr.startswith(message), result.stderr


def test_policy_rotates_when_the_clock_passes_its_time(kv, vault, tmp_path):
    first = create(kv, vault, "k1", "--tags", "a=b")
    policy = {"lifetimeActions": [{"trigger": {"timeAfterCreate": "P30D"},
                                   "action": {"type": "Rotate"}}],
              "attributes": {"expiryTime": "P60D"}}
    key_cmd(kv, "rotation-policy update", "--vault-name", vault, "-n", "k1", "--value",
            json.dumps(policy))
    kv("clock", "advance", "--days", "29")
    assert len(key_cmd(kv, "list-versions", "--vault-name", vault, "-n", "k1").json) == 1
    kv("clock", "advance", "--days", "36")  # day 65: due at day 30 and day 60
    versions = key_cmd(kv, "list-versions", "--vault-name", vault, "-n", "k1").json
    assert [v["attributes"]["created"] for v in versions] == [
        "2026-01-01T00:00:00+00:00", "2026-01-31T00:00:00+00:00", "2026-03-02T00:00:00+00:00"]
    assert [v["attributes"]["expires"] for v in versions] == [
        None, "2026-04-01T00:00:00+00:00", "2026-05-01T00:00:00+00:00"]
    assert versions[-1]["tags"] == {"a": "b"}
    latest = key_cmd(kv, "show", "--vault-name", vault, "-n", "k1").json
    assert latest["key"]["kid"] == versions[-1]["kid"] != first["key"]["kid"]
    digest = digest_of(b"rotated", 256)
    signed = key_cmd(kv, "sign", "--vault-name", vault, "-n", "k1", "-a", "RS256", "--digest",
                     b64(digest)).json
    assert signed["keyId"] == versions[-1]["kid"]
    downloaded_public_key(kv, vault, "k1", tmp_path).verify(
        base64.b64decode(signed["signature"]), digest, padding.PKCS1v15(),
        utils.Prehashed(hashes.SHA256()))
    # rotation is recorded once: moving the clock back does not undo it
    kv("clock", "advance", "--days", "-30")
    assert len(key_cmd(kv, "list-versions", "--vault-name", vault, "-n", "k1").json) == 3


def test_rotation_before_expiry_and_notify_only(kv, vault):
    create(kv, vault, "k1", "--expires", "2026-03-01")
    key_cmd(kv, "rotation-policy update", "--vault-name", vault, "-n", "k1", "--value",
            '{"lifetimeActions": [{"trigger": {"timeBeforeExpiry": "P10D"}, '
            '"action": {"type": "Rotate"}}]}')
    create(kv, vault, "quiet")
    key_cmd(kv, "rotation-policy update", "--vault-name", vault, "-n", "quiet", "--value",
            '{"lifetimeActions": [{"trigger": {"timeAfterCreate": "P7D"}, '
            '"action": {"type": "Notify"}}]}')
    kv("clock", "set", "2026-02-20T00:00:00Z")
    listed = key_cmd(kv, "list", "--vault-name", vault).json
    assert {k["name"]: k["attributes"]["created"] for k in listed} == {
        "k1": "2026-02-19T00:00:00+00:00", "quiet": "2026-01-01T00:00:00+00:00"}
    assert len(key_cmd(kv, "list-versions", "--vault-name", vault, "-n", "quiet").json) == 1


# --- store hardening applies to keys ----------------------------------------------------
def test_key_records_are_checked_on_read_and_limits_apply(kv, vault, home, tmp_path):
    create(kv, vault, "k1")
    record_file = next(home.rglob("k1.json"))
    record = json.loads(record_file.read_text())
    record["versions"][0]["private"] = "not sealed"
    record_file.write_text(json.dumps(record))
    damaged = key_cmd(kv, "show", "--vault-name", vault, "-n", "k1")
    assert damaged.exit_code == 1
    assert damaged.stderr.startswith(f"ERROR: The state file '{record_file}' is damaged: "
                                     "versions[0].private should be an object.")
    tags = [f"t{i}=v" for i in range(16)]
    too_many = key_cmd(kv, "create", "--vault-name", vault, "-n", "k2", "--tags", *tags)
    assert too_many.exit_code == 1 and too_many.stderr.startswith(
        "ERROR: (BadParameter) Invalid tags. Too many tags: 16 were given")
    big = tmp_path / "big.pem"
    big.write_bytes(b"x" * (64 * 1024 + 1))
    refused = key_cmd(kv, "import", "--vault-name", vault, "-n", "k3", "--pem-file", str(big))
    assert refused.exit_code == 1 and "the most kvcli accepts is 65536 bytes" in refused.stderr
