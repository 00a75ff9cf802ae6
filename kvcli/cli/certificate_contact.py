"""`kvcli keyvault certificate contact add|list|delete`: the vault's certificate contacts
(recorded; kvcli sends no e-mail)."""

from __future__ import annotations

from typing import Annotated, Optional

from kvcli.cli import idargs
from kvcli.cli.app import new_app
from kvcli.cli.command import command
from kvcli.cli.context import open_home
from kvcli.cli.declare import Option

app = new_app()

Email = Annotated[str, Option("--email", metavar="EMAIL",
                              help="Contact e-mail address. Must be unique.")]


def _certificates():
    from kvcli.core import certificates

    return certificates


@command(app, "add", help="Add a contact to the specified vault to receive notifications of "
         "certificate operations.",
         examples=("Add a contact:\n"
                   "    kvcli keyvault certificate contact add --vault-name MyVault "
                   "--email admin@contoso.com --name Admin --phone 0123456789",))
def add(email: Email, vault_name: idargs.RequiredVaultName,
        name: Annotated[Optional[str], Option("--name", metavar="NAME",
                                              help="Full contact name.")] = None,
        phone: Annotated[Optional[str], Option("--phone", metavar="PHONE",
                                               help="Contact phone number.")] = None):
    return _certificates().add_contact(open_home(), vault_name, email, name, phone)


@command(app, "list", help="List certificate contacts for a specified key vault.",
         examples=("List contacts:\n"
                   "    kvcli keyvault certificate contact list --vault-name MyVault",))
def list_contacts(vault_name: idargs.RequiredVaultName):
    return _certificates().list_contacts(open_home(), vault_name)


@command(app, "delete", help="Remove a certificate contact from the specified vault.",
         examples=("Remove a contact:\n"
                   "    kvcli keyvault certificate contact delete --vault-name MyVault "
                   "--email admin@contoso.com",))
def delete(email: Email, vault_name: idargs.RequiredVaultName):
    return _certificates().delete_contact(open_home(), vault_name, email)
