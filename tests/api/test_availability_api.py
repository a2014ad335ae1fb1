"""The availability editor through the API: the same rules as the page (200/403/422)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from odcp.models import AvailabilityRule, ClinicPolicy, DoctorProfile
from tests.api.conftest import bearer
from tests.doctor_helpers import listed_profile

URL = "/api/v1/doctor/availability"
TZ = "Europe/Berlin"


@pytest.fixture
def doctor(session, personas) -> DoctorProfile:
    profile = listed_profile(session, personas.doctor_b, timezone=TZ, modes=["video", "chat"])
    session.add_all(AvailabilityRule(doctor_id=profile.id, weekday=d, start_time=time(9),
                                     end_time=time(12), slot_minutes=30, modes=["video"])
                    for d in range(5))
    session.add(ClinicPolicy(min_notice_minutes=0))
    session.commit()
    return profile


def _day_ahead(days: int):
    return datetime.now(ZoneInfo(TZ)).date() + timedelta(days=days)


async def _local_slots(client, doctor, day) -> list[str]:
    start = datetime.combine(day, time(0), tzinfo=ZoneInfo(TZ))
    found = (await client.get("/api/v1/slots", params={
        "doctor_id": doctor.id, "start": start.isoformat(),
        "end": (start + timedelta(days=1)).isoformat()})).json()
    return [datetime.fromisoformat(s["starts_at"]).astimezone(ZoneInfo(TZ)).strftime("%H:%M")
            for s in found]


async def test_doctor_reads_and_replaces_the_week(client, personas, doctor, login):
    me = bearer((await login(personas.doctor_b))["access_token"])
    week = (await client.get(URL, headers=me)).json()
    assert week["timezone"] == TZ and week["offered_modes"] == ["video", "chat"]
    assert week["windows"][0] == {"weekday": 0, "start": "09:00", "end": "12:00",
                                  "slot_minutes": 30, "buffer_minutes": 0, "modes": ["video"]}
    day = _day_ahead(3)
    saved = await client.put(URL, headers=me, json={"windows": [
        {"weekday": day.weekday(), "start": "18:00", "end": "24:00", "slot_minutes": 60,
         "buffer_minutes": 30, "modes": ["chat", "video"]}]})
    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert body["appointments_outside"] == 0 and body["timezone"] == TZ
    assert body["windows"] == [{"weekday": day.weekday(), "start": "18:00", "end": "00:00",
                                "slot_minutes": 60, "buffer_minutes": 30,
                                "modes": ["video", "chat"]}]
    assert await _local_slots(client, doctor, day) == ["18:00", "19:30", "21:00", "22:30"]


async def test_bad_weeks_are_422_and_change_nothing(client, personas, doctor, login):
    me = bearer((await login(personas.doctor_b))["access_token"])
    before = (await client.get(URL, headers=me)).json()
    for windows, message in [
        ([{"weekday": 1, "start": "09:00", "end": "12:00", "modes": ["video"]},
          {"weekday": 1, "start": "11:30", "end": "13:00", "modes": ["video"]}], "overlap"),
        ([{"weekday": 1, "start": "09:00", "end": "12:00", "modes": ["audio"]}], "audio"),
        ([{"weekday": 1, "start": "09:00", "end": "12:00", "slot_minutes": 2,
           "modes": ["video"]}], "5 to 240"),
        ([{"weekday": 1, "start": "25:00", "end": "26:00", "modes": ["video"]}], "HH:MM"),
        ([{"weekday": 9, "start": "09:00", "end": "10:00", "modes": ["video"]}], "valid"),
        ([{"weekday": 1, "start": "9am", "end": "10:00", "modes": ["video"]}], "valid"),
    ]:
        refused = await client.put(URL, headers=me, json={"windows": windows})
        assert refused.status_code == 422, refused.text
        error = refused.json()["error"]
        assert message in error["message"] or message in str(error.get("problems"))
    assert (await client.get(URL, headers=me)).json() == before


async def test_overrides_add_replace_list_and_remove(client, personas, doctor, login):
    me = bearer((await login(personas.doctor_b))["access_token"])
    day = _day_ahead(7 - _day_ahead(0).weekday())  # next Monday: 09:00-12:00 normally
    assert len(await _local_slots(client, doctor, day)) == 6
    closed = await client.post(f"{URL}/overrides", headers=me,
                               json={"date": day.isoformat(), "closed": True})
    assert closed.status_code == 201, closed.text
    assert closed.json()["closed"] is True and closed.json()["timezone"] == TZ
    assert await _local_slots(client, doctor, day) == []
    hours = await client.post(f"{URL}/overrides", headers=me, json={
        "date": day.isoformat(), "closed": False, "start": "14:00", "end": "15:00",
        "slot_minutes": 20, "modes": ["chat"]})
    assert hours.status_code == 201 and hours.json()["id"] == closed.json()["id"]
    assert await _local_slots(client, doctor, day) == ["14:00", "14:20", "14:40"]
    listed = (await client.get(f"{URL}/overrides", headers=me)).json()
    assert listed["timezone"] == TZ
    assert listed["overrides"] == [{"id": hours.json()["id"], "date": day.isoformat(),
                                    "closed": False, "start": "14:00", "end": "15:00",
                                    "slot_minutes": 20, "modes": ["chat"]}]
    for bad in ({"date": "2020-01-01", "closed": True},
                {"date": day.isoformat(), "closed": False, "start": "15:00", "end": "14:00",
                 "modes": ["chat"]},
                {"date": day.isoformat(), "closed": False, "modes": ["chat"]}):
        assert (await client.post(f"{URL}/overrides", headers=me, json=bad)).status_code == 422
    removed = await client.delete(f"{URL}/overrides/{hours.json()['id']}", headers=me)
    assert removed.status_code == 200 and removed.json() == {"appointments_outside": 0}
    assert len(await _local_slots(client, doctor, day)) == 6
    gone = await client.delete(f"{URL}/overrides/{hours.json()['id']}", headers=me)
    assert gone.status_code == 404


async def test_strangers_get_403_and_admins_pass_doctor_id(client, personas, doctor, login):
    assert (await client.get(URL)).status_code == 401
    week = {"windows": []}
    for stranger in (personas.patient_a, personas.doctor_d):
        headers = bearer((await login(stranger))["access_token"])
        assert (await client.get(URL, headers=headers)).status_code == 403
        assert (await client.put(URL, headers=headers, json=week,
                                 params={"doctor_id": doctor.id})).status_code == 403
        assert (await client.get(f"{URL}/overrides", headers=headers,
                                 params={"doctor_id": doctor.id})).status_code == 403
    admin = bearer((await login(personas.admin))["access_token"])
    read = await client.get(URL, headers=admin, params={"doctor_id": doctor.id})
    assert read.status_code == 200 and len(read.json()["windows"]) == 5
    cleared = await client.put(URL, headers=admin, json=week, params={"doctor_id": doctor.id})
    assert cleared.status_code == 200 and cleared.json()["windows"] == []
