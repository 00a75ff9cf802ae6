"""`kvcli account ...`: the one subscription of this state home and its signed-in user."""

from __future__ import annotations

from typing import Annotated

from kvcli.cli.app import new_app
from kvcli.cli.command import command
from kvcli.cli.context import open_home
from kvcli.cli.declare import Option

app = new_app()


CLOUD = "AzureCloud"


def subscriptions_table(rows):
    return [{"Name": r["name"], "CloudName": r["cloudName"], "SubscriptionId": r["id"],
             "TenantId": r["tenantId"], "State": r["state"], "IsDefault": r["isDefault"]}
            for r in rows]


def list_item(account: dict) -> dict:
    """az names the cloud `environmentName` in `account show`, `cloudName` in `account list`
    and in what `login` prints."""
    view = {key: value for key, value in account.items() if key != "environmentName"}
    return {"cloudName": account["environmentName"], **view}


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


@command(app, "list", help="Get a list of subscriptions for the logged in account: the home's "
         "one subscription.",
         examples=("List the subscription:\n    kvcli account list -o table",),
         table=subscriptions_table)
def list_accounts(
    all: Annotated[bool, Option(
        "--all", help="List all subscriptions from all clouds, rather than just 'Enabled' "
                      "ones.")] = False,
    refresh: Annotated[bool, Option(
        "--refresh", help="Retrieve up-to-date subscriptions from server.")] = False,
):
    from kvcli.core import principals

    return [list_item(principals.account_view(open_home()))]


@command(app, "set", help="Set a subscription to be the current active subscription. The home "
         "has one subscription, so only its id or name is accepted.",
         examples=("Set the active subscription by name:\n"
                   "    kvcli account set --subscription \"My Subscription\"",))
def set_account(target: Annotated[str, Option(
        "--subscription", "-s", "--name", "-n", metavar="SUBSCRIPTION",
        help="Name or ID of subscription.")]):
    from kvcli.errors import KvError

    home = open_home()
    wanted = target.lower()
    if wanted not in (home.subscription_id.lower(), home.subscription_name.lower()):
        raise KvError(f"The subscription of '{wanted}' doesn't exist in cloud '{CLOUD}'.")
