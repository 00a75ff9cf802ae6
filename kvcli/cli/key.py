"""`kvcli keyvault key ...`: thin handlers over `kvcli.core.keys`."""

from __future__ import annotations

import base64
import binascii
import os
from typing import Annotated, Any, Optional

from kvcli.cli import console, idargs
from kvcli.cli.app import new_app
from kvcli.cli.command import command
from kvcli.cli.context import open_home
from kvcli.cli.declare import Option
from kvcli.cli.params import INT, AzChoiceList, MaxResults, Tags, choice, tristate
from kvcli.errors import KvError, UsageError

app = new_app()

OPS = ("decrypt", "encrypt", "export", "import", "sign", "unwrapKey", "verify", "wrapKey")
KEY_SOURCE_PANEL = "Key Source Arguments"
DELETE_WARNING = (
    "Warning! If you have soft-delete protection enabled on this key vault, this key will "
    "be moved to the soft deleted state. You will not be able to create a key with the same "
    "name within this key vault until the key has been purged from the soft-deleted state. "
    "Please see the following documentation for additional guidance.\n"
    "https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview")
# az declares `key encrypt` and `key decrypt` with is_preview=True (commands.py).
PREVIEW_WARNING = ("This command is in preview and under development. Reference and support "
                   "levels: https://aka.ms/CLI_refstatus")
ENCRYPTION_ALGORITHMS = ("A128CBC", "A128CBCPAD", "A128GCM", "A192CBC", "A192CBCPAD",
                         "A192GCM", "A256CBC", "A256CBCPAD", "A256GCM", "RSA-OAEP",
                         "RSA-OAEP-256", "RSA1_5")
SIGNATURE_ALGORITHMS = ("ES256", "ES256K", "ES384", "ES512", "HS256", "HS384", "HS512",
                        "PS256", "PS384", "PS512", "RS256", "RS384", "RS512")

# The largest PEM or policy file read: an encrypted RSA 4096 PEM is about 3.5 KB.
MAX_INPUT_FILE_BYTES = 64 * 1024

KeyName = idargs.name_option("key")
Expires = Annotated[Optional[str], Option(
    "--expires", metavar="DATETIME",
    help="Expiration UTC datetime  (Y-m-d'T'H:M:S'Z').")]
NotBefore = Annotated[Optional[str], Option(
    "--not-before", metavar="DATETIME",
    help="Key not usable before the provided UTC datetime  (Y-m-d'T'H:M:S'Z').")]
Ops = Annotated[Optional[Any], Option(
    "--ops", click_type=AzChoiceList(OPS), metavar="OPS",
    help="Space-separated list of permitted JSON web key operations. Allowed values: "
         + ", ".join(OPS) + ".")]
Exportable = tristate("--exportable", "Whether the private key can be exported. Needs a "
                      "release policy (--policy).")
Policy = Annotated[Optional[str], Option(
    "--policy", metavar="POLICY",
    help="The policy rules under which the key can be exported: a JSON string or the path "
         "of a file holding it.")]
Immutable = tristate("--immutable", "Mark a release policy immutable. An immutable release "
                     "policy cannot be changed or updated after being marked immutable.")
Algorithm = Annotated[str, Option(
    "--algorithm", "-a", click_type=choice(*ENCRYPTION_ALGORITHMS), metavar="ALGORITHM",
    help="Algorithm identifier. Allowed values: " + ", ".join(ENCRYPTION_ALGORITHMS) + ".")]
SignAlgorithm = Annotated[str, Option(
    "--algorithm", "-a", click_type=choice(*SIGNATURE_ALGORITHMS), metavar="ALGORITHM",
    help="Algorithm identifier. Allowed values: " + ", ".join(SIGNATURE_ALGORITHMS) + ".")]
Digest = Annotated[str, Option(
    "--digest", metavar="DIGEST",
    help="The value to sign or verify: a base64-encoded digest whose length fits the "
         "algorithm (32 bytes for *256, 48 for *384, 64 for *512).")]
Iv = Annotated[Optional[str], Option(
    "--iv", metavar="HEX", help="Initialization vector (hex). Required for AES-CBC.")]
Aad = Annotated[Optional[str], Option(
    "--aad", metavar="HEX", help="Additional data to authenticate (hex). Only for AES-GCM.")]
DataType = Annotated[str, Option(
    "--data-type", click_type=choice("base64", "plaintext"), metavar="TYPE",
    help="The type of the original data (encrypt) or of the result (decrypt). Allowed "
         "values: base64, plaintext.")]


