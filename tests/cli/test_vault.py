"""`kvcli keyvault` vault commands end to end: fields, lifecycle, errors, exit codes."""

from __future__ import annotations

import json


def test_create_prints_az_vault_shape(kv, rg, home):
    result = kv("keyvault", "create", "-n", "MyVault1", "-g", rg)
    assert result.exit_code == 0, result.stderr
    vault = result.json
    sub = json.loads((home / "home.json").read_text())["subscriptionId"]
    assert vault["id"] == (f"/subscriptions/{sub}/resourceGroups/rg1/providers/"
                           "Microsoft.KeyVault/vaults/MyVault1")
    assert vault["location"] == "eastus"
    assert vault["resourceGroup"] == "rg1"
    assert vault["type"] == "Microsoft.KeyVault/vaults"
    props = vault["properties"]
    assert props["enableSoftDelete"] is True
    assert props["softDeleteRetentionInDays"] == 90
    assert props["enablePurgeProtection"] is None
    assert props["enableRbacAuthorization"] is True
    assert props["accessPolicies"] == []
    assert props["sku"] == {"family": "A", "name": "standard"}
    assert props["networkAcls"] == {"bypass": "AzureServices", "defaultAction": "Allow",
                                    "ipRules": [], "virtualNetworkRules": []}
    assert props["vaultUri"] == "https://myvault1.vault.azure.net/"
    assert vault["systemData"]["createdAt"] == "2026-01-01T00:00:00+00:00"
    assert vault["systemData"]["createdBy"] == "admin@kvcli.local"
    assert sorted(props) == sorted([
        "accessPolicies", "createMode", "enablePurgeProtection", "enableRbacAuthorization",
        "enableSoftDelete", "enabledForDeployment", "enabledForDiskEncryption",
        "enabledForTemplateDeployment", "hsmPoolResourceId", "networkAcls",
        "privateEndpointConnections", "provisioningState", "publicNetworkAccess", "sku",
        "softDeleteRetentionInDays", "tenantId", "vaultUri"])
    # az prints JSON with sorted keys and two-space indent
    assert result.stdout == json.dumps(vault, indent=2, sort_keys=True) + "\n"


def test_create_with_options(kv, rg):
    result = kv("keyvault", "create", "-n", "v-opts", "-g", rg, "-l", "West Europe",
                "--retention-days", "7", "--enable-purge-protection", "--sku", "Premium",
                "--tags", "env=dev", "team=a", "--enable-rbac-authorization", "false",
                "--default-action", "deny", "--bypass", "None")
    assert result.exit_code == 0, result.stderr
    vault = result.json
    assert vault["location"] == "westeurope"
    assert vault["tags"] == {"env": "dev", "team": "a"}
    props = vault["properties"]
    assert props["softDeleteRetentionInDays"] == 7
    assert props["enablePurgeProtection"] is True
    assert props["sku"]["name"] == "premium"
    assert props["enableRbacAuthorization"] is False
    assert props["networkAcls"]["defaultAction"] == "Deny"
    assert props["networkAcls"]["bypass"] == "None"
    [policy] = props["accessPolicies"]
    assert policy["permissions"]["secrets"] == ["all"]


def test_create_no_wait_prints_nothing_but_creates(kv, rg):
    result = kv("keyvault", "create", "-n", "quiet1", "-g", rg, "--no-wait")
    assert (result.exit_code, result.stdout) == (0, "")
    assert kv("keyvault", "show", "-n", "quiet1").exit_code == 0


def test_invalid_vault_names_are_refused(kv, rg, home):
    for bad in ("ab", "1abc", "abc-", "a--b", "a" * 25, "bad_name"):
        result = kv("keyvault", "create", "-n", bad, "-g", rg)
        assert result.exit_code == 1, bad
        assert result.stderr.startswith(f"ERROR: (VaultNameNotValid) The vault name '{bad}'")
        assert "Code: VaultNameNotValid" in result.stderr
    assert not (home / "vaults").exists() or not any((home / "vaults").iterdir())


def test_retention_out_of_range_refused(kv, rg):
    for days in ("6", "91"):
        result = kv("keyvault", "create", "-n", "vret", "-g", rg, "--retention-days", days)
        assert result.exit_code == 1
        assert "must be between 7 and 90" in result.stderr
    result = kv("keyvault", "create", "-n", "vret", "-g", rg, "--retention-days", "ten")
    assert result.exit_code == 2
    assert "ERROR: argument --retention-days: invalid int value: 'ten'" in result.stderr


def test_bad_enum_value_is_usage_error(kv, rg):
    result = kv("keyvault", "create", "-n", "venum", "-g", rg, "--sku", "gold")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "ERROR: kvcli keyvault create: 'gold' is not a valid value for '--sku'. "
        "Allowed values: premium, standard.")
    result = kv("keyvault", "create", "-n", "venum", "-g", rg,
                "--enable-purge-protection", "maybe")
    assert result.exit_code == 2
    assert "Allowed values: false, true." in result.stderr


