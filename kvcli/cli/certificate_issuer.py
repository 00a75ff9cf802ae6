"""`kvcli keyvault certificate issuer ...`: issuer records, kept as vault metadata."""

from __future__ import annotations

from typing import Annotated, Optional

from kvcli.cli import idargs
from kvcli.cli.app import new_app
from kvcli.cli.command import command
from kvcli.cli.context import open_home
from kvcli.cli.declare import Option
from kvcli.cli.params import tristate

app = new_app()

IssuerName = Annotated[str, Option("--issuer-name", metavar="NAME",
                                   help="Certificate issuer name.")]
AccountId = Annotated[Optional[str], Option("--account-id", metavar="ID",
                                            help="The issuer account id/username/etc.")]
Password = Annotated[Optional[str], Option(
    "--password", metavar="PASSWORD",
    help="The issuer account password/secret/etc. Key Vault never returns it; kvcli does not "
         "keep it.")]
OrganizationId = Annotated[Optional[str], Option("--organization-id", metavar="ID",
                                                 help="The organization id.")]


def _certificates():
    from kvcli.core import certificates

    return certificates


@command(app, "create", help="Create a certificate issuer record.",
         examples=("Record an issuer backed by a provider account:\n"
                   "    kvcli keyvault certificate issuer create --vault-name MyVault "
                   "--issuer-name MyIssuer --provider-name Test --account-id acct1",))
def create(issuer_name: IssuerName, vault_name: idargs.RequiredVaultName,
           provider_name: Annotated[str, Option(
               "--provider-name", metavar="NAME",
               help="The certificate provider name. Must be registered with your tenant ID "
                    "and in your region.")],
           account_id: AccountId = None, password: Password = None,
           organization_id: OrganizationId = None,
           disabled: tristate("--disabled", "Set issuer to disabled state.") = None):
    return _certificates().create_issuer(open_home(), vault_name, issuer_name, provider_name,
                                         account_id=account_id,
                                         organization_id=organization_id,
                                         disabled=bool(disabled))


@command(app, "update", help="Update a certificate issuer record.",
         examples=("Disable an issuer:\n"
                   "    kvcli keyvault certificate issuer update --vault-name MyVault "
                   "--issuer-name MyIssuer --enabled false",))
def update(issuer_name: IssuerName, vault_name: idargs.RequiredVaultName,
           provider_name: Annotated[Optional[str], Option(
               "--provider-name", metavar="NAME",
               help="The certificate provider name.")] = None,
           account_id: AccountId = None, password: Password = None,
           organization_id: OrganizationId = None,
           enabled: tristate("--enabled", "Set issuer enabled state.") = None):
    return _certificates().update_issuer(open_home(), vault_name, issuer_name,
                                         provider=provider_name, account_id=account_id,
                                         organization_id=organization_id, enabled=enabled)


@command(app, "show", help="Retrieve issuer details.",
         examples=("Show an issuer:\n"
                   "    kvcli keyvault certificate issuer show --vault-name MyVault "
                   "--issuer-name MyIssuer",))
def show(issuer_name: IssuerName, vault_name: idargs.RequiredVaultName):
    return _certificates().show_issuer(open_home(), vault_name, issuer_name)


@command(app, "list", help="List certificate issuers for a specified key vault.",
         examples=("List issuers:\n"
                   "    kvcli keyvault certificate issuer list --vault-name MyVault",))
def list_issuers(vault_name: idargs.RequiredVaultName):
    return _certificates().list_issuers(open_home(), vault_name)


@command(app, "delete", help="Delete the specified certificate issuer.",
         examples=("Delete an issuer:\n"
                   "    kvcli keyvault certificate issuer delete --vault-name MyVault "
                   "--issuer-name MyIssuer",))
def delete(issuer_name: IssuerName, vault_name: idargs.RequiredVaultName):
    return _certificates().delete_issuer(open_home(), vault_name, issuer_name)
