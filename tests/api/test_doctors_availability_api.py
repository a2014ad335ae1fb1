"""GET /api/v1/doctors: "next available" on each card, the "available within N days"
filter in the viewer's zone, and the "soonest" sort, as on the /doctors page."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from odcp.models import AvailabilityRule, ClinicPolicy, DoctorProfile
from tests.api.conftest import bearer
from tests.services.search_fixtures import build_clinic


def _tomorrow(hour: int) -> datetime:
    return datetime.combine(datetime.now(UTC).date() + timedelta(days=1), time(hour),
                            tzinfo=UTC)


@pytest.fixture
def clinic(session):
    """Meyer free tomorrow 09:00 UTC, Okafor at 14:00 UTC (weekly rules, doctors in
    London), nobody else; the stored values come from the session events."""
    found = build_clinic(session)
    session.add(ClinicPolicy(min_notice_minutes=0, booking_horizon_days=14))
    for key, hour in (("meyer", 9), ("okafor", 14)):
        doctor = session.get(DoctorProfile, found.id(key))
        doctor.timezone = "UTC"
        session.add(AvailabilityRule(doctor_id=doctor.id, weekday=_tomorrow(0).weekday(),
                                     start_time=time(hour), end_time=time(hour, 30)))
    session.commit()
    return found


def _last_names(body: dict) -> list[str]:
    return [r["name"].split()[-1].lower() for r in body["results"]]


async def test_cards_carry_next_slot_and_sort_soonest(client, clinic):
    body = (await client.get("/api/v1/doctors", params={"sort": "soonest"})).json()
    assert _last_names(body)[:2] == ["meyer", "okafor"]
    first = body["results"][0]
    assert datetime.fromisoformat(first["next_slot_at"]) == _tomorrow(9)
    assert body["results"][2]["next_slot_at"] is None
    assert body["availability_days"] == 14
    page = (await client.get(f"/api/v1/doctors/{clinic.id('okafor')}")).json()
    assert datetime.fromisoformat(page["next_slot_at"]) == _tomorrow(14)


async def test_available_within_days_in_the_viewers_zone(client, clinic):
    tomorrow = {"available_within": 1, "timezone": "UTC"}
    body = (await client.get("/api/v1/doctors", params=tomorrow)).json()
    assert sorted(_last_names(body)) == ["meyer", "okafor"]
    today = (await client.get("/api/v1/doctors", params={"available_within": 0})).json()
    assert today["total"] == 0
    for zone in ("Pacific/Auckland", "Etc/GMT+12", "Asia/Kolkata"):
        tz = ZoneInfo(zone)  # "today" ends at the viewer's next midnight
        ends = datetime.combine(datetime.now(tz).date() + timedelta(days=1), time(0), tz)
        expected = sorted(k for k, h in (("meyer", 9), ("okafor", 14)) if _tomorrow(h) < ends)
        body = (await client.get("/api/v1/doctors", params={
            "available_within": 0, "timezone": zone})).json()
        assert sorted(_last_names(body)) == expected, zone


@pytest.mark.parametrize(("params", "field"), [
    ({"available_within": -1}, "available_within"),
    ({"available_within": 1000}, "available_within"),
    ({"timezone": "Nowhere/Town"}, "timezone"),
    ({"sort": "next"}, "sort"),
])
async def test_bad_availability_parameters_answer_422(client, clinic, params, field):
    response = await client.get("/api/v1/doctors", params=params)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == field


async def test_a_booking_through_the_api_moves_the_card_at_once(client, clinic, personas,
                                                                login):
    token = (await login(personas.patient_a))["access_token"]
    response = await client.post("/api/v1/appointments", headers=bearer(token), json={
        "doctor_id": clinic.id("meyer"), "starts_at": _tomorrow(9).isoformat(),
        "mode": "video"})
    assert response.status_code in (200, 201), response.text
    body = (await client.get("/api/v1/doctors", params={"q": "meyer"})).json()
    moved = datetime.fromisoformat(body["results"][0]["next_slot_at"])
    assert moved == _tomorrow(9) + timedelta(days=7)  # the same hour a week later
