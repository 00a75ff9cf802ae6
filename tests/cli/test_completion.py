"""Shell completion through real processes: commands, vault/group/location names, cost."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("cryptography", "jmespath", "yaml")


def complete_bash(line: str, env: dict | None = None) -> list[str]:
    """`COMP_WORDS="<line>" COMP_CWORD=<last> _KVCLI_COMPLETE=complete_bash python -m kvcli`."""
    words = line.split(" ")
    proc = subprocess.run(
        [sys.executable, "-m", "kvcli"], capture_output=True, text=True, timeout=60,
        stdin=subprocess.DEVNULL,
        env={**os.environ, **(env or {}), "COMP_WORDS": line,
             "COMP_CWORD": str(len(words) - 1), "_KVCLI_COMPLETE": "complete_bash"})
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    return proc.stdout.split()


@pytest.fixture
def populated(kv):
    for group in ("rg-one", "rg-two"):
        assert kv("group", "create", "-n", group, "-l", "eastus").exit_code == 0
    for vault in ("alpha-vault", "beta-vault", "alpine-vault"):
        assert kv("keyvault", "create", "-n", vault, "-g", "rg-one").exit_code == 0
    kv("keyvault", "delete", "-n", "beta-vault")


def test_commands_complete():
    assert complete_bash("kvcli keyvault sh") == ["show", "show-deleted"]
    assert complete_bash("kvcli c") == ["clock", "config"]
    assert complete_bash("kvcli keyvault secret li") == ["list", "list-deleted",
                                                         "list-versions"]
    assert "unset" in complete_bash("kvcli config ")


def test_vault_names_complete_for_vault_name(populated):
    # The data plane reaches active vaults only: soft-deleted beta-vault is not offered.
    assert complete_bash("kvcli keyvault secret show --vault-name ") == [
        "alpha-vault", "alpine-vault"]
    assert complete_bash("kvcli keyvault secret list --vault-name al") == [
        "alpha-vault", "alpine-vault"]


def test_vault_names_complete_for_keyvault_name(populated):
    assert complete_bash("kvcli keyvault show -n alp") == ["alpha-vault", "alpine-vault"]
    assert complete_bash("kvcli keyvault recover --name b") == ["beta-vault"]


@pytest.mark.parametrize(("line", "offered"), [
    ("kvcli keyvault show -n ", ["alpha-vault", "alpine-vault"]),
    ("kvcli keyvault update -n ", ["alpha-vault", "alpine-vault"]),
    ("kvcli keyvault delete --name ", ["alpha-vault", "alpine-vault"]),
    ("kvcli keyvault network-rule list -n ", ["alpha-vault", "alpine-vault"]),
    ("kvcli keyvault recover -n ", ["beta-vault"]),
    ("kvcli keyvault purge -n ", ["beta-vault"]),
    ("kvcli keyvault show-deleted --name ", ["beta-vault"]),
])
def test_vault_names_follow_the_state_the_command_needs(populated, line, offered):
    assert complete_bash(line) == offered


@pytest.fixture
def secrets(kv, populated):
    for name in ("db-password", "db-user", "old-token"):
        assert kv("keyvault", "secret", "set", "--vault-name", "alpha-vault", "-n", name,
                  "--value", "x").exit_code == 0
    kv("keyvault", "secret", "delete", "--vault-name", "alpha-vault", "-n", "old-token")


def test_object_names_of_the_chosen_vault(secrets):
    assert complete_bash("kvcli keyvault secret show --vault-name alpha-vault -n ") == [
        "db-password", "db-user"]
    assert complete_bash("kvcli keyvault secret set-attributes --vault-name alpha-vault "
                         "--name db-p") == ["db-password"]
    for command in ("recover", "purge", "show-deleted"):
        assert complete_bash(f"kvcli keyvault secret {command} --vault-name alpha-vault "
                             "-n ") == ["old-token"]
    assert complete_bash("kvcli keyvault secret show --vault-name alpine-vault -n ") == []
    assert complete_bash("kvcli keyvault secret show -n ") == []
    configured = complete_bash("kvcli keyvault secret show -n db",
                               env={"KVCLI_DEFAULTS_VAULT": "alpha-vault"})
    assert configured == ["db-password", "db-user"]


@pytest.mark.parametrize(("line", "offered"), [
    ("kvcli keyvault list -o ", ["json", "jsonc", "yaml", "yamlc", "table", "tsv", "none"]),
    ("kvcli keyvault list --output t", ["table", "tsv"]),
    ("kvcli keyvault create --sku ", ["premium", "standard"]),
    ("kvcli keyvault update -n v --enable-purge-protection ", ["false", "true"]),
    ("kvcli keyvault create --public-network-access ", ["Disabled", "Enabled"]),
    ("kvcli keyvault update -n v --default-action d", ["Deny"]),
    ("kvcli keyvault list --resource-type ", ["hsm", "vault"]),
    ("kvcli keyvault list-deleted --resource-type v", ["vault"]),
    ("kvcli keyvault secret download --encoding ", ["ascii", "base64", "hex", "utf-16be",
                                                    "utf-16le", "utf-8"]),
])
def test_enumerations_complete_their_values(line, offered):
    assert complete_bash(line) == offered


def test_groups_and_locations_complete(populated):
    assert complete_bash("kvcli keyvault list -g rg-") == ["rg-one", "rg-two"]
    assert complete_bash("kvcli keyvault list --resource-group rg-t") == ["rg-two"]
    assert complete_bash("kvcli group create -n x -l westu") == ["westus", "westus2",
                                                                "westus3"]


def test_completion_never_creates_the_home(home):
    assert not home.exists()
    assert complete_bash("kvcli keyvault secret show --vault-name ") == []
    assert complete_bash("kvcli keyvault list -g ") == []
    assert not home.exists()


def test_zsh_and_fish_protocols(populated):
    env = {**os.environ, "_TYPER_COMPLETE_ARGS": "kvcli keyvault secret list --vault-name al"}
    zsh = subprocess.run([sys.executable, "-m", "kvcli"], capture_output=True, text=True,
                         env={**env, "_KVCLI_COMPLETE": "complete_zsh"})
    assert '"alpha-vault"' in zsh.stdout and '"alpine-vault"' in zsh.stdout
    fish = subprocess.run([sys.executable, "-m", "kvcli"], capture_output=True, text=True,
                          env={**env, "_KVCLI_COMPLETE": "complete_fish",
                               "_TYPER_COMPLETE_FISH_ACTION": "get-args"})
    assert fish.stdout.split() == ["alpha-vault", "alpine-vault"]


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_committed_bash_script_round_trip(populated):
    """Source completions/kvcli.bash in a real bash and let it call kvcli back."""
    bindir = Path(sys.executable).parent
    if not (bindir / "kvcli").exists():
        pytest.skip("the kvcli entry point is not installed next to this python")
    script = (f"source {ROOT / 'completions/kvcli.bash'}; "
              "COMP_WORDS=(kvcli keyvault secret show --vault-name alp); COMP_CWORD=5; "
              '_kvcli_completion kvcli; printf "%s\\n" "${COMPREPLY[@]}"')
    proc = subprocess.run(["bash", "--norc", "--noprofile", "-c", script], capture_output=True,
                          text=True, env={**os.environ,
                                          "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}"})
    assert proc.stdout.split() == ["alpha-vault", "alpine-vault"], proc.stderr


def _imported_modules(env: dict, *args: str) -> set[str]:
    code = ("import sys\n"
            "from kvcli.cli.app import main\n"
            "try:\n"
            f"    main({list(args)!r})\n"
            "except SystemExit:\n"
            "    pass\n"
            "sys.stdout.flush()\n"
            "sys.stderr.write(' '.join(sorted(sys.modules)))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, **env}, stdin=subprocess.DEVNULL)
    return set(proc.stderr.split())


@pytest.mark.parametrize("case", ["completion", "version"])
def test_no_heavy_imports(populated, case):
    if case == "completion":
        modules = _imported_modules({"COMP_WORDS": "kvcli keyvault secret show --vault-name a",
                                     "COMP_CWORD": "5", "_KVCLI_COMPLETE": "complete_bash"})
        assert "kvcli.cli.completers" in modules
    else:
        modules = _imported_modules({}, "--version")
        assert "kvcli.cli.app" in modules
    heavy = {m for m in modules if m.split(".")[0] in HEAVY}
    assert heavy == set()
