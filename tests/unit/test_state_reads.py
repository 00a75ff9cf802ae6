"""Reading state files: the one-read fast path and the direct UTF-8 decode agree with the
general path on every input a file can hold (what kvcli writes, hand edits, damage)."""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import given, settings, strategies as st

from kvcli.errors import KvError, StateError
from kvcli.store import files


def _read(path, limit):
    fd = os.open(path, os.O_RDONLY)
    return files._read_bounded(fd, os.fstat(fd).st_size, path, limit)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=3000), st.integers(1, 4000))
def test_a_file_reads_whole_up_to_the_bound(tmp_path_factory, content, limit):
    path = tmp_path_factory.mktemp("reads") / "state.json"
    path.write_bytes(content)
    if len(content) > limit:
        with pytest.raises(KvError, match="is larger than"):
            _read(path, limit)
    else:
        assert _read(path, limit) == content


def test_a_file_that_grew_after_it_was_opened_is_read_to_its_end(tmp_path):
    path = tmp_path / "log"
    path.write_bytes(b"a" * 10)
    fd = os.open(path, os.O_RDONLY)
    size = os.fstat(fd).st_size
    with open(path, "ab") as more:
        more.write(b"b" * 5000)
    assert files._read_bounded(fd, size, path, 1 << 20) == b"a" * 10 + b"b" * 5000


_documents = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.text(), _documents, max_size=4),
       st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32"]),
       st.booleans())
def test_parsing_agrees_with_json_loads_in_every_encoding(document, encoding, ascii_only):
    text = json.dumps(document, ensure_ascii=ascii_only)
    try:
        raw = text.encode(encoding)
    except UnicodeEncodeError:  # a lone surrogate cannot be written in UTF-16 or UTF-32
        return
    assert files.parse_json("state.json", raw) == json.loads(raw) == document


@pytest.mark.parametrize("raw", [b"{", b"{\"a\": 1} x", b"{\"a\": \xff}", b"[1]", b"",
                                 b"\xef\xbb\xbf[]", "{}".encode("utf-16")[:3]])
def test_damage_is_named_not_raised_raw(raw):
    with pytest.raises(StateError, match="state.json"):
        files.parse_json("state.json", raw)
