"""Hypothesis drives the CLI with random names, values, dates, ids, paths, encodings, tags and
flag mixes. Whatever the input: exit 0 with output that parses, or exit 1/2/3 with an az-style
`ERROR:` line; never a traceback; and a refused command leaves the home's files as they were.

The clock is pinned (KVCLI_NOW) and not moved in the command fuzz, so no automatic purge can
change the home behind a refused command; the clock has its own fuzz below.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.robustness.helpers import assert_clean_outcome, differences, snapshot

# A bounded, reproducible run by default; --full searches ten times wider with fresh seeds.
SETTINGS = settings(max_examples=100, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])
FULL_SETTINGS = settings(SETTINGS, max_examples=1000, derandomize=False)

# Names: mostly ones that exist or could, some hostile, some random text.
hostile_text = st.text(st.characters(codec="utf-8"), max_size=30)


def mostly(plausible: list[str], other=hostile_text):
    """Plausible values four times out of five (so commands also succeed), else `other`."""
    return st.one_of(*[st.sampled_from(plausible)] * 4, other)


vault_names = mostly(["fuzzvault", "fuzzvault", "fuzzvault2", "other-vault", "FUZZVAULT",
                      "v", "a--b", "1abc", "x" * 25])
object_names = mostly(["s1", "s1", "s2", "S1", "gone", "new-one", "a" * 127, "a" * 128,
                       "under_score"])
group_names = mostly(["fuzzrg", "fuzzrg", "FuzzRG", "rg.(1)", "rg.", "grüppe", "new-rg"])
dates = mostly(["2026-06-01T00:00:00Z", "2027-01-01", "2030-02-28T12:00:00+02:00",
                "2026-06-01T00:00:00Z"],
               st.one_of(st.datetimes().map(lambda d: d.isoformat()), hostile_text,
                         st.sampled_from(["2026-13-01T00:00:00Z", "0001-01-01T00:00:00Z",
                                          "9999-12-31T23:59:59Z", "yesterday", "",
                                          "2026-06-01T00:00:00+25:00"])))
values = st.one_of(st.text(max_size=200), st.sampled_from(["", "-", "--value", "x" * 30000]))
tag_items = mostly(["a=b", "env=prod", "k=", "novalue", "a=b=c"],
                   st.one_of(st.sampled_from(["=", "=v", "k" * 600 + "=v", "k=" + "v" * 300]),
                             st.builds(lambda k, v: f"{k}={v}", hostile_text, hostile_text)))
tags = st.one_of(st.lists(tag_items, max_size=3), st.lists(tag_items, min_size=14, max_size=23))
encodings = mostly(["utf-8", "ascii", "base64", "hex", "utf-16be", "utf-16le"])
booleans = st.sampled_from(["true", "false", "true", "false", "yes", "0", "maybe", ""])
ints = st.one_of(st.integers(-5, 100).map(str), st.integers().map(str),
                 st.sampled_from(["", "x", "1e3", "99999999999"]))
outputs = st.sampled_from([[], [], [], [], [], ["-o", "json"], ["-o", "none"], ["-o", "jsonc"],
                           ["-o", ""], ["-o", "xml"], ["--query", "name"],
                           ["--query", "[?"], ["--only-show-errors"]])


@pytest.fixture
def fuzz_home(kv, home, tmp_path, monkeypatch):
    """A vault with secrets (one soft-deleted), a blob, and input files of every sort; the
    working directory is the test's own (an empty path means the current directory)."""
    monkeypatch.chdir(tmp_path)
    for args in (["group", "create", "-n", "fuzzrg", "-l", "eastus"],
                 ["keyvault", "create", "-n", "fuzzvault", "-g", "fuzzrg"],
                 ["keyvault", "secret", "set", "--vault-name", "fuzzvault", "-n", "s1",
                  "--value", "one"],
                 ["keyvault", "secret", "set", "--vault-name", "fuzzvault", "-n", "gone",
                  "--value", "x"],
                 ["keyvault", "secret", "delete", "--vault-name", "fuzzvault", "-n", "gone"],
                 ["keyvault", "secret", "backup", "--vault-name", "fuzzvault", "-n", "s1",
                  "-f", str(tmp_path / "s1.blob")]):
        result = kv(*args)
        assert result.exit_code == 0, (args, result.stderr)
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "text.txt").write_text("hello\nworld\n")
    (inputs / "bytes.bin").write_bytes(os.urandom(64))
    (inputs / "utf16.txt").write_bytes("h\u00e9llo".encode("utf-16"))
    (inputs / "big.txt").write_bytes(b"x" * 40000)
    (inputs / "garbage.blob").write_bytes(os.urandom(300))
    (inputs / "empty").write_bytes(b"")
    return tmp_path


