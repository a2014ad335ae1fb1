"""Findings of the authorization and privacy review of the room, chat, clinical and records
features, each as the request an attacker (or a curious insider) would send."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from odcp.api.app import create_api
from odcp.api.body_limit import DEFAULT_LIMIT
from odcp.services import chat

CHUNK = 256 * 1024
HUGE = 120  # chunks: 30 MB, three times any upload limit


class Counter:
    """A request body sent in chunks (no Content-Length), counting what the app read."""

    def __init__(self, head: bytes, tail: bytes, chunks: int = HUGE) -> None:
        self.head, self.tail, self.chunks, self.read = head, tail, chunks, 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self.head
        for _ in range(self.chunks):
            self.read += 1
            yield b"x" * CHUNK
        yield self.tail


def _multipart() -> Counter:
    return Counter(b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.png"'
                   b"\r\nContent-Type: image/png\r\n\r\n", b"\r\n--b--\r\n")


@pytest.fixture
async def raw_client(engine) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_api(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
        yield c


@pytest.mark.parametrize("path", ["/api/v1/appointments/1/chat/attachments",
                                  "/api/v1/records/documents",
                                  "/api/v1/doctor/profile/licence"])
async def test_an_anonymous_endless_upload_is_cut_off_at_the_limit(raw_client, path):
    """Finding: FastAPI reads (and spools to disk) the whole multipart body before the
    sign-in check and the route's size check run, so anyone could make the server store
    any amount. The body must be refused (413) once it passes the route's limit."""
    body = _multipart()
    response = await raw_client.post(path, content=body, headers={
        "content-type": "multipart/form-data; boundary=b"})
    assert response.status_code == 413, response.text
    limit_chunks = (chat.MAX_ATTACHMENT_BYTES + 2 * 64 * 1024) // CHUNK + 1
    assert body.read <= limit_chunks < HUGE


async def test_a_declared_oversized_body_is_refused_before_it_is_read(raw_client):
    response = await raw_client.post(
        "/api/v1/records/documents", content=b"x" * (11 * 1024 * 1024),
        headers={"content-type": "multipart/form-data; boundary=b"})
    assert response.status_code == 413
    assert response.json()["error"]["message"].startswith("The request is larger than")


async def test_json_bodies_are_capped_too(raw_client):
    body = Counter(b'{"text": "', b'"}')
    response = await raw_client.post("/api/v1/appointments/1/chat/messages", content=body,
                                      headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert body.read <= DEFAULT_LIMIT // CHUNK + 1


async def test_only_api_paths_are_capped():
    """Reflex mounts the web app inside the API app: its /_upload must keep its own rules."""
    from odcp.api.body_limit import limit_for

    assert limit_for("/_upload") is None and limit_for("/records") is None
    assert limit_for("/api/v1/appointments/7/chat/attachments") > 10 * 1024 * 1024
    assert limit_for("/api/v1/auth/login") == DEFAULT_LIMIT
