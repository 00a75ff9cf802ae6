"""`kvcli role definition list`: the built-in roles kvcli knows, with their real ids."""

from __future__ import annotations

from typing import Annotated, Optional

from kvcli.cli.app import new_app
from kvcli.cli.command import command
from kvcli.cli.context import open_home
from kvcli.cli.declare import Option

app = new_app()


@command(app, "list", help="List role definitions: the built-in Key Vault roles plus Owner, "
         "Contributor, Reader and User Access Administrator.",
         examples=("What may a Key Vault Purge Operator do?\n"
                   "    kvcli role definition list --name \"Key Vault Purge Operator\" "
                   "--query \"[].permissions[].actions\"",),
         table=lambda rows: [{"Name": r["roleName"], "Type": r["type"],
                              "Description": r["description"]} for r in rows])
def list_role_definitions(name: Annotated[Optional[str], Option(
        "--name", "-n", metavar="NAME", help="A role's name or id.")] = None):
    from kvcli.core import roles

    return roles.list_definitions(open_home().subscription_id, name)
