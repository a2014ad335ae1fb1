"""Consultation room rules on every database: window, who may enter, waiting room,
admission, call start and end, rejoin, durations and the audit trail."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from odcp.models import Appointment, AppointmentStatus, AuditEntry, ClinicPolicy
from odcp.models.consultation import RoomEvent, RoomParticipant, RoomSession
from odcp.services import room, room_rules, room_view
from odcp.services.errors import Conflict, Forbidden, Invalid
from tests.doctor_helpers import listed_profile

S = AppointmentStatus
START = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)


@pytest.fixture
def doctor(session, personas):
    profile = listed_profile(session, personas.doctor_b, timezone="UTC",
                             modes=["video", "audio", "chat"])
    session.add(ClinicPolicy(room_opens_minutes_before=10))
    session.commit()
    return profile


@pytest.fixture
def appt(session, personas, doctor):
    return make_appt(session, personas, doctor)


def make_appt(session, personas, doctor, mode="video", status=S.CONFIRMED, start=START):
    row = Appointment(patient_id=personas.patient_a.id, doctor_id=doctor.id, starts_at=start,
                      ends_at=start + timedelta(minutes=30), mode=mode, status=status)
    session.add(row)
    session.commit()
    return row


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def test_the_room_opens_before_the_start_and_closes_after_the_grace(session, personas, appt):
    patient = personas.actor(personas.patient_a)
    with pytest.raises(Conflict, match=r"opens at 2030-01-07 08:50 UTC \(10 minutes"):
        room.join(session, actor=patient, appointment_id=appt.id, now=at(-11))
    assert room.join(session, actor=patient, appointment_id=appt.id, now=at(-10)) == "patient"
    session.commit()
    with pytest.raises(Conflict, match="closed at 2030-01-07 10:00 UTC"):
        room.join(session, actor=patient, appointment_id=appt.id, now=at(30 + 31))
    state = room_view.view(session, actor=patient, appointment_id=appt.id, now=at(-30))
    assert not state.is_open and "opens at" in state.notice
    assert state.opens_at == at(-10) and state.closes_at == at(60)


@pytest.mark.parametrize("status, message", [(S.PENDING, "approval"),
                                             (S.CANCELLED, "cancelled"),
                                             (S.COMPLETED, "completed")])
def test_only_confirmed_appointments_have_an_open_room(session, personas, doctor, status,
                                                       message):
    row = make_appt(session, personas, doctor, status=status)
    with pytest.raises(Conflict, match=message):
        room.join(session, actor=personas.actor(personas.patient_a), appointment_id=row.id,
                  now=at(0))


def test_strangers_and_admins_are_refused_without_learning_anything(session, personas, appt):
    for user in (personas.patient_c, personas.doctor_d, personas.admin):
        actor = personas.actor(user)
        for call in (lambda a=actor: room.join(session, actor=a, appointment_id=appt.id,
                                               now=at(0)),
                     lambda a=actor: room_view.view(session, actor=a,
                                                    appointment_id=appt.id, now=at(0)),
                     lambda a=actor: room.begin_media(session, actor=a,
                                                      appointment_id=appt.id, now=at(0)),
                     lambda a=actor: room.leave(session, actor=a, appointment_id=appt.id)):
            with pytest.raises(Forbidden) as refused:
                call()
            assert refused.value.message == room_rules.NOT_YOURS
    with pytest.raises(Forbidden) as missing:
        room.join(session, actor=personas.actor(personas.patient_c), appointment_id=999999)
    assert missing.value.message == room_rules.NOT_YOURS
    session.rollback()
    assert session.exec(select(RoomSession)).all() == []


def test_waiting_admit_connect_start_drop_rejoin_end(session, personas, appt):
    patient, doctor = personas.actor(personas.patient_a), personas.actor(personas.doctor_b)
    room.join(session, actor=patient, appointment_id=appt.id, now=at(-8))
    session.commit()
    seen = room_view.view(session, actor=patient, appointment_id=appt.id, now=at(-8))
    assert seen.me.status == "waiting" and seen.me.waiting_since == at(-8)
    assert seen.call_state == "waiting" and not seen.can_connect
    with pytest.raises(Conflict, match="not admitted you yet"):
        room.begin_media(session, actor=patient, appointment_id=appt.id, now=at(-7))
    session.rollback()
    waiting = room_view.waiting_patients(session, actor=doctor, now=at(-7))
    assert [(w.appointment_id, w.patient_name, w.waiting_since) for w in waiting] == [
        (appt.id, "Patient A", at(-8))]
    with pytest.raises(Forbidden, match="Only the doctor"):
        room.admit(session, actor=patient, appointment_id=appt.id, now=at(-6))
    session.rollback()
    room.join(session, actor=doctor, appointment_id=appt.id, now=at(-6))
    doc_view = room_view.view(session, actor=doctor, appointment_id=appt.id, now=at(-6))
    assert doc_view.other.status == "waiting" and doc_view.can_admit
    room.admit(session, actor=doctor, appointment_id=appt.id, now=at(-5))
    session.commit()
    assert room_view.waiting_patients(session, actor=doctor, now=at(-5)) == []

    assert room.begin_media(session, actor=patient, appointment_id=appt.id,
                            now=at(-5)) == ("patient", ("audio", "video"))
    assert not room.media_connected(session, actor=patient, appointment_id=appt.id,
                                    part="patient", now=at(-4))
    assert session.get(Appointment, appt.id).status == S.CONFIRMED
    room.begin_media(session, actor=doctor, appointment_id=appt.id, now=at(-4))
    assert room.media_connected(session, actor=doctor, appointment_id=appt.id, part="doctor",
                                now=at(-3))
    session.commit()
    assert session.get(Appointment, appt.id).status == S.IN_PROGRESS
    state = room_view.view(session, actor=patient, appointment_id=appt.id, now=at(-3))
    assert state.call_state == "connected" and state.other.status == "connected"

    room.media_lost(session, appointment_id=appt.id, part="patient", reason="network",
                    now=at(5))
    state = room_view.view(session, actor=doctor, appointment_id=appt.id, now=at(5))
    assert state.other.status == "reconnecting" and state.call_state == "reconnecting"
    room.begin_media(session, actor=patient, appointment_id=appt.id, now=at(6))  # no admit
    room.media_connected(session, actor=patient, appointment_id=appt.id, part="patient",
                         now=at(7))
    room.set_media_state(session, actor=patient, appointment_id=appt.id, audio_muted=True,
                         video_off=False, now=at(8))
    session.commit()
    assert room_view.view(session, actor=doctor, appointment_id=appt.id,
                          now=at(8)).other.audio_muted

    with pytest.raises(Forbidden):
        room.end(session, actor=patient, appointment_id=appt.id, confirm=True, now=at(20))
    with pytest.raises(Invalid, match="Confirm"):
        room.end(session, actor=doctor, appointment_id=appt.id, confirm=False, now=at(20))
    session.rollback()
    record = room.end(session, actor=doctor, appointment_id=appt.id, confirm=True, now=at(27))
    session.commit()
    assert session.get(Appointment, appt.id).status == S.COMPLETED
    assert record.started_at == at(-3) and record.duration_seconds == 30 * 60
    sides = {p.part: p for p in session.exec(select(RoomParticipant)).all()}
    assert sides["patient"].connected_seconds == (9 + 20) * 60  # -4..5 and 7..27
    assert sides["doctor"].connected_seconds == 30 * 60
    assert {p.status for p in sides.values()} == {"ended"}
    kinds = [(e.part, e.kind) for e in session.exec(select(RoomEvent).order_by(RoomEvent.id))]
    assert kinds == [("patient", "join"), ("doctor", "join"), ("doctor", "admit"),
                     ("patient", "connect"), ("doctor", "connect"),
                     ("patient", "disconnect"), ("patient", "connect"), ("doctor", "end")]
    actions = set(session.exec(select(AuditEntry.action)).all())
    assert {"room.admit", "room.start", "room.end", "appointment.complete"} <= actions
    with pytest.raises(Conflict, match="ended"):
        room.join(session, actor=patient, appointment_id=appt.id, now=at(28))


def test_a_patient_who_stops_polling_drops_off_the_waiting_list(session, personas, appt):
    patient, doctor = personas.actor(personas.patient_a), personas.actor(personas.doctor_b)
    room.join(session, actor=patient, appointment_id=appt.id, now=at(-9))
    session.commit()
    assert room_view.waiting_patients(session, actor=doctor, now=at(-8))
    assert room_view.waiting_patients(session, actor=doctor, now=at(-7)) == []
    room_view.view(session, actor=patient, appointment_id=appt.id, now=at(-7))  # heartbeat
    session.commit()
    assert room_view.waiting_patients(session, actor=doctor, now=at(-6.5))
    room.leave(session, actor=patient, appointment_id=appt.id, now=at(-6))
    session.commit()
    assert room_view.waiting_patients(session, actor=doctor, now=at(-6)) == []
    with pytest.raises(Conflict, match="not in the waiting room"):
        room.admit(session, actor=doctor, appointment_id=appt.id, now=at(-6))


def test_after_a_restart_connected_sides_must_reconnect_and_need_no_new_admission(
        session, personas, appt):
    patient, doctor = personas.actor(personas.patient_a), personas.actor(personas.doctor_b)
    room.join(session, actor=patient, appointment_id=appt.id, now=at(0))
    room.admit(session, actor=doctor, appointment_id=appt.id, now=at(1))
    for actor, part in ((patient, "patient"), (doctor, "doctor")):
        room.begin_media(session, actor=actor, appointment_id=appt.id, now=at(1))
        room.media_connected(session, actor=actor, appointment_id=appt.id, part=part,
                             now=at(2))
    session.commit()
    running = frozenset({"patient", "doctor"})
    assert room_view.view(session, actor=patient, appointment_id=appt.id, now=at(70),
                          live=running).is_open  # past the grace, but the call runs
    after_restart = room_view.view(session, actor=patient, appointment_id=appt.id, now=at(3),
                                   live=frozenset())
    assert after_restart.me.status == after_restart.other.status == "reconnecting"
    assert room.begin_media(session, actor=patient, appointment_id=appt.id, now=at(4),
                            live=frozenset())[0] == "patient"
    with pytest.raises(Conflict, match="closed"):
        room.begin_media(session, actor=patient, appointment_id=appt.id, now=at(70),
                         live=frozenset())


def test_media_kinds_follow_the_appointment_mode(session, personas, doctor):
    patient, doctor_actor = personas.actor(personas.patient_a), personas.actor(
        personas.doctor_b)
    audio = make_appt(session, personas, doctor, mode="audio")
    chat = make_appt(session, personas, doctor, mode="chat", start=START + timedelta(hours=1))
    assert room.begin_media(session, actor=doctor_actor, appointment_id=audio.id,
                            now=at(0)) == ("doctor", ("audio",))
    with pytest.raises(Conflict, match="chat appointment"):
        room.begin_media(session, actor=doctor_actor, appointment_id=chat.id, now=at(60))
    session.rollback()
    view = room_view.view(session, actor=patient, appointment_id=chat.id, now=at(60))
    assert view.media == () and not view.can_connect and view.ice_servers == []
