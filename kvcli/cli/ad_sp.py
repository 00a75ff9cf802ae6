"""`kvcli ad sp create-for-rbac`: a service principal to sign in as, optionally with a role."""

from __future__ import annotations

from typing import Annotated, List, Optional

from kvcli.cli import console
from kvcli.cli.app import new_app
from kvcli.cli.command import command
from kvcli.cli.context import open_home
from kvcli.cli.declare import Option

app = new_app()

CREDENTIALS_WARNING = (
    "The output includes credentials that you must protect. Be sure that you do not include "
    "these credentials in your code or check the credentials into your source control. For "
    "more information, see https://aka.ms/azadsp-cli")


@command(app, "create-for-rbac", help="Create an application and its service principal, and "
         "optionally assign it a role.",
         examples=("Create a service principal that may read the secrets of one vault:\n"
                   "    kvcli ad sp create-for-rbac -n ci-reader --role \"Key Vault Secrets "
                   "User\" --scopes VAULT_ID",))
def create_for_rbac(name: Annotated[Optional[str], Option(
                        "--name", "--display-name", "-n", metavar="NAME",
                        help="Display name of the service principal.")] = None,
                    role: Annotated[Optional[str], Option(
                        "--role", metavar="ROLE", help="Role of the service principal.")] = None,
                    scopes: Annotated[Optional[List[str]], Option(
                        "--scopes", metavar="SCOPE",
                        help="Scope the role assignment applies to (repeat for several).")]
                    = None):
    from kvcli.core import access, principals
    from kvcli.errors import KvError

    if bool(role) != bool(scopes):
        raise KvError("usage error: To create role assignments, specify both --role and "
                      "--scopes.")
    home = open_home()
    principal, password = principals.create_service_principal(home, name)
    for scope in scopes or ():
        access.create_assignment(home, role, scope.rstrip("/"),
                                 assignee_object_id=principal["id"])
    console.warning(CREDENTIALS_WARNING)
    return {"appId": principal["appId"], "displayName": principal["displayName"],
            "password": password, "tenant": home.tenant_id}
