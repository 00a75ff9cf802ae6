"""Network ACLs: create options, `keyvault network-rule add|list|remove`, az's validation."""

from __future__ import annotations

SUBNET = ("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/Net/providers/"
          "Microsoft.Network/virtualNetworks/VNet/subnets/Apps")


def acls(kv, vault):
    result = kv("keyvault", "network-rule", "list", "-n", vault)
    assert result.exit_code == 0, result.stderr
    return result.json


def test_create_with_network_acls_json_ips_and_vnets(kv, rg, tmp_path):
    result = kv("keyvault", "create", "-n", "netvault", "-g", rg, "--default-action", "Deny",
                "--network-acls", '{"ip": ["1.2.3.4"], "vnet": ["MyVnet/MySubnet"]}',
                "--network-acls-ips", "5.6.7.0/24", "1.2.3.4",
                "--network-acls-vnets", SUBNET)
    assert result.exit_code == 0, result.stderr
    subscription = kv("account", "show").json["id"]
    assert result.json["properties"]["networkAcls"] == {
        "bypass": "AzureServices", "defaultAction": "Deny",
        "ipRules": [{"value": "1.2.3.4/32"}, {"value": "5.6.7.0/24"}],
        "virtualNetworkRules": [
            {"id": f"/subscriptions/{subscription}/resourcegroups/{rg}/providers/"
                   "microsoft.network/virtualnetworks/myvnet/subnets/mysubnet",
             "ignoreMissingVnetServiceEndpoint": None},
            {"id": SUBNET.lower(), "ignoreMissingVnetServiceEndpoint": None}]}
    file = tmp_path / "acls.json"
    file.write_text('{"ip": ["8.8.8.8"]}')
    from_file = kv("keyvault", "create", "-n", "filevault", "-g", rg, "--network-acls", str(file))
    assert from_file.json["properties"]["networkAcls"]["ipRules"] == [{"value": "8.8.8.8/32"}]


def test_create_refuses_bad_acls(kv, rg):
    bad_json = kv("keyvault", "create", "-n", "badvault", "-g", rg, "--network-acls", "{ip: [")
    assert bad_json.exit_code == 1
    assert bad_json.stderr.startswith("ERROR: Failed to parse string as JSON:\n{ip: [\n")
    bad_vnet = kv("keyvault", "create", "-n", "badvault", "-g", rg,
                  "--network-acls-vnets", "just-a-name")
    assert bad_vnet.stderr == ("ERROR: Invalid VNet rule: just-a-name. Format: "
                               "{vnet_name}/{subnet_name} or {subnet_id}\n")
    private = kv("keyvault", "create", "-n", "badvault", "-g", rg,
                 "--network-acls-ips", "10.1.0.0/16")
    assert private.exit_code == 1
    assert ("Invalid value found at properties.networkAcls.ipRules[0].value: 10.1.0.0/16 belongs "
            "to forbidden range 10.0.0.0\u201310.255.255.255 (private IP addresses)"
            in private.stderr)
    assert kv("keyvault", "show", "-n", "badvault").exit_code == 1


def test_add_list_remove_round_trip(kv, vault):
    added = kv("keyvault", "network-rule", "add", "-n", vault, "--ip-address", "1.2.3.4",
               "4.5.6.0/24", "--subnet", SUBNET)
    assert added.exit_code == 0, added.stderr
    assert added.json["properties"]["networkAcls"]["ipRules"] == [{"value": "1.2.3.4/32"},
                                                                   {"value": "4.5.6.0/24"}]
    assert acls(kv, vault)["virtualNetworkRules"][0]["id"] == SUBNET.lower()
    removed = kv("keyvault", "network-rule", "remove", "-n", vault, "--ip-address", "1.2.3.4",
                 "--subnet", SUBNET.upper().replace("/SUBSCRIPTIONS", "/subscriptions"))
    assert removed.exit_code == 0, removed.stderr
    assert acls(kv, vault) == {"bypass": "AzureServices", "defaultAction": "Allow",
                               "ipRules": [{"value": "4.5.6.0/24"}], "virtualNetworkRules": []}