def _keys():
    from kvcli.core import keys

    return keys


def _when(text: str | None):
    from kvcli.core.timeutil import parse_az_datetime

    return parse_az_datetime(text) if text is not None else None


def json_argument(value: str, what: str) -> Any:
    """az's JSON arguments: a path to a JSON file, or the JSON text itself."""
    import json

    from kvcli.store.files import read_input

    text = (read_input(value, MAX_INPUT_FILE_BYTES, what).decode("utf-8", "replace")
            if os.path.exists(value) else value)
    try:
        return json.loads(text)
    except ValueError as error:
        raise KvError(f"Failed to parse string as JSON:\n{text}\nError detail: {error}") \
            from None


def _release(policy: str | None, immutable: bool | None) -> Any:
    """az's `process_key_release_policy`: --immutable needs a policy."""
    if policy is None and immutable is not None:
        raise KvError("Please provide policy when setting `--immutable`")
    return json_argument(policy, "release policy file") if policy is not None else None


def _base64_argument(value: str, *, in_validator: bool = False) -> bytes:
    """az's lenient base64 decoding (characters outside the alphabet are dropped). az
    decodes --value in a validator (a ValueError there is a usage error, exit 2) and
    --digest/--signature in the command (exit 1); both print Python's own message."""
    try:
        return base64.b64decode(value)
    except (binascii.Error, ValueError) as error:
        raise (UsageError if in_validator else KvError)(str(error)) from None


def _hex_argument(value: str | None) -> bytes | None:
    """--iv, --aad, --tag: hex, decoded by az in the command with Python's own message."""
    if value is None:
        return None
    try:
        return binascii.unhexlify(value)
    except (binascii.Error, ValueError) as error:
        raise KvError(str(error)) from None


@command(app, "create", help="Create a new key, store it, then return key parameters and "
         "attributes to the client. Each call adds a new version.",
         examples=("Create an RSA 2048 key with all six operations:\n"
                   "    kvcli keyvault key create --vault-name MyVault -n MyKey",
                   "Create an EC P-384 signing key:\n"
                   "    kvcli keyvault key create --vault-name MyVault -n MyEcKey --kty EC "
                   "--curve P-384 --ops sign verify",
                   "Create an HSM-protected key (Premium vault; kvcli keeps it in software):\n"
                   "    kvcli keyvault key create --vault-name MyPremiumVault -n MyHsmKey "
                   "--protection hsm"))
def create_key(
    name: idargs.name_option("key", required=True),
    vault_name: idargs.RequiredVaultName,
    kty: Annotated[Optional[str], Option(
        "--kty", click_type=choice("EC", "EC-HSM", "RSA", "RSA-HSM", "oct", "oct-HSM"),
        metavar="KTY", help="The type of key to create. Allowed values: EC, EC-HSM, RSA, "
                            "RSA-HSM, oct, oct-HSM. Default: RSA (EC when --curve is given).")]
    = None,
    protection: Annotated[Optional[str], Option(
        "--protection", "-p", click_type=choice("hsm", "software"), metavar="PROTECTION",
        help="Specifies the type of key protection. Allowed values: hsm, software.")] = None,
    size: Annotated[Optional[int], Option(
        "--size", click_type=INT, metavar="BITS",
        help="The key size in bits: 2048, 3072 or 4096 for RSA (default 2048); 128, 192 or "
             "256 for oct-HSM.")] = None,
    curve: Annotated[Optional[str], Option(
        "--curve", click_type=choice("P-256", "P-256K", "P-384", "P-521"), metavar="CURVE",
        help="Elliptic curve name. Allowed values: P-256, P-256K, P-384, P-521.")] = None,
    ops: Ops = None,
    disabled: tristate("--disabled", "Create key in disabled state.") = None,
    expires: Expires = None,
    not_before: NotBefore = None,
    tags: Tags = None,
    exportable: Exportable = None,
    policy: Policy = None,
    immutable: Immutable = None,
):
    kty = _key_type(kty, curve, protection)
    return _keys().create_key(
        open_home(), vault_name, name, kty=kty, size=size, curve=curve, ops=ops, tags=tags,
        enabled=not disabled, expires=_when(expires), not_before=_when(not_before),
        exportable=exportable, policy=_release(policy, immutable), immutable=immutable)


