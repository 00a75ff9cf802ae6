"""`kvcli keyvault network-rule ...`: a vault's network ACLs, as az manages them.

The rules are recorded and shown as in Azure; kvcli's data-plane commands are not
filtered by them.
"""

from __future__ import annotations

from typing import Annotated, Optional

from kvcli.cli import console
from kvcli.cli.app import new_app
from kvcli.cli.command import command
from kvcli.cli.context import open_home
from kvcli.cli.declare import Option
from kvcli.cli.params import (WORDS, NoWait, ResourceGroup, VaultName, WaitCreated, WaitCustom,
                              WaitDeleted, WaitExists, WaitInterval, WaitTimeout, WaitUpdated,
                              last_occurrence)

app = new_app()

OFFLINE_NOTE = (" Recorded and shown as in Azure; kvcli does not filter data-plane calls by "
                "network rules.")
IpAddress = Annotated[Optional[list[str]], Option(
    "--ip-address", click_type=WORDS, metavar="IP",
    help="IPv4 address or CIDR range. Can supply a list: --ip-address ip1 [ip2]...")]
Subnet = Annotated[Optional[str], Option(
    "--subnet", metavar="SUBNET",
    help="Name or ID of subnet. If name is supplied, `--vnet-name` must be supplied.")]
VnetName = Annotated[Optional[str], Option("--vnet-name", metavar="NAME",
                                           help="Name of a virtual network.")]


def _change(name: str, resource_group: str | None, ip_address: list | None,
            subnet: str | None, vnet_name: str | None, *, remove: bool = False) -> dict:
    from kvcli.core import network_rules

    return network_rules.change_vault_rules(
        open_home(), name, resource_group, ip_addresses=last_occurrence(ip_address),
        subnet=subnet, vnet_name=vnet_name, remove=remove, warn=console.warning)


@command(app, "add", help="Add a network rule to the network ACLs for a Key Vault." + OFFLINE_NOTE,
         examples=("Add IP ranges to a key vault's network rules:\n"
                   "    kvcli keyvault network-rule add --name MyKeyVault "
                   "--ip-address 4.5.6.0/24 7.8.9.10",
                   "Add a subnet of a virtual network:\n"
                   "    kvcli keyvault network-rule add --name MyKeyVault -g MyResourceGroup "
                   "--vnet-name MyVnet --subnet MySubnet"))
def add_rule(name: VaultName, resource_group: ResourceGroup = None, ip_address: IpAddress = None,
             subnet: Subnet = None, vnet_name: VnetName = None, no_wait: NoWait = False):
    result = _change(name, resource_group, ip_address, subnet, vnet_name)
    return None if no_wait else result


@command(app, "remove", help="Remove a network rule from the network ACLs for a Key Vault. "
         "An address matches the rule it names (`1.2.3.4` removes `1.2.3.4/32`)." + OFFLINE_NOTE,
         examples=("Remove an IP rule from a key vault:\n"
                   "    kvcli keyvault network-rule remove --name MyKeyVault "
                   "--ip-address 7.8.9.10",))
def remove_rule(name: VaultName, resource_group: ResourceGroup = None,
                ip_address: IpAddress = None, subnet: Subnet = None, vnet_name: VnetName = None,
                no_wait: NoWait = False):
    result = _change(name, resource_group, ip_address, subnet, vnet_name, remove=True)
    return None if no_wait else result


@command(app, "list", help="List the network rules from the network ACLs for a Key Vault."
         + OFFLINE_NOTE,
         examples=("List a key vault's network rules:\n"
                   "    kvcli keyvault network-rule list --name MyKeyVault",))
def list_rules(name: VaultName, resource_group: ResourceGroup = None):
    from kvcli.core import vaults

    return vaults.show_vault(open_home(), name, resource_group)["properties"]["networkAcls"]


@command(app, "wait", help="Place the CLI in a waiting state until a condition of the vault is "
         "met.",
         examples=("Pause until the vault's update has finished:\n"
                   "    kvcli keyvault network-rule wait --name MyKeyVault --updated",))
def wait_rules(name: VaultName, resource_group: ResourceGroup = None,
               created: WaitCreated = False, updated: WaitUpdated = False,
               deleted: WaitDeleted = False, exists: WaitExists = False,
               custom: WaitCustom = None, interval: WaitInterval = 30,
               timeout: WaitTimeout = 3600):
    from kvcli.cli.vault import wait_for_vault

    return wait_for_vault(name, resource_group, created=created, updated=updated,
                          deleted=deleted, exists=exists, custom=custom, interval=interval,
                          timeout=timeout)
