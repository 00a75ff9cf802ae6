"""`kvcli account ...`: the one subscription of this state home and its signed-in user."""

from __future__ import annotations

from kvcli.cli.app import new_app
from kvcli.cli.command import command
from kvcli.cli.context import open_home

app = new_app()


@command(app, "show", help="Get the details of the subscription of this state home and the "
         "signed-in user.",
         examples=("Show the subscription:\n    kvcli account show",
                   "Who am I?\n    kvcli account show --query user.name -o tsv"))
def show_account():
    from kvcli.core import principals

    return principals.account_view(open_home())


@command(app, "list-locations", help="List the Azure regions kvcli knows, with their "
         "geography.",
         examples=("List region names only:\n"
                   "    kvcli account list-locations --query \"[].name\" -o tsv",),
         table=lambda rows: [{"DisplayName": r["displayName"], "Name": r["name"],
                              "Geography": r["metadata"]["geography"]} for r in rows])
def list_locations():
    from kvcli.core import locations

    return [{"displayName": locations.display_name_of(name), "name": name,
             "metadata": {"geography": locations.geography_of(name)}}
            for name in locations.LOCATION_NAMES]