def _key_type(kty: str | None, curve: str | None, protection: str | None) -> str:
    """az's `validate_key_type`: --protection hsm turns a type into its -HSM form."""
    kty = kty or ("EC" if curve else "RSA")
    if protection == "hsm":
        return kty if kty.endswith("-HSM") else kty + "-HSM"
    if protection == "software" and kty.endswith("-HSM"):
        # az's own text, with its unfilled placeholder.
        raise KvError("The key type {} is invalid for software protected keys. Omit "
                      "--protection")
    return kty


@command(app, "import", help="Import a private key. Supports importing base64 encoded private "
         "keys from PEM files or strings.",
         examples=("Import an RSA or EC private key from a PEM file:\n"
                   "    kvcli keyvault key import --vault-name MyVault -n MyKey "
                   "--pem-file key.pem",
                   "Import an encrypted PEM file:\n"
                   "    kvcli keyvault key import --vault-name MyVault -n MyKey "
                   "--pem-file key.pem --pem-password s3cret"))
def import_key(
    name: idargs.name_option("key", required=True),
    vault_name: idargs.RequiredVaultName,
    pem_file: Annotated[Optional[str], Option(
        "--pem-file", metavar="PATH", rich_help_panel=KEY_SOURCE_PANEL,
        help="PEM file containing the key to be imported.")] = None,
    pem_string: Annotated[Optional[str], Option(
        "--pem-string", metavar="PEM", rich_help_panel=KEY_SOURCE_PANEL,
        help="PEM string containing the key to be imported.")] = None,
    pem_password: Annotated[Optional[str], Option(
        "--pem-password", metavar="PASSWORD", rich_help_panel=KEY_SOURCE_PANEL,
        help="Password of PEM file.")] = None,
    byok_file: Annotated[Optional[str], Option(
        "--byok-file", metavar="PATH", rich_help_panel=KEY_SOURCE_PANEL,
        help="BYOK file containing the key to be imported. Must not be password protected. "
             "Refused by kvcli: its key is wrapped for a real HSM.")] = None,
    byok_string: Annotated[Optional[str], Option(
        "--byok-string", metavar="BYOK", rich_help_panel=KEY_SOURCE_PANEL,
        help="BYOK string containing the key to be imported. Refused by kvcli, as "
             "--byok-file.")] = None,
    kty: Annotated[str, Option(
        "--kty", click_type=choice("EC", "RSA", "oct"), metavar="KTY",
        help="The type of key to import (only for BYOK). Allowed values: EC, RSA, oct.")]
    = "RSA",
    curve: Annotated[Optional[str], Option(
        "--curve", click_type=choice("P-256", "P-256K", "P-384", "P-521"), metavar="CURVE",
        help="The curve name of the key to import (only for BYOK).")] = None,
    protection: Annotated[Optional[str], Option(
        "--protection", "-p", click_type=choice("hsm", "software"), metavar="PROTECTION",
        help="Specifies the type of key protection. Allowed values: hsm, software.")] = None,
    ops: Ops = None,
    disabled: tristate("--disabled", "Import key in disabled state.") = None,
    expires: Expires = None,
    not_before: NotBefore = None,
    tags: Tags = None,
    exportable: Exportable = None,
    policy: Policy = None,
    immutable: Immutable = None,
):
    sources = [s for s in (byok_file, byok_string, pem_file, pem_string) if s]
    if len(sources) != 1:
        raise UsageError("supply exactly one: --byok-file, --byok-string, --pem-file, "
                         "--pem-string")
    if (byok_file or byok_string) and pem_password:
        raise UsageError("--byok-file or --byok-string cannot be used with --pem-password")
    if (kty == "EC" and curve is None) or (kty != "EC" and curve):
        raise KvError("parameter --curve should be specified when key type --kty is EC.")
    if byok_file or byok_string:
        raise KvError("BYOK import is not supported by kvcli: a BYOK blob is wrapped for a "
                      "real HSM's key exchange key and cannot be opened offline. Import the "
                      "private key with --pem-file or --pem-string instead.")
    if pem_file:
        from kvcli.store.files import read_input

        pem = read_input(pem_file, MAX_INPUT_FILE_BYTES, "PEM file")
    else:
        pem = pem_string.encode("utf-8")
    return _keys().import_key(
        open_home(), vault_name, name, pem,
        password=pem_password.encode() if pem_password else None, hsm=protection == "hsm",
        ops=ops,
        tags=tags, enabled=not disabled, expires=_when(expires),
        not_before=_when(not_before), exportable=exportable,
        policy=_release(policy, immutable), immutable=immutable)


