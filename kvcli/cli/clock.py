"""`kvcli clock ...`: move time for labs and tests instead of sleeping."""

from __future__ import annotations

from typing import Annotated, Optional

from kvcli.cli.app import new_app
from kvcli.cli.command import command
from kvcli.cli.context import open_home
from kvcli.cli.declare import Argument, Option
from kvcli.cli.params import INT

app = new_app()
SECONDS_PER_HOUR = 3600
SECONDS_PER_DAY = 24 * SECONDS_PER_HOUR


def _clock_view(home) -> dict:
    from kvcli.core.clock import clock_of
    from kvcli.core.timeutil import arm, to_stamp

    clock = clock_of(home)
    return {"now": arm(to_stamp(clock.now())), "offsetSeconds": clock.offset_seconds}


@command(app, "show", help="Show kvcli's current time and its offset from the real time "
         "(or from KVCLI_NOW when set).",
         examples=("Show the clock:\n    kvcli clock show",))
def show_clock():
    return _clock_view(open_home())


@command(app, "advance", help="Move the clock forward.",
         examples=("Wait out a 90-day retention period in a second:\n"
                   "    kvcli clock advance --days 91",))
def advance_clock(days: Annotated[Optional[int], Option(
                      "--days", click_type=INT, metavar="N", help="Days to move forward.")] = None,
                  hours: Annotated[Optional[int], Option(
                      "--hours", click_type=INT, metavar="H",
                      help="Hours to move forward.")] = None):
    from kvcli.core import clock
    from kvcli.errors import KvError

    if days is None and hours is None:
        raise KvError("Specify --days and/or --hours to advance the clock by.")
    days, hours = days or 0, hours or 0
    if days < 0 or hours < 0:
        raise KvError("The clock only moves forward with 'advance'; use 'kvcli clock set' "
                      "to choose any time.")
    home = open_home()
    clock.shift(home, days * SECONDS_PER_DAY + hours * SECONDS_PER_HOUR)
    return _clock_view(home)


@command(app, "set", help="Set the clock to a given time (ISO 8601, UTC unless an offset is "
         "given).",
         examples=("Jump to the first of January 2030:\n"
                   "    kvcli clock set 2030-01-01T00:00:00Z",))
def set_clock(time: Annotated[str, Argument(metavar="TIME",
                                            help="The time to set, e.g. "
                                                       "2030-01-01T00:00:00Z.")]):
    from kvcli.core.timeutil import parse_instant

    from kvcli.core import clock

    home = open_home()
    clock.set_offset(home, clock.Clock().offset_to(parse_instant(time)))
    return _clock_view(home)


@command(app, "reset", help="Return to the real time (or KVCLI_NOW when set).",
         examples=("Reset the clock:\n    kvcli clock reset",))
def reset_clock():
    from kvcli.core import clock

    home = open_home()
    clock.set_offset(home, 0.0)
    return _clock_view(home)
