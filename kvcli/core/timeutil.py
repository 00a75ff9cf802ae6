"""Parsing and printing of times the way az and Key Vault show them."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from kvcli.errors import KvError

# az's own accepted formats for --expires / --not-before (all UTC).
AZ_DATETIME_FORMATS = ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%MZ", "%Y-%m-%dT%HZ", "%Y-%m-%d")


def parse_az_datetime(text: str) -> datetime:
    """Parse an --expires/--not-before value exactly as az's datetime_type does."""
    for fmt in AZ_DATETIME_FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=timezone.utc)
        except ValueError:
            continue
    raise KvError(f"Input '{text}' not valid. Valid example: 2000-12-31T12:59:59Z")


def parse_instant(text: str) -> datetime:
    """Parse an ISO-8601 time (`2030-01-01T00:00:00Z`, offsets, or a bare date) as UTC."""
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise KvError(f"Input '{text}' not valid. Valid example: 2000-12-31T12:59:59Z") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


# What `to_stamp` writes: UTC, with or without microseconds.
_UTC_STAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
                        r"(\.[0-9]{6})?\+00:00")


def to_stamp(moment: datetime) -> str:
    """Store times with microseconds so ordering is exact."""
    return moment.astimezone(timezone.utc).isoformat()


def from_stamp(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp)


def data_plane(stamp: str | None) -> str | None:
    """Key Vault sends epoch seconds; az prints them as `2023-11-14T22:13:21+00:00`."""
    if stamp is None:
        return None
    if _UTC_STAMP.fullmatch(stamp):  # as `to_stamp` writes them: cut, not parsed (lists)
        return stamp[:19] + "+00:00"
    return from_stamp(stamp).replace(microsecond=0).isoformat()


def arm(stamp: str | None) -> str | None:
    """ARM keeps sub-second precision (`...22:13:20.675000+00:00`)."""
    if stamp is None:
        return None
    moment = from_stamp(stamp)
    if moment.microsecond == 0:
        return moment.isoformat()
    return moment.isoformat(timespec="microseconds")
