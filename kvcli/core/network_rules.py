"""A vault's network ACLs (`networkAcls`): what az sends and what Key Vault stores.

They are recorded and shown as Azure shows them; kvcli's data-plane commands are not
filtered by them (offline there is no caller address to check).

Key Vault stores an IPv4 address as a /32 range (`1.2.3.4` is shown as `1.2.3.4/32`),
lower-cases subnet ids, and refuses private ranges. az refuses overlapping addresses in one
call, skips (with a warning) an address overlapping an existing rule, and compares
removals as networks (`1.2.3.4` removes `1.2.3.4/32`).
"""

from __future__ import annotations

import ipaddress
from typing import Any, Callable

from kvcli.core import messages
from kvcli.errors import KvError
from kvcli.store.home import Home

BYPASS_VALUES = ("AzureServices", "None")
DEFAULT_ACTIONS = ("Allow", "Deny")
# Key Vault's "forbidden range ... (private IP addresses)".
_PRIVATE_RANGES = tuple(ipaddress.ip_network(r) for r in
                        ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))


def default_acls(bypass: str | None = None, default_action: str | None = None) -> dict:
    """az's `_create_network_rule_set`: both defaults only when neither is given."""
    if not bypass and not default_action:
        bypass, default_action = "AzureServices", "Allow"
    return {"bypass": bypass or "AzureServices", "defaultAction": default_action or "Allow",
            "ipRules": [], "virtualNetworkRules": []}