@command(app, "show", help="Get a key's attributes and, if it's an asymmetric key, its public "
         "material.",
         examples=("Show the public JSON web key of the latest version:\n"
                   "    kvcli keyvault key show --vault-name MyVault -n MyKey --query key",))
def show_key(id: idargs.Id = None, vault_name: idargs.VaultName = None,
             name: KeyName = None, version: idargs.Version = None):
    target = idargs.resolve(id, vault_name, name, version)
    return _keys().show_key(open_home(), target.vault_name, target.name, target.version)


@command(app, "list", help="List keys in the specified vault (latest version of each, "
         "without key material).",
         examples=("List key names:\n"
                   "    kvcli keyvault key list --vault-name MyVault --query \"[].name\" -o tsv",))
def list_keys(id: idargs.Id = None, vault_name: idargs.VaultName = None,
              include_managed: tristate(
                  "--include-managed", "Include managed keys. Default: false.") = None,
              max_results: MaxResults = None):
    target = idargs.resolve(id, vault_name, needs_name=False)
    return _keys().list_keys(open_home(), target.vault_name,
                             include_managed=bool(include_managed), max_results=max_results)


@command(app, "list-versions", help="List the identifiers and properties of a key's versions.",
         examples=("List the versions of a key:\n"
                   "    kvcli keyvault key list-versions --vault-name MyVault -n MyKey",))
def list_versions(id: idargs.Id = None, vault_name: idargs.VaultName = None,
                  name: KeyName = None, max_results: MaxResults = None):
    target = idargs.resolve(id, vault_name, name)
    return _keys().list_versions(open_home(), target.vault_name, target.name, max_results)


@command(app, "set-attributes", help="The update key operation changes specified attributes "
         "of a stored key and can be applied to any key type and key version stored in Vault.",
         examples=("Disable the latest version of a key:\n"
                   "    kvcli keyvault key set-attributes --vault-name MyVault -n MyKey "
                   "--enabled false",))
def set_attributes(id: idargs.Id = None, vault_name: idargs.VaultName = None,
                   name: KeyName = None, version: idargs.Version = None,
                   enabled: tristate("--enabled", "Enable the key.") = None,
                   expires: Expires = None, not_before: NotBefore = None, ops: Ops = None,
                   tags: Tags = None, policy: Policy = None, immutable: Immutable = None):
    target = idargs.resolve(id, vault_name, name, version)
    return _keys().set_attributes(
        open_home(), target.vault_name, target.name, target.version, enabled=enabled,
        expires=_when(expires), not_before=_when(not_before), ops=ops, tags=tags,
        policy=_release(policy, immutable), immutable=immutable)


@command(app, "delete", help="Delete a key of any type from storage in Vault. It moves to the "
         "soft-deleted state for the vault's retention period.",
         examples=("Delete a key:\n    kvcli keyvault key delete --vault-name MyVault -n MyKey",))
def delete_key(id: idargs.Id = None, vault_name: idargs.VaultName = None, name: KeyName = None):
    target = idargs.resolve(id, vault_name, name)
    console.warning(DELETE_WARNING)
    return _keys().delete_key(open_home(), target.vault_name, target.name)


@command(app, "list-deleted", help="List the deleted keys in the specified vault.",
         examples=("List soft-deleted keys:\n"
                   "    kvcli keyvault key list-deleted --vault-name MyVault",))
def list_deleted(id: idargs.Id = None, vault_name: idargs.VaultName = None,
                 max_results: MaxResults = None):
    target = idargs.resolve(id, vault_name, needs_name=False)
    return _keys().list_deleted_keys(open_home(), target.vault_name, max_results)


@command(app, "show-deleted", help="Get the public part of a deleted key.",
         examples=("Show a soft-deleted key:\n"
                   "    kvcli keyvault key show-deleted --vault-name MyVault -n MyKey",))
def show_deleted(id: idargs.Id = None, vault_name: idargs.VaultName = None,
                 name: KeyName = None):
    target = idargs.resolve(id, vault_name, name)
    return _keys().show_deleted_key(open_home(), target.vault_name, target.name)


@command(app, "recover", help="Recover the deleted key to its latest version, with every "
         "version it had.",
         examples=("Recover a soft-deleted key:\n"
                   "    kvcli keyvault key recover --vault-name MyVault -n MyKey",))
