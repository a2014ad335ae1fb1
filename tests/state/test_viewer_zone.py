"""How discovery pages name times: the zone always shown, odd zones and bad answers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from odcp.state.search import SearchState
from odcp.state.viewer_zone import local_label, next_available_label
from tests.state.conftest import build_state

AT = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(("zone", "label"), [
    ("America/New_York", "Tue 24 Nov, 09:00 EST"),
    ("Asia/Kolkata", "Tue 24 Nov, 19:30 IST"),
    ("America/Sao_Paulo", "Tue 24 Nov, 11:00 UTC-03"),  # no letters: named by offset
    ("Asia/Kathmandu", "Tue 24 Nov, 19:45 UTC+05:45"),
    ("Pacific/Auckland", "Wed 25 Nov, 03:00 NZDT"),
    ("UTC", "Tue 24 Nov, 14:00 UTC"),
])
def test_times_carry_the_zone_name(zone, label):
    assert local_label(AT, zone) == label


def test_next_available_wording():
    assert next_available_label(AT, "Europe/Berlin", 60) == \
        "Next available: Tue 24 Nov, 15:00 CET"
    assert next_available_label(None, "Europe/Berlin", 60) == \
        "No free time in the next 60 days"
    assert next_available_label(None, "UTC", 1) == "No free time in the next 1 day"


@pytest.mark.parametrize(("answer", "kept"), [
    ("Asia/Tokyo", "Asia/Tokyo"), ("", "UTC"), ("Not/AZone", "UTC"),
    ("../../etc/passwd", "UTC"), (None, "UTC"),
])
def test_the_browsers_answer_is_checked(answer, kept):
    state = build_state(SearchState)
    changed = state._remember_browser_zone(answer)
    assert state._browser_zone == kept
    assert changed == (kept != "UTC")  # the page starts out in UTC
