"""`kvcli group ...`: resource groups, as `az group` manages them."""

from __future__ import annotations

import sys
from typing import Annotated

from kvcli.cli import console
from kvcli.cli.app import new_app
from kvcli.cli.command import command
from kvcli.cli.context import open_home
from kvcli.cli.declare import Option
from kvcli.cli.params import (NoWait, RequiredLocation, Tags, WaitCreated, WaitCustom,
                              WaitDeleted, WaitExists, WaitInterval, WaitTimeout, WaitUpdated)
from kvcli.errors import KvError

app = new_app()

GroupName = Annotated[str, Option("--name", "-n", "--resource-group", "-g",
                                  metavar="NAME", help="Name of resource group.")]


def _groups():
    from kvcli.core import groups

    return groups


def _group_table(result):
    rows = result if isinstance(result, list) else [result]
    return [{"Name": r["name"], "Location": r["location"],
             "Status": r["properties"]["provisioningState"]} for r in rows]


@command(app, "create", help="Create a new resource group.",
         examples=("Create a new resource group in the West US region:\n"
                   "    kvcli group create -l westus -n MyResourceGroup",),
         table=_group_table)
def create_group(name: GroupName, location: RequiredLocation, tags: Tags = None):
    return _groups().create_group(open_home(), name, location, tags)


@command(app, "show", help="Gets a resource group.",
         examples=("Show a resource group:\n    kvcli group show -n MyResourceGroup",),
         table=_group_table)
def show_group(name: GroupName):
    return _groups().show_group(open_home(), name)


@command(app, "list", help="List resource groups.",
         examples=("List all resource groups:\n    kvcli group list",),
         table=_group_table)
def list_groups():
    return _groups().list_groups(open_home())


@command(app, "exists", help="Check if a resource group exists.",
         examples=("Check if 'MyResourceGroup' exists:\n"
                   "    kvcli group exists -n MyResourceGroup",))
def group_exists(name: GroupName):
    return _groups().group_exists(open_home(), name)


@command(app, "delete", help="Delete a resource group. The vaults in it are soft-deleted.",
         examples=("Delete a resource group without a prompt:\n"
                   "    kvcli group delete -n MyResourceGroup --yes",))
def delete_group(name: GroupName,
                 yes: Annotated[bool, Option("--yes", "-y",
                                             help="Do not prompt for confirmation.")] = False,
                 no_wait: NoWait = False):
    if not yes:
        _confirm()
    _groups().delete_group(open_home(), name)
    return None


@command(app, "wait", help="Place the CLI in a waiting state until a condition of the resource "
         "group is met.",
         examples=("Wait until a resource group is deleted:\n"
                   "    kvcli group wait --name MyResourceGroup --deleted",))
def wait_group(name: GroupName, created: WaitCreated = False, updated: WaitUpdated = False,
               deleted: WaitDeleted = False, exists: WaitExists = False,
               custom: WaitCustom = None, interval: WaitInterval = 30,
               timeout: WaitTimeout = 3600):
    from kvcli.core.waiting import wait_for

    home = open_home()
    return wait_for(lambda: _groups().show_group(home, name), created=created,
                    updated=updated, deleted=deleted, exists=exists, custom=custom,
                    interval=interval, timeout=timeout)


def _confirm() -> None:
    """Ask as az does; with no terminal to ask on, warn, cancel and say to pass --yes."""
    if not sys.stdin.isatty():
        console.warning("Unable to prompt for confirmation as no tty available. Use --yes.")
        raise KvError("Operation cancelled.")
    sys.stderr.write("Are you sure you want to perform this operation? (y/n): ")
    sys.stderr.flush()
    if sys.stdin.readline().strip().lower() not in ("y", "yes"):
        raise KvError("Operation cancelled.")
