"""Render a command result exactly as az (knack 0.14 + tabulate 0.10) writes it to stdout.

Every renderer returns the full text, trailing newline included; `render` returns ""
when az prints nothing. Heavy modules (yaml, pygments) are imported only by the format
that needs them, because this module is imported on every command.

Facts pinned here were read in knack's `output.py` and tabulate's source and checked
byte for byte against them (see tests/unit/test_output.py):
* json/yaml always sort keys, even after --query (knack passes sort_keys=True).
* tsv orders a plain dict's values by key but keeps an OrderedDict's order; --query's
  multiselect hash (`{a:x, b:y}`) is the only thing that makes OrderedDicts.
* table: an empty list, or items with no scalar field left, print a single blank line
  ("\\n"), not an error: tabulate returns "" and knack appends "\\n". The "Table output
  unavailable" error is raised only when building the table fails (e.g. the transformer
  raises).
"""

from __future__ import annotations

import json
from collections import OrderedDict
from json.encoder import encode_basestring as _encode_string
from typing import Any, Callable, Iterator

from kvcli.errors import KvError

OUTPUT_FORMATS = ("json", "jsonc", "yaml", "yamlc", "table", "tsv", "none")

TABLE_UNAVAILABLE = ("Table output unavailable. Use the --query option to specify an "
                     "appropriate query. Use --debug for more info.")


def render(result: Any, fmt: str, *, query_given: bool = False,
           table_transformer: Callable[[Any], Any] | None = None,
           color: bool = False) -> str:
    """The exact stdout text az prints for `result` in format `fmt`."""
    if result is None or fmt == "none":
        return ""  # knack skips output entirely for a None result
    if fmt in ("json", "jsonc"):
        text = format_json(result)
        return _colorize(text, "json") if fmt == "jsonc" and color else text
    if fmt in ("yaml", "yamlc"):
        text = format_yaml(result)
        return _colorize(text, "yaml") if fmt == "yamlc" and color else text
    if fmt == "tsv":
        return format_tsv(result)
    if fmt == "table":
        return format_table(result, query_given=query_given,
                            table_transformer=table_transformer)
    raise ValueError(f"unknown output format {fmt!r}")  # validated by the CLI layer


# --------------------------------------------------------------------------- streaming

ROWS_PER_PAGE = 256  # rows held at once while a list is rendered as it is read


def render_rows(rows: Iterator[Any], fmt: str, *, query: Any = None,
                table_transformer: Callable[[Any], Any] | None = None,
                color: bool = False) -> Iterator[str]:
    """The text `render` gives for `list(rows)` (after `query`), in pieces made as the rows
    are read: json, uncoloured jsonc, yaml, tsv and none hold one page of rows at a time.
    The whole list is held where the output needs all of it: table (columns as wide as the
    widest cell), coloured jsonc/yamlc (highlighted as one text), and a query that is not
    row-wise (`sort_by(...)`, `length(@)`, `[0]`, a pipe). Nothing is yielded before the
    first row is read, so an error raised there (no such vault, access denied) comes before
    any output."""
    from kvcli.output.query import apply_query, is_row_wise

    if query is not None and is_row_wise(query):
        rows = (value for row in rows for value in apply_query(query, [row]))
    elif query is not None:
        yield render(apply_query(query, list(rows)), fmt, query_given=True, color=color)
        return
    if fmt == "table" or (color and fmt in ("jsonc", "yamlc")):
        yield render(list(rows), fmt, query_given=query is not None,
                     table_transformer=table_transformer, color=color)
        return
    first = True
    for page in _pages(rows):
        if fmt in ("json", "jsonc"):
            yield ("[\n  " if first else ",\n  ") + ",\n  ".join(map(_json_item, page))
        elif fmt in ("yaml", "yamlc"):
            yield format_yaml(page)
        elif fmt == "tsv":
            yield format_tsv(page)
        first = False
    if fmt in ("json", "jsonc"):
        yield "[]\n" if first else "\n]\n"
    elif first and fmt in ("yaml", "yamlc"):
        yield format_yaml([])