def test_create_existing_and_taken_names(kv, rg, vault):
    result = kv("keyvault", "create", "-n", vault.upper(), "-g", rg)
    assert result.exit_code == 1
    assert result.stderr == f"ERROR: The specified vault: {vault.upper()} already exists\n"
    kv("group", "create", "-n", "rg2", "-l", "westus")
    result = kv("keyvault", "create", "-n", vault, "-g", "rg2")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"ERROR: (VaultAlreadyExists) The vault name '{vault}'")


def test_create_in_missing_group(kv):
    result = kv("keyvault", "create", "-n", "vnogroup", "-g", "nosuch")
    assert result.exit_code == 2
    assert "(ResourceGroupNotFound) Resource group 'nosuch' could not be found." in result.stderr
    result = kv("keyvault", "create", "-n", "vnogroup", "-g", "nosuch", "-l", "eastus")
    assert result.exit_code == 3


def test_show_missing_vault_errors(kv, rg):
    result = kv("keyvault", "show", "-n", "nosuchvault")
    assert result.exit_code == 1
    assert result.stderr == "ERROR: The Vault 'nosuchvault' not found within subscription.\n"
    result = kv("keyvault", "show", "-n", "nosuchvault", "-g", rg)
    assert result.exit_code == 3
    assert result.stderr.startswith(
        "ERROR: (ResourceNotFound) The Resource 'Microsoft.KeyVault/vaults/nosuchvault' under "
        "resource group 'rg1' was not found.")


def test_show_is_case_insensitive_and_list_shapes(kv, rg, vault):
    assert kv("keyvault", "show", "-n", "VAULT1").json["name"] == vault
    short = kv("keyvault", "list").json
    assert [sorted(item) for item in short] == [
        ["id", "location", "name", "resourceGroup", "systemData", "tags", "type"]]
    full = kv("keyvault", "list", "-g", rg).json
    assert full[0]["properties"]["vaultUri"] == "https://vault1.vault.azure.net/"
    result = kv("keyvault", "list", "--resource-type", "disk")
    assert (result.exit_code, result.stderr) == (1, "ERROR: Unsupported resource type: disk\n")


def test_delete_warns_and_soft_deletes(kv, rg, vault):
    result = kv("keyvault", "delete", "-n", vault)
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr.startswith("WARNING: Warning! If you have soft-delete protection")
    assert "soft-delete-overview" in result.stderr
    assert kv("keyvault", "show", "-n", vault).exit_code == 1
    assert kv("keyvault", "list").json == []
    deleted = kv("keyvault", "list-deleted").json
    assert [d["name"] for d in deleted] == [vault]
    shown = kv("keyvault", "show-deleted", "-n", vault).json
    assert shown["type"] == "Microsoft.KeyVault/deletedVaults"
    assert shown["properties"]["deletionDate"] == "2026-01-01T00:00:00+00:00"
    assert shown["properties"]["scheduledPurgeDate"] == "2026-04-01T00:00:00+00:00"
    assert shown["properties"]["purgeProtectionEnabled"] is False
    assert shown["properties"]["location"] == "eastus"


def test_only_show_errors_hides_the_warning(kv, rg, vault):
    result = kv("keyvault", "delete", "-n", vault, "--only-show-errors")
    assert (result.exit_code, result.stderr) == (0, "")


def test_name_taken_while_soft_deleted_then_recover(kv, rg, vault):
    kv("keyvault", "delete", "-n", vault)
    result = kv("keyvault", "create", "-n", vault, "-g", rg)
    assert result.exit_code == 1
    assert result.stderr.startswith("ERROR: (ConflictError) A vault with the same name already "
                                    "exists in deleted state.")
    recovered = kv("keyvault", "recover", "-n", vault)
    assert recovered.exit_code == 0, recovered.stderr
    assert recovered.json["name"] == vault
    assert kv("keyvault", "show", "-n", vault).exit_code == 0
    assert kv("keyvault", "list-deleted").json == []


def test_recover_and_purge_unknown(kv, rg):
    for verb in ("recover", "purge"):
        result = kv("keyvault", verb, "-n", "ghost")
        assert result.exit_code == 1
        assert result.stderr == "ERROR: No deleted Vault or HSM was found with name ghost\n"


def test_recover_into_wrong_group(kv, rg, vault):
    kv("group", "create", "-n", "other", "-l", "eastus")
    kv("keyvault", "delete", "-n", vault)
    result = kv("keyvault", "recover", "-n", vault, "-g", "other")
    assert result.exit_code == 1
    assert "must be recovered to the original resource group rg1" in result.stderr


def test_purge_frees_the_name(kv, rg, vault):
    kv("keyvault", "delete", "-n", vault)
    result = kv("keyvault", "purge", "-n", vault)
    assert (result.exit_code, result.stdout) == (0, "")
    assert kv("keyvault", "list-deleted").json == []
    assert kv("keyvault", "create", "-n", vault, "-g", rg).exit_code == 0


