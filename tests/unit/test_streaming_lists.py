"""Lists rendered as they are read (issue 15 part 3): the text is byte for byte what the
whole list renders to, in every output format and under --query, and only a page of rows
is held while it is written."""

from __future__ import annotations

import json
import tracemalloc
from collections import OrderedDict
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kvcli.output import formats
from kvcli.output.formats import OUTPUT_FORMATS, render, render_rows
from kvcli.output.query import apply_query, compile_query, is_row_wise

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20),
                    st.floats(allow_nan=True, allow_infinity=True),
                    st.text(max_size=12))
KEYS = st.text(min_size=1, max_size=8)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(KEYS, inner, max_size=4)), max_leaves=10)
ROWS = st.lists(st.dictionaries(KEYS, VALUES, max_size=5), max_size=9)

# Row-wise queries stream; the others need the whole list.
QUERIES = ["[].name", "[*].name", "[?enabled].name", "[].{n: name, e: enabled}",
           "[?name=='b'].tags", "[]", "[*]", "[].tags.*", "[].name | sort(@)", "length(@)",
           "[0]", "[:2].name", "reverse(@)[].name", "[-1].name"]
ROW_WISE = {"[].name", "[*].name", "[?enabled].name", "[].{n: name, e: enabled}",
            "[?name=='b'].tags", "[]", "[*]", "[].tags.*"}
NAMED_ROWS = st.lists(st.fixed_dictionaries({
    "name": st.sampled_from(["a", "b", "é", "c\td"]), "enabled": st.booleans(),
    "tags": st.dictionaries(st.sampled_from(["x", "y"]), st.text(max_size=3), max_size=2),
    "id": st.text(max_size=5)}), max_size=7)


def streamed(rows, fmt, **options) -> str:
    return "".join(render_rows(iter(rows), fmt, **options))


def whole(rows, fmt, query=None, **options) -> str:
    if query is not None:
        return render(apply_query(query, rows), fmt, query_given=True, **options)
    return render(rows, fmt, **options)


@pytest.fixture(params=[1, 2, 256], ids=lambda size: f"page-{size}")
def page_size(request):
    with mock.patch.object(formats, "ROWS_PER_PAGE", request.param):
        yield request.param


@settings(max_examples=60, deadline=None)
@given(rows=ROWS)
def test_every_format_streams_the_text_of_the_whole_list(rows):
    for size in (1, 3, 256):
        with mock.patch.object(formats, "ROWS_PER_PAGE", size):
            for fmt in OUTPUT_FORMATS:
                try:
                    expected = whole(rows, fmt)
                except Exception as error:  # table of odd values: the same error either way
                    with pytest.raises(type(error)):
                        streamed(rows, fmt)
                    continue
                assert streamed(rows, fmt) == expected, (fmt, size)


@settings(max_examples=60, deadline=None)
@given(rows=NAMED_ROWS, query=st.sampled_from(QUERIES))
def test_a_query_gives_the_text_of_the_whole_list(rows, query):
    compiled = compile_query(query)
    for fmt in OUTPUT_FORMATS:
        with mock.patch.object(formats, "ROWS_PER_PAGE", 2):
            assert streamed(rows, fmt, query=compiled) == whole(rows, fmt, compiled), fmt


@pytest.mark.parametrize("query", QUERIES)
def test_only_per_item_queries_are_row_wise(query):
    assert is_row_wise(compile_query(query)) == (query in ROW_WISE)


def test_a_table_transformer_and_colour_render_the_whole_list(page_size):
    rows = [{"name": f"n{i}", "id": str(i)} for i in range(5)]

    def transformer(items):
        return [{"Name": item["name"], "Count": len(items)} for item in items]

    assert streamed(rows, "table", table_transformer=transformer) == \
        render(rows, "table", table_transformer=transformer)
    assert streamed(rows, "jsonc", color=True) == render(rows, "jsonc", color=True)


def test_empty_list_in_every_format():
    for fmt in OUTPUT_FORMATS:
        assert streamed([], fmt) == render([], fmt), fmt


def test_unusual_values_fall_back_to_the_standard_encoder():
    rows = [{"f": 1.5, "n": float("nan")}, OrderedDict(b=1, a=2), {"t": (1, 2)}, {1: "x"},
            {"b": b"bytes"}, "text", 7, None, [1, [2, {}]]]
    assert streamed(rows, "json") == render(rows, "json")


def test_nothing_is_written_before_the_first_row_is_read():
    def failing():
        raise LookupError("no such vault")
        yield  # pragma: no cover - makes this a generator

    for fmt in OUTPUT_FORMATS:
        pieces = render_rows(failing(), fmt)
        with pytest.raises(LookupError):
            next(pieces)