def _pages(rows: Iterator[Any]) -> Iterator[list]:
    page = []
    for row in rows:
        page.append(row)
        if len(page) == ROWS_PER_PAGE:
            yield page
            page = []
    if page:
        yield page


def _json_item(item: Any) -> str:
    """One item of a JSON list as `format_json` indents it (two spaces deeper than the
    list). The standard encoder has no C path once indenting; this one is about 4x faster
    for the plain values a command returns and hands anything else to `json.dumps`."""
    try:
        return _indented(item, "  ")
    except _Unusual:
        return format_json(item)[:-1].replace("\n", "\n  ")  # JSON text has no raw newline


class _Unusual(Exception):
    """A value `_indented` leaves to the standard encoder (a subclass, a non-string key)."""


def _indented(value: Any, margin: str) -> str:
    kind = type(value)
    if kind is dict:
        if not value:
            return "{}"
        inner = margin + "  "
        fields = []
        for key in sorted(value):
            if type(key) is not str:
                raise _Unusual
            fields.append(f"{inner}{_encode_string(key)}: {_scalar(value[key], inner)}")
        return "{\n" + ",\n".join(fields) + "\n" + margin + "}"
    if kind is list:
        if not value:
            return "[]"
        inner = margin + "  "
        return "[\n" + ",\n".join([inner + _scalar(item, inner) for item in value]) \
            + "\n" + margin + "]"
    return _scalar(value, margin)


def _scalar(value: Any, margin: str) -> str:
    """A field's value: the common scalars here, anything else through `_indented`."""
    kind = type(value)
    if kind is str:
        return _encode_string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return int.__repr__(value)
    if kind is dict or kind is list:
        return _indented(value, margin)
    raise _Unusual  # floats, tuples, bytes, OrderedDicts: the standard encoder's rules


# --------------------------------------------------------------------------- json / yaml

def _json_default(value: Any) -> Any:
    """knack's encoder turns bytes into text; anything else is a programming error."""
    if isinstance(value, (bytes, bytearray)):
        return value.decode()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def format_json(result: Any) -> str:
    """knack `format_json`: sorted keys at every level, non-ASCII kept."""
    return json.dumps(result, ensure_ascii=False, indent=2, sort_keys=True,
                      separators=(",", ": "), default=_json_default) + "\n"


def format_yaml(result: Any) -> str:
    """knack `format_yaml`: block style; OrderedDicts (from --query) go through JSON first."""
    import yaml

    try:
        return yaml.safe_dump(result, default_flow_style=False, allow_unicode=True)
    except yaml.representer.RepresenterError:
        plain = json.loads(json.dumps(result, default=_json_default))
        return yaml.safe_dump(plain, default_flow_style=False, allow_unicode=True)


def _colorize(text: str, language: str) -> str:
    """jsonc/yamlc on a colour terminal: pygments' TerminalFormatter, as knack does.

    pygments comes with rich (a dependency); without it the plain text is printed.
    """
    try:
        from pygments import highlight
        from pygments.formatters import TerminalFormatter
        from pygments.lexers import JsonLexer, YamlLexer
    except ImportError:  # pragma: no cover - rich always brings pygments
        return text
    lexer = JsonLexer() if language == "json" else YamlLexer()
    return highlight(text, lexer, TerminalFormatter())


# --------------------------------------------------------------------------- tsv

def _tsv_field(value: Any) -> str:
    """A nested list shows its length and a nested dict an empty field, so columns line up."""
    if isinstance(value, list):
        return str(len(value))
    if isinstance(value, dict):
        return ""
    return value if isinstance(value, str) else str(value)


def _tsv_row(item: Any) -> str:
    """One line; only a bare boolean is lower-cased (knack's `_dump_row`)."""
    if isinstance(item, OrderedDict):
        values = list(item.values())
    elif isinstance(item, dict):
        values = [item[key] for key in sorted(item)]
    elif isinstance(item, list):
        values = item
    elif isinstance(item, bool):
        return str(item).lower() + "\n"
    else:
        return _tsv_field(item) + "\n"
    return "\t".join(_tsv_field(value) for value in values) + "\n"


def format_tsv(result: Any) -> str:
    """A list gives one row per item; anything else is a single row."""
    items = result if isinstance(result, list) else [result]
    return "".join(_tsv_row(item) for item in items)


