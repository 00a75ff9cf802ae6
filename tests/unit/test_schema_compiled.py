"""The compiled first pass of a schema check accepts exactly what the field-by-field check
accepts: real records of every kind, and those records with any one place changed."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kvcli.store import paths, schema

JSON_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=False),
    st.sampled_from(["", "x", "2026-01-01T00:00:00+00:00", "2026-01-01T00:00:00", "soon",
                     "0123456789abcdef0123456789abcdef", "0123456789ABCDEF0123456789ABCDEF"]),
    st.just([]), st.just({}), st.just(["x"]), st.just({"a": "b"}), st.just({"a": 1}))
MISSING = object()


def _slow_passes(record, shape) -> bool:
    try:
        schema._check_object(record, shape, "")
    except schema._Mismatch:
        return False
    return True


def _places(value, trail=()):
    """Every place in a JSON document, as the trail of keys and indexes leading to it."""
    yield trail
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _places(item, (*trail, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _places(item, (*trail, index))


def _changed(record, trail, new):
    copied = copy.deepcopy(record)
    if not trail:
        return new
    parent = copied
    for step in trail[:-1]:
        parent = parent[step]
    if new is MISSING:
        del parent[trail[-1]]
    else:
        parent[trail[-1]] = new
    return copied


@pytest.fixture
def records(kv, vault, home):
    """(shape, record) of real files: the home, the vault, a secret, a key, a certificate."""
    kv("keyvault", "secret", "set", "--vault-name", vault, "-n", "s1", "--value", "v")
    kv("keyvault", "secret", "delete", "--vault-name", vault, "-n", "s1")
    kv("keyvault", "key", "create", "--vault-name", vault, "-n", "k1", "--kty", "EC")
    policy = kv("keyvault", "certificate", "get-default-policy").stdout
    kv("keyvault", "certificate", "create", "--vault-name", vault, "-n", "c1", "-p", policy)
    found = [(schema.HOME, paths.home_file(home)),
             (schema.VAULT, home / "vaults" / vault / "vault.json")]
    for collection, name in (("secrets", "s1"), ("keys", "k1"), ("certificates", "c1")):
        found.append((schema.object_shape(collection),
                      paths.object_file(home, vault, collection, name)))
    return [(shape, json.loads(path.read_text())) for shape, path in found]


def test_real_records_pass_both_ways(records):
    for shape, record in records:
        assert schema._compiled(shape)(record)
        assert _slow_passes(record, shape)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_one_change_anywhere_is_judged_alike(records, data):
    shape, record = data.draw(st.sampled_from(records))
    trail = data.draw(st.sampled_from(list(_places(record))))
    new = data.draw(st.one_of(JSON_VALUES, st.just(MISSING) if trail else JSON_VALUES))
    changed = _changed(record, trail, new)
    assert bool(schema._compiled(shape)(changed)) == _slow_passes(changed, shape), (trail, new)
