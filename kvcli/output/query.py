"""--query: JMESPath compiled while parsing (exit 2 on bad syntax) and applied before output.

jmespath is imported inside the functions so a command without --query never loads it.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from kvcli.errors import KvError, UsageError

QUERY_REFERENCE = ("To learn more about --query, please visit: "
                   "'https://learn.microsoft.com/cli/azure/query-azure-cli'")


def compile_query(expression: str) -> Any:
    """Compile like knack's `jmespath_type`; a syntax error is an argparse error in az.

    argparse words it `invalid jmespath_type value: %r`, so the expression is shown with
    Python's repr (plain single quotes unless the query itself contains one).
    """
    import jmespath

    try:
        return jmespath.compile(expression)
    except (ValueError, KeyError, TypeError) as ex:
        raise UsageError(f"argument --query: invalid jmespath_type value: {expression!r}",
                         recommendations=(QUERY_REFERENCE,)) from ex


def apply_query(compiled: Any, result: Any) -> Any:
    """Search with OrderedDict so a multiselect hash keeps the order the user wrote.

    Runtime errors (unknown function, wrong argument type) are az's
    InvalidArgumentValueError: exit 1 with the same pointer to the docs. jmespath also
    lets a bare TypeError escape (`max_by` over mixed types), which az shows as an
    unexpected-error traceback; kvcli words it like any other query error instead.
    """
    import jmespath
    from jmespath.exceptions import JMESPathError

    try:
        return compiled.search(result, jmespath.Options(dict_cls=OrderedDict))
    except (JMESPathError, TypeError) as ex:
        message = getattr(ex, "message", str(ex))
        raise KvError(f"Invalid jmespath query supplied for `--query`: {message}",
                      recommendations=(QUERY_REFERENCE,)) from ex


def is_row_wise(compiled: Any) -> bool:
    """Whether the query maps each item of a list on its own (`[].name`, `[*].{n: name}`,
    `[?attributes.enabled].id`). Then the query of `[item]`, joined over the items, is the
    query of the whole list, so a list can be rendered as it is read. Anything else (a pipe,
    a function such as sort or length, an index or a slice) needs the whole list."""
    node = compiled.parsed
    if node["type"] not in ("projection", "filter_projection"):
        return False
    source = node["children"][0]
    if node["type"] == "projection" and source["type"] == "flatten":
        source = source["children"][0]
    return source["type"] == "identity"
