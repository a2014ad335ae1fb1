"""The chat through the API: history, sending, attachments, read marks, and the WebSocket
(Starlette's TestClient) receiving what the other party posts."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlmodel import select
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from odcp.api.app import create_api
from odcp.api.routers import chat as chat_router
from odcp.models import Appointment, AppointmentStatus, AuditEntry
from odcp.models.base import utcnow
from odcp.services import auth, chat_presence
from odcp.services.actor import Actor
from tests.api.conftest import bearer
from tests.chat_helpers import chat_appointment, private_bus
from tests.doctor_helpers import PDF, image


@pytest.fixture(autouse=True)
def bus():
    with private_bus() as fresh:
        yield fresh


@pytest.fixture
def appt(session, personas) -> Appointment:
    return chat_appointment(session, personas,
                            starts_at=(utcnow() + timedelta(hours=2)).replace(microsecond=0))


def _url(appt: Appointment, tail: str) -> str:
    return f"/api/v1/appointments/{appt.id}/chat/{tail}"


async def test_the_parties_exchange_messages_and_strangers_get_404(client, personas, appt,
                                                                   login, session):
    patient = bearer((await login(personas.patient_a))["access_token"])
    doctor = bearer((await login(personas.doctor_b))["access_token"])
    stranger = bearer((await login(personas.patient_c))["access_token"])
    sent = await client.post(_url(appt, "messages"), json={"text": " Hello doctor "},
                             headers=patient)
    assert sent.status_code == 201 and sent.json()["text"] == "Hello doctor"
    assert sent.json()["sender"] == "patient"
    page = (await client.get(_url(appt, "messages"), headers=doctor)).json()
    assert [m["text"] for m in page["messages"]] == ["Hello doctor"]
    assert page["can_write"] and page["notice"] == "" and not page["has_more"]
    read = await client.post(_url(appt, "read"), json={"up_to_id": sent.json()["id"]},
                             headers=doctor)
    assert read.status_code == 200 and read.json() == {"up_to_id": sent.json()["id"]}
    mine = (await client.get(_url(appt, "messages"), headers=patient)).json()
    assert mine["messages"][0]["read"] is True
    assert mine["read_up_to"]["doctor"] == sent.json()["id"]

    for method, tail, kw in (("get", "messages", {}), ("post", "messages", {"json": {
            "text": "hi"}}), ("post", "read", {"json": {"up_to_id": 1}})):
        refused = await client.request(method.upper(), _url(appt, tail), headers=stranger, **kw)
        assert refused.status_code == 404, refused.text
        assert "Hello" not in refused.text
    assert (await client.get(_url(appt, "messages"))).status_code == 401
    empty = await client.post(_url(appt, "messages"), json={"text": "   "}, headers=patient)
    assert empty.status_code == 422 and "Write a message" in empty.json()["error"]["message"]

    admin = bearer((await login(personas.admin))["access_token"])
    assert (await client.get(_url(appt, "messages"), headers=admin)).status_code == 200
    assert (await client.post(_url(appt, "messages"), json={"text": "x"},
                              headers=admin)).status_code == 403
    session.expire_all()
    assert session.exec(select(AuditEntry).where(AuditEntry.action == "chat.read")).one()


async def test_history_pages_with_before(client, personas, appt, login):
    patient = bearer((await login(personas.patient_a))["access_token"])
    for i in range(5):
        await client.post(_url(appt, "messages"), json={"text": f"m{i}"}, headers=patient)
    first = (await client.get(_url(appt, "messages"), params={"limit": 2},
                              headers=patient)).json()
    assert [m["text"] for m in first["messages"]] == ["m3", "m4"] and first["has_more"]
    older = (await client.get(_url(appt, "messages"), headers=patient, params={
        "limit": 2, "before": first["messages"][0]["id"]})).json()
    assert [m["text"] for m in older["messages"]] == ["m1", "m2"]
    bad = await client.get(_url(appt, "messages"), params={"limit": 1000}, headers=patient)
    assert bad.status_code == 422


async def test_a_closed_chat_is_read_only(client, personas, appt, login, session):
    appt.status = AppointmentStatus.CANCELLED
    session.add(appt)
    session.commit()
    patient = bearer((await login(personas.patient_a))["access_token"])
    refused = await client.post(_url(appt, "messages"), json={"text": "hi"}, headers=patient)
    assert refused.status_code == 409 and "read-only" in refused.json()["error"]["message"]
    page = (await client.get(_url(appt, "messages"), headers=patient)).json()
    assert not page["can_write"] and "cancelled" in page["notice"]


async def test_attachments_upload_and_download_only_for_the_parties(client, personas, appt,
                                                                     login, session):
    patient = bearer((await login(personas.patient_a))["access_token"])
    doctor = bearer((await login(personas.doctor_b))["access_token"])
    stranger = bearer((await login(personas.doctor_d))["access_token"])
    png = image("PNG")
    sent = await client.post(_url(appt, "attachments"), headers=patient,
                             files={"file": ("arm rash.png", png, "application/pdf")},
                             data={"text": "this morning"})
    assert sent.status_code == 201, sent.text
    attachment = sent.json()["attachment"]
    assert attachment["content_type"] == "image/png" and attachment["name"] == "arm rash.png"
    url = _url(appt, f"attachments/{attachment['id']}")
    got = await client.get(url, headers=doctor)
    assert got.status_code == 200 and got.content == png
    assert got.headers["content-type"] == "image/png"
    assert got.headers["content-disposition"] == "attachment; filename*=UTF-8''arm%20rash.png"
    assert got.headers["cache-control"] == "private, no-store"
    assert got.headers["x-content-type-options"] == "nosniff"
    inline = await client.get(url, params={"inline": "true"}, headers=doctor)
    assert inline.headers["content-disposition"].startswith("inline;")
    assert (await client.get(url, headers=stranger)).status_code == 404
    # The chat panel shows the picture with <img>: the browser's session cookie works too,
    # for the parties only; no credentials at all is 401.
    for user, status in ((personas.doctor_b, 200), (personas.doctor_d, 404)):
        browser = auth.start_session(session, user=user, actor=Actor(), kind="browser")
        session.commit()
        by_cookie = await client.get(url, cookies={"odcp_session": browser.token})
        assert by_cookie.status_code == status
    assert (await client.get(url, cookies={"odcp_session": "forged"})).status_code == 401
    assert (await client.get(url)).status_code == 401

    pdf = await client.post(_url(appt, "attachments"), headers=doctor,
                            files={"file": ("plan.pdf", PDF, "application/pdf")})
    pdf_url = _url(appt, f"attachments/{pdf.json()['attachment']['id']}")
    shown = await client.get(pdf_url, params={"inline": "true"}, headers=patient)
    assert shown.content == PDF and shown.headers["content-disposition"].startswith("attach")

    for data, message in ((b"MZ\x90\x00fake exe", "PDF, PNG, JPEG, WebP or GIF"),
                          (b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024) + b"%%EOF", "10 MB")):
        refused = await client.post(_url(appt, "attachments"), headers=patient,
                                    files={"file": ("x.pdf", data, "application/pdf")})
        assert refused.status_code == 422 and message in refused.json()["error"]["message"]
    page = (await client.get(_url(appt, "messages"), headers=patient)).json()
    assert len(page["messages"]) == 2


async def _receive(ws, kind: str) -> dict:
    """The next event of `kind` (skipping others), failing instead of hanging."""
    while True:
        event = await asyncio.wait_for(asyncio.to_thread(ws.receive_json), 10)
        if event["type"] == kind:
            return event


async def _closed_with(tc: TestClient, appt: Appointment, first: dict) -> int:
    with tc.websocket_connect(_url(appt, "ws")) as ws:
        ws.send_json(first)
        with pytest.raises(WebSocketDisconnect) as closed:
            await asyncio.wait_for(asyncio.to_thread(ws.receive_json), 10)
    return closed.value.code


async def test_the_websocket_delivers_the_other_partys_message(personas, appt, login):
    patient_token = (await login(personas.patient_a))["access_token"]
    doctor_token = (await login(personas.doctor_b))["access_token"]
    with TestClient(create_api()) as tc, tc.websocket_connect(_url(appt, "ws")) as doc_ws:
        doc_ws.send_json({"type": "auth", "token": doctor_token})
        ready = await _receive(doc_ws, "ready")
        assert ready["part"] == "doctor" and ready["can_write"]
        with tc.websocket_connect(_url(appt, "ws")) as patient_ws:
            patient_ws.send_json({"type": "auth", "token": patient_token})
            await _receive(patient_ws, "ready")
            online = await _receive(doc_ws, "presence")
            while online["part"] != "patient":
                online = await _receive(doc_ws, "presence")
            assert online["state"] == "online"
            patient_ws.send_json({"type": "typing"})
            typing = await _receive(doc_ws, "presence")
            while typing["state"] != "typing":
                typing = await _receive(doc_ws, "presence")
            posted = tc.post(_url(appt, "messages"), json={"text": "Can you see me?"},
                             headers=bearer(patient_token))
            assert posted.status_code == 201
            event = await _receive(doc_ws, "message")
            assert event["message"]["text"] == "Can you see me?"
            assert event["message"]["sender"] == "patient"
            tc.post(_url(appt, "read"), json={"up_to_id": event["message"]["id"]},
                    headers=bearer(doctor_token))
            read = await _receive(patient_ws, "read")
            assert read["part"] == "doctor" and read["up_to_id"] == event["message"]["id"]
        gone = await _receive(doc_ws, "presence")
        while gone["state"] != "offline":
            gone = await _receive(doc_ws, "presence")
        assert gone["part"] == "patient"


async def test_the_websocket_refuses_strangers_admins_and_bad_tokens(personas, appt, login):
    stranger = (await login(personas.patient_c))["access_token"]
    other_doctor = (await login(personas.doctor_d))["access_token"]
    admin = (await login(personas.admin))["access_token"]
    with TestClient(create_api()) as tc:
        assert await _closed_with(tc, appt, {"type": "auth", "token": stranger}) == 4404
        assert await _closed_with(tc, appt, {"type": "auth", "token": other_doctor}) == 4404
        assert await _closed_with(tc, appt, {"type": "auth", "token": admin}) == 4403
        assert await _closed_with(tc, appt, {"type": "auth", "token": "forged"}) == 4401
        assert await _closed_with(tc, appt, {"type": "typing"}) == 4401
        missing = Appointment(id=appt.id + 1000)
        assert await _closed_with(tc, missing, {"type": "auth", "token": stranger}) == 4404


async def test_signing_out_ends_a_live_connection(personas, appt, login, monkeypatch):
    monkeypatch.setattr(chat_presence, "HEARTBEAT", 0.2)
    monkeypatch.setattr(chat_router, "RECHECK_SECONDS", 0.4)
    token = (await login(personas.patient_a))["access_token"]
    with TestClient(create_api()) as tc, tc.websocket_connect(_url(appt, "ws")) as ws:
        ws.send_json({"type": "auth", "token": token})
        await _receive(ws, "ready")
        assert tc.post("/api/v1/auth/logout", headers=bearer(token)).status_code == 204
        with pytest.raises(WebSocketDisconnect) as closed:
            while True:
                await asyncio.wait_for(asyncio.to_thread(ws.receive_json), 10)
    assert closed.value.code == 4401
