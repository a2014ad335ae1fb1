"""Calendar feeds through the API: the doctor creates, reads the status of, rotates and
revokes the feed; the public .ics URL answers text/calendar, or 404 once dead."""

from datetime import UTC, datetime, time, timedelta

import icalendar
import pytest

from odcp.models import AvailabilityRule, ClinicPolicy, DoctorProfile
from tests.api.conftest import bearer
from tests.doctor_helpers import listed_profile

FEED = "/api/v1/doctor/calendar-feed"


@pytest.fixture
def doctor(session, personas) -> DoctorProfile:
    profile = listed_profile(session, personas.doctor_b, timezone="UTC", modes=["video"])
    session.add_all(AvailabilityRule(doctor_id=profile.id, weekday=d, start_time=time(9),
                                     end_time=time(12), slot_minutes=30) for d in range(7))
    session.add(ClinicPolicy(min_notice_minutes=0))
    session.commit()
    return profile


def _path(url: str) -> str:
    return url[url.index("/api/v1/"):]


async def test_feed_lifecycle_through_the_api(client, personas, doctor, login):
    patient = bearer((await login(personas.patient_a))["access_token"])
    starts = datetime.combine(datetime.now(UTC).date() + timedelta(days=2), time(9),
                              tzinfo=UTC)
    booked = await client.post("/api/v1/appointments", headers=patient, json={
        "doctor_id": doctor.id, "starts_at": starts.isoformat(), "mode": "video",
        "reason": "persistent cough"})
    assert booked.status_code == 201, booked.text
    me = bearer((await login(personas.doctor_b))["access_token"])

    assert (await client.get(FEED, headers=me)).json()["active"] is False
    created = await client.post(FEED, headers=me)
    assert created.status_code == 201
    url = created.json()["url"]
    status = (await client.get(FEED, headers=me)).json()
    assert status["active"] is True and status["last_used_at"] is None
    assert "url" not in status and url.rsplit("/", 1)[1] not in str(status)

    got = await client.get(_path(url))  # no credentials: the URL is the secret
    assert got.status_code == 200
    assert got.headers["content-type"].startswith("text/calendar")
    assert "no-store" in got.headers["cache-control"]
    [event] = icalendar.Calendar.from_ical(got.text).walk("VEVENT")
    assert event.decoded("DTSTART") == starts
    assert str(event["SUMMARY"]) == "Video consultation · P. A."
    assert "cough" not in got.text and "Patient A" not in got.text
    assert (await client.get(FEED, headers=me)).json()["last_used_at"] is not None

    rotated = (await client.post(FEED, headers=me)).json()["url"]
    assert rotated != url
    assert (await client.get(_path(url))).status_code == 404
    assert (await client.get(_path(rotated))).status_code == 200
    assert (await client.delete(FEED, headers=me)).status_code == 204
    gone = await client.get(_path(rotated))
    assert gone.status_code == 404 and "BEGIN:VCALENDAR" not in gone.text
    assert (await client.delete(FEED, headers=me)).status_code == 404


async def test_only_doctors_manage_feeds_and_guesses_get_404(client, personas, doctor,
                                                             login):
    patient = bearer((await login(personas.patient_a))["access_token"])
    assert (await client.post(FEED, headers=patient)).status_code == 403
    assert (await client.get(FEED)).status_code == 401
    assert (await client.get("/api/v1/calendar/feeds/guess.ics")).status_code == 404
    assert (await client.get("/api/v1/calendar/feeds/.ics")).status_code == 404