def ip_network(value: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """Python's reading of an address or range, as az's validators use it."""
    try:
        return ipaddress.ip_network(value)
    except ValueError as error:
        raise KvError(str(error)) from None


def check_distinct(addresses: list[str]) -> None:
    """az's `validate_ip_address`: the addresses of one call must not overlap."""
    networks = [ip_network(a) for a in addresses]
    for first, one in enumerate(networks):
        for second, other in enumerate(networks):
            if first != second and one.overlaps(other):
                raise KvError(f"ip addresses {one} and {other} provided are overlapping: "
                              "--ip_address ip1 [ip2]...")


def subnet_id(subscription_id: str, resource_group: str, subnet: str,
              vnet_name: str | None) -> str:
    """az's `validate_subnet`: a subnet id, or a subnet name with --vnet-name."""
    is_id = _is_resource_id(subnet)
    if is_id and not vnet_name:
        return subnet
    if subnet and not is_id and vnet_name:
        return _subnet_resource_id(subscription_id, resource_group, vnet_name, subnet)
    raise KvError("incorrect usage: [--subnet ID | --subnet NAME --vnet-name NAME]")


def _is_resource_id(value: str) -> bool:
    parts = value.strip("/").split("/")
    return (value.startswith("/") and len(parts) >= 8 and parts[0].lower() == "subscriptions"
            and parts[2].lower() == "resourcegroups" and parts[4].lower() == "providers")


def _subnet_resource_id(subscription_id: str, resource_group: str, vnet: str,
                        subnet: str) -> str:
    return (f"/subscriptions/{subscription_id}/resourceGroups/{resource_group}/providers/"
            f"Microsoft.Network/virtualNetworks/{vnet}/subnets/{subnet}")


def from_create_arguments(subscription_id: str, resource_group: str, acls_json: Any,
                          ips: list[str], vnets: list[str], bypass: str | None,
                          default_action: str | None) -> dict:
    """az's `_parse_network_acls` for `create --network-acls/-ips/-vnets`."""
    if acls_json is None:
        acls_json = {}
    shape = ('--network-acls must be a JSON object: {"ip": [<ip1>, <ip2>...], "vnet": '
             "[<vnet_name_1>/<subnet_name_1>, <subnet_id2>...]}")
    if not isinstance(acls_json, dict) or not all(
            isinstance(acls_json.get(key) or [], list) for key in ("ip", "vnet")):
        raise KvError(shape)
    ip_list = list(acls_json.get("ip") or [])
    vnet_list = list(acls_json.get("vnet") or [])
    ip_list += [ip for ip in ips if ip not in ip_list]
    vnet_list += [vnet for vnet in vnets if vnet not in vnet_list]
    acls = default_acls(bypass, default_action)
    for rule in vnet_list:
        items = str(rule).split("/")
        if len(items) == 2:
            rule_id = _subnet_resource_id(subscription_id, resource_group, items[0].lower(),
                                          items[1].lower())
        elif _is_resource_id(str(rule).lower()):
            rule_id = str(rule).lower()
        else:
            raise KvError(f"Invalid VNet rule: {rule}. Format: {{vnet_name}}/{{subnet_name}} "
                          "or {subnet_id}")
        acls["virtualNetworkRules"].append({"id": rule_id})
    acls["ipRules"] = [{"value": str(ip)} for ip in ip_list]
    return acls


def stored(acls: Any, path: str = "properties.networkAcls") -> dict:
    """The ACLs as Key Vault stores them, or the service's refusal of the request body.

    Shared by create, `network-rule add/remove` and the generic `update --set ...`.
    """
    if acls is None:
        return default_acls()
    if not isinstance(acls, dict):
        raise messages.invalid_property_value(path, acls)
    result = {"bypass": _enum(acls.get("bypass") or "AzureServices", BYPASS_VALUES,
                              f"{path}.bypass"),
              "defaultAction": _enum(acls.get("defaultAction") or "Allow", DEFAULT_ACTIONS,
                                     f"{path}.defaultAction")}
    ip_rules = _list(acls.get("ipRules"), f"{path}.ipRules")
    vnet_rules = _list(acls.get("virtualNetworkRules"), f"{path}.virtualNetworkRules")
    result["ipRules"] = [{"value": _stored_ip(rule, f"{path}.ipRules[{index}].value")}
                         for index, rule in enumerate(ip_rules)]
    result["virtualNetworkRules"] = [_stored_vnet(rule, f"{path}.virtualNetworkRules[{index}]")
                                     for index, rule in enumerate(vnet_rules)]
    return result


def _enum(value: Any, allowed: tuple[str, ...], path: str) -> str:
    for choice in allowed:
        if isinstance(value, str) and value.lower() == choice.lower():
            return choice
    raise messages.invalid_property_value(path, value)


def _list(value: Any, path: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise messages.invalid_property_value(path, value)
    return value


def _stored_ip(rule: Any, path: str) -> str:
    value = rule.get("value") if isinstance(rule, dict) else None
    try:
        network = ipaddress.ip_network(value, strict=False) if isinstance(value, str) else None
    except ValueError:
        network = None
    if not isinstance(network, ipaddress.IPv4Network):
        raise messages.invalid_property_value(path, value)
    for private in _PRIVATE_RANGES:
        if network.overlaps(private):
            raise messages.private_ip_range(path, value, private)
    return str(network)


def _stored_vnet(rule: Any, path: str) -> dict:
    rule_id = rule.get("id") if isinstance(rule, dict) else None
    if not isinstance(rule_id, str) or not _is_resource_id(rule_id):
        raise messages.invalid_property_value(f"{path}.id", rule_id)
    ignore = rule.get("ignoreMissingVnetServiceEndpoint")
    return {"id": rule_id.lower(),
            "ignoreMissingVnetServiceEndpoint": ignore if isinstance(ignore, bool) else None}


def add_rules(acls: dict | None, ip_addresses: list[str], subnet: str | None,
              warn: Callable[[str], None]) -> dict | None:
    """az's `add_vault_network_rule`: the new ACLs, or None when nothing changes."""
    if not subnet and not ip_addresses:
        warn("No subnet or ip address supplied.")
    rules = dict(acls) if acls else default_acls()
    vnet_rules = list(rules.get("virtualNetworkRules") or [])
    ip_rules = list(rules.get("ipRules") or [])
    changed = False
    if subnet and all(rule["id"].lower() != subnet.lower() for rule in vnet_rules):
        vnet_rules.append({"id": subnet})
        changed = True
    for address in ip_addresses:
        new = ip_network(address)
        clash = next((rule["value"] for rule in ip_rules
                      if new.overlaps(ip_network(rule["value"]))), None)
        if clash is not None:
            warn(f"IP/CIDR {address} overlaps with {clash}, which exists already. Not adding "
                 "duplicates.")
            continue
        ip_rules.append({"value": address})
        changed = True
    if not changed:
        return None
    return {**rules, "ipRules": ip_rules, "virtualNetworkRules": vnet_rules}


def remove_rules(acls: dict | None, ip_addresses: list[str], subnet: str | None) -> dict | None:
    """az's `remove_vault_network_rule`: the new ACLs, or None when nothing matched."""
    if not acls:
        return None
    vnet_rules = list(acls.get("virtualNetworkRules") or [])
    ip_rules = list(acls.get("ipRules") or [])
    changed = False
    if subnet and vnet_rules:
        kept = [rule for rule in vnet_rules if rule["id"].lower() != subnet.lower()]
        changed |= len(kept) != len(vnet_rules)
        vnet_rules = kept
    if ip_addresses and ip_rules:
        gone = [ip_network(address) for address in ip_addresses]
        kept = [rule for rule in ip_rules if all(ip_network(rule["value"]) != g for g in gone)]
        changed |= len(kept) != len(ip_rules)
        ip_rules = kept
    if not changed:
        return None
    return {**acls, "ipRules": ip_rules, "virtualNetworkRules": vnet_rules}


def change_vault_rules(home: Home, vault_name: str, resource_group: str | None, *,
                       ip_addresses: list[str], subnet: str | None, vnet_name: str | None,
                       remove: bool = False,
                       warn: Callable[[str], None] = lambda message: None) -> dict:
    """`network-rule add|remove`: az's validators (the vault's group, distinct addresses, a
    subnet id), then one read-change-write of the vault; unchanged rules are not written."""
    from kvcli.core import vaults

    if resource_group is None:
        resource_group = vaults.active_vault(home, vault_name)["resourceGroup"]
    check_distinct(ip_addresses)
    if subnet or vnet_name:
        subnet = subnet_id(home.subscription_id, resource_group, subnet or "", vnet_name)

    def change(document: dict) -> bool:
        properties = document["properties"]
        acls = properties.get("networkAcls")
        new = (remove_rules(acls, ip_addresses, subnet) if remove
               else add_rules(acls, ip_addresses, subnet, warn))
        if new is None:
            return False
        properties["networkAcls"] = new
        return True

    return vaults.modify_vault(home, vault_name, resource_group, change)