def test_purge_protection_blocks_purge_until_retention_passes(kv, rg):
    kv("keyvault", "create", "-n", "ppvault", "-g", rg, "--enable-purge-protection", "true",
       "--retention-days", "7")
    kv("keyvault", "delete", "-n", "ppvault")
    result = kv("keyvault", "purge", "-n", "ppvault")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "ERROR: (InvalidOperation) Operation 'DeletedVaultPurge' is not allowed.")
    assert kv("clock", "advance", "--days", "6").exit_code == 0
    assert kv("keyvault", "purge", "-n", "ppvault").exit_code == 1
    # recover still works under purge protection
    assert kv("keyvault", "recover", "-n", "ppvault").exit_code == 0


def test_automatic_purge_when_clock_passes_retention(kv, rg):
    kv("keyvault", "create", "-n", "shortlived", "-g", rg, "--retention-days", "7")
    kv("keyvault", "delete", "-n", "shortlived")
    kv("clock", "advance", "--days", "6", "--hours", "23")
    assert [d["name"] for d in kv("keyvault", "list-deleted").json] == ["shortlived"]
    kv("clock", "advance", "--hours", "1")
    assert kv("keyvault", "list-deleted").json == []
    assert kv("keyvault", "recover", "-n", "shortlived").exit_code == 1
    assert kv("keyvault", "create", "-n", "shortlived", "-g", rg).exit_code == 0


def test_update_rules(kv, rg, vault):
    result = kv("keyvault", "update", "-n", vault, "--retention-days", "30")
    assert result.exit_code == 1
    assert "has been set already and it can't be modified" in result.stderr
    assert kv("keyvault", "update", "-n", vault, "--retention-days", "90").exit_code == 0
    on = kv("keyvault", "update", "-n", vault, "--enable-purge-protection", "true")
    assert on.json["properties"]["enablePurgeProtection"] is True
    off = kv("keyvault", "update", "-n", vault, "--enable-purge-protection", "false")
    assert off.exit_code == 1
    assert "cannot be set to false" in off.stderr
    rbac = kv("keyvault", "update", "-n", vault, "--enable-rbac-authorization", "false",
              "--public-network-access", "disabled")
    assert rbac.json["properties"]["enableRbacAuthorization"] is False
    assert rbac.json["properties"]["publicNetworkAccess"] == "Disabled"


def test_soft_delete_cannot_be_turned_off(kv, rg):
    result = kv("keyvault", "create", "-n", "nosoft", "-g", rg, "--enable-soft-delete", "false")
    assert result.exit_code == 2
    assert result.stderr.startswith("ERROR: unrecognized arguments: --enable-soft-delete")


def test_group_delete_soft_deletes_vaults(kv, rg, vault):
    result = kv("group", "delete", "-n", rg)
    assert result.exit_code == 1
    assert "WARNING: Unable to prompt for confirmation as no tty available. Use --yes." \
        in result.stderr
    assert kv("keyvault", "show", "-n", vault).exit_code == 0
    assert kv("group", "delete", "-n", rg, "--yes").exit_code == 0
    assert kv("group", "exists", "-n", rg).stdout == "false\n"
    assert [d["name"] for d in kv("keyvault", "list-deleted").json] == [vault]
    # recovering needs the group back first, as in Azure
    assert kv("keyvault", "recover", "-n", vault).exit_code == 3
    kv("group", "create", "-n", rg, "-l", "eastus")
    assert kv("keyvault", "recover", "-n", vault).exit_code == 0


def test_configured_location_does_not_hide_deleted_vaults(kv, rg, vault):
    kv("config", "set", "defaults.location=westus")
    kv("keyvault", "delete", "-n", vault, "--only-show-errors")
    assert kv("keyvault", "show-deleted", "-n", vault).json["properties"]["location"] == "eastus"
    assert kv("keyvault", "show-deleted", "-n", vault, "-l", "westus").exit_code == 3
    assert kv("keyvault", "recover", "-n", vault).exit_code == 0


def test_location_given_to_recover_or_purge_is_checked_like_az_validator(kv, rg, vault):
    kv("keyvault", "delete", "-n", vault, "--only-show-errors")
    for verb in ("recover", "purge"):
        wrong = kv("keyvault", verb, "-n", vault, "-l", "westus")
        assert wrong.exit_code == 2, verb
        assert wrong.stderr.startswith("ERROR: (ResourceNotFound) The Resource "
                                       "'Microsoft.KeyVault/locations/westus/deletedVaults/")
    shown = kv("keyvault", "show-deleted", "-n", vault, "-l", "westus")
    assert shown.exit_code == 3
    assert kv("keyvault", "recover", "-n", vault, "-l", "East US").exit_code == 0


def test_automatic_purge_is_for_good_even_if_the_clock_goes_back(kv, rg, vault):
    kv("keyvault", "secret", "set", "--vault-name", vault, "-n", "inside", "--value", "x")
    kv("keyvault", "delete", "-n", vault, "--only-show-errors")
    kv("clock", "advance", "--days", "91")
    assert kv("keyvault", "list-deleted").json == []
    kv("clock", "reset")
    assert kv("keyvault", "list-deleted").json == []
    assert kv("keyvault", "recover", "-n", vault).exit_code == 1
    assert kv("keyvault", "create", "-n", vault, "-g", rg).exit_code == 0
    assert kv("keyvault", "secret", "list", "--vault-name", vault).json == []