def paths_in(root):
    existing = [root / "s1.blob", *sorted((root / "inputs").iterdir()), root / "inputs",
                root / "missing" / "x", root / "new-file"]
    return st.one_of(st.sampled_from([str(p) for p in existing] + ["/dev/null", ""]),
                     hostile_text.map(lambda t: str(root / "out" / t)))


def _flag(name, strategy):
    return st.one_of(st.just([]), strategy.map(lambda v: [name, v]))


def _tags_flag():
    return st.one_of(st.just([]), tags.map(lambda t: ["--tags", *t]))


def secret_address():
    by_name = st.builds(lambda v, n: ["--vault-name", v, "-n", n], vault_names, object_names)
    by_id = st.builds(lambda v, n, ver: ["--id", f"https://{v}.vault.azure.net/secrets/{n}"
                                         + (f"/{ver}" if ver else "")],
                      vault_names, object_names, st.one_of(st.just(""), hostile_text))
    return st.one_of(by_name, by_name, by_name, by_name, by_id, st.just([]))


def secret_commands(root):
    path = paths_in(root)
    content = st.one_of(
        values.map(lambda v: ["--value", v]),
        st.builds(lambda p, e: ["--file", p, *e], path, _flag("--encoding", encodings)),
        st.just([]))
    set_command = st.builds(
        lambda v, n, c, *flags: ["keyvault", "secret", "set", "--vault-name", v, "-n", n, *c,
                                 *[part for flag in flags for part in flag]],
        vault_names, object_names, content, _tags_flag(), _flag("--expires", dates),
        _flag("--not-before", dates), _flag("--disabled", booleans),
        _flag("--content-type", hostile_text))
    addressed = st.builds(
        lambda verb, address: ["keyvault", "secret", verb, *address],
        st.sampled_from(["show", "list-versions", "delete", "recover", "purge",
                         "show-deleted"]), secret_address())
    versioned = st.builds(
        lambda address, version: ["keyvault", "secret", "show", *address, "--version", version],
        secret_address(), mostly(["", "0" * 32, "f" * 31, "../x"]))
    attributes = st.builds(
        lambda address, *flags: ["keyvault", "secret", "set-attributes", *address,
                                 *[part for flag in flags for part in flag]],
        secret_address(), _flag("--enabled", booleans), _flag("--expires", dates),
        _tags_flag(), _flag("--content-type", hostile_text))
    download = st.builds(
        lambda address, p, e: ["keyvault", "secret", "download", *address, "-f", p, *e],
        secret_address(), path, _flag("--encoding", encodings))
    backup = st.builds(lambda address, p: ["keyvault", "secret", "backup", *address, "-f", p],
                       secret_address(), path)
    restore = st.builds(lambda v, p: ["keyvault", "secret", "restore", "--vault-name", v,
                                      "-f", p], vault_names, path)
    listing = st.builds(lambda verb, v, m: ["keyvault", "secret", verb, "--vault-name", v, *m],
                        st.sampled_from(["list", "list-deleted"]), vault_names,
                        _flag("--maxresults", ints))
    return st.one_of(set_command, addressed, versioned, attributes, download, backup,
                     restore, listing)


def arm_commands(root):
    vault_flags = st.tuples(_flag("--retention-days", ints),
                            _flag("--enable-purge-protection", booleans),
                            _flag("--enable-rbac-authorization", booleans),
                            _flag("-l", st.sampled_from(["eastus", "westeurope", "mars",
                                                         "EastUS", ""])),
                            _tags_flag())
    create = st.builds(lambda n, g, flags: ["keyvault", "create", "-n", n, "-g", g,
                                            *[p for f in flags for p in f]],
                       vault_names, group_names, vault_flags)
    update = st.builds(lambda n, flags: ["keyvault", "update", "-n", n,
                                         *[p for f in flags[:3] for p in f], *flags[4]],
                       vault_names, vault_flags)
    vault_verbs = st.builds(lambda verb, n: ["keyvault", verb, "-n", n],
                            st.sampled_from(["show", "delete", "purge", "recover",
                                             "show-deleted"]), vault_names)
    vault_in_group = st.builds(lambda verb, n, g: ["keyvault", verb, "-n", n, "-g", g],
                               st.sampled_from(["show", "delete", "recover"]), vault_names,
                               group_names)
    vault_lists = st.builds(lambda verb, g, m: ["keyvault", verb, *g, *m],
                            st.sampled_from(["list", "list-deleted"]),
                            _flag("-g", group_names), _flag("--resource-type", hostile_text))
    backup_all = st.builds(lambda v, d: ["keyvault", "backup-all", "--vault-name", v,
                                         "--dir", d], vault_names, paths_in(root))
    group = st.one_of(
        st.builds(lambda verb, n: ["group", verb, "-n", n],
                  st.sampled_from(["show", "exists"]), group_names),
        group_names.map(lambda n: ["group", "delete", "-n", n, "--yes"]),
        st.builds(lambda n, location, t: ["group", "create", "-n", n, "-l", location, *t],
                  group_names, mostly(["eastus", "westeurope", "mars"]), _tags_flag()))
    inspect = paths_in(root).map(lambda p: ["backup", "inspect", p])
    return st.one_of(create, update, vault_verbs, vault_in_group, vault_lists, backup_all,
                     group, group, inspect)