# --------------------------------------------------------------------------- table

_SKIP_KEYS = ("id", "type", "etag")
_SEPARATING_LINE = "\x01"  # tabulate draws a dashed line for a row that holds only this
_COLUMN_GAP = "  "
_MIN_PADDING = 2  # tabulate makes each column at least header width + 2


def format_table(result: Any, *, query_given: bool = False,
                 table_transformer: Callable[[Any], Any] | None = None) -> str:
    """knack `format_table`: transformer (unless --query), auto-table, tabulate "simple"."""
    try:
        if table_transformer is not None and not query_given:
            result = table_transformer(result)
        items = result if isinstance(result, list) else [result]
        sort_keys = not query_given and table_transformer is None
        rows = [_table_item(item, sort_keys) for item in items]
        return (_tabulate_simple(rows) if rows else "") + "\n"
    except Exception as ex:  # knack turns any failure into this one message
        raise KvError(TABLE_UNAVAILABLE) from ex


def _capitalize_first(key: str) -> str:
    return key[0].upper() + key[1:] if key else key


def _table_item(item: Any, sort_keys: bool) -> dict:
    """The columns one item contributes: scalar fields only, with capitalised headers."""
    if isinstance(item, dict):
        keys = sorted(item) if sort_keys else list(item)
        row: dict = {}
        for key in keys:
            value = item[key]
            if key in _SKIP_KEYS or value is None or isinstance(value, (list, dict, set)):
                continue
            row[_capitalize_first(key)] = value
        return row
    if isinstance(item, list):  # e.g. --query "[].[name, id]"
        return {f"Column{number}": value for number, value in enumerate(item, 1)}
    return {"Result": item}  # a bare scalar, e.g. --query "[].name"


def _tabulate_simple(rows: list[dict]) -> str:
    """tabulate(rows, headers="keys", tablefmt="simple", disable_numparse=True), no newline.

    With number parsing off every column is left-aligned text; a missing value is empty.
    """
    headers = _union_keys(rows)
    if not headers:
        return ""  # tabulate's "completely empty table"
    matrix = [[row.get(key) for key in headers] for row in rows]
    matrix, separators = _drop_separating_rows(matrix)
    headers = [str(header) for header in headers]
    plain = "\t".join([*headers, *(str(value) for row in matrix for value in row)])
    layout = _Layout(invisible=_has_ansi(plain), multiline=_has_newline(plain))
    columns = [["" if value is None else f"{value}" for value in column]
               for column in zip(*matrix)]
    minimums = [layout.width(header) + _MIN_PADDING for header in headers]
    if columns:
        columns = [layout.pad_column(column, minimum)
                   for column, minimum in zip(columns, minimums)]
        widths = [max(minimum, max(layout.width(cell) for cell in column))
                  for minimum, column in zip(minimums, columns)]
    else:  # every row was a divider: columns are as wide as their headers need
        widths = minimums
    headers = [layout.pad_header(header, width) for header, width in zip(headers, widths)]
    body: list = list(zip(*columns))
    for index in separators:
        body.insert(index, _SEPARATING_LINE)
    return "\n".join(_table_lines(layout, headers, body, widths))


def _union_keys(rows: list[dict]) -> list:
    """Every key of every row, in order of first appearance (tabulate's headers="keys")."""
    seen: dict = {}
    for row in rows:
        for key in row:
            seen.setdefault(key, None)
    return list(seen)


def _is_separator_value(value: Any) -> bool:
    return type(value) is str and value.strip() == _SEPARATING_LINE


def _drop_separating_rows(matrix: list[list]) -> tuple[list[list], list[int]]:
    """tabulate treats a row whose 1st or 2nd cell is "\\x01" as a divider, not data."""
    kept, separators = [], []
    for index, row in enumerate(matrix):
        if any(_is_separator_value(value) for value in row[:2]):
            separators.append(index)
        else:
            kept.append(row)
    return kept, separators