def recover(id: idargs.Id = None, vault_name: idargs.VaultName = None, name: KeyName = None):
    target = idargs.resolve(id, vault_name, name)
    return _keys().recover_key(open_home(), target.vault_name, target.name)


@command(app, "purge", help="Permanently delete the specified key. Refused under purge "
         "protection until the scheduled purge date.",
         examples=("Purge a soft-deleted key:\n"
                   "    kvcli keyvault key purge --vault-name MyVault -n MyKey",))
def purge(id: idargs.Id = None, vault_name: idargs.VaultName = None, name: KeyName = None):
    target = idargs.resolve(id, vault_name, name)
    _keys().purge_key(open_home(), target.vault_name, target.name)


@command(app, "backup", help="Request that a backup of the specified key be downloaded: every "
         "version and its rotation policy, in one encrypted blob that only this subscription "
         "can restore.",
         examples=("Back up a key to a file:\n"
                   "    kvcli keyvault key backup --vault-name MyVault -n MyKey -f mykey.blob",))
def backup(file: Annotated[str, Option("--file", "-f", metavar="PATH",
                                              help="Local file path in which to store key "
                                                   "backup.")],
           id: idargs.Id = None, vault_name: idargs.VaultName = None, name: KeyName = None):
    from pathlib import Path

    from kvcli.store.files import write_user_file

    target = idargs.resolve(id, vault_name, name)
    write_user_file(Path(file), _keys().backup_key(open_home(), target.vault_name,
                                                   target.name))


@command(app, "restore", help="Restore a backed up key to a vault, with its original name, "
         "versions, attributes and tags.",
         examples=("Restore a key into another vault of the same geography:\n"
                   "    kvcli keyvault key restore --vault-name OtherVault -f mykey.blob",))
def restore(file: Annotated[Optional[str], Option(
                "--file", "-f", metavar="PATH",
                help="Local key backup from which to restore key.")] = None,
            id: idargs.Id = None, vault_name: idargs.VaultName = None,
            name: Annotated[Optional[str], Option(
                "--name", "-n", metavar="NAME",
                help="Name of the key. (Only for restoring from storage account; not "
                     "supported by kvcli.)")] = None,
            no_wait: Annotated[bool, Option(
                "--no-wait", help="Do not wait for the long-running operation to finish. "
                                  "(Only for restoring from storage account.)")] = False):
    from kvcli.core.backup import read_blob_file

    if file is None:
        raise KvError("Please specify --file/-f or --storage-account-name & "
                      "--blob-container-name & --storage-container-SAS-token & "
                      "--backup-folder")
    if name:
        raise KvError("Please do not specify --name/-n when using --file/-f")
    if no_wait:
        raise KvError("Please do not specify --no-wait when using --file/-f")
    target = idargs.resolve(id, vault_name, needs_name=False)
    return _keys().restore_key(open_home(), target.vault_name, read_blob_file(file))


@command(app, "download", help="Download the public part of a stored key. Private key "
         "material is never written.",
         examples=("Save the public key as PEM:\n"
                   "    kvcli keyvault key download --vault-name MyVault -n MyKey -f key.pem",
                   "Save it as DER:\n"
                   "    kvcli keyvault key download --vault-name MyVault -n MyKey -f key.der "
                   "-e DER"))
def download(file: Annotated[str, Option("--file", "-f", metavar="PATH",
                                                help="File to receive the key contents.")],
             id: idargs.Id = None, vault_name: idargs.VaultName = None,
             name: KeyName = None, version: idargs.Version = None,
             encoding: Annotated[str, Option(
                 "--encoding", "-e", click_type=choice("DER", "PEM"), metavar="ENCODING",
                 help="Encoding of the key, default: PEM. Allowed values: DER, PEM.")]
             = "PEM"):
    from pathlib import Path

    from kvcli.store.files import write_user_file

    target = idargs.resolve(id, vault_name, name, version)
    if os.path.isfile(file) or os.path.isdir(file):
        raise KvError(f"File or directory named '{file}' already exists.")
    data = _keys().public_key_bytes(open_home(), target.vault_name, target.name,
                                    target.version, encoding)
    write_user_file(Path(file), data)


@command(app, "rotate", help="Rotate the key based on the key policy by generating a new "
         "version of the key.",
         examples=("Rotate a key now:\n"
                   "    kvcli keyvault key rotate --vault-name MyVault -n MyKey",))
def rotate(id: idargs.Id = None, vault_name: idargs.VaultName = None, name: KeyName = None):
    target = idargs.resolve(id, vault_name, name)
    return _keys().rotate_key(open_home(), target.vault_name, target.name)


