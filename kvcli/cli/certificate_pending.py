"""`kvcli keyvault certificate pending show|delete|merge`: the request of a certificate whose
issuer is not `Self`."""

from __future__ import annotations

from typing import Annotated

from kvcli.cli import idargs
from kvcli.cli.app import new_app
from kvcli.cli.command import command
from kvcli.cli.context import open_home
from kvcli.cli.declare import Option
from kvcli.cli.params import Tags, tristate

app = new_app()

CertificateName = idargs.name_option("certificate", required=True)
# A signed certificate or chain is small; anything far larger is refused unread.
MAX_MERGE_FILE_BYTES = 1024 * 1024


@command(app, "show", help="Get the status of a pending certificate operation (and its CSR).",
         examples=("Save the CSR (DER) of a pending certificate for a CA to sign:\n"
                   "    kvcli keyvault certificate pending show --vault-name MyVault -n MyCert "
                   "--query csr -o tsv | base64 -d > my.csr",))
def show_pending(name: CertificateName, vault_name: idargs.RequiredVaultName):
    from kvcli.core import certificates

    return certificates.show_pending(open_home(), vault_name, name)


@command(app, "delete", help="Delete the certificate operation; a request still in progress "
         "is cancelled with it.",
         examples=("Cancel a pending request:\n"
                   "    kvcli keyvault certificate pending delete --vault-name MyVault "
                   "-n MyCert",))
def delete_pending(name: CertificateName, vault_name: idargs.RequiredVaultName):
    from kvcli.core import certificates

    return certificates.delete_pending(open_home(), vault_name, name)


@command(app, "merge", help="Merge a certificate or certificate chain, signed by your CA, "
         "with the key pair of the pending request.",
         examples=("Complete a request with the certificate your CA signed:\n"
                   "    kvcli keyvault certificate pending merge --vault-name MyVault "
                   "-n MyCert --file signed.pem",))
def merge_pending(file: Annotated[str, Option(
                      "--file", "-f", metavar="PATH",
                      help="File containing the certificate or certificate chain to merge.")],
                  name: CertificateName, vault_name: idargs.RequiredVaultName,
                  disabled: tristate("--disabled", "Set certificate to disabled state.") = None,
                  tags: Tags = None):
    from kvcli.cli.certificate import read_input_file
    from kvcli.core import certificates

    data = read_input_file(file, MAX_MERGE_FILE_BYTES, "certificate file")
    return certificates.merge_certificate(open_home(), vault_name, name, data,
                                          disabled=disabled, tags=tags)