def _table_lines(layout: "_Layout", headers: list[str], body: list,
                 widths: list[int]) -> list[str]:
    """Header row, dashes, then data rows; the simple format hides the outer lines."""
    dashes = _COLUMN_GAP.join("-" * width for width in widths).rstrip()
    lines = layout.row_lines(headers, widths)
    lines.append(dashes)
    for row in body:
        if row == _SEPARATING_LINE:
            lines.append(dashes)
        else:
            lines.extend(layout.row_lines(list(row), widths))
    return lines


def _has_newline(text: str) -> bool:
    return "\r" in text or "\n" in text


_ANSI_PATTERN = None


def _ansi_pattern():
    """Terminal colour codes (CSI) and OSC 8 hyperlinks; compiled on first table only."""
    global _ANSI_PATTERN
    if _ANSI_PATTERN is None:
        import re

        _ANSI_PATTERN = re.compile(
            r"\x1b\[[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]"
            r"|\x1b\]8;(?:\w+=\w+:?)*;[^\x1b]+\x1b\\(?P<text>[^\x1b]+)\x1b\]8;;\x1b\\")
    return _ANSI_PATTERN


def _has_ansi(text: str) -> bool:
    return _ansi_pattern().search(text) is not None


def _strip_ansi(text: str) -> str:
    """What a terminal shows: codes vanish, a hyperlink shows its text."""
    return _ansi_pattern().sub(lambda match: match.group("text") or "", text)


def _split_lines_for_width(text: str) -> list[str]:
    """tabulate measures multi-line cells by splitting on each \\r and \\n separately."""
    return text.replace("\r", "\n").split("\n")


class _Layout:
    """Width and padding rules, which change when any cell has colour codes or newlines."""

    def __init__(self, *, invisible: bool, multiline: bool) -> None:
        self.invisible = invisible
        self.multiline = multiline

    def line_width(self, text: str) -> int:
        return len(_strip_ansi(text)) if self.invisible else len(text)

    def width(self, text: str) -> int:
        """Visible width; the widest line of a multi-line cell."""
        if self.multiline:
            return max(self.line_width(line) for line in _split_lines_for_width(text))
        return self.line_width(text)

    def pad_column(self, cells: list[str], minimum: int) -> list[str]:
        """Strip each cell and left-align it to the column's width (tabulate `_align_column`)."""
        cells = [cell.strip() for cell in cells]
        if self.multiline:
            widths = [[self.line_width(line) for line in _split_lines_for_width(cell)]
                      for cell in cells]
            target = max(minimum, max(w for cell_widths in widths for w in cell_widths))
            return [self._pad_multiline(cell, cell_widths, target)
                    for cell, cell_widths in zip(cells, widths)]
        target = max(minimum, max(self.line_width(cell) for cell in cells))
        return [cell.ljust(target + len(cell) - self.line_width(cell)) for cell in cells]

    def _pad_multiline(self, cell: str, widths: list[int], target: int) -> str:
        if not self.invisible:
            return "\n".join(line.ljust(target) for line in cell.splitlines())
        # tabulate pairs splitlines() pieces with the \r/\n-split widths, as here.
        lengths = [len(line) for line in _split_lines_for_width(cell)]
        targets = [target + length - width for width, length in zip(widths, lengths)]
        return "\n".join(line.ljust(goal) for line, goal in zip(cell.splitlines(), targets))

    def pad_header(self, header: str, width: int) -> str:
        if self.multiline:
            import re

            return "\n".join(self._pad_header_line(line, width)
                             for line in re.split(r"\r|\n|\r\n", header))
        return self._pad_header_line(header, width)

    def _pad_header_line(self, line: str, width: int) -> str:
        return line.ljust(width + len(line) - self.line_width(line))

    def row_lines(self, cells: list[str], widths: list[int]) -> list[str]:
        """Output lines of one row; a multi-line row is filled out with blank cells."""
        if not self.multiline:
            return [_COLUMN_GAP.join(cells).rstrip()]
        cell_lines = [cell.splitlines() for cell in cells]
        height = max(len(lines) for lines in cell_lines)
        cell_lines = [lines + [" " * width] * (height - len(lines))
                      for lines, width in zip(cell_lines, widths)]
        return [_COLUMN_GAP.join(lines[index] for lines in cell_lines).rstrip()
                for index in range(height)]