@command(app, "encrypt", help="Encrypt an arbitrary sequence of bytes using an encryption key "
         "that is stored in a Vault.",
         examples=("Encrypt a text with RSA-OAEP-256:\n"
                   "    kvcli keyvault key encrypt --vault-name MyVault -n MyKey "
                   "-a RSA-OAEP-256 --value hello --data-type plaintext",))
def encrypt(algorithm: Algorithm,
            value: Annotated[str, Option(
                "--value", metavar="VALUE",
                help="The value to be encrypted. Default data type is Base64 encoded "
                     "string.")],
            id: idargs.Id = None, vault_name: idargs.VaultName = None, name: KeyName = None,
            version: idargs.Version = None, data_type: DataType = "base64",
            iv: Iv = None, aad: Aad = None):
    target = idargs.resolve(id, vault_name, name, version)
    console.warning(PREVIEW_WARNING)
    plaintext = (value.encode("utf-8") if data_type == "plaintext"
                 else _base64_argument(value, in_validator=True))
    return _keys().encrypt(open_home(), target.vault_name, target.name, target.version,
                           algorithm, plaintext, iv=_hex_argument(iv),
                           aad=_hex_argument(aad))


@command(app, "decrypt", help="Decrypt a single block of encrypted data.",
         examples=("Decrypt back to text:\n"
                   "    kvcli keyvault key decrypt --vault-name MyVault -n MyKey "
                   "-a RSA-OAEP-256 --value CIPHERTEXT --data-type plaintext",))
def decrypt(algorithm: Algorithm,
            value: Annotated[str, Option(
                "--value", metavar="VALUE",
                help="The value to be decrypted, which should be the result of \"kvcli "
                     "keyvault key encrypt\" (base64).")],
            id: idargs.Id = None, vault_name: idargs.VaultName = None, name: KeyName = None,
            version: idargs.Version = None, data_type: DataType = "base64",
            iv: Iv = None, aad: Aad = None,
            tag: Annotated[Optional[str], Option(
                "--tag", metavar="HEX",
                help="The authentication tag generated during encryption (hex). Only for "
                     "AES-GCM.")] = None):
    target = idargs.resolve(id, vault_name, name, version)
    console.warning(PREVIEW_WARNING)
    result, plain = _keys().decrypt(
        open_home(), target.vault_name, target.name, target.version, algorithm,
        _base64_argument(value, in_validator=True), iv=_hex_argument(iv),
        tag=_hex_argument(tag), aad=_hex_argument(aad))
    if data_type == "base64":
        result["result"] = base64.b64encode(plain).decode()
    else:
        try:
            result["result"] = plain.decode("utf-8")
        except UnicodeDecodeError:
            raise KvError("The decrypted value is not UTF-8 text; use --data-type "
                          "base64.") from None
    return result


@command(app, "sign", help="Create a signature from a digest using a key that is stored in a "
         "Vault.",
         examples=("Sign the SHA-256 digest of a file:\n"
                   "    kvcli keyvault key sign --vault-name MyVault -n MyKey -a RS256 "
                   "--digest \"$(openssl dgst -sha256 -binary file | base64)\"",))
def sign(algorithm: SignAlgorithm, digest: Digest, id: idargs.Id = None,
         vault_name: idargs.VaultName = None, name: KeyName = None,
         version: idargs.Version = None):
    target = idargs.resolve(id, vault_name, name, version)
    return _keys().sign(open_home(), target.vault_name, target.name, target.version,
                        algorithm, _base64_argument(digest))


@command(app, "verify", help="Verify a signature using the key that was used to sign it.",
         examples=("Verify a signature made by `key sign`:\n"
                   "    kvcli keyvault key verify --vault-name MyVault -n MyKey -a RS256 "
                   "--digest DIGEST --signature SIGNATURE",))
def verify(algorithm: SignAlgorithm, digest: Digest,
           signature: Annotated[str, Option(
               "--signature", metavar="SIGNATURE", help="The signature to be verified "
                                                       "(base64).")],
           id: idargs.Id = None, vault_name: idargs.VaultName = None, name: KeyName = None,
           version: idargs.Version = None):
    target = idargs.resolve(id, vault_name, name, version)
    return _keys().verify(open_home(), target.vault_name, target.name, target.version,
                          algorithm, _base64_argument(digest), _base64_argument(signature))
