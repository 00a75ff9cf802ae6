"""Identities, role assignments, access policies and their enforcement, end to end."""

from __future__ import annotations

import pytest

from tests.cli.test_access_matrix import ADMIN, ALICE, assign, login, ok, refused, subscription, \
    vault_id

SECRET = ["keyvault", "secret"]


@pytest.fixture
def alice(kv):
    ok(kv("ad", "user", "create", "--display-name", "Alice", "--user-principal-name", ALICE,
          "-o", "none"))
    return ALICE


def secret_set(kv, vault, name, value="v"):
    return kv(*SECRET, "set", "--vault-name", vault, "-n", name, "--value", value, "-o", "none")


# --- identities -------------------------------------------------------------------------
def test_fresh_home_signs_in_the_default_admin_with_owner_and_administrator(kv):
    assert ok(kv("account", "show", "--query", "user.name", "-o", "tsv")).stdout == ADMIN + "\n"
    me = ok(kv("ad", "signed-in-user", "show")).json
    assert me["userPrincipalName"] == ADMIN
    rows = ok(kv("role", "assignment", "list", "--assignee", me["id"])).json
    assert sorted(r["roleDefinitionName"] for r in rows) == ["Key Vault Administrator", "Owner"]
    assert {r["scope"] for r in rows} == {subscription(kv)}


def test_login_creates_the_user_once_and_switches(kv):
    result = ok(kv("login", "-u", ALICE, "-p", "anything"))
    assert "--password was ignored" in result.stderr
    assert result.json[0]["user"] == {"name": ALICE, "type": "user"}
    first = ok(kv("ad", "signed-in-user", "show", "--query", "id", "-o", "tsv")).stdout
    login(kv, ADMIN)
    login(kv, ALICE)
    assert ok(kv("ad", "signed-in-user", "show", "--query", "id", "-o", "tsv")).stdout == first
    users = ok(kv("ad", "user", "list", "--query", "[].userPrincipalName")).json
    assert users == [ADMIN, ALICE]


def test_logout_refuses_everything_but_clock(kv, vault):
    ok(kv("logout"))
    result = kv("keyvault", "list")
    assert (result.exit_code, result.stderr) == (1, "ERROR: Please run 'az login' to setup "
                                                    "account.\n")
    assert kv("account", "show").exit_code == 1
    assert kv(*SECRET, "list", "--vault-name", vault).exit_code == 1
    ok(kv("clock", "advance", "--days", "1"))
    login(kv, ADMIN)
    ok(kv("keyvault", "show", "-n", vault))


def test_ad_user_create_show_delete(kv, alice):
    shown = ok(kv("ad", "user", "show", "--id", ALICE)).json
    assert sorted(shown) == ["@odata.context", "businessPhones", "displayName", "givenName", "id",
                             "jobTitle", "mail", "mobilePhone", "officeLocation",
                             "preferredLanguage", "surname", "userPrincipalName"]
    assert shown["displayName"] == "Alice"
    assert ok(kv("ad", "user", "show", "--id", shown["id"])).json == shown
    again = kv("ad", "user", "create", "--display-name", "A", "--user-principal-name", ALICE)
    assert again.exit_code == 1 and "userPrincipalName already exists" in again.stderr
    ok(kv("ad", "user", "delete", "--id", ALICE))
    missing = kv("ad", "user", "show", "--id", ALICE)
    assert missing.exit_code == 3 and "does not exist" in missing.stderr


# --- role definitions and assignments ----------------------------------------------------
def test_role_definitions_carry_real_ids_and_actions(kv):
    purge = ok(kv("role", "definition", "list", "--name", "Key Vault Purge Operator")).json
    assert [r["name"] for r in purge] == ["a68e7c17-0ab2-4c09-9a58-125dae29748c"]
    assert ("Microsoft.KeyVault/locations/deletedVaults/purge/action"
            in purge[0]["permissions"][0]["actions"])
    officer = ok(kv("role", "definition", "list", "--name", "key vault secrets officer")).json[0]
    assert officer["name"] == "b86a8fe4-44ce-4948-aee5-eccb2c155cd7"
    assert officer["permissions"][0]["dataActions"] == ["Microsoft.KeyVault/vaults/secrets/*"]
    names = ok(kv("role", "definition", "list", "--query", "[].roleName")).json
    assert len(names) == 16 and "Key Vault Data Access Administrator" in names


