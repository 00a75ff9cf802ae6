"""`kvcli ad user ...`: the users of this state home's directory, in Microsoft Graph's shape."""

from __future__ import annotations

from typing import Annotated, Optional

from kvcli.cli.app import new_app
from kvcli.cli.command import command
from kvcli.cli.context import open_home
from kvcli.cli.declare import Option

app = new_app()

UserId = Annotated[str, Option("--id", metavar="ID",
                               help="The object ID or principal name of the user.")]


def _principals():
    from kvcli.core import principals

    return principals


def _user_table(result):
    rows = result if isinstance(result, list) else [result]
    return [{"DisplayName": r["displayName"], "UserPrincipalName": r["userPrincipalName"],
             "Id": r["id"]} for r in rows]


@command(app, "create", help="Create a user.",
         examples=("Create a user:\n    kvcli ad user create --display-name Alice "
                   "--user-principal-name alice@contoso.com --password Secret-123",),
         table=_user_table)
def create_user(display_name: Annotated[str, Option(
                    "--display-name", metavar="NAME",
                    help="Object's display name or its prefix.")],
                user_principal_name: Annotated[str, Option(
                    "--user-principal-name", metavar="UPN",
                    help="The user principal name (someuser@contoso.com).")],
                password: Annotated[Optional[str], Option(
                    "--password", metavar="PASSWORD",
                    help="Accepted for az compatibility; kvcli checks no password.")] = None,
                mail_nickname: Annotated[Optional[str], Option(
                    "--mail-nickname", metavar="NICKNAME",
                    help="Mail alias. Defaults to user principal name.")] = None):
    return _principals().create_user(open_home(), user_principal_name, display_name,
                                     mail_nickname)


@command(app, "show", help="Get the details of a user.",
         examples=("Show a user:\n    kvcli ad user show --id alice@contoso.com",),
         table=_user_table)
def show_user(id: UserId):
    return _principals().show_user(open_home(), id)


@command(app, "list", help="List users.",
         examples=("List the user principal names:\n"
                   "    kvcli ad user list --query \"[].userPrincipalName\" -o tsv",),
         table=_user_table)
def list_users(upn: Annotated[Optional[str], Option(
                   "--upn", metavar="UPN", help="User principal name.")] = None,
               display_name: Annotated[Optional[str], Option(
                   "--display-name", metavar="NAME",
                   help="Object's display name or its prefix.")] = None):
    return _principals().list_users(open_home(), upn, display_name)


@command(app, "delete", help="Delete a user. Their role assignments stay, as in Azure.",
         examples=("Delete a user:\n    kvcli ad user delete --id alice@contoso.com",))
def delete_user(id: UserId):
    _principals().delete_user(open_home(), id)
