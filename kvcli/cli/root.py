"""Commands at the root of the tree (`kvcli version`, `login`, `logout`), declared like any
group's."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from kvcli.cli import console
from kvcli.cli.account import list_item, subscriptions_table
from kvcli.cli.app import new_app
from kvcli.cli.command import command
from kvcli.cli.context import open_home

app = new_app()

# The az release whose behaviour kvcli reproduces (shared/spec/az-reference.md).
AZ_VERSION = "2.91.0"
AZ_TELEMETRY_VERSION = "1.1.0"


@command(app, "version", help="Show the versions of Azure CLI modules and extensions in JSON "
         "format by default or format configured by --output. kvcli reports the az release it "
         "follows and its own version under `kvcli`.",
         examples=("Show the versions:\n    kvcli version",
                   "Show kvcli's own version only:\n    kvcli version --query kvcli -o tsv"))
def show_version():
    from kvcli import __version__

    return {"azure-cli": AZ_VERSION, "azure-cli-core": AZ_VERSION,
            "azure-cli-telemetry": AZ_TELEMETRY_VERSION, "extensions": {},
            "kvcli": __version__}


@command(app, "login", help="Sign in as a user of this state home, creating the user on first "
         "use. kvcli checks no password: the home is a local lab, not a security boundary.",
         examples=("Sign in as Alice:\n    kvcli login --username alice@contoso.com",
                   "Sign in as a service principal:\n"
                   "    kvcli login --service-principal -u APP_ID -p SECRET --tenant TENANT"),
         table=subscriptions_table)
def login(username: Annotated[str, typer.Option(
              "--username", "-u", metavar="UPN",
              help="User name (user principal name), e.g. alice@contoso.com.")],
          password: Annotated[Optional[str], typer.Option(
              "--password", "-p", metavar="PASSWORD",
              help="Accepted for az compatibility and ignored.")] = None,
          service_principal: Annotated[bool, typer.Option(
              "--service-principal",
              help="Sign in as a service principal (from `kvcli ad sp create-for-rbac`); "
                   "--username is its app id.")] = False,
          tenant: Annotated[Optional[str], typer.Option(
              "--tenant", "-t", metavar="TENANT",
              help="Accepted for az compatibility; the home has one tenant.")] = None):
    from kvcli.core import principals

    if password is not None:
        console.warning("kvcli does not check passwords; --password was ignored.")
    account = principals.login(open_home(), username, service_principal=service_principal)
    return [list_item(account)]


@command(app, "logout", help="Sign out: commands on vaults, objects, groups, role assignments "
         "and users then fail with az's 'Please run 'az login'' error until someone signs in.",
         examples=("Sign out:\n    kvcli logout",))
def logout():
    from kvcli.core import principals

    principals.logout(open_home())
