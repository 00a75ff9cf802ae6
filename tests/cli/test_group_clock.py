"""Resource groups and the clock."""

from __future__ import annotations


def test_group_create_shape_and_locations(kv, home):
    result = kv("group", "create", "-n", "My-RG_(1).x", "-l", "West Europe")
    assert result.exit_code == 0, result.stderr
    group = result.json
    sub = kv("account", "show").json["id"]
    assert group == {"id": f"/subscriptions/{sub}/resourceGroups/My-RG_(1).x",
                     "location": "westeurope", "managedBy": None, "name": "My-RG_(1).x",
                     "properties": {"provisioningState": "Succeeded"}, "tags": None,
                     "type": "Microsoft.Resources/resourceGroups"}
    assert kv("group", "show", "-n", "my-rg_(1).X").json["name"] == "My-RG_(1).x"


def test_group_create_is_idempotent_but_cannot_move(kv, rg):
    again = kv("group", "create", "-n", rg, "-l", "EastUS", "--tags", "k=v")
    assert again.exit_code == 0
    assert again.json["tags"] == {"k": "v"}
    moved = kv("group", "create", "-n", rg, "-l", "westus")
    assert moved.exit_code == 1
    assert moved.stderr.startswith(
        "ERROR: (InvalidResourceGroupLocation) Invalid resource group location 'westus'. The "
        "Resource group already exists in location 'eastus'.")


def test_unknown_location_lists_valid_ones(kv):
    result = kv("group", "create", "-n", "rgx", "-l", "moon-base")
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith("ERROR: (LocationNotAvailableForResourceGroup) The provided "
                            "location 'moon-base' is not available for resource group.")
    assert "eastus" in first and "westeurope" in first
    assert kv("group", "exists", "-n", "rgx").stdout == "false\n"


def test_invalid_group_names(kv):
    result = kv("group", "create", "-n", "bad name!", "-l", "eastus")
    assert result.exit_code == 1
    assert "(InvalidResourceGroup)" in result.stderr
    assert kv("group", "create", "-n", "ends.", "-l", "eastus").exit_code == 1
    assert kv("group", "create", "-n", "x" * 91, "-l", "eastus").exit_code == 1


def test_group_show_missing_and_delete_missing(kv):
    result = kv("group", "show", "-n", "nope")
    assert result.exit_code == 3
    assert result.stderr.startswith(
        "ERROR: (ResourceGroupNotFound) Resource group 'nope' could not be found.")
    assert kv("group", "delete", "-n", "nope", "--yes").exit_code == 3


def test_clock_moves_and_resets(kv):
    assert kv("clock", "show").json == {"now": "2026-01-01T00:00:00+00:00", "offsetSeconds": 0.0}
    moved = kv("clock", "advance", "--days", "2", "--hours", "3").json
    assert moved["now"] == "2026-01-03T03:00:00+00:00"
    assert kv("clock", "set", "2030-06-01T12:00:00Z").json["now"] == "2030-06-01T12:00:00+00:00"
    assert kv("clock", "reset").json["now"] == "2026-01-01T00:00:00+00:00"


def test_clock_bad_input(kv, monkeypatch):
    bad = kv("clock", "set", "next tuesday")
    assert (bad.exit_code, bad.stderr) == (
        1, "ERROR: Input 'next tuesday' not valid. Valid example: 2000-12-31T12:59:59Z\n")
    assert kv("clock", "advance", "--days", "-1").exit_code == 1
    assert kv("clock", "advance").exit_code == 1
    assert kv("clock", "advance", "--days", "x").exit_code == 2
    monkeypatch.setenv("KVCLI_NOW", "not-a-time")
    broken = kv("clock", "show")
    assert broken.exit_code == 1
    assert broken.stderr.startswith("ERROR: KVCLI_NOW='not-a-time' is not a valid time.")


def test_clock_set_earlier_than_deletion_expires_nothing(kv, rg, vault):
    kv("keyvault", "delete", "-n", vault)
    kv("clock", "set", "2025-01-01T00:00:00Z")
    assert [d["name"] for d in kv("keyvault", "list-deleted").json] == [vault]
    kv("clock", "set", "2026-04-01T00:00:00Z")
    assert kv("keyvault", "list-deleted").json == []
