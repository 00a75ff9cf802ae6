"""ISO 8601 durations of rotation policies: calendar years and months, exact days."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from kvcli.core.keys import add_duration, normalise_policy
from kvcli.errors import ServiceError


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


@pytest.mark.parametrize("start,duration,sign,expected", [
    ("2026-01-01", "P90D", 1, "2026-04-01"),
    ("2026-01-31", "P1M", 1, "2026-02-28"),        # clamped to the month's last day
    ("2024-02-29", "P1Y", 1, "2025-02-28"),
    ("2026-01-01", "P1Y6M", 1, "2027-07-01"),
    ("2026-01-01", "P2W", 1, "2026-01-15"),
    ("2026-01-01T00:00:00", "PT36H", 1, "2026-01-02T12:00:00"),
    ("2026-03-01", "P30D", -1, "2026-01-30"),
    ("2026-03-31", "P1M", -1, "2026-02-28"),
])
def test_add_duration(start, duration, sign, expected):
    assert add_duration(at(start), duration, sign) == at(expected)


@pytest.mark.parametrize("text", ["", "P", "90D", "P1.5D", "PT", "P-1D", "soon"])
def test_bad_durations_are_refused(text):
    with pytest.raises(ServiceError):
        add_duration(at("2026-01-01"), text)


def test_policy_in_az_snake_case_and_flat_forms():
    actions, expiry = normalise_policy({
        "lifetime_actions": [{"action": "rotate", "time_after_create": "P30D"},
                             {"trigger": {"time_before_expiry": "P10D"},
                              "action": {"type": "Notify"}}],
        "expires_in": "P1Y"})
    assert actions == [
        {"action": "Rotate", "timeAfterCreate": "P30D", "timeBeforeExpiry": None},
        {"action": "Notify", "timeAfterCreate": None, "timeBeforeExpiry": "P10D"}]
    assert expiry == "P1Y"


def test_an_action_needs_exactly_one_trigger():
    with pytest.raises(ServiceError):
        normalise_policy({"lifetimeActions": [{"trigger": {"timeAfterCreate": "P30D",
                                                           "timeBeforeExpiry": "P30D"},
                                               "action": {"type": "Rotate"}}]})
