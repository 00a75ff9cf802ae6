"""The one clock every time-dependent rule asks.

now = (KVCLI_NOW if set, else the real time) + the offset kept in the home. Labs move
time with `kvcli clock advance`, tests pin it with KVCLI_NOW; nothing ever sleeps.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

from kvcli.core.errors import KvError
from kvcli.core.timeutil import parse_instant


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


class Clock:
    """A clock shifted by `offset_seconds` (stored in the home)."""

    def __init__(self, offset_seconds: float = 0.0) -> None:
        self.offset_seconds = offset_seconds

    def now(self) -> datetime:
        return base_now() + timedelta(seconds=self.offset_seconds)

    def offset_to(self, target: datetime) -> float:
        """The offset that makes `now()` read `target` at this instant."""
        return (target - base_now()).total_seconds()