def test_subnet_by_name_needs_vnet_name(kv, rg, vault):
    by_name = kv("keyvault", "network-rule", "add", "-n", vault, "--vnet-name", "VNet",
                 "--subnet", "Apps")
    assert by_name.exit_code == 0, by_name.stderr
    assert acls(kv, vault)["virtualNetworkRules"][0]["id"].endswith(
        f"/resourcegroups/{rg}/providers/microsoft.network/virtualnetworks/vnet/subnets/apps")
    alone = kv("keyvault", "network-rule", "add", "-n", vault, "--subnet", "Apps")
    assert alone.stderr == ("ERROR: incorrect usage: [--subnet ID | --subnet NAME --vnet-name "
                            "NAME]\n")


def test_duplicates_and_overlaps(kv, vault):
    kv("keyvault", "network-rule", "add", "-n", vault, "--ip-address", "1.2.3.4/32")
    again = kv("keyvault", "network-rule", "add", "-n", vault, "--ip-address", "1.2.3.4")
    assert again.exit_code == 0
    assert again.stderr == ("WARNING: IP/CIDR 1.2.3.4 overlaps with 1.2.3.4/32, which exists "
                            "already. Not adding duplicates.\n")
    assert acls(kv, vault)["ipRules"] == [{"value": "1.2.3.4/32"}]
    overlapping = kv("keyvault", "network-rule", "add", "-n", vault, "--ip-address",
                     "7.7.0.0/16", "7.7.7.7")
    assert overlapping.exit_code == 1
    assert overlapping.stderr == ("ERROR: ip addresses 7.7.0.0/16 and 7.7.7.7/32 provided are "
                                  "overlapping: --ip_address ip1 [ip2]...\n")
    nothing = kv("keyvault", "network-rule", "add", "-n", vault)
    assert nothing.stderr == "WARNING: No subnet or ip address supplied.\n"
    invalid = kv("keyvault", "network-rule", "add", "-n", vault, "--ip-address", "1.2.3.x")
    assert invalid.exit_code == 1
    assert "does not appear to be an IPv4 or IPv6 network" in invalid.stderr


def test_network_rules_of_a_missing_vault(kv, rg):
    result = kv("keyvault", "network-rule", "list", "-n", "nosuchvault")
    assert result.stderr == "ERROR: The Vault 'nosuchvault' not found within subscription.\n"
    with_group = kv("keyvault", "network-rule", "add", "-n", "nosuchvault", "-g", rg,
                    "--ip-address", "1.2.3.4")
    assert with_group.exit_code == 3


def test_update_flags_and_no_wait(kv, vault):
    result = kv("keyvault", "update", "-n", vault, "--default-action", "Deny", "--bypass", "None",
                "--public-network-access", "Disabled")
    assert result.json["properties"]["networkAcls"]["defaultAction"] == "Deny"
    assert result.json["properties"]["networkAcls"]["bypass"] == "None"
    assert result.json["properties"]["publicNetworkAccess"] == "Disabled"
    quiet = kv("keyvault", "network-rule", "add", "-n", vault, "--ip-address", "2.2.2.2",
               "--no-wait")
    assert quiet.exit_code == 0 and quiet.stdout == ""
    assert acls(kv, vault)["ipRules"] == [{"value": "2.2.2.2/32"}]


def test_network_acls_must_be_an_object_of_lists(kv, rg):
    for text in ('["1.2.3.4"]', '{"ip": "1.2.3.4"}'):
        result = kv("keyvault", "create", "-n", "shapevault", "-g", rg, "--network-acls", text)
        assert result.exit_code == 1
        assert result.stderr.startswith("ERROR: --network-acls must be a JSON object")
    missing = kv("keyvault", "create", "-n", "shapevault", "-g", rg, "--network-acls",
                 "@/nonexistent/acls.json")
    assert missing.stderr == ("ERROR: [Errno 2] No such file or directory: "
                              "'/nonexistent/acls.json'\n")
