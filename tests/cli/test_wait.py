"""`keyvault wait` / `keyvault network-rule wait`: az's generic wait against the home."""

from __future__ import annotations

import pytest


@pytest.fixture
def no_sleep(monkeypatch):
    """Count the polls instead of sleeping through them."""
    slept: list[int] = []
    monkeypatch.setattr("kvcli.core.waiting.time.sleep", slept.append)
    return slept


def test_conditions_that_hold_at_once(kv, vault, no_sleep):
    for condition in (["--created"], ["--updated"], ["--exists"],
                      ["--custom", "properties.sku.name=='standard'"]):
        result = kv("keyvault", "wait", "-n", vault, *condition)
        assert (result.exit_code, result.stdout, result.stderr) == (0, "", ""), condition
    assert no_sleep == []


def test_a_condition_is_required(kv, vault):
    result = kv("keyvault", "wait", "-n", vault)
    assert result.exit_code == 1
    assert result.stderr == ("ERROR: incorrect usage: --created | --updated | --deleted | "
                             "--exists | --custom JMESPATH\n")


def test_timeout_prints_an_empty_object_and_succeeds_like_az(kv, vault, no_sleep):
    result = kv("keyvault", "wait", "-n", vault, "--custom", "properties.sku.name=='premium'",
                "--interval", "5", "--timeout", "20")
    assert (result.exit_code, result.stdout) == (0, "{}\n")
    assert no_sleep == [5, 5, 5, 5]


def test_deleted_after_soft_delete(kv, rg, vault, no_sleep):
    kv("keyvault", "delete", "-n", vault)
    with_group = kv("keyvault", "wait", "-n", vault, "-g", rg, "--deleted")
    assert (with_group.exit_code, with_group.stdout) == (0, "")
    # Without -g az's validator must find the vault's group first, and a deleted vault has none.
    without = kv("keyvault", "wait", "-n", vault, "--deleted")
    assert without.stderr == f"ERROR: The Vault '{vault}' not found within subscription.\n"
    created = kv("keyvault", "wait", "-n", vault, "-g", rg, "--created", "--interval", "1",
                 "--timeout", "2")
    assert (created.exit_code, created.stdout) == (0, "{}\n")


def test_bad_custom_query_and_network_rule_wait(kv, vault, no_sleep):
    bad = kv("keyvault", "wait", "-n", vault, "--custom", "[bad")
    assert bad.exit_code == 1
    assert bad.stderr.startswith("ERROR: Invalid jmespath query supplied for `--query`: ")
    rules = kv("keyvault", "network-rule", "wait", "-n", vault, "--updated")
    assert (rules.exit_code, rules.stdout) == (0, "")


def test_group_wait(kv, rg, no_sleep):
    assert kv("group", "wait", "-n", rg, "--created").exit_code == 0
    assert kv("group", "wait", "-n", "nosuch", "--deleted").stdout == ""
    pending = kv("group", "wait", "-n", "nosuch", "--exists", "--interval", "10",
                 "--timeout", "30")
    assert (pending.exit_code, pending.stdout, no_sleep) == (0, "{}\n", [10, 10, 10])
    missing = kv("group", "wait", "-n", "nosuch", "--updated")
    assert missing.exit_code == 3
    assert "(ResourceGroupNotFound)" in missing.stderr