def test_assignment_create_shape_and_errors(kv, vault, alice):
    scope = vault_id(kv, vault)
    created = ok(kv("role", "assignment", "create", "--assignee", ALICE, "--role",
                    "Key Vault Secrets User", "--scope", scope)).json
    assert created["scope"] == scope and created["resourceGroup"] == "rg1"
    assert created["roleDefinitionId"].endswith("/4633458b-17de-408a-b874-0445c86b69e6")
    assert created["id"] == f"{scope}/providers/Microsoft.Authorization/roleAssignments/" \
                            f"{created['name']}"
    again = kv("role", "assignment", "create", "--assignee", ALICE, "--role",
               "4633458b-17de-408a-b874-0445c86b69e6", "--scope", scope)
    assert again.exit_code == 1 and "(RoleAssignmentExists)" in again.stderr
    bad_role = kv("role", "assignment", "create", "--assignee", ALICE, "--role", "Nope",
                  "--scope", scope)
    assert bad_role.stderr == "ERROR: Role 'Nope' doesn't exist.\n"
    nobody = kv("role", "assignment", "create", "--assignee", "bob@x.com", "--role", "Reader")
    assert "Cannot find user or service principal in graph database for 'bob@x.com'" \
        in nobody.stderr
    missing_vault = kv("role", "assignment", "create", "--assignee", ALICE, "--role", "Reader",
                       "--scope", scope.replace(vault, "nosuchvault"))
    assert missing_vault.exit_code == 3
    listed = ok(kv("role", "assignment", "list", "--scope", scope)).json
    assert [(r["principalName"], r["roleDefinitionName"]) for r in listed] == [
        (ALICE, "Key Vault Secrets User")]
    assert ok(kv("role", "assignment", "list", "--assignee", ALICE)).json == []
    ok(kv("role", "assignment", "delete", "--assignee", ALICE, "--scope", scope))
    assert ok(kv("role", "assignment", "list", "--all", "--assignee", ALICE)).json == []
    nothing = kv("role", "assignment", "delete", "--assignee", ALICE, "--scope", scope)
    assert nothing.stderr == "ERROR: No matched assignments were found to delete\n"


def test_only_principals_allowed_to_write_assignments_may_assign(kv, vault, alice):
    scope = vault_id(kv, vault)
    ok(kv("ad", "user", "create", "--display-name", "Bob", "--user-principal-name", "bob@x.com",
          "-o", "none"))
    login(kv, ALICE)
    denied = kv("role", "assignment", "create", "--assignee", "bob@x.com", "--role", "Owner",
                "--scope", scope)
    assert refused(denied) and "Microsoft.Authorization/roleAssignments/write" in denied.stderr
    login(kv, ADMIN)
    assign(kv, "Key Vault Data Access Administrator", scope)
    login(kv, ALICE)
    ok(kv("role", "assignment", "create", "--assignee", "bob@x.com", "--role",
          "Key Vault Secrets User", "--scope", scope, "-o", "none"))
    # Its ABAC condition limits it to the Key Vault data roles.
    assert refused(kv("role", "assignment", "create", "--assignee", "bob@x.com", "--role",
                      "Owner", "--scope", scope))
    assert refused(kv("role", "assignment", "create", "--assignee", "bob@x.com", "--role",
                      "Key Vault Secrets User", "--scope", subscription(kv)))


# --- inheritance ---------------------------------------------------------------------------
@pytest.mark.parametrize("level", ["subscription", "group", "vault", "object"])
def test_roles_are_inherited_down_the_scope_path(kv, vault, alice, level):
    ok(kv("group", "create", "-n", "rg2", "-l", "eastus", "-o", "none"))
    ok(kv("keyvault", "create", "-n", "other-vault", "-g", "rg2", "-o", "none"))
    for name in (vault, "other-vault"):
        ok(secret_set(kv, name, "s1"))
        ok(secret_set(kv, name, "s2"))
    vid = vault_id(kv, vault)
    scope = {"subscription": subscription(kv), "group": vid.split("/providers/")[0],
             "vault": vid, "object": f"{vid}/secrets/s1"}[level]
    assign(kv, "Key Vault Secrets User", scope)
    login(kv, ALICE)
    reach = {(name, secret): not refused(kv(*SECRET, "show", "--vault-name", name, "-n", secret))
             for name in (vault, "other-vault") for secret in ("s1", "s2")}
    expected = {
        "subscription": {(vault, "s1"), (vault, "s2"), ("other-vault", "s1"),
                         ("other-vault", "s2")},
        "group": {(vault, "s1"), (vault, "s2")},
        "vault": {(vault, "s1"), (vault, "s2")},
        "object": {(vault, "s1")},
    }[level]
    assert {key for key, allowed in reach.items() if allowed} == expected