def _check(kv, home, args):
    before = snapshot(home)
    result = kv(*args)
    assert_clean_outcome(result, args)
    if result.exit_code != 0:
        assert differences(before, snapshot(home)) == [], (args, result.stderr)


def test_fuzz_secret_commands(kv, home, fuzz_home, full_stress):
    @(FULL_SETTINGS if full_stress else SETTINGS)
    @given(secret_commands(fuzz_home), outputs)
    def run(args, output):
        _check(kv, home, [*args, *output])

    run()


def test_fuzz_vault_group_and_backup_commands(kv, home, fuzz_home, full_stress):
    @(FULL_SETTINGS if full_stress else SETTINGS)
    @given(arm_commands(fuzz_home), outputs)
    def run(args, output):
        _check(kv, home, [*args, *output])

    run()


def test_fuzz_clock(kv, home, tmp_path, monkeypatch, full_stress):
    monkeypatch.chdir(tmp_path)
    assert kv("clock", "show").exit_code == 0  # the home exists before the first refusal
    command = st.one_of(
        st.builds(lambda d, h: ["clock", "advance", *d, *h], _flag("--days", ints),
                  _flag("--hours", ints)),
        dates.map(lambda d: ["clock", "set", d]),
        st.just(["clock", "reset"]), st.just(["clock", "show"]))

    @(FULL_SETTINGS if full_stress else SETTINGS)
    @given(command)
    def run(args):
        _check(kv, home, args)

    run()


@pytest.mark.parametrize("bad_id", ["https://[.vault.azure.net/secrets/s1",
                                    "https://fuzzvault.vault.azure.net]/secrets/s1",
                                    "https://[::1/secrets/s1"])
def test_malformed_id_urls_are_usage_errors(kv, fuzz_home, bad_id):
    """Found by the fuzz: an unbalanced bracket made urlparse raise ValueError."""
    result = kv("keyvault", "secret", "show", "--id", bad_id)
    assert result.exit_code == 2 and f"'{bad_id}' is not a valid ID" in result.stderr, \
        result.stderr


@pytest.mark.parametrize("args", [
    ["keyvault", "secret", "set", "--vault-name", "fuzzvault", "-n", "s1", "--file", "a\0b"],
    ["keyvault", "backup-all", "--vault-name", "fuzzvault", "--dir", "out\0dir"],
    ["backup", "inspect", "\0"],
])
def test_nul_in_an_argument_is_a_usage_error(kv, home, fuzz_home, args):
    """Found by the fuzz: only an in-process caller can pass a NUL, which every file-system
    call rejects with a bare ValueError."""
    before = snapshot(home)
    result = kv(*args)
    assert result.exit_code == 2 and "NUL" in result.stderr, result.stderr
    assert differences(before, snapshot(home)) == []


def test_fuzz_config_and_account(kv, home, tmp_path, monkeypatch, full_stress):
    """`-o json` is given each time: a fuzzed core.output must not hide the JSON check."""
    monkeypatch.chdir(tmp_path)
    assert kv("account", "show").exit_code == 0
    keys = mostly(["core.output", "core.only_show_errors", "defaults.vault", "defaults.group",
                   "defaults.location", "core.nope", "nosection", "a.b.c"])
    config_values = mostly(["json", "table", "true", "false", "fuzzvault", "eastus", "",
                            "x" * 300])
    command = st.one_of(
        st.lists(st.builds(lambda k, v: f"{k}={v}", keys, config_values), max_size=3)
        .map(lambda pairs: ["config", "set", *pairs]),
        st.lists(keys, max_size=3).map(lambda k: ["config", "get", *k]),
        st.lists(keys, max_size=3).map(lambda k: ["config", "unset", *k]),
        st.sampled_from([["account", "show"], ["account", "list-locations"]]))

    @(FULL_SETTINGS if full_stress else SETTINGS)
    @given(command)
    def run(args):
        _check(kv, home, [*args, "-o", "json"])

    run()
