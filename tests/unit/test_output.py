"""kvcli.output: az's stdout rendering, pinned byte for byte.

Expected texts were produced by knack 0.14.0 (az 2.91's output layer) with tabulate 0.10.0
and PyYAML 6, then written out here by hand. When knack and tabulate happen to be
installed, a property test also compares random results against them directly.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import OrderedDict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kvcli.errors import ExitCode, KvError, UsageError
from kvcli.output.formats import OUTPUT_FORMATS, TABLE_UNAVAILABLE, render
from kvcli.output.query import QUERY_REFERENCE, apply_query, compile_query

SECRET = {
    "attributes": {"created": "2024-01-01T00:00:00+00:00", "enabled": True, "expires": None,
                   "recoverableDays": 90, "recoveryLevel": "Recoverable+Purgeable"},
    "contentType": "text/plain",
    "id": "https://v.vault.azure.net/secrets/s/abc123",
    "kid": None,
    "managed": None,
    "name": "s",
    "tags": {},
    "value": "hunter3",
}

NESTED = {"name": "ünï", "list": [1, "two", None, True, {"z": 1, "a": []}],
          "obj": {"b": False, "a": 1.5, "c": None}, "empty": {}, "none": None, "emoji": "🔑"}

ROWS = [
    {"name": "alpha", "enabled": True, "n": 7, "id": "x", "tags": {"a": "b"}, "note": None},
    {"name": "b", "enabled": False, "n": 12345, "type": "t", "etag": "e", "note": "hi"},
]


def lines(*rows: str) -> str:
    """Expected output written one line per argument, each ending in a newline."""
    return "".join(row + "\n" for row in rows)


# --------------------------------------------------------------------------- general

def test_formats_are_azs_list_in_its_order():
    assert OUTPUT_FORMATS == ("json", "jsonc", "yaml", "yamlc", "table", "tsv", "none")


@pytest.mark.parametrize("fmt", OUTPUT_FORMATS)
def test_none_result_prints_nothing_in_every_format(fmt):
    assert render(None, fmt) == ""
    assert render(None, fmt, query_given=True, table_transformer=lambda r: r, color=True) == ""


@pytest.mark.parametrize("result", [SECRET, [], "x", 0, False])
def test_none_format_prints_nothing(result):
    assert render(result, "none") == ""


@pytest.mark.parametrize("result", [0, False, ""])
def test_falsy_results_are_still_printed(result):
    assert render(result, "json") == json.dumps(result) + "\n"


def test_importing_the_package_loads_neither_jmespath_nor_yaml():
    code = ("import sys, kvcli.output.formats, kvcli.output.query;"
            "print(sorted(m for m in ('jmespath', 'yaml', 'pygments') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


# --------------------------------------------------------------------------- json

def test_json_sorts_keys_at_every_level_and_keeps_unicode():
    assert render(NESTED, "json") == (
        '{\n  "emoji": "🔑",\n  "empty": {},\n  "list": [\n    1,\n    "two",\n    null,\n'
        '    true,\n    {\n      "a": [],\n      "z": 1\n    }\n  ],\n  "name": "ünï",\n'
        '  "none": null,\n  "obj": {\n    "a": 1.5,\n    "b": false,\n    "c": null\n  }\n}\n')


def test_json_still_sorts_keys_of_a_query_result():
    ordered = OrderedDict([("zeta", 1), ("alpha", OrderedDict([("y", 2), ("b", 3)]))])
    assert render(ordered, "json", query_given=True) == (
        '{\n  "alpha": {\n    "b": 3,\n    "y": 2\n  },\n  "zeta": 1\n}\n')


def test_json_scalars_and_empty_list():
    assert render("hunter3", "json") == '"hunter3"\n'
    assert render([], "json") == "[]\n"
    assert render(True, "json") == "true\n"
    assert render(1.5, "json") == "1.5\n"


def test_json_has_no_trailing_spaces_after_commas():
    text = render({"a": [1, 2], "b": {"c": 1}}, "json")
    assert all(not line.endswith(" ") for line in text.splitlines())


def test_jsonc_without_colour_is_json():
    assert render(NESTED, "jsonc") == render(NESTED, "json")
    assert render(NESTED, "jsonc", color=False) == render(NESTED, "json")


def test_jsonc_with_colour_is_the_json_text_coloured():
    coloured = render(SECRET, "jsonc", color=True)
    assert "\x1b[" in coloured
    import re

    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == render(SECRET, "json")


def test_json_with_colour_flag_stays_plain():
    assert render(SECRET, "json", color=True) == render(SECRET, "json")


# --------------------------------------------------------------------------- yaml

def test_yaml_is_block_style_sorted_and_unicode():
    assert render(NESTED, "yaml") == (
        "emoji: 🔑\nempty: {}\nlist:\n- 1\n- two\n- null\n- true\n- a: []\n  z: 1\n"
        "name: ünï\nnone: null\nobj:\n  a: 1.5\n  b: false\n  c: null\n")


def test_yaml_accepts_ordered_dicts_from_a_query():
    ordered = OrderedDict([("z", 1), ("a", OrderedDict([("y", None)]))])
    assert render(ordered, "yaml", query_given=True) == "a:\n  y: null\nz: 1\n"
    assert render([ordered], "yaml") == "- a:\n    y: null\n  z: 1\n"


def test_yaml_bare_string_has_document_end_marker():
    assert render("hunter3", "yaml") == "hunter3\n...\n"


def test_yamlc_without_colour_is_yaml_and_with_colour_is_coloured():
    assert render(NESTED, "yamlc") == render(NESTED, "yaml")
    coloured = render(NESTED, "yamlc", color=True)
    assert coloured != render(NESTED, "yaml") and "\x1b[" in coloured


# --------------------------------------------------------------------------- tsv

def test_tsv_secret_show_matches_az():
    # az-reference §1.1: real `az keyvault secret show -o tsv`.
    assert render(SECRET, "tsv") == (
        "\ttext/plain\thttps://v.vault.azure.net/secrets/s/abc123\tNone\tNone\ts\t\thunter3\n")


def test_tsv_query_value_prints_the_bare_secret():
    value = apply_query(compile_query("value"), SECRET)
    assert render(value, "tsv", query_given=True) == "hunter3\n"


def test_tsv_list_gives_one_row_per_item_with_sorted_values():
    assert render(ROWS, "tsv") == lines(
        "True\tx\t7\talpha\tNone\t",
        "False\te\t12345\tb\thi\tt",
    )


def test_tsv_nested_list_is_its_length_and_nested_dict_is_empty():
    assert render({"b": [1, 2, 3], "a": {"x": 1}, "c": []}, "tsv") == "\t3\t0\n"


def test_tsv_booleans_lowercase_only_when_bare():
    assert render(True, "tsv") == "true\n"
    assert render([True, False], "tsv") == "true\nfalse\n"
    assert render({"a": True}, "tsv") == "True\n"
    assert render([[True, None, 1.5]], "tsv") == "True\tNone\t1.5\n"


def test_tsv_scalars_and_empty_list():
    assert render(42, "tsv") == "42\n"
    assert render("", "tsv") == "\n"
    assert render([], "tsv") == ""
    assert render(["a", None, 3], "tsv") == "a\nNone\n3\n"


def test_tsv_keeps_query_order_for_multiselect_hash_but_sorts_plain_dicts():
    data = [{"name": "s1", "contentType": "x", "id": "i1"}]
    hashed = apply_query(compile_query("[].{n: name, c: contentType, i: id}"), data)
    assert render(hashed, "tsv", query_given=True) == "s1\tx\ti1\n"
    # A plain field projection returns the original (plain) dicts: knack sorts those.
    plain = apply_query(compile_query("[0]"), data)
    assert render(plain, "tsv", query_given=True) == "x\ti1\ts1\n"


def test_tsv_keeps_values_raw():
    assert render({"a": "x\ty\nz", "b": "ü"}, "tsv") == "x\ty\nz\tü\n"


# --------------------------------------------------------------------------- table

def test_table_auto_sorted_skips_id_type_etag_nested_and_null():
    assert render(ROWS, "table") == lines(
        "Enabled    N      Name    Note",
        "---------  -----  ------  ------",
        "True       7      alpha",
        "False      12345  b       hi",
    )


def test_table_secret_show():
    assert render(SECRET, "table") == lines(
        "ContentType    Name    Value",
        "-------------  ------  -------",
        "text/plain     s       hunter3",
    )


def test_table_with_query_keeps_item_key_order():
    assert render(ROWS, "table", query_given=True) == lines(
        "Name    Enabled    N      Note",
        "------  ---------  -----  ------",
        "alpha   True       7",
        "b       False      12345  hi",
    )


def _transformer(result):
    return [OrderedDict([("Name", item["name"]), ("Id", item.get("id")),
                         ("Enabled", item["enabled"]), ("Expires", None)]) for item in result]


def test_table_transformer_sets_columns_and_order_and_drops_null_columns():
    assert render(ROWS, "table", table_transformer=_transformer) == lines(
        "Name    Id    Enabled",
        "------  ----  ---------",
        "alpha   x     True",
        "b             False",
    )


def test_table_transformer_is_ignored_when_a_query_is_given():
    query_result = apply_query(compile_query("[].{Vault: name, Count: n}"), ROWS)
    assert render(query_result, "table", query_given=True,
                  table_transformer=_transformer) == lines(
        "Vault    Count",
        "-------  -------",
        "alpha    7",
        "b        12345",
    )


def test_table_transformer_output_is_not_sorted():
    out = render([{"b": 1, "a": 2}], "table",
                 table_transformer=lambda r: [OrderedDict([("Zed", 1), ("Abe", 2)])])
    assert out.splitlines()[0] == "Zed    Abe"


def test_table_failing_transformer_is_table_unavailable():
    def broken(result):
        raise KeyError("name")

    with pytest.raises(KvError) as info:
        render([{"x": 1}], "table", table_transformer=broken)
    assert info.value.message == TABLE_UNAVAILABLE == (
        "Table output unavailable. Use the --query option to specify an appropriate query. "
        "Use --debug for more info.")
    assert info.value.exit_code == ExitCode.ERROR


def test_table_empty_list_and_no_columns_print_a_blank_line():
    # knack: tabulate returns "" for these and knack appends "\n".
    assert render([], "table") == "\n"
    assert render([{"id": "x", "tags": {}}], "table") == "\n"
    assert render([{}, {}], "table") == "\n"


def test_table_bare_scalars_use_a_result_column():
    assert render("hunter3", "table") == lines("Result", "--------", "hunter3")
    assert render(["a", None, True], "table") == lines("Result", "--------", "a", "", "True")


def test_table_list_items_become_numbered_columns_unfiltered():
    assert render([["a", None, {"x": 1}], ["bb"]], "table", query_given=True) == lines(
        "Column1    Column2    Column3",
        "---------  ---------  ---------",
        "a                     {'x': 1}",
        "bb",
    )


def test_table_numbers_are_left_aligned_and_header_gets_two_spaces_padding():
    assert render([{"n": 1}, {"n": 1000000}], "table") == lines(
        "N", "-------", "1", "1000000")
    assert render({"a": 1.5, "b": -2}, "table") == lines(
        "A    B", "---  ---", "1.5  -2")


def test_table_capitalises_only_the_first_letter_and_keeps_unicode():
    assert render(OrderedDict([("zeta", 1), ("alpha", "ä")]), "table",
                  query_given=True) == lines(
        "Zeta    Alpha", "------  -------", "1       ä")
    assert render({"ünder": "日本語"}, "table") == lines("Ünder", "-------", "日本語")


def test_table_strips_cell_whitespace_and_trailing_spaces():
    assert render([{"k": "  padded  ", "v": "x"}], "table") == lines(
        "K       V", "------  ---", "padded  x")


def test_table_multiline_cells_span_lines():
    assert render([{"k": "line1\nline22", "v": "x"}, {"k": "a", "v": "y\nz"}],
                  "table") == lines(
        "K       V",
        "------  ---",
        "line1   x",
        "line22",
        "a       y",
        "        z",
    )


def test_table_colour_codes_do_not_count_towards_width():
    assert render([{"k": "\x1b[31mred\x1b[0m", "v": "x"}, {"k": "plain-long", "v": "y"}],
                  "table") == lines(
        "K           V",
        "----------  ---",
        "\x1b[31mred\x1b[0m         x",
        "plain-long  y",
    )


def test_table_missing_fields_are_blank_columns_in_first_seen_order():
    out = render([{"b": 1}, {"a": "x", "b": 2}], "table", query_given=True)
    assert out == lines("B    A", "---  ---", "1", "2    x")


# --------------------------------------------------------------------------- --query

def test_compile_error_is_an_argparse_usage_error():
    with pytest.raises(UsageError) as info:
        compile_query("[bad")
    error = info.value
    assert error.message == "argument --query: invalid jmespath_type value: '[bad'"
    assert error.recommendations == (QUERY_REFERENCE,)
    assert QUERY_REFERENCE == ("To learn more about --query, please visit: "
                               "'https://learn.microsoft.com/cli/azure/query-azure-cli'")
    assert error.exit_code == ExitCode.USAGE
    assert error.render()[:2] == [
        "ERROR: argument --query: invalid jmespath_type value: '[bad'", QUERY_REFERENCE]


@pytest.mark.parametrize("expression, shown", [
    ("", "''"),
    ("{a:b", "'{a:b'"),
    ("[?name=='x'", "\"[?name=='x'\""),  # argparse uses repr(): double quotes here
])
def test_compile_error_shows_the_expression_like_argparse(expression, shown):
    with pytest.raises(UsageError) as info:
        compile_query(expression)
    assert info.value.message == f"argument --query: invalid jmespath_type value: {shown}"


def test_apply_query_keeps_multiselect_hash_order():
    result = apply_query(compile_query("{subj: x.subject, size: y, a: z}"),
                         {"x": {"subject": "CN=a"}, "y": 2, "z": None})
    assert isinstance(result, OrderedDict)
    assert list(result) == ["subj", "size", "a"]
    assert list(result.values()) == ["CN=a", 2, None]


def test_apply_query_filter_and_projection():
    data = [{"id": "1", "attributes": {"enabled": True}},
            {"id": "2", "attributes": {"enabled": False}}]
    ids = apply_query(compile_query("[?attributes.enabled].id"), data)
    assert ids == ["1"]
    assert render(ids, "tsv", query_given=True) == "1\n"


def test_apply_query_yielding_null_prints_nothing():
    result = apply_query(compile_query("properties.missing"), {"properties": {}})
    assert result is None
    assert render(result, "json", query_given=True) == ""


@pytest.mark.parametrize("expression, message", [
    ("length(@)", "In function length(), invalid type for value: None, expected one of: "
                  "['string', 'array', 'object'], received: \"null\""),
    ("nosuch(@)", "Unknown function: nosuch()"),
])
def test_runtime_query_error_is_a_plain_error(expression, message):
    with pytest.raises(KvError) as info:
        apply_query(compile_query(expression), None)
    error = info.value
    assert not isinstance(error, UsageError)
    assert error.exit_code == ExitCode.ERROR
    assert error.message == f"Invalid jmespath query supplied for `--query`: {message}"
    assert error.recommendations == (QUERY_REFERENCE,)


def test_runtime_type_error_inside_jmespath_is_worded_as_a_query_error():
    with pytest.raises(KvError) as info:
        apply_query(compile_query("max_by(@, &a)"), [{"a": 1}, {"a": "x"}])
    assert info.value.message.startswith("Invalid jmespath query supplied for `--query`: ")


# --------------------------------------------------------------------------- properties

_scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                     st.floats(allow_nan=False, allow_infinity=False),
                     st.text(max_size=12))
_keys = st.one_of(st.sampled_from(["id", "type", "etag", "name", "Name", "value", ""]),
                  st.text(max_size=6))
_values = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(_keys, inner, max_size=4)), max_leaves=12)
_results = st.one_of(_scalars, st.dictionaries(_keys, _values, max_size=6),
                     st.lists(st.one_of(st.dictionaries(_keys, _values, max_size=6), _values),
                              max_size=5))


@settings(max_examples=200, deadline=None)
@given(_results)
def test_json_output_round_trips(result):
    if result is None:
        return
    assert json.loads(render(result, "json")) == result


@settings(max_examples=200, deadline=None)
@given(st.lists(st.dictionaries(st.text(alphabet="abcXY_", min_size=1, max_size=5),
                                _scalars, max_size=5), min_size=1, max_size=5), st.booleans())
def test_table_headers_start_where_dash_runs_start(rows, query_given):
    import re

    text = render(rows, "table", query_given=query_given)
    assert text.endswith("\n")
    out = text[:-1].split("\n")
    assert all(line == line.rstrip() for line in out)
    if len(out) < 2:
        assert out == [""]  # no column survived: one blank line
        return
    header, dashes = out[0], out[1]
    assert set(dashes) <= {"-", " "}
    dash_starts = [m.start() for m in re.finditer(r"-+", dashes)]
    header_starts = [m.start() for m in re.finditer(r"\S+", header)]
    assert header_starts == dash_starts
    runs = [len(m.group()) for m in re.finditer(r"-+", dashes)]
    words = header.split()
    assert all(run >= len(word) + 2 for run, word in zip(runs, words))


_knack_output = None


def _knack():
    """knack's formatters when knack and tabulate are installed (not a kvcli dependency)."""
    global _knack_output
    if _knack_output is None:
        output = pytest.importorskip("knack.output")
        pytest.importorskip("tabulate")
        _knack_output = output
    return _knack_output


@settings(max_examples=300, deadline=None)
@given(_results, st.sampled_from(["json", "yaml", "tsv", "table"]), st.booleans())
def test_matches_knack_when_available(result, fmt, query_given):
    output = _knack()
    from knack.util import CLIError, CommandResultItem

    formatter = {"json": output.format_json, "yaml": output.format_yaml,
                 "tsv": output.format_tsv, "table": output.format_table}[fmt]
    if result is None:
        return
    try:
        expected = formatter(CommandResultItem(result, is_query_active=query_given))
    except CLIError as ex:
        expected = f"error: {ex}"
    try:
        actual = render(result, fmt, query_given=query_given)
    except KvError as ex:
        actual = f"error: {ex.message}"
    assert actual == expected
