"""`kvcli keyvault secret ...`: thin handlers over `kvcli.core.secrets`."""

from __future__ import annotations

import base64
import binascii
import os
from typing import Annotated, Optional

from kvcli.cli import console, idargs
from kvcli.cli.app import new_app
from kvcli.cli.command import command
from kvcli.cli.context import open_home
from kvcli.cli.declare import Option
from kvcli.cli.params import MaxResults, Tags, choice, tristate
from kvcli.errors import KvError, file_error

app = new_app()

TEXT_ENCODINGS = ("ascii", "utf-16be", "utf-16le", "utf-8")
ENCODINGS = ("ascii", "base64", "hex", "utf-16be", "utf-16le", "utf-8")
# The largest value file that can still hold a 25 KB value: UTF-16 text takes two bytes a
# character, plus its byte-order mark. Anything larger is refused before it is read.
MAX_VALUE_FILE_BYTES = 2 * 25 * 1024 + 2
CONTENT_PANEL = "Content Source Arguments"
DELETE_WARNING = (
    "Warning! If you have soft-delete protection enabled on this key vault, this secret will "
    "be moved to the soft deleted state. You will not be able to create a secret with the same "
    "name within this key vault until the secret has been purged from the soft-deleted state. "
    "Please see the following documentation for additional guidance.\n"
    "https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview")

SecretName = idargs.name_option("secret")
Expires = Annotated[Optional[str], Option(
    "--expires", metavar="DATETIME",
    help="Expiration UTC datetime  (Y-m-d'T'H:M:S'Z'). Informational for secrets.")]
NotBefore = Annotated[Optional[str], Option(
    "--not-before", metavar="DATETIME",
    help="Key not usable before the provided UTC datetime  (Y-m-d'T'H:M:S'Z'). Informational "
         "for secrets.")]


def _secrets():
    from kvcli.core import secrets

    return secrets


def _when(text: str | None):
    from kvcli.core.timeutil import parse_az_datetime

    return parse_az_datetime(text) if text is not None else None


def _list_table(rows):
    return [{"Name": r["name"], "Id": r["id"], "ContentType": r["contentType"],
             "Enabled": r["attributes"]["enabled"], "Expires": r["attributes"]["expires"]}
            for r in rows]


def _deleted_table(rows):
    return [{"DeletedDate": r["deletedDate"], "Name": r["name"], "RecoveryId": r["recoveryId"],
             "ScheduledPurgeDate": r["scheduledPurgeDate"]} for r in rows]


def _read_value_file(path: str, encoding: str) -> str:
    """az's `--file` rules: text encodings read text (the platform's codec, universal
    newlines, as `open()` does), base64/hex read and encode bytes. Only so much is read as
    could still make a value Key Vault accepts."""
    import io

    from kvcli.core.secrets import MAX_VALUE_BYTES
    from kvcli.store.files import read_input

    raw = read_input(path, MAX_VALUE_FILE_BYTES, "secret file")
    if encoding == "base64":
        return base64.b64encode(raw).decode()
    if encoding == "hex":
        return binascii.hexlify(raw).decode()
    try:
        content = io.TextIOWrapper(io.BytesIO(raw)).read()
        content.encode(encoding)
    except (UnicodeDecodeError, UnicodeEncodeError):
        raise KvError(f"Unable to decode file '{path}' with '{encoding}' encoding.") from None
    return content


@command(app, "set", help="Create a secret (if one doesn't exist) or update a secret in a "
         "KeyVault. Each call adds a new version.",
         examples=("Create a secret with the value 'hunter3':\n"
                   "    kvcli keyvault secret set --vault-name MyVault -n MySecret --value hunter3",
                   "Store the bytes of a file, base64-encoded:\n"
                   "    kvcli keyvault secret set --vault-name MyVault -n MyCert "
                   "--file cert.pfx --encoding base64"))
def set_secret(
    name: idargs.name_option("secret", required=True),
    vault_name: idargs.RequiredVaultName,
    value: Annotated[Optional[str], Option(
        "--value", metavar="VALUE", rich_help_panel=CONTENT_PANEL,
        help="Plain text secret value. Cannot be used with --file or --encoding.")] = None,
    file: Annotated[Optional[str], Option(
        "--file", "-f", metavar="PATH", rich_help_panel=CONTENT_PANEL,
        help="Source file for secret. Use in conjunction with '--encoding'.")] = None,
    encoding: Annotated[str, Option(
        "--encoding", "-e", click_type=choice(*ENCODINGS), metavar="ENCODING",
        rich_help_panel=CONTENT_PANEL,
        help="Source file encoding. The value is saved as a tag (`file-encoding=<val>`) and "
             "used during download to automatically encode the resulting file. Allowed "
             "values: ascii, base64, hex, utf-16be, utf-16le, utf-8.")] = "utf-8",
    content_type: Annotated[Optional[str], Option(
        "--content-type", "--description", metavar="TYPE",
        help="Description of the secret contents (e.g. password, connection string, etc).")]
    = None,
    disabled: tristate("--disabled", "Create secret in disabled state.") = None,
    expires: Expires = None,
    not_before: NotBefore = None,
    tags: Tags = None,
):
    if (value is None) == (file is None):
        raise KvError("incorrect usage: [Required] --value VALUE | --file PATH")
    expires_at, not_before_at = _when(expires), _when(not_before)
    if file is not None:
        value = _read_value_file(file, encoding)
    return _secrets().set_secret(
        open_home(), vault_name, name, value, content_type=content_type,
        tags={**(tags or {}), "file-encoding": encoding}, enabled=not disabled,
        expires=expires_at, not_before=not_before_at)