# --- assignments die with their resource -------------------------------------------------
def test_vault_delete_drops_its_assignments_and_recover_does_not_restore_them(kv, vault, alice):
    ok(secret_set(kv, vault, "s1"))
    vid = vault_id(kv, vault)
    assign(kv, "Key Vault Secrets Officer", vid)
    assign(kv, "Key Vault Secrets User", f"{vid}/secrets/s1")
    assign(kv, "Reader", subscription(kv))
    ok(kv("keyvault", "delete", "-n", vault))
    ok(kv("keyvault", "recover", "-n", vault, "-o", "none"))
    remaining = ok(kv("role", "assignment", "list", "--all", "--assignee", ALICE,
                      "--query", "[].roleDefinitionName")).json
    assert remaining == ["Reader"]
    login(kv, ALICE)
    assert refused(kv(*SECRET, "show", "--vault-name", vault, "-n", "s1"))


def test_group_delete_drops_assignments_at_its_scope_and_below(kv, vault, alice):
    vid = vault_id(kv, vault)
    ok(kv("group", "create", "-n", "keep", "-l", "eastus", "-o", "none"))
    assign(kv, "Reader", vid.split("/providers/")[0])
    assign(kv, "Key Vault Secrets User", vid)
    assign(kv, "Reader", f"{subscription(kv)}/resourceGroups/keep")
    ok(kv("group", "delete", "-n", "rg1", "--yes"))
    left = ok(kv("role", "assignment", "list", "--all", "--assignee", ALICE,
                 "--query", "[].scope")).json
    assert left == [f"{subscription(kv)}/resourceGroups/keep"]


# --- access policies -------------------------------------------------------------------
@pytest.fixture
def policy_vault(kv, rg):
    ok(kv("keyvault", "create", "-n", "policy-vault", "-g", rg, "--enable-rbac-authorization",
          "false", "-o", "none"))
    for name in ("s1", "s2", "s3"):
        ok(secret_set(kv, "policy-vault", name))
    return "policy-vault"


def test_all_grants_everything_but_purge(kv, policy_vault, alice):
    ok(kv("keyvault", "set-policy", "-n", policy_vault, "--upn", ALICE,
          "--secret-permissions", "all", "-o", "none"))
    login(kv, ALICE)
    ok(kv(*SECRET, "show", "--vault-name", policy_vault, "-n", "s1"))
    ok(kv(*SECRET, "delete", "--vault-name", policy_vault, "-n", "s1"))
    denied = kv(*SECRET, "purge", "--vault-name", policy_vault, "-n", "s1")
    assert refused(denied)
    assert "does not have secrets purge permission on key vault 'policy-vault;location=eastus'" \
        in denied.stderr and '"code": "AccessDenied"' in denied.stderr
    login(kv, ADMIN)
    ok(kv("keyvault", "set-policy", "-n", policy_vault, "--upn", ALICE,
          "--secret-permissions", "all", "purge", "-o", "none"))
    login(kv, ALICE)
    ok(kv(*SECRET, "purge", "--vault-name", policy_vault, "-n", "s1"))


def test_the_creator_policy_also_lacks_purge(kv, policy_vault):
    ok(kv(*SECRET, "delete", "--vault-name", policy_vault, "-n", "s1"))
    assert refused(kv(*SECRET, "purge", "--vault-name", policy_vault, "-n", "s1"))


def test_set_policy_replaces_only_the_lists_given(kv, policy_vault, alice):
    ok(kv("keyvault", "set-policy", "-n", policy_vault, "--upn", ALICE,
          "--secret-permissions", "get", "--key-permissions", "list", "-o", "none"))
    ok(kv("keyvault", "set-policy", "-n", policy_vault, "--upn", ALICE,
          "--secret-permissions", "get", "LIST", "-o", "none"))
    oid = ok(kv("ad", "user", "show", "--id", ALICE, "--query", "id", "-o", "tsv")).stdout.strip()
    policies = ok(kv("keyvault", "show", "-n", policy_vault,
                     "--query", "properties.accessPolicies")).json
    mine = [p for p in policies if p["objectId"] == oid]
    assert mine[0]["permissions"] == {"certificates": None, "keys": ["list"],
                                      "secrets": ["get", "list"], "storage": None}
    login(kv, ALICE)
    ok(kv(*SECRET, "list", "--vault-name", policy_vault))
    assert refused(kv(*SECRET, "delete", "--vault-name", policy_vault, "-n", "s1"))
    login(kv, ADMIN)
    ok(kv("keyvault", "delete-policy", "-n", policy_vault, "--object-id", oid, "-o", "none"))
    login(kv, ALICE)
    assert refused(kv(*SECRET, "list", "--vault-name", policy_vault))


