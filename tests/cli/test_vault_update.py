"""`keyvault update` with az's generic --set/--add/--remove, checked by the vault's rules."""

from __future__ import annotations

import json


def test_set_nested_paths_and_tags(kv, vault):
    result = kv("keyvault", "update", "-n", vault, "--set", "properties.sku.name=premium",
                "tags.env=dev", "properties.enabledForDeployment=true")
    assert result.exit_code == 0, result.stderr
    properties = result.json["properties"]
    assert properties["sku"] == {"family": "A", "name": "premium"}
    assert properties["enabledForDeployment"] is True
    assert result.json["tags"] == {"env": "dev"}
    shown = kv("keyvault", "show", "-n", vault).json
    assert shown["properties"]["sku"]["name"] == "premium" and shown["tags"] == {"env": "dev"}


def test_operations_apply_in_command_line_order(kv, vault):
    result = kv("keyvault", "update", "-n", vault,
                "--add", "properties.networkAcls.ipRules", "value=1.2.3.4",
                "--set", "properties.networkAcls.ipRules[0].value=5.6.7.8",
                "--add", "properties.networkAcls.ipRules", '{"value": "9.9.9.0/24"}',
                "--remove", "properties.networkAcls.ipRules", "1")
    assert result.exit_code == 0, result.stderr
    assert result.json["properties"]["networkAcls"]["ipRules"] == [{"value": "5.6.7.8/32"}]


def test_list_item_by_key_and_remove_whole_property(kv, vault):
    kv("keyvault", "update", "-n", vault, "--set", "tags.a=1", "tags.b=2")
    result = kv("keyvault", "update", "-n", vault, "--remove", "tags.a")
    assert result.json["tags"] == {"b": "2"}
    policy = json.dumps({"tenantId": kv("account", "show").json["tenantId"],
                         "objectId": "00000000-0000-0000-0000-000000000001",
                         "permissions": {"secrets": ["get"]}})
    added = kv("keyvault", "update", "-n", vault, "--add", "properties.accessPolicies", policy)
    assert added.exit_code == 0, added.stderr
    changed = kv("keyvault", "update", "-n", vault, "--set",
                 "properties.accessPolicies[objectId=00000000-0000-0000-0000-000000000001]"
                 ".permissions.secrets=[\"get\", \"list\"]")
    assert changed.json["properties"]["accessPolicies"][0]["permissions"]["secrets"] == [
        "get", "list"]


def test_force_string_keeps_text(kv, vault):
    result = kv("keyvault", "update", "-n", vault, "--set", "tags.count=12", "--force-string")
    assert result.json["tags"] == {"count": "12"}
    flag = kv("keyvault", "update", "-n", vault, "--set",
              "properties.enabledForDeployment=true", "--force-string")
    assert flag.exit_code == 1
    assert "Invalid value found at properties.enabledForDeployment: true" in flag.stderr


def test_bad_paths_use_az_texts(kv, vault):
    missing = kv("keyvault", "update", "-n", vault, "--set", "properties.skuu.name=premium")
    assert missing.exit_code == 1
    assert missing.stderr.startswith("ERROR: Couldn't find 'skuu' in 'properties'. Available "
                                     "options: ['accessPolicies', 'additionalProperties', ")
    index = kv("keyvault", "update", "-n", vault, "--remove", "properties.accessPolicies", "3")
    assert index.stderr == "ERROR: index 3 doesn't exist on accessPolicies\n"
    syntax = kv("keyvault", "update", "-n", vault, "--add", "properties.sku", "x=1")
    assert syntax.stderr == ("ERROR: invalid syntax: `--add property.listProperty <key=value, "
                             "string or JSON string>`\n")
    empty = kv("keyvault", "update", "-n", vault, "--set")
    assert empty.exit_code == 2
    assert empty.stderr.startswith("ERROR: argument --set: expected at least one argument")


def test_generic_update_obeys_the_vault_rules(kv, vault):
    retention = kv("keyvault", "update", "-n", vault, "--set",
                   "properties.softDeleteRetentionInDays=30")
    assert retention.exit_code == 1
    assert "has been set already and it can't be modified" in retention.stderr
    assert kv("keyvault", "update", "-n", vault, "--set",
              "properties.enablePurgeProtection=true").exit_code == 0
    off = kv("keyvault", "update", "-n", vault, "--set", "properties.enablePurgeProtection=false")
    assert off.exit_code == 1 and "cannot be set to false" in off.stderr
    sku = kv("keyvault", "update", "-n", vault, "--set", "properties.sku.name=gold")
    assert sku.exit_code == 1
    assert "Invalid value found at properties.sku.name: gold" in sku.stderr
    soft = kv("keyvault", "update", "-n", vault, "--set", "properties.enableSoftDelete=false")
    assert soft.exit_code == 1 and "enableSoftDelete" in soft.stderr
    moved = kv("keyvault", "update", "-n", vault, "--set", "location=westus")
    assert moved.exit_code == 1 and "InvalidResourceLocation" in moved.stderr
    shown = kv("keyvault", "show", "-n", vault).json
    assert shown["properties"]["sku"]["name"] == "standard"
    assert shown["properties"]["enablePurgeProtection"] is True


def test_read_only_and_unknown_properties_change_nothing(kv, vault):
    before = kv("keyvault", "show", "-n", vault).json
    result = kv("keyvault", "update", "-n", vault, "--set", "properties.vaultUri=https://x/",
                "name=other", "properties.madeUp=1")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ("WARNING: Property 'madeUp' not found on properties. Send it as an "
                             "additional property .\n")
    after = kv("keyvault", "show", "-n", vault).json
    assert after["name"] == before["name"]
    assert after["properties"]["vaultUri"] == before["properties"]["vaultUri"]
    assert "madeUp" not in after["properties"]


def test_named_flags_then_generic_update_and_no_wait(kv, vault):
    # A bare None is Python's None to az (the service default); quoted JSON is the text.
    result = kv("keyvault", "update", "-n", vault, "--default-action", "Deny",
                "--set", 'properties.networkAcls.bypass="None"', "--no-wait")
    assert result.exit_code == 0 and result.stdout == ""
    acls = kv("keyvault", "show", "-n", vault).json["properties"]["networkAcls"]
    assert acls["defaultAction"] == "Deny" and acls["bypass"] == "None"


def test_generic_update_obeys_arm_tag_limits(kv, vault):
    many = [f"tags.t{i}=v" for i in range(51)]
    result = kv("keyvault", "update", "-n", vault, "--set", *many)
    assert result.exit_code == 1
    assert "Too many tags: 51 were given; at most 50 are allowed." in result.stderr
    assert kv("keyvault", "show", "-n", vault).json["tags"] == {}
