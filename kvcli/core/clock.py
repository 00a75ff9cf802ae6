"""The one clock every time-dependent rule asks.

now = (KVCLI_NOW if set, else the real time) + the offset kept in the home. Labs move
time with `kvcli clock advance`, tests pin it with KVCLI_NOW; nothing ever sleeps.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

from kvcli.errors import KvError, StateError
from kvcli.core.timeutil import parse_instant

# The clock stays where kvcli's date arithmetic (retention, scheduled purge dates) has room:
# Python's datetimes end in the year 9999.
EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(9999, 1, 1, tzinfo=timezone.utc)


def base_now() -> datetime:
    """The time before the home's offset: KVCLI_NOW, or the real UTC time."""
    fixed = os.environ.get("KVCLI_NOW")
    if fixed:
        try:
            return parse_instant(fixed)
        except KvError:
            raise KvError(f"KVCLI_NOW='{fixed}' is not a valid time. "
                          "Valid example: 2030-01-01T00:00:00Z") from None
    return datetime.now(timezone.utc)


def clock_of(home) -> "Clock":
    """The home's clock: its stored offset applied to the base time."""
    return Clock(home.clock_offset_seconds)


def home_now(home) -> datetime:
    """Now, as every rule about the home's objects must see it."""
    return clock_of(home).now()


class Clock:
    """A clock shifted by `offset_seconds` (stored in the home)."""

    def __init__(self, offset_seconds: float = 0.0) -> None:
        self.offset_seconds = offset_seconds

    def now(self) -> datetime:
        try:
            return base_now() + timedelta(seconds=self.offset_seconds)
        except (OverflowError, ValueError):
            raise StateError(f"kvcli's clock offset ({self.offset_seconds} seconds, kept in "
                             "home.json) is out of range. Run 'kvcli clock reset'.") from None

    def offset_to(self, target: datetime) -> float:
        """The offset that makes `now()` read `target` at this instant."""
        return (target - base_now()).total_seconds()


def shift(home, seconds: float) -> None:
    """Move the home's clock by `seconds`, reading the offset under the lock so that
    parallel `clock advance` runs add up exactly."""
    with home.locked():
        home.meta["clockOffsetSeconds"] = _in_range(home.clock_offset_seconds + seconds)
        home.save_meta()


def set_offset(home, seconds: float) -> None:
    with home.locked():
        home.meta["clockOffsetSeconds"] = _in_range(seconds)
        home.save_meta()


def _in_range(seconds: float) -> float:
    """An offset whose time lies between EARLIEST and LATEST, else the user's error."""
    try:
        target = base_now() + timedelta(seconds=seconds)
    except (OverflowError, ValueError):
        target = None
    if target is None or not EARLIEST <= target <= LATEST:
        raise KvError(f"The clock can only be moved to times from {EARLIEST:%Y-%m-%d} to "
                      f"{LATEST:%Y-%m-%d}.")
    return seconds
