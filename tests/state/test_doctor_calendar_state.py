"""The /doctor/calendar state: blocks land in the right day column at the right height,
time off is shaded, weeks step, and the feed URL is shown once and never again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from odcp.models import Appointment, AppointmentStatus, TimeOff
from odcp.state.doctor_calendar import PX_PER_HOUR, DoctorCalendarState, label_for_week
from tests.doctor_helpers import listed_profile
from tests.state.conftest import build_state, sent_to_browser

ZONE = ZoneInfo("Asia/Kolkata")


def _page(session, personas, browser_cookie) -> DoctorCalendarState:
    personas.doctor_b.timezone = "Asia/Kolkata"
    session.add(personas.doctor_b)
    session.commit()
    token, _ = browser_cookie(personas.doctor_b)
    state = build_state(DoctorCalendarState, cookie=token)
    state.load_session()
    state.load()
    return state


def test_week_grid_and_feed_url_shown_once(session, personas, browser_cookie):
    profile = listed_profile(session, personas.doctor_b, timezone="Asia/Kolkata",
                             modes=["video"])
    today = datetime.now(ZONE).date()
    local = datetime.combine(today + timedelta(days=7), datetime.min.time(), ZONE)
    starts = (local + timedelta(hours=10, minutes=30)).astimezone(UTC)
    session.add(Appointment(patient_id=personas.patient_a.id, doctor_id=profile.id,
                            starts_at=starts, ends_at=starts + timedelta(minutes=45),
                            mode="audio", status=AppointmentStatus.PENDING))
    session.add(TimeOff(doctor_id=profile.id, starts_at=(local + timedelta(hours=14))
                        .astimezone(UTC), ends_at=(local + timedelta(hours=34))
                        .astimezone(UTC), reason="Conference"))
    session.commit()
    state = _page(session, personas, browser_cookie)
    assert state.error == "" and state.zone == "Asia/Kolkata"
    assert all(not d.blocks for d in state.days)  # this week: nothing yet
    assert state.hour_labels[0] == "08:00" and state.hour_labels[-1] == "17:00"

    state.next_week()
    column = (today + timedelta(days=7)).weekday()
    day = state.days[column]
    [block] = day.blocks
    assert (block.time, block.patient, block.mode, block.status) == (
        "10:30\u201311:15", "Patient A", "audio", "pending")
    assert block.top == f"{2.5 * PX_PER_HOUR:.1f}px"  # 10:30 is 2.5 h below 08:00
    assert block.height == f"{0.75 * PX_PER_HOUR:.1f}px"
    assert [s.label for s in day.shades] == ["Time off · Conference"]
    assert day.time_off == ["Time off from 14:00 · Conference"]
    assert day.shades[0].top == f"{6 * PX_PER_HOUR:.1f}px"  # from 14:00 to the grid's end
    if column < 6:  # the span runs on until 10:00 the next morning
        following = state.days[column + 1].shades[0]
        assert (following.top, following.height) == ("0.0px", f"{2 * PX_PER_HOUR:.1f}px")
        assert state.days[column + 1].time_off == ["Time off until 10:00 · Conference"]
    assert state.week_label == label_for_week(today + timedelta(days=7 - today.weekday()))
    state.this_week()
    assert all(not d.blocks for d in state.days)

    assert state.feed_active is False
    state.create_feed()
    url = state.feed_url
    assert "/api/v1/calendar/feeds/" in url and state.feed_active
    state.load()  # a reload forgets the secret
    assert state.feed_url == "" and state.feed_active
    assert url.rsplit("/", 1)[1].removesuffix(".ics") not in sent_to_browser(state)
    state.revoke_feed()
    assert state.feed_active is False


def test_patients_get_the_refusal(personas, browser_cookie):
    token, _ = browser_cookie(personas.patient_a)
    state = build_state(DoctorCalendarState, cookie=token)
    state.load_session()
    state.load()
    assert state.days == [] and state.error == "Only doctors may do this."


def test_week_labels():
    from datetime import date
    assert label_for_week(date(2026, 3, 2)) == "2 \u2013 8 March 2026"
    assert label_for_week(date(2026, 3, 30)) == "30 March \u2013 5 April 2026"
    assert label_for_week(date(2025, 12, 29)) == "29 December 2025 \u2013 4 January 2026"


def test_time_off_lines_for_the_phone_list():
    from datetime import date

    from odcp.state.doctor_calendar import _off_line
    day = date(2026, 3, 29)  # Berlin springs forward: a 23-hour day
    tz = ZoneInfo("Europe/Berlin")

    def off(start: datetime, end: datetime, reason: str = "") -> TimeOff:
        return TimeOff(doctor_id=1, starts_at=start.replace(tzinfo=tz),
                       ends_at=end.replace(tzinfo=tz), reason=reason)

    assert _off_line(off(datetime(2026, 3, 28, 9), datetime(2026, 3, 30, 9)), day, tz) == \
        "Time off all day"
    assert _off_line(off(datetime(2026, 3, 29, 9), datetime(2026, 3, 29, 12, 30), "Dentist"),
                     day, tz) == "Time off 09:00\u201312:30 · Dentist"
    assert _off_line(off(datetime(2026, 3, 30, 9), datetime(2026, 3, 30, 12)), day, tz) is None