@command(app, "show", help="Get a specified secret from a given key vault.",
         examples=("Print only the value of the latest version:\n"
                   "    kvcli keyvault secret show --vault-name MyVault -n MySecret "
                   "--query value -o tsv",))
def show_secret(id: idargs.Id = None, vault_name: idargs.VaultName = None,
                name: SecretName = None, version: idargs.Version = None):
    target = idargs.resolve(id, vault_name, name, version)
    return _secrets().show_secret(open_home(), target.vault_name, target.name, target.version)


@command(app, "list", help="List secrets in a specified key vault (latest version of each, "
         "without values).",
         examples=("List secret names:\n"
                   "    kvcli keyvault secret list --vault-name MyVault --query \"[].name\" "
                   "-o tsv",),
         table=_list_table)
def list_secrets(id: idargs.Id = None, vault_name: idargs.VaultName = None,
                 include_managed: tristate(
                     "--include-managed", "Include managed secrets. Default: false.") = None,
                 max_results: MaxResults = None):
    target = idargs.resolve(id, vault_name, needs_name=False)
    return _secrets().list_secrets(open_home(), target.vault_name,
                                   include_managed=bool(include_managed), max_results=max_results)


@command(app, "list-versions", help="List all versions of the specified secret.",
         examples=("List the versions of a secret:\n"
                   "    kvcli keyvault secret list-versions --vault-name MyVault -n MySecret",),
         table=_list_table)
def list_versions(id: idargs.Id = None, vault_name: idargs.VaultName = None,
                  name: SecretName = None, max_results: MaxResults = None):
    target = idargs.resolve(id, vault_name, name)
    return _secrets().list_versions(open_home(), target.vault_name, target.name, max_results)


@command(app, "set-attributes", help="Update the attributes associated with a specified "
         "secret in a given key vault.",
         examples=("Disable the latest version of a secret:\n"
                   "    kvcli keyvault secret set-attributes --vault-name MyVault -n MySecret "
                   "--enabled false",))
def set_attributes(id: idargs.Id = None, vault_name: idargs.VaultName = None,
                   name: SecretName = None, version: idargs.Version = None,
                   enabled: tristate("--enabled", "Enable the secret.") = None,
                   expires: Expires = None, not_before: NotBefore = None,
                   content_type: Annotated[Optional[str], Option(
                       "--content-type", metavar="TYPE",
                       help="Type of the secret value such as a password.")] = None,
                   tags: Tags = None):
    target = idargs.resolve(id, vault_name, name, version)
    return _secrets().set_attributes(
        open_home(), target.vault_name, target.name, target.version, enabled=enabled,
        expires=_when(expires), not_before=_when(not_before), content_type=content_type,
        tags=tags)


@command(app, "delete", help="Delete a secret from a specified key vault. It moves to the "
         "soft-deleted state for the vault's retention period.",
         examples=("Delete a secret:\n"
                   "    kvcli keyvault secret delete --vault-name MyVault -n MySecret",))
def delete_secret(id: idargs.Id = None, vault_name: idargs.VaultName = None,
                  name: SecretName = None):
    target = idargs.resolve(id, vault_name, name)
    console.warning(DELETE_WARNING)
    return _secrets().delete_secret(open_home(), target.vault_name, target.name)


@command(app, "list-deleted", help="Lists deleted secrets for the specified vault.",
         examples=("List soft-deleted secrets:\n"
                   "    kvcli keyvault secret list-deleted --vault-name MyVault",),
         table=_deleted_table)
def list_deleted(id: idargs.Id = None, vault_name: idargs.VaultName = None,
                 max_results: MaxResults = None):
    target = idargs.resolve(id, vault_name, needs_name=False)
    return _secrets().list_deleted_secrets(open_home(), target.vault_name, max_results)


@command(app, "show-deleted", help="Get the specified deleted secret.",
         examples=("Show a soft-deleted secret:\n"
                   "    kvcli keyvault secret show-deleted --vault-name MyVault -n MySecret",))
