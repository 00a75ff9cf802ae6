"""`kvcli login` / `kvcli logout`: who is signed in to this state home."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from kvcli.cli import console
from kvcli.cli.app import new_app
from kvcli.cli.command import command
from kvcli.cli.context import open_home

app = new_app()


def _subscriptions_table(rows):
    return [{"Name": r["name"], "CloudName": r["cloudName"], "SubscriptionId": r["id"],
             "TenantId": r["tenantId"], "State": r["state"], "IsDefault": r["isDefault"]}
            for r in rows]


@command(app, "login", help="Sign in as a user of this state home, creating the user on first "
         "use. kvcli checks no password: the home is a local lab, not a security boundary.",
         examples=("Sign in as Alice:\n    kvcli login --username alice@contoso.com",
                   "Sign in as a service principal:\n"
                   "    kvcli login --service-principal -u APP_ID -p SECRET --tenant TENANT"),
         table=_subscriptions_table)
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
    view = {key: value for key, value in account.items() if key != "environmentName"}
    return [{"cloudName": account["environmentName"], **view}]


@command(app, "logout", help="Sign out: commands on vaults, objects, groups, role assignments "
         "and users then fail with az's 'Please run 'az login'' error until someone signs in.",
         examples=("Sign out:\n    kvcli logout",))
def logout():
    from kvcli.core import principals

    principals.logout(open_home())
