"""`kvcli ad signed-in-user show`: the user kvcli acts as."""

from __future__ import annotations

from kvcli.cli.app import new_app
from kvcli.cli.command import command
from kvcli.cli.context import open_home

app = new_app()


@command(app, "show", help="Get the details for the currently logged-in user.",
         examples=("Show the signed-in user's object id:\n"
                   "    kvcli ad signed-in-user show --query id -o tsv",))
def show_signed_in_user():
    from kvcli.core import principals

    return principals.signed_in_user(open_home())
