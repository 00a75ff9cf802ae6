"""`kvcli account ...`: the one subscription of this state home."""

from __future__ import annotations

from typing import Annotated

import typer

from kvcli.cli.app import new_app
from kvcli.cli.command import command
from kvcli.cli.context import open_home

app = new_app()


CLOUD = "AzureCloud"


@command(app, "show", help="Get the details of the subscription of this state home.",
         examples=("Show the subscription:\n    kvcli account show",))
def show_account():
    return _subscription("environmentName")


def _subscription(cloud_key: str) -> dict:
    """az names the cloud `environmentName` in `account show`, `cloudName` in `account list`."""
    home = open_home()
    return {
        cloud_key: CLOUD,
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


@command(app, "list", help="Get a list of subscriptions for the logged in account: the home's "
         "one subscription.",
         examples=("List the subscription:\n    kvcli account list -o table",),
         table=lambda rows: [{"Name": r["name"], "CloudName": r["cloudName"],
                              "SubscriptionId": r["id"], "TenantId": r["tenantId"],
                              "State": r["state"], "IsDefault": r["isDefault"]} for r in rows])
def list_accounts(
    all: Annotated[bool, typer.Option(
        "--all", help="List all subscriptions from all clouds, rather than just 'Enabled' "
                      "ones.")] = False,
    refresh: Annotated[bool, typer.Option(
        "--refresh", help="Retrieve up-to-date subscriptions from server.")] = False,
):
    return [_subscription("cloudName")]


@command(app, "set", help="Set a subscription to be the current active subscription. The home "
         "has one subscription, so only its id or name is accepted.",
         examples=("Set the active subscription by name:\n"
                   "    kvcli account set --subscription \"My Subscription\"",))
def set_account(target: Annotated[str, typer.Option(
        "--subscription", "-s", "--name", "-n", metavar="SUBSCRIPTION",
        help="Name or ID of subscription.")]):
    from kvcli.errors import KvError

    home = open_home()
    wanted = target.lower()
    if wanted not in (home.subscription_id.lower(), home.subscription_name.lower()):
        raise KvError(f"The subscription of '{wanted}' doesn't exist in cloud '{CLOUD}'.")