def test_set_policy_errors(kv, vault, policy_vault):
    rbac = kv("keyvault", "set-policy", "-n", vault, "--object-id",
              "11111111-1111-1111-1111-111111111111", "--secret-permissions", "get")
    assert rbac.stderr == ("ERROR: Cannot set policies to a vault with "
                           "'--enable-rbac-authorization' specified\n")
    both = kv("keyvault", "set-policy", "-n", policy_vault, "--object-id", "x", "--upn", "y")
    assert both.exit_code == 2 and "specify exactly one: --object-id, --spn, --upn" in both.stderr
    bad = kv("keyvault", "set-policy", "-n", policy_vault, "--object-id", "x",
             "--secret-permissions", "get", "encrypt")
    assert bad.exit_code == 2 and "'encrypt' is not a valid value for '--secret-permissions'" \
        in bad.stderr
    unknown = kv("keyvault", "set-policy", "-n", policy_vault, "--upn", "nobody@x.com",
                 "--secret-permissions", "get")
    assert unknown.stderr == "ERROR: Unable to get object id from principal name.\n"
    gone = kv("keyvault", "delete-policy", "-n", policy_vault, "--object-id",
              "11111111-1111-1111-1111-111111111111")
    assert gone.stderr == "ERROR: No matching policies found\n"


def test_policy_vaults_ignore_rbac_and_rbac_vaults_ignore_policies(kv, policy_vault, alice):
    assign(kv, "Key Vault Secrets Officer", vault_id(kv, policy_vault))
    ok(kv("keyvault", "set-policy", "-n", policy_vault, "--upn", ALICE,
          "--secret-permissions", "get", "-o", "none"))
    login(kv, ALICE)
    ok(kv(*SECRET, "show", "--vault-name", policy_vault, "-n", "s1"))
    assert refused(kv(*SECRET, "list", "--vault-name", policy_vault))   # RBAC role ignored
    login(kv, ADMIN)
    ok(kv("keyvault", "update", "-n", policy_vault, "--enable-rbac-authorization", "true",
          "-o", "none"))
    login(kv, ALICE)
    ok(kv(*SECRET, "list", "--vault-name", policy_vault))                 # the role counts now
    ok(kv(*SECRET, "delete", "--vault-name", policy_vault, "-n", "s2"))
    login(kv, ADMIN)
    ok(kv("role", "assignment", "delete", "--assignee", ALICE, "--scope",
          vault_id(kv, policy_vault)))
    login(kv, ALICE)
    assert refused(kv(*SECRET, "show", "--vault-name", policy_vault, "-n", "s1"))  # policy ignored


def test_vault_purge_needs_the_purge_operator_at_subscription_scope(kv, vault, alice):
    assign(kv, "Key Vault Contributor", subscription(kv))
    login(kv, ALICE)
    ok(kv("keyvault", "delete", "-n", vault))
    denied = kv("keyvault", "purge", "-n", vault)
    assert refused(denied)
    assert "'Microsoft.KeyVault/locations/deletedVaults/purge/action'" in denied.stderr
    login(kv, ADMIN)
    assign(kv, "Key Vault Purge Operator", subscription(kv))
    login(kv, ALICE)
    ok(kv("keyvault", "purge", "-n", vault))
    assert ok(kv("keyvault", "list-deleted")).json == []


def test_group_commands_need_owner_or_contributor(kv, rg, alice):
    login(kv, ALICE)
    assert refused(kv("group", "create", "-n", "mine", "-l", "eastus"))
    assert refused(kv("group", "show", "-n", rg))
    assert ok(kv("group", "list")).json == []
    login(kv, ADMIN)
    assign(kv, "Contributor", f"{subscription(kv)}/resourceGroups/{rg}")
    login(kv, ALICE)
    ok(kv("group", "show", "-n", rg))
    assert ok(kv("group", "list", "--query", "[].name")).json == [rg]
    assert refused(kv("group", "create", "-n", "mine", "-l", "eastus"))
    ok(kv("group", "delete", "-n", rg, "--yes"))


