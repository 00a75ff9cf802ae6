"""`kvcli config set|get|unset`, precedence, defaults filling options, and colour."""

from __future__ import annotations

import io
import os
import stat

import pytest


def test_set_get_unset_round_trip(kv, home):
    assert kv("config", "set", "core.output=table", "defaults.group=rg1").exit_code == 0
    path = home / "config.toml"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert path.read_text() == '[core]\noutput = "table"\n\n[defaults]\ngroup = "rg1"\n'
    everything = kv("config", "get", "-o", "json").json
    assert everything == {
        "core": [{"name": "output", "source": str(path), "value": "table"}],
        "defaults": [{"name": "group", "source": str(path), "value": "rg1"}],
    }
    assert kv("config", "get", "defaults", "-o", "json").json == everything["defaults"]
    assert kv("config", "get", "core.", "-o", "json").json == everything["core"]
    assert kv("config", "get", "core.output", "-o", "json").json == everything["core"][0]
    assert kv("config", "unset", "core.output", "defaults.group").exit_code == 0
    assert kv("config", "get").json == {}
    assert "[core]" not in path.read_text()


def test_get_of_an_unset_key_is_az_error(kv):
    result = kv("config", "get", "defaults.vault")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "ERROR: Configuration 'defaults.vault' is not set.\n"


@pytest.mark.parametrize("args", [("set", "core.colour=true"), ("get", "nosuch.key"),
                                  ("unset", "defaults.subscription"), ("get", "cloud")])
def test_unknown_keys_are_refused(kv, args):
    result = kv("config", *args)
    key = args[1].partition("=")[0]
    assert result.exit_code == 1
    assert result.stderr.startswith(f"ERROR: Configuration '{key}' is not supported by "
                                    "kvcli. Supported keys: core.no_color, ")


def test_usage_errors_in_az_words(kv, home):
    assert kv("config", "set", "core.output").stderr == \
        "ERROR: usage error: [section].[name]=[value] ...\n"
    assert kv("config", "unset", "output").stderr == "ERROR: usage error: [section].[name]\n"
    bad = kv("config", "set", "core.output=xml")
    assert bad.exit_code == 1 and "'xml' is not a valid value for 'core.output'" in bad.stderr
    assert kv("config", "set", "core.no_color=maybe").exit_code == 1
    assert not (home / "config.toml").exists()  # nothing written when any pair is bad


def test_env_overrides_file_and_is_reported_as_source(kv, monkeypatch):
    kv("config", "set", "defaults.group=from-file")
    monkeypatch.setenv("AZURE_DEFAULTS_GROUP", "from-azure")
    assert kv("config", "get", "defaults.group").json == {
        "name": "group", "source": "AZURE_DEFAULTS_GROUP", "value": "from-azure"}
    monkeypatch.setenv("KVCLI_DEFAULTS_GROUP", "from-kvcli")
    assert kv("config", "get", "defaults.group").json["value"] == "from-kvcli"


def test_core_output_precedence(kv, monkeypatch):
    kv("config", "set", "core.output=tsv")
    assert kv("clock", "show", "--query", "offsetSeconds").stdout == "0.0\n"
    monkeypatch.setenv("AZURE_CORE_OUTPUT", "json")
    assert kv("clock", "show", "--query", "offsetSeconds").stdout == "0.0\n"
    monkeypatch.setenv("KVCLI_CORE_OUTPUT", "yaml")
    assert kv("clock", "show", "--query", "offsetSeconds").stdout == "0.0\n...\n"
    assert kv("clock", "show", "--query", "offsetSeconds", "-o", "tsv").stdout == "0.0\n"


def test_only_show_errors_from_config(kv, rg):
    kv("keyvault", "create", "-n", "quietvault", "-g", rg, "-o", "none")
    kv("config", "set", "core.only_show_errors=true")
    result = kv("keyvault", "delete", "-n", "quietvault")
    assert (result.exit_code, result.stderr) == (0, "")


def test_defaults_fill_group_location_and_vault(kv):
    kv("config", "set", "defaults.location=westeurope", "defaults.group=cfg-rg")
    created = kv("group", "create", "-n", "cfg-rg")
    assert created.exit_code == 0, created.stderr
    assert created.json["location"] == "westeurope"
    made = kv("keyvault", "create", "-n", "cfgvault", "-g", "cfg-rg")
    assert made.exit_code == 0, made.stderr
    assert kv("keyvault", "list").json[0]["name"] == "cfgvault"  # -g from defaults.group
    assert kv("keyvault", "show", "-n", "cfgvault").json["resourceGroup"] == "cfg-rg"
    kv("config", "set", "defaults.vault=cfgvault")
    assert kv("keyvault", "secret", "set", "-n", "s1", "--value", "v1").exit_code == 0
    assert kv("keyvault", "secret", "show", "-n", "s1", "--query", "value").json == "v1"
    # --id wins over the configured vault instead of clashing with it.
    by_id = kv("keyvault", "secret", "show", "--id",
               "https://cfgvault.vault.azure.net/secrets/s1", "--query", "value")
    assert (by_id.exit_code, by_id.json) == (0, "v1")
    # The command line wins over the configuration.
    other = kv("keyvault", "secret", "show", "--vault-name", "nosuchvault", "-n", "s1")
    assert other.exit_code != 0


def test_missing_required_option_without_default_is_reported_as_before(kv):
    result = kv("group", "create", "-n", "no-location")
    assert result.exit_code == 2
    assert result.stderr.startswith("ERROR: the following arguments are required: "
                                    "--location/-l\n")
    secret = kv("keyvault", "secret", "set", "-n", "x", "--value", "y")
    assert secret.exit_code == 2 and "--vault-name" in secret.stderr


def test_damaged_config_is_named(kv, home):
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text("[core\n")
    result = kv("clock", "show")
    assert result.exit_code == 1
    assert "config file" in result.stderr and "config.toml" in result.stderr


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_without_no_color(kv, monkeypatch):
    from kvcli.cli import console

    monkeypatch.setattr("sys.stdout", _Tty())
    assert console.stdout_color() is True
    monkeypatch.setenv("NO_COLOR", "1")
    assert console.stdout_color() is False
    monkeypatch.delenv("NO_COLOR")
    kv("config", "set", "core.no_color=true")
    monkeypatch.setattr("sys.stdout", _Tty())
    assert console.stdout_color() is False
    monkeypatch.setattr("sys.stdout", io.StringIO())
    kv("config", "unset", "core.no_color")
    assert console.stdout_color() is False


def test_jsonc_is_plain_when_piped(kv):
    assert "\x1b" not in kv("clock", "show", "-o", "jsonc").stdout


def test_keyvault_create_takes_the_configured_group(kv):
    kv("config", "set", "defaults.group=cfg-rg")
    kv("group", "create", "-n", "cfg-rg", "-l", "eastus")
    result = kv("keyvault", "create", "-n", "cfgvault2")
    assert result.exit_code == 0, result.stderr
    assert result.json["resourceGroup"] == "cfg-rg"
