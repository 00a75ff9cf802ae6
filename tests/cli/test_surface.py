"""az's surface beyond keyvault: version, account list/set, global policy arguments."""

from __future__ import annotations

from kvcli.cli import docs


def test_version_has_az_shape_and_kvcli_version(kv):
    from kvcli import __version__

    result = kv("version")
    assert result.exit_code == 0
    assert result.json == {"azure-cli": "2.91.0", "azure-cli-core": "2.91.0",
                           "azure-cli-telemetry": "1.1.0", "extensions": {},
                           "kvcli": __version__}
    assert kv("version", "--query", "kvcli", "-o", "tsv").stdout == f"{__version__}\n"


def test_account_list_and_set(kv):
    shown = kv("account", "show").json
    listed = kv("account", "list")
    assert listed.exit_code == 0
    [item] = listed.json
    assert item.pop("cloudName") == shown.pop("environmentName") == "AzureCloud"
    assert item == shown
    table = kv("account", "list", "-o", "table").stdout.splitlines()
    assert table[0].split() == ["Name", "CloudName", "SubscriptionId", "TenantId", "State",
                                "IsDefault"]
    for value in (shown["id"], shown["name"].upper()):
        result = kv("account", "set", "-s", value)
        assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert kv("account", "set", "--name", shown["name"]).exit_code == 0
    other = kv("account", "set", "--subscription", "Other-Sub")
    assert other.exit_code == 1
    assert other.stderr == "ERROR: The subscription of 'other-sub' doesn't exist in cloud " \
                           "'AzureCloud'.\n"


def _commands():
    return [doc for doc in docs.walk() if not doc.is_group]


def test_policy_arguments_on_every_command_but_list_and_show():
    """azure-cli-core adds them to every command whose last word is not list or show."""
    commands = _commands()
    assert len(commands) > 30
    for doc in commands:
        terms = {term.split()[0] for panel, term, _ in doc.options
                 if panel == "Global Policy Arguments"}
        expected = (set() if doc.path.split()[-1] in ("list", "show")
                    else {"--acquire-policy-token", "--change-reference"})
        assert terms == expected, doc.path


POLICY = ("--acquire-policy-token", "--change-reference", "CR-42")


def test_policy_arguments_are_accepted_on_arm_commands_and_change_nothing(kv, rg):
    group = kv("group", "create", "-n", rg, "-l", "eastus", *POLICY)
    assert group.exit_code == 0, group.stderr
    assert group.json == kv("group", "show", "-n", rg).json
    for words in (("keyvault", "create", "-n", "policyvault", "-g", rg),
                  ("keyvault", "update", "-n", "policyvault", "--set", "tags.a=b"),
                  ("keyvault", "network-rule", "add", "-n", "policyvault", "--ip-address",
                   "1.1.1.1"),
                  ("keyvault", "delete", "-n", "policyvault"),
                  ("keyvault", "recover", "-n", "policyvault"),
                  ("keyvault", "secret", "set", "--vault-name", "policyvault", "-n", "s",
                   "--value", "v")):
        result = kv(*words, *POLICY)
        assert result.exit_code == 0, (words, result.stderr)
    assert kv("keyvault", "show", "-n", "policyvault").json["tags"] == {"a": "b"}


def test_policy_arguments_are_refused_where_az_has_none(kv, vault):
    result = kv("keyvault", "show", "-n", vault, "--acquire-policy-token")
    assert result.exit_code == 2
    assert result.stderr.startswith("ERROR: unrecognized arguments: --acquire-policy-token")


def test_help_shows_the_policy_panel(kv):
    text = kv("keyvault", "create", "--help").stdout
    assert "Global Policy Arguments:" in text
    assert text.index("Global Policy Arguments:") < text.index("Global Arguments:")


def test_help_lists_only_groups_that_exist(kv, monkeypatch):
    from kvcli.cli.app import COMMAND_TREE, GroupSpec

    keyvault = COMMAND_TREE["keyvault"]
    children = {**keyvault.children, "region": GroupSpec("kvcli.cli.not_built_yet", "Regions.")}
    monkeypatch.setitem(COMMAND_TREE, "keyvault", keyvault._replace(children=children))
    listed = kv("keyvault", "--help").stdout
    assert "network-rule" in listed and "region" not in listed
    missing = kv("keyvault", "region", "list")
    assert missing.exit_code == 2
    assert missing.stderr.startswith("ERROR: 'region' is misspelled or not recognized by the "
                                     "system.")
    unknown = kv("keyvault", "private-endpoint-connection", "list")
    assert unknown.stderr.startswith("ERROR: 'private-endpoint-connection' is misspelled or not "
                                     "recognized by the system.")