def show_deleted(id: idargs.Id = None, vault_name: idargs.VaultName = None,
                 name: SecretName = None):
    target = idargs.resolve(id, vault_name, name)
    return _secrets().show_deleted_secret(open_home(), target.vault_name, target.name)


@command(app, "recover", help="Recover the deleted secret to its latest version, with every "
         "version it had.",
         examples=("Recover a soft-deleted secret:\n"
                   "    kvcli keyvault secret recover --vault-name MyVault -n MySecret",))
def recover(id: idargs.Id = None, vault_name: idargs.VaultName = None, name: SecretName = None):
    target = idargs.resolve(id, vault_name, name)
    return _secrets().recover_secret(open_home(), target.vault_name, target.name)


@command(app, "purge", help="Permanently deletes the specified secret. Refused under purge "
         "protection until the scheduled purge date.",
         examples=("Purge a soft-deleted secret:\n"
                   "    kvcli keyvault secret purge --vault-name MyVault -n MySecret",))
def purge(id: idargs.Id = None, vault_name: idargs.VaultName = None, name: SecretName = None):
    target = idargs.resolve(id, vault_name, name)
    _secrets().purge_secret(open_home(), target.vault_name, target.name)


@command(app, "download", help="Download a secret from a KeyVault.",
         examples=("Save a secret's value to a file:\n"
                   "    kvcli keyvault secret download --vault-name MyVault -n MySecret "
                   "--file secret.txt",
                   "Decode a base64-stored certificate back to bytes:\n"
                   "    kvcli keyvault secret download --vault-name MyVault -n MyCert "
                   "--file cert.pfx --encoding base64"))
def download(file: Annotated[str, Option("--file", "-f", metavar="PATH",
                                                help="File to receive the secret contents.")],
             id: idargs.Id = None, vault_name: idargs.VaultName = None,
             name: SecretName = None, version: idargs.Version = None,
             encoding: Annotated[Optional[str], Option(
                 "--encoding", "-e", click_type=choice(*ENCODINGS), metavar="ENCODING",
                 help="Encoding of the secret. By default, will look for the 'file-encoding' "
                      "tag on the secret. Otherwise will assume 'utf-8'.")] = None,
             overwrite: Annotated[bool, Option(
                 "--overwrite", help="Overwrite the file if it exists.")] = False):
    target = idargs.resolve(id, vault_name, name, version)
    if os.path.exists(file) and not overwrite:
        raise KvError(f"File '{file}' already exists. Use --overwrite to overwrite the "
                      "existing file.")
    value, tags = _secrets().secret_value(open_home(), target.vault_name, target.name,
                                          target.version)
    encoding = encoding or tags.get("file-encoding") or "utf-8"
    _write_download(file, value, encoding)


def _write_download(path: str, value: str, encoding: str) -> None:
    """Text encodings write text; base64/hex are decoded back to bytes. Nothing partial stays."""
    from kvcli.store.files import write_user_file

    try:
        if encoding in TEXT_ENCODINGS:
            data = value.encode()
        elif encoding == "base64":
            data = base64.b64decode(value, validate=True)
        else:
            data = binascii.unhexlify(value)
    except (binascii.Error, ValueError) as error:
        raise KvError(f"Unable to decode the secret value with '{encoding}' encoding: "
                      f"{error}") from None
    from pathlib import Path

    write_user_file(Path(path), data)


@command(app, "backup", help="Backs up the specified secret: every version, its attributes "
         "and tags, in one encrypted blob that only this subscription can restore.",
         examples=("Back up a secret to a file:\n"
                   "    kvcli keyvault secret backup --vault-name MyVault -n MySecret "
                   "-f mysecret.blob",))
def backup(file: Annotated[str, Option("--file", "-f", metavar="PATH",
                                              help="Local file path in which to store secret "
                                                   "backup.")],
           id: idargs.Id = None, vault_name: idargs.VaultName = None, name: SecretName = None):
    from pathlib import Path

    from kvcli.store.files import write_user_file

    target = idargs.resolve(id, vault_name, name)
    blob = _secrets().backup_secret(open_home(), target.vault_name, target.name)
    write_user_file(Path(file), blob)


@command(app, "restore", help="Restores a backed up secret to a vault, with its original "
         "name, versions, attributes and tags.",
         examples=("Restore a secret into another vault of the same geography:\n"
                   "    kvcli keyvault secret restore --vault-name OtherVault "
                   "-f mysecret.blob",))
def restore(file: Annotated[str, Option("--file", "-f", metavar="PATH",
                                               help="Local secret backup from which to "
                                                    "restore secret.")],
            id: idargs.Id = None, vault_name: idargs.VaultName = None):
    from kvcli.core.backup import read_blob_file

    target = idargs.resolve(id, vault_name, needs_name=False)
    return _secrets().restore_secret(open_home(), target.vault_name, read_blob_file(file))