def test_one_page_of_rows_is_held_while_a_long_list_is_written():
    """8 000 rows of about 700 bytes: the list itself would take over 10 MB."""
    def rows():
        for number in range(8_000):
            yield {"attributes": {"created": "2026-01-01T00:00:00+00:00", "enabled": True},
                   "id": f"https://v.vault.azure.net/secrets/s-{number:06d}" + "x" * 200,
                   "name": f"s-{number:06d}", "tags": {"owner": "y" * 200}}

    tracemalloc.start()
    try:
        written = sum(len(piece) for piece in render_rows(rows(), "json"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert written > 4_000_000
    assert peak < 2_000_000, peak


# --- through the CLI: the streamed list against the whole list's render ----------------
def _fill(kv, vault):
    for name, extra in (("alpha", ["--tags", "team=é", "x="]), ("beta", ["--disabled", "true"]),
                        ("gamma", ["--content-type", "text/plain"]), ("delta", []),
                        ("eps-1", ["--expires", "2030-01-01T00:00:00Z"])):
        result = kv("keyvault", "secret", "set", "--vault-name", vault, "-n", name,
                    "--value", "v", *extra)
        assert result.exit_code == 0, result.stderr
    assert kv("keyvault", "secret", "delete", "--vault-name", vault, "-n", "delta").exit_code == 0


@pytest.mark.parametrize("fmt", OUTPUT_FORMATS)
@pytest.mark.parametrize("query", [None, "[].name", "[?attributes.enabled].{n: name}",
                                   "sort_by(@, &name)[].id", "length(@)"])
def test_cli_lists_print_the_whole_lists_text(kv, vault, home, fmt, query):
    from kvcli.cli.secret import _deleted_table, _list_table
    from kvcli.core import secrets
    from kvcli.store.home import Home

    _fill(kv, vault)
    for verb, listing, table in (("list", secrets.list_secrets, _list_table),
                                 ("list-deleted", secrets.list_deleted_secrets,
                                  _deleted_table)):
        rows = list(listing(Home.open(home), vault))
        compiled = None if query is None else compile_query(query)
        expected = whole(rows, fmt, compiled, table_transformer=table)
        args = ["keyvault", "secret", verb, "--vault-name", vault, "-o", fmt]
        result = kv(*args, *(["--query", query] if query else []))
        assert result.exit_code == 0, result.stderr
        assert result.stdout == expected, (verb, fmt, query)


def test_cli_list_is_one_access_check_and_one_audit_line_after_the_read(kv, vault, home):
    _fill(kv, vault)
    from kvcli.store import paths

    log = paths.audit_log_file(home)
    before = log.read_text().splitlines()
    result = kv("keyvault", "secret", "list", "--vault-name", vault, "-o", "none")
    assert result.exit_code == 0 and result.stdout == ""
    added = [json.loads(line) for line in log.read_text().splitlines()[len(before):]]
    assert [(e["operationName"], e["result"]) for e in added] == [("SecretList", "Success")]


def test_a_missing_vault_prints_nothing_on_stdout(kv, rg):
    for fmt in OUTPUT_FORMATS:
        result = kv("keyvault", "secret", "list", "--vault-name", "nosuchvault", "-o", fmt)
        assert result.exit_code == 1 and result.stdout == "", fmt
        assert result.stderr.startswith("ERROR: "), result.stderr


def test_keys_and_certificates_list_the_same_text_as_their_whole_lists(kv, vault, home):
    from kvcli.core import certificates, keys
    from kvcli.store.home import Home

    for name in ("k1", "k2"):
        assert kv("keyvault", "key", "create", "--vault-name", vault, "-n", name,
                  "--kty", "EC").exit_code == 0
    assert kv("keyvault", "key", "delete", "--vault-name", vault, "-n", "k2").exit_code == 0
    policy = kv("keyvault", "certificate", "get-default-policy").stdout
    assert kv("keyvault", "certificate", "create", "--vault-name", vault, "-n", "c1",
              "-p", policy).exit_code == 0
    for group, verb, listing in (("key", "list", keys.list_keys),
                                 ("key", "list-deleted", keys.list_deleted_keys),
                                 ("certificate", "list", certificates.list_certificates),
                                 ("certificate", "list-deleted",
                                  certificates.list_deleted_certificates)):
        rows = list(listing(Home.open(home), vault))
        for fmt in ("json", "yaml", "tsv"):
            result = kv("keyvault", group, verb, "--vault-name", vault, "-o", fmt)
            assert result.exit_code == 0, result.stderr
            assert result.stdout == render(rows, fmt), (group, verb, fmt)
