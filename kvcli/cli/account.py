"""`kvcli account ...`: the one subscription of this state home."""

from __future__ import annotations

from kvcli.cli.app import new_app
from kvcli.cli.command import command
from kvcli.cli.context import open_home

app = new_app()


@command(app, "show", help="Get the details of the subscription of this state home.",
         examples=("Show the subscription:\n    kvcli account show",))
def show_account():
    home = open_home()
    return {
        "environmentName": "AzureCloud",
        "homeTenantId": home.tenant_id,
        "id": home.subscription_id,
        "isDefault": True,
        "managedByTenants": [],
        "name": home.subscription_name,
        "state": "Enabled",
        "tenantId": home.tenant_id,
        "user": {"name": home.user_name, "type": "user"},
    }


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
