"""Property tests of the backup blob: any changed byte or any truncation is refused."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kvcli.core import backup, groups, secrets, vaults
from kvcli.errors import ServiceError
from kvcli.store.home import Home

_STATE: dict = {}


def _fixture_blob() -> tuple[Home, bytes]:
    """One home and one blob for the whole module (hypothesis runs many examples)."""
    if not _STATE:
        root = Path(tempfile.mkdtemp()) / "home"
        home = Home.open(root)
        groups.create_group(home, "rg", "eastus", None)
        vaults.create_vault(home, name="propvault", resource_group="rg")
        secrets.set_secret(home, "propvault", "s", "value-1", tags={"t": "1"})
        secrets.set_secret(home, "propvault", "s", "value-2")
        _STATE["home"] = home
        _STATE["blob"] = secrets.backup_secret(home, "propvault", "s")
    return _STATE["home"], _STATE["blob"]


def _opens(home: Home, blob: bytes) -> bool:
    try:
        backup.open_object(home, blob, kind="secret", target_geography="United States")
    except ServiceError as refused:
        assert refused.code in ("BadParameter", "Forbidden")
        return False
    return True


def test_untouched_blob_opens():
    home, blob = _fixture_blob()
    header, payload = backup.open_object(home, blob, kind="secret",
                                         target_geography="United States")
    assert header["versions"] == 2
    assert [v["value"] for v in payload["versions"]] == ["value-1", "value-2"]


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_any_changed_byte_is_refused(data):
    home, blob = _fixture_blob()
    index = data.draw(st.integers(0, len(blob) - 1))
    mask = data.draw(st.integers(1, 255))
    mutated = blob[:index] + bytes([blob[index] ^ mask]) + blob[index + 1:]
    assert not _opens(home, mutated)


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_any_truncation_or_extension_is_refused(data):
    home, blob = _fixture_blob()
    cut = data.draw(st.integers(0, len(blob) - 1))
    assert not _opens(home, blob[:cut])
    extra = data.draw(st.binary(min_size=1, max_size=16))
    assert not _opens(home, blob + extra)


@pytest.mark.parametrize("bit", range(8))
def test_every_bit_of_the_marker_and_version_matters(bit):
    home, blob = _fixture_blob()
    for index in range(len(backup.MARKER) + 1):
        mutated = blob[:index] + bytes([blob[index] ^ (1 << bit)]) + blob[index + 1:]
        assert not _opens(home, mutated)
