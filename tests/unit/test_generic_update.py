"""The generic update engine on plain documents: az's path syntax, value parsing, errors."""

from __future__ import annotations

import pytest

from kvcli.core.generic_update import Operation, apply, split_key_value, split_path
from kvcli.errors import KvError


def document() -> dict:
    return {"name": "r", "tags": {"team": "a"},
            "properties": {"items": [{"id": "x", "n": 1}, {"id": "y", "n": 2}],
                           "inner": None, "mode": "on"}}


def run(doc: dict, *operations: tuple[str, ...], force_string: bool = False) -> list[str]:
    warnings: list[str] = []
    apply(doc, [Operation(kind, tuple(values)) for kind, *values in operations],
          force_string=force_string, warn=warnings.append)
    return warnings


def test_paths_and_key_value_split():
    assert split_path("a.b[0].c") == ["a", "b", "[0]", "c"]
    assert split_path("a[id=x].n") == ["a", "[id=x]", "n"]
    assert split_key_value("a[id=x].n=5") == ("a[id=x].n", "5")
    assert split_key_value("a.b=c=d") == ("a.b", "c=d")


def test_set_parses_json_and_literals_unless_forced():
    doc = document()
    run(doc, ("set", "properties.mode=true", "properties.items[1].n=[1, 2]",
              "tags.count={'a': 1}", "tags.plain=hello world"))
    assert doc["properties"]["mode"] is True
    assert doc["properties"]["items"][1]["n"] == [1, 2]
    assert doc["tags"] == {"team": "a", "count": {"a": 1}, "plain": "hello world"}
    run(doc, ("set", "tags.team=12"), force_string=True)
    assert doc["tags"]["team"] == "12"


def test_set_by_key_filter_and_snake_case_names():
    doc = document()
    run(doc, ("set", "properties.items[id=y].n=7", "Properties.Mode=off"))
    assert doc["properties"]["items"][1]["n"] == 7
    assert doc["properties"]["mode"] == "off"


def test_set_through_a_null_property_creates_it():
    doc = document()
    run(doc, ("set", "properties.inner.depth=3"))
    assert doc["properties"]["inner"] == {"depth": 3}


def test_unknown_model_property_is_sent_as_additional_with_a_warning():
    doc = document()
    warnings = run(doc, ("set", "properties.extra=1"))
    assert warnings == ["Property 'extra' not found on properties. Send it as an additional "
                        "property ."]


def test_add_collects_key_value_runs_and_json_values():
    doc = document()
    run(doc, ("add", "properties.items", "id=z", "n=3", '{"id": "w"}', "plain"))
    assert doc["properties"]["items"][2:] == [{"id": "z", "n": "3"}, {"id": "w"}, "plain"]


def test_remove_index_key_and_model_property():
    doc = document()
    run(doc, ("remove", "properties.items", "0"), ("remove", "tags.team"),
        ("remove", "properties.mode"))
    assert doc["properties"]["items"] == [{"id": "y", "n": 2}]
    assert doc["tags"] == {}
    assert doc["properties"]["mode"] is None


@pytest.mark.parametrize(("operation", "message"), [
    (("set", "properties.nope.x=1"),
     "Couldn't find 'nope' in 'properties'. Available options: ['additionalProperties', "
     "'inner', 'items', 'mode']"),
    (("set", "properties.items.x=1"),
     "Couldn't find 'x' in 'properties.items'. Available options: index into the collection "
     "'properties.items' with [<index>] or [<key=value>]"),
    (("set", "properties.mode.x=1"),
     "Couldn't find 'x' in 'properties.mode'. 'properties.mode' does not support further "
     "indexing."),
    (("set", "properties.items[5].n=1"), "index 5 doesn't exist on items"),
    (("set", "properties.items[id=q].n=1"), "item with value 'q' doesn't exist for key 'id' "
                                            "on items"),
    (("set", "=1"), "usage error: Empty key in --set. Correct syntax: --set KEY=VALUE "
                    "[KEY=VALUE ...]"),
    (("add", "properties.mode", "x"),
     "invalid syntax: `--add property.listProperty <key=value, string or JSON string>`"),
    (("remove", "properties.items", "9"), "index 9 doesn't exist on items"),
    (("remove", "properties.items", "first"),
     "invalid syntax: `--remove property.list <indexToRemove>` OR `--remove propertyToRemove`"),
])
def test_az_error_texts(operation, message):
    with pytest.raises(KvError) as error:
        run(document(), operation)
    assert error.value.message == message


from hypothesis import given, settings, strategies as st  # noqa: E402

_TOKENS = st.sampled_from(["properties", "items", "tags", "team", "mode", "inner", "x", ".",
                           "[0]", "[9]", "[-1]", "[id=x]", "[n=2]", "[x]", "=", "1", "{}",
                           "[]", '"s"', "null", "[", "]"])
_WORDS = st.one_of(st.text(alphabet="ab.[]=01-{}\"' ", max_size=20),
                   st.lists(_TOKENS, max_size=8).map("".join))


@settings(max_examples=500, deadline=None)
@given(kind=st.sampled_from(["set", "add", "remove"]),
       words=st.lists(_WORDS, min_size=1, max_size=3))
def test_any_input_fails_only_with_an_az_error(kind, words):
    """Whatever the user types, the result is a change or a KvError: never a traceback."""
    try:
        run(document(), (kind, *words))
    except KvError:
        pass