def test_vault_list_shows_only_readable_vaults(kv, vault, alice):
    ok(kv("keyvault", "create", "-n", "second-vault", "-g", "rg1", "-o", "none"))
    assign(kv, "Reader", vault_id(kv, "second-vault"))
    login(kv, ALICE)
    assert ok(kv("keyvault", "list", "--query", "[].name")).json == ["second-vault"]


def test_assignment_scope_options(kv, vault, alice):
    oid = ok(kv("ad", "user", "show", "--id", ALICE, "--query", "id", "-o", "tsv")).stdout.strip()
    by_group = ok(kv("role", "assignment", "create", "--assignee-object-id", oid, "--role",
                     "Reader", "-g", "rg1")).json
    assert by_group["scope"] == f"{subscription(kv)}/resourceGroups/rg1"
    default = ok(kv("role", "assignment", "create", "--assignee", ALICE, "--role",
                    "Reader")).json
    assert default["scope"] == subscription(kv)
    foreign = ok(kv("role", "assignment", "create", "--assignee-object-id",
                    "22222222-2222-2222-2222-222222222222", "--assignee-principal-type",
                    "ServicePrincipal", "--role", "Reader", "-g", "rg1")).json
    assert foreign["principalType"] == "ServicePrincipal"
    both = kv("role", "assignment", "create", "--assignee", ALICE, "--role", "Reader",
              "-g", "rg1", "--scope", subscription(kv))
    assert both.stderr == 'ERROR: Resource group "rg1" is redundant because scope is supplied\n'
    for bad in ("/subscriptions/00000000-0000-0000-0000-000000000000",
                f"{subscription(kv)}/resourceGroups/rg1/providers/Microsoft.Web/sites/x"):
        result = kv("role", "assignment", "create", "--assignee", ALICE, "--role", "Reader",
                    "--scope", bad)
        assert result.stderr == "ERROR: Invalid scope. Please use --help to view the valid " \
                                "format.\n"
    inherited = ok(kv("role", "assignment", "list", "--scope", vault_id(kv, vault),
                      "--include-inherited", "--assignee", ALICE, "--query", "[].scope")).json
    assert sorted(inherited) == sorted([subscription(kv), by_group["scope"]])
    ok(kv("role", "assignment", "delete", "--ids", default["id"]))
    assert ok(kv("role", "assignment", "list", "--assignee", ALICE)).json == []


def test_service_principal_created_for_rbac_signs_in_and_is_authorised(kv, vault, policy_vault):
    ok(secret_set(kv, vault, "s1"))
    result = ok(kv("ad", "sp", "create-for-rbac", "-n", "ci", "--role", "Key Vault Secrets User",
                   "--scopes", vault_id(kv, vault)))
    created = result.json
    assert sorted(created) == ["appId", "displayName", "password", "tenant"]
    assert created["displayName"] == "ci"
    assert "credentials that you must protect" in result.stderr
    ok(kv("keyvault", "set-policy", "-n", policy_vault, "--spn", created["appId"],
          "--secret-permissions", "list", "-o", "none"))
    ok(kv("login", "--service-principal", "-u", created["appId"], "-p", created["password"],
          "--tenant", created["tenant"], "-o", "none"))
    assert ok(kv("account", "show", "--query", "user")).json == {"name": created["appId"],
                                                               "type": "servicePrincipal"}
    ok(kv(*SECRET, "show", "--vault-name", vault, "-n", "s1"))
    ok(kv(*SECRET, "list", "--vault-name", policy_vault))
    assert refused(kv(*SECRET, "delete", "--vault-name", vault, "-n", "s1"))
    half = kv("ad", "sp", "create-for-rbac", "--role", "Reader")
    assert half.stderr == ("ERROR: usage error: To create role assignments, specify both --role "
                           "and --scopes.\n")
    unknown = kv("login", "--service-principal", "-u", "nope")
    assert unknown.exit_code == 1 and "AADSTS700016" in unknown.stderr


def test_default_assignments_keep_their_names(kv):
    first = ok(kv("role", "assignment", "list", "--query", "[].name")).json
    assert len(first) == 2
    assert ok(kv("role", "assignment", "list", "--query", "[].name")).json == first
