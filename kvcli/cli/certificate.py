"""`kvcli keyvault certificate ...`: thin handlers over `kvcli.core.certificates`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Optional

from kvcli.cli import console, idargs
from kvcli.cli.app import new_app
from kvcli.cli.command import command
from kvcli.cli.context import open_home
from kvcli.cli.declare import Option
from kvcli.cli.params import INT, MaxResults, Tags, choice, tristate
from kvcli.errors import KvError

app = new_app()

# A certificate file (PEM chain or PKCS#12) far larger than any real one is refused unread.
MAX_CERTIFICATE_FILE_BYTES = 1024 * 1024
MAX_POLICY_BYTES = 256 * 1024
DELETE_WARNING = (
    "Warning! If you have soft-delete protection enabled on this key vault, this certificate "
    "will be moved to the soft deleted state. You will not be able to create a certificate "
    "with the same name within this key vault until the certificate has been purged from the "
    "soft-deleted state. Please see the following documentation for additional guidance.\n"
    "https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview")

CertificateName = idargs.name_option("certificate")
PolicyHelp = ("JSON encoded policy definition. Use @{file} to load from a file (e.g. "
              "@my_policy.json).")


def _certificates():
    from kvcli.core import certificates

    return certificates


def read_input_file(path: str, limit: int, what: str) -> bytes:
    """Every file a certificate command reads from the user goes through this one helper
    (the store's bounded reader)."""
    from kvcli.store.files import read_input

    return read_input(path, limit, what)


def _read_certificate_file(path: str) -> bytes:
    """az's certificate_type: the file's bytes, or `Unable to load certificate file ...`."""
    import errno

    expanded = os.path.expanduser(path)
    if os.path.isdir(expanded):
        raise KvError(f"Unable to load certificate file '{path}': "
                      f"{os.strerror(errno.EISDIR)}.")
    try:
        return read_input_file(expanded, MAX_CERTIFICATE_FILE_BYTES, "certificate file")
    except KvError as error:
        if isinstance(error.__context__, OSError):
            raise KvError(f"Unable to load certificate file '{path}': "
                          f"{error.__context__.strerror}.") from None
        raise


def policy_argument(text: str | None) -> dict | None:
    """`--policy` as az takes it: inline JSON, or `@file` (knack's @-expansion)."""
    if text is None:
        return None
    if text.startswith("@"):
        text = read_input_file(os.path.expanduser(text[1:]), MAX_POLICY_BYTES,
                               "policy file").decode("utf-8-sig")
    return _certificates().parse_policy_text(text)


def _deleted_table(rows):
    return [{"DeletedDate": r["deletedDate"], "Name": r["name"], "RecoveryId": r["recoveryId"],
             "ScheduledPurgeDate": r["scheduledPurgeDate"]} for r in rows]


Policy = Annotated[Optional[str], Option("--policy", "-p", metavar="POLICY",
                                         help=PolicyHelp)]
FileIn = Annotated[str, Option("--file", "-f", metavar="PATH",
                               help="PKCS12 file or PEM file containing the certificate "
                                          "and private key.")]


@command(app, "get-default-policy", help="Get the default policy for self-signed "
         "certificates. The result is a JSON object that `certificate create --policy` takes.",
         examples=("Save the default policy and create a self-signed certificate from it:\n"
                   "    kvcli keyvault certificate get-default-policy > policy.json\n"
                   "    kvcli keyvault certificate create --vault-name MyVault -n MyCert "
                   "-p @policy.json",))
def get_default_policy(scaffold: Annotated[bool, Option(
        "--scaffold", help="Create a fully formed policy structure with default values.")]
        = False):
    return _certificates().get_default_policy(scaffold)


@command(app, "create", help="Create a Key Vault certificate. Issuer `Self` issues a "
         "self-signed certificate at once; any other issuer leaves the request pending with a "
         "CSR (see `certificate pending`). Prints the certificate operation.",
         examples=("Create a self-signed certificate with the default policy:\n"
                   "    kvcli keyvault certificate create --vault-name MyVault -n MyCert "
                   "-p \"$(kvcli keyvault certificate get-default-policy)\"",))
def create(name: idargs.name_option("certificate", required=True),
           vault_name: idargs.RequiredVaultName,
           policy: Annotated[str, Option("--policy", "-p", metavar="POLICY",
                                         help=PolicyHelp)],
           disabled: tristate("--disabled", "Create certificate in disabled state.") = None,
           tags: Tags = None,
           validity: Annotated[Optional[int], Option(
               "--validity", click_type=INT, metavar="MONTHS",
               help="Number of months the certificate is valid for. Overrides the value "
                    "specified with --policy/-p.")] = None):
    return _certificates().create_certificate(
        open_home(), vault_name, name, policy_argument(policy), disabled=bool(disabled),
        tags=tags, validity=validity)


@command(app, "import", help="Import a certificate into KeyVault: a PEM file (certificate "
         "and private key) or a PKCS#12 (PFX) file.",
         examples=("Import a PFX protected by a password:\n"
                   "    kvcli keyvault certificate import --vault-name MyVault -n MyCert "
                   "-f cert.pfx --password 'p@ss'",))
def import_certificate(file: FileIn,
                       name: idargs.name_option("certificate", required=True),
                       vault_name: idargs.RequiredVaultName,
                       password: Annotated[Optional[str], Option(
                           "--password", metavar="PASSWORD",
                           help="If the private key in certificate is encrypted, the password "
                                "used for encryption.")] = None,
                       policy: Policy = None,
                       disabled: tristate("--disabled",
                                          "Import the certificate in disabled state.") = None,
                       tags: Tags = None):
    data = _read_certificate_file(file)
    return _certificates().import_certificate(
        open_home(), vault_name, name, data, password=password,
        policy=policy_argument(policy), disabled=bool(disabled), tags=tags)


@command(app, "show", help="Get information about a certificate.",
         examples=("Print the thumbprint of the latest version:\n"
                   "    kvcli keyvault certificate show --vault-name MyVault -n MyCert "
                   "--query x509ThumbprintHex -o tsv",))
def show(id: idargs.Id = None, vault_name: idargs.VaultName = None,
         name: CertificateName = None, version: idargs.Version = None):
    target = idargs.resolve(id, vault_name, name, version)
    return _certificates().show_certificate(open_home(), target.vault_name, target.name,
                                            target.version)


@command(app, "list", help="List certificates in a specified key vault (latest version of "
         "each).",
         examples=("List certificate names, pending ones too:\n"
                   "    kvcli keyvault certificate list --vault-name MyVault "
                   "--include-pending --query \"[].name\" -o tsv",))
def list_certificates(id: idargs.Id = None, vault_name: idargs.VaultName = None,
                      include_pending: tristate(
                          "--include-pending", "Specifies whether to include certificates "
                          "which are not completely provisioned.") = None,
                      max_results: MaxResults = None):
    target = idargs.resolve(id, vault_name, needs_name=False)
    return _certificates().list_certificates(open_home(), target.vault_name,
                                             include_pending=bool(include_pending),
                                             max_results=max_results)


@command(app, "list-versions", help="List the versions of a certificate.",
         examples=("List the versions of a certificate:\n"
                   "    kvcli keyvault certificate list-versions --vault-name MyVault "
                   "-n MyCert",))
def list_versions(id: idargs.Id = None, vault_name: idargs.VaultName = None,
                  name: CertificateName = None, max_results: MaxResults = None):
    target = idargs.resolve(id, vault_name, name)
    return _certificates().list_versions(open_home(), target.vault_name, target.name,
                                         max_results)


@command(app, "set-attributes", help="Updates the specified attributes associated with the "
         "given certificate; `--policy` updates the certificate's policy.",
         examples=("Disable a certificate:\n"
                   "    kvcli keyvault certificate set-attributes --vault-name MyVault "
                   "-n MyCert --enabled false",))
def set_attributes(id: idargs.Id = None, vault_name: idargs.VaultName = None,
                   name: CertificateName = None, version: idargs.Version = None,
                   enabled: tristate("--enabled", "Enable the certificate.") = None,
                   policy: Policy = None, tags: Tags = None):
    target = idargs.resolve(id, vault_name, name, version)
    return _certificates().set_attributes(
        open_home(), target.vault_name, target.name, target.version, enabled=enabled,
        tags=tags, policy=policy_argument(policy))


@command(app, "delete", help="Deletes a certificate from a specified key vault. It moves to "
         "the soft-deleted state for the vault's retention period.",
         examples=("Delete a certificate:\n"
                   "    kvcli keyvault certificate delete --vault-name MyVault -n MyCert",))
def delete(id: idargs.Id = None, vault_name: idargs.VaultName = None,
           name: CertificateName = None):
    target = idargs.resolve(id, vault_name, name)
    console.warning(DELETE_WARNING)
    return _certificates().delete_certificate(open_home(), target.vault_name, target.name)


@command(app, "list-deleted", help="Lists the currently-recoverable deleted certificates.",
         examples=("List soft-deleted certificates:\n"
                   "    kvcli keyvault certificate list-deleted --vault-name MyVault",),
         table=_deleted_table)
def list_deleted(id: idargs.Id = None, vault_name: idargs.VaultName = None,
                 include_pending: tristate(
                     "--include-pending", "Specifies whether to include certificates which "
                     "are not completely provisioned.") = None,
                 max_results: MaxResults = None):
    target = idargs.resolve(id, vault_name, needs_name=False)
    return _certificates().list_deleted_certificates(open_home(), target.vault_name,
                                                     include_pending=bool(include_pending),
                                                     max_results=max_results)


@command(app, "show-deleted", help="Get a deleted certificate.",
         examples=("Show a soft-deleted certificate:\n"
                   "    kvcli keyvault certificate show-deleted --vault-name MyVault "
                   "-n MyCert",))
def show_deleted(id: idargs.Id = None, vault_name: idargs.VaultName = None,
                 name: CertificateName = None):
    target = idargs.resolve(id, vault_name, name)
    return _certificates().show_deleted_certificate(open_home(), target.vault_name,
                                                    target.name)


@command(app, "recover", help="Recover a deleted certificate to its latest version, with "
         "every version it had.",
         examples=("Recover a soft-deleted certificate:\n"
                   "    kvcli keyvault certificate recover --vault-name MyVault -n MyCert",))
def recover(id: idargs.Id = None, vault_name: idargs.VaultName = None,
            name: CertificateName = None):
    target = idargs.resolve(id, vault_name, name)
    return _certificates().recover_certificate(open_home(), target.vault_name, target.name)


@command(app, "purge", help="Permanently deletes a deleted certificate. Refused under purge "
         "protection until the scheduled purge date.",
         examples=("Purge a soft-deleted certificate:\n"
                   "    kvcli keyvault certificate purge --vault-name MyVault -n MyCert",))
def purge(id: idargs.Id = None, vault_name: idargs.VaultName = None,
          name: CertificateName = None):
    target = idargs.resolve(id, vault_name, name)
    _certificates().purge_certificate(open_home(), target.vault_name, target.name)


@command(app, "backup", help="Backs up the specified certificate: every version, its policy "
         "and attributes, in one encrypted blob that only this subscription can restore.",
         examples=("Back up a certificate to a file:\n"
                   "    kvcli keyvault certificate backup --vault-name MyVault -n MyCert "
                   "-f mycert.blob",))
def backup(file: Annotated[str, Option("--file", "-f", metavar="PATH",
                                              help="Local file path in which to store "
                                                   "certificate backup.")],
           id: idargs.Id = None, vault_name: idargs.VaultName = None,
           name: CertificateName = None):
    from kvcli.store.files import write_user_file

    target = idargs.resolve(id, vault_name, name)
    blob = _certificates().backup_certificate(open_home(), target.vault_name, target.name)
    write_user_file(Path(file), blob)


@command(app, "restore", help="Restores a backed up certificate to a vault, with its original "
         "name, versions, policy and attributes.",
         examples=("Restore a certificate into another vault of the same geography:\n"
                   "    kvcli keyvault certificate restore --vault-name OtherVault "
                   "-f mycert.blob",))
def restore(file: Annotated[str, Option("--file", "-f", metavar="PATH",
                                               help="Local certificate backup from which to "
                                                    "restore certificate.")],
            id: idargs.Id = None, vault_name: idargs.VaultName = None):
    from kvcli.core.backup import read_blob_file

    target = idargs.resolve(id, vault_name, needs_name=False)
    return _certificates().restore_certificate(open_home(), target.vault_name,
                                               read_blob_file(file))


@command(app, "download", help="Download the public portion of a Key Vault certificate.",
         examples=("Save a certificate as PEM and check it with openssl:\n"
                   "    kvcli keyvault certificate download --vault-name MyVault -n MyCert "
                   "-f cert.pem\n    openssl x509 -in cert.pem -noout -subject",))
def download(file: Annotated[str, Option("--file", "-f", metavar="PATH",
                                                help="File to receive the binary certificate "
                                                     "contents.")],
             id: idargs.Id = None, vault_name: idargs.VaultName = None,
             name: CertificateName = None, version: idargs.Version = None,
             encoding: Annotated[str, Option(
                 "--encoding", "-e", click_type=choice("DER", "PEM"), metavar="ENCODING",
                 help="Encoding of the certificate. DER will create a binary DER formatted "
                      "x509 certificate, and PEM will create a base64 PEM x509 certificate. "
                      "Allowed values: DER, PEM.")] = "PEM"):
    target = idargs.resolve(id, vault_name, name, version)
    if os.path.isfile(file) or os.path.isdir(file):
        raise KvError(f"File or directory named '{file}' already exists.")
    der = _certificates().certificate_der(open_home(), target.vault_name, target.name,
                                          target.version)
    if encoding == "PEM":
        from kvcli.core.x509 import pem_certificate

        der = pem_certificate(der)
    from kvcli.store.files import write_user_file

    write_user_file(Path(file), der)
