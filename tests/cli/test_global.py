"""az's global behaviour on every command: output formats, --query, usage errors, help."""

from __future__ import annotations

import json


def test_output_formats(kv, rg):
    shown = kv("group", "show", "-n", rg, "-o", "tsv")
    assert shown.exit_code == 0
    assert shown.stdout.split("\t")[1:] == ["eastus", "None", "rg1", "", "None",
                                            "Microsoft.Resources/resourceGroups\n"]
    assert kv("group", "show", "-n", rg, "-o", "none").stdout == ""
    assert kv("group", "show", "-n", rg, "-o", "yaml").stdout.startswith("id: /subscriptions/")
    assert kv("group", "show", "-n", rg, "-o", "JSON").json["name"] == rg
    assert kv("group", "list", "-o", "table").stdout.splitlines() == [
        "Name    Location    Status", "------  ----------  ---------",
        "rg1     eastus      Succeeded"]


def test_invalid_output_is_usage_error(kv, rg):
    result = kv("group", "show", "-n", rg, "-o", "xml")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        "ERROR: kvcli group show: 'xml' is not a valid value for '--output'. Allowed values: "
        "json, jsonc, yaml, yamlc, table, tsv, none.")


def test_output_from_environment(kv, rg, monkeypatch):
    monkeypatch.setenv("AZURE_CORE_OUTPUT", "tsv")
    assert kv("group", "exists", "-n", rg).stdout == "true\n"
    assert "\t" in kv("group", "show", "-n", rg).stdout
    assert kv("group", "show", "-n", rg, "-o", "json").json["name"] == rg


def test_query(kv, rg):
    kv("group", "create", "-n", "rg2", "-l", "westus", "--tags", "a=1")
    names = kv("group", "list", "--query", "[].name", "-o", "tsv")
    assert names.stdout == "rg1\nrg2\n"
    picked = kv("group", "list", "--query", "[?location=='westus'].{n:name, t:tags.a}")
    assert picked.json == [{"n": "rg2", "t": "1"}]
    nothing = kv("group", "show", "-n", rg, "--query", "tags")
    assert (nothing.exit_code, nothing.stdout) == (0, "")


def test_bad_query_is_usage_error_and_nothing_runs(kv, home):
    result = kv("group", "create", "-n", "never", "-l", "eastus", "--query", "[bad")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[:2] == [
        "ERROR: argument --query: invalid jmespath_type value: '[bad'",
        "To learn more about --query, please visit: "
        "'https://learn.microsoft.com/cli/azure/query-azure-cli'"]
    assert kv("group", "exists", "-n", "never").stdout == "false\n"


def test_unknown_argument_and_command(kv):
    result = kv("group", "list", "--bogus")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "ERROR: unrecognized arguments: --bogus", "", "https://aka.ms/cli_ref",
        "Read more about the command in reference docs"]
    result = kv("keyvault", "sho", "-n", "x")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[:2] == [
        "ERROR: 'sho' is misspelled or not recognized by the system.", "Did you mean 'show' ?"]


def test_missing_required_argument(kv):
    result = kv("group", "create", "-n", "x")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "ERROR: the following arguments are required: --location/-l")


def test_help_exits_zero_and_lists_global_arguments(kv):
    for args in (("--help",), ("keyvault", "-h"), ("keyvault", "create", "--help")):
        result = kv(*args)
        assert result.exit_code == 0, args
        assert result.stdout
    create_help = kv("keyvault", "create", "--help").stdout
    assert "--retention-days" in create_help and "--query" in create_help
    assert "Examples:" in create_help
    bare = kv("keyvault")
    assert bare.exit_code == 0
    assert "secret" in bare.stdout


def test_version(kv):
    from kvcli import __version__

    assert kv("--version").stdout == f"kvcli {__version__}\n"


def test_subscription_argument(kv, home):
    sub = kv("account", "show").json["id"]
    assert kv("group", "list", "--subscription", sub).exit_code == 0
    wrong = kv("group", "list", "--subscription", "00000000-0000-0000-0000-000000000000")
    assert wrong.exit_code == 1
    assert "Subscription '00000000-0000-0000-0000-000000000000' not found" in wrong.stderr


def test_account_show(kv, home):
    account = kv("account", "show").json
    meta = json.loads((home / "home.json").read_text())
    assert account["id"] == meta["subscriptionId"]
    assert account["tenantId"] == meta["tenantId"]
    assert account["user"] == {"name": "admin@kvcli.local", "type": "user"}
    assert account["isDefault"] is True


def test_options_before_and_after_subcommand_values(kv, rg):
    result = kv("group", "show", "-o", "tsv", "--query", "name", "-n", rg)
    assert result.stdout == "rg1\n"


def test_verbose_and_debug_write_to_stderr_only(kv, rg):
    verbose = kv("group", "show", "-n", rg, "--verbose")
    assert verbose.json["name"] == rg
    assert verbose.stderr.startswith("INFO: Command ran in ")
    debug = kv("group", "show", "-n", rg, "--debug")
    assert debug.stderr.startswith("DEBUG: kvcli ")
    assert "INFO: Command ran in" in debug.stderr
    assert kv("group", "show", "-n", rg).stderr == ""
