"""The private file store: content checks, encryption, commit-safe swaps, and both backends.

The Cloudinary backend runs against a fake Cloudinary API on 127.0.0.1 (a small Starlette
app that checks the SDK's request signatures the way Cloudinary does), so the real SDK
code path is exercised without leaving the machine.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from cloudinary.utils import api_sign_request
from sqlalchemy import text
from sqlmodel import Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from odcp.services import file_store
from odcp.services.errors import Invalid, NotFound
from odcp.settings import SettingsError, get_settings, load_settings
from tests.doctor_helpers import PDF, image

SECRET = "fake-api-secret"
ALL = frozenset(file_store.EXTENSIONS)


def _check(data: bytes, name: str = "scan.bin", allowed=ALL, max_bytes=1024 * 1024):
    return file_store.check_file(data, name, allowed=allowed, max_bytes=max_bytes,
                                 what="the document", field="file")


@pytest.mark.parametrize(("fmt", "ctype", "ext"), [
    ("PNG", file_store.PNG, ".png"), ("JPEG", file_store.JPEG, ".jpg"),
    ("WEBP", file_store.WEBP, ".webp"), ("GIF", file_store.GIF, ".gif")])
def test_pictures_are_recognised_by_content_not_name(fmt, ctype, ext):
    checked = _check(image(fmt), name="../../etc/passwd.pdf")
    assert (checked.content_type, checked.name, checked.is_image) == (ctype, "passwd" + ext,
                                                                     True)


def test_a_pdf_is_accepted_and_keeps_a_safe_display_name():
    checked = _check(PDF, name='C:\\fakepath\\lab "results"\x07.PDF')
    assert checked.content_type == file_store.PDF and checked.name == "lab results.pdf"


@pytest.mark.parametrize(("data", "allowed", "message"), [
    (b"", ALL, "empty"),
    (b"MZ\x90\x00 an executable", ALL, "PDF, PNG, JPEG, WebP or GIF"),
    (image("GIF"), frozenset({file_store.PDF, file_store.PNG}), "PDF or PNG"),
    (image("PNG")[:60], ALL, "cannot be read"),
    (b"RIFF\x00\x00\x00\x00WEBPVP8 garbage", ALL, "cannot be read"),
    (PDF.replace(b"%%EOF", b""), ALL, "damaged"),
    (PDF.replace(b"/Type/Catalog", b"/OpenAction<</S/JavaScript/JS(x)>>"), ALL, "scripts"),
    (b"%PDF-1.4\n" + b"0" * (1024 * 1024) + b"%%EOF", ALL, "larger than 1 MB"),
])
def test_other_content_is_refused_with_a_reason(data, allowed, message):
    with pytest.raises(Invalid, match=message):
        _check(data, allowed=allowed)


def test_local_blobs_are_encrypted_and_bound_to_their_context():
    name = file_store.new_name("t")
    file_store.put_encrypted("tests", name, PDF, context="doc:1")
    raw = (file_store.local_folder("tests") / name).read_bytes()
    assert b"%PDF" not in raw and b"Catalog" not in raw
    assert file_store.get_encrypted("tests", name, context="doc:1") == PDF
    with pytest.raises(NotFound):  # copied elsewhere, it does not decrypt
        file_store.get_encrypted("tests", name, context="doc:2")
    with pytest.raises(NotFound, match="no longer available"):
        file_store.get_encrypted("tests", "missing.bin", context="doc:1")


def test_swap_on_commit_keeps_the_row_and_the_file_in_step(engine):
    folder = "swap-tests"
    old, new, dropped = (file_store.new_name("s") for _ in range(3))
    for name in (old, new, dropped):
        file_store.put_encrypted(folder, name, b"x", context="c")
    path = file_store.local_folder(folder)
    with Session(engine) as session:
        session.execute(text("SELECT 1"))  # inside a transaction, as a service would be
        file_store.swap_on_commit(session, folder=folder, new=dropped, old=old)
        session.rollback()
        assert not (path / dropped).exists() and (path / old).exists()
        session.execute(text("SELECT 1"))
        file_store.swap_on_commit(session, folder=folder, new=new, old=old)
        session.commit()
        assert not (path / old).exists() and (path / new).exists()


@dataclasses.dataclass
class FakeCloudinary:
    base: str
    blobs: dict[str, bytes]
    requests: list[dict]


def _signed(params: dict[str, str]) -> bool:
    fields = {k: v for k, v in params.items() if k not in ("signature", "api_key", "file")}
    return params.get("signature") == api_sign_request(fields, SECRET)


def _fake_app(blobs: dict[str, bytes], seen: list[dict]) -> Starlette:
    async def upload(request: Request) -> JSONResponse:
        form = await request.form()
        params = {k: v for k, v in form.items() if isinstance(v, str)}
        seen.append({"action": "upload", **params})
        if not _signed(params):
            return JSONResponse({"error": {"message": "Invalid Signature"}}, status_code=401)
        blobs[params["public_id"]] = await form["file"].read()
        return JSONResponse({"public_id": params["public_id"], "type": params["type"]})

    async def download(request: Request) -> Response:
        params = dict(request.query_params)
        seen.append({"action": "download", **params})
        if not _signed(params) or int(params["expires_at"]) < time.time():
            return JSONResponse({"error": {"message": "Invalid Signature"}}, status_code=401)
        if params["public_id"] not in blobs:
            return JSONResponse({"error": {"message": "Resource not found"}}, status_code=404)
        return Response(blobs[params["public_id"]], media_type="application/octet-stream")

    async def destroy(request: Request) -> JSONResponse:
        params = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        seen.append({"action": "destroy", **params})
        found = blobs.pop(params["public_id"], None) if _signed(params) else None
        return JSONResponse({"result": "ok" if found is not None else "not found"})

    return Starlette(routes=[
        Route("/v1_1/demo-cloud/raw/upload", upload, methods=["POST"]),
        Route("/v1_1/demo-cloud/raw/download", download),
        Route("/v1_1/demo-cloud/raw/destroy", destroy, methods=["POST"])])


@pytest.fixture
def fake_cloudinary(monkeypatch) -> Iterator[FakeCloudinary]:
    blobs: dict[str, bytes] = {}
    seen: list[dict] = []
    server = uvicorn.Server(uvicorn.Config(_fake_app(blobs, seen), host="127.0.0.1", port=0,
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    url = f"cloudinary://fake-key:{SECRET}@demo-cloud?upload_prefix={base}"
    settings = dataclasses.replace(get_settings(), cloudinary_url=url)
    monkeypatch.setattr(file_store, "get_settings", lambda: settings)
    yield FakeCloudinary(base=base, blobs=blobs, requests=seen)
    server.should_exit = True
    thread.join(timeout=5)


def test_without_cloudinary_url_files_stay_local():
    assert isinstance(file_store.backend(), file_store.LocalBackend)


def test_cloudinary_holds_only_private_ciphertext(fake_cloudinary, engine):
    assert isinstance(file_store.backend(), file_store.CloudinaryBackend)
    name = file_store.new_name("c")
    file_store.put_encrypted("chat", name, PDF, context="appointment:1:chat")
    public_id = f"odcp/chat/{name}"
    stored = fake_cloudinary.blobs[public_id]
    assert b"%PDF" not in stored and b"Catalog" not in stored
    upload = fake_cloudinary.requests[0]
    assert (upload["type"], upload["public_id"]) == ("private", public_id)
    assert not (file_store.local_folder("chat") / name).exists()

    assert file_store.get_encrypted("chat", name, context="appointment:1:chat") == PDF
    download = fake_cloudinary.requests[-1]
    assert download["action"] == "download" and download["type"] == "private"
    assert int(download["expires_at"]) <= time.time() + 61  # a short-lived link

    with Session(engine) as session:  # replacing it deletes the old blob on commit
        session.execute(text("SELECT 1"))
        newer = file_store.new_name("c")
        file_store.put_encrypted("chat", newer, b"v2", context="c2")
        file_store.swap_on_commit(session, folder="chat", new=newer, old=name)
        session.commit()
    assert public_id not in fake_cloudinary.blobs and f"odcp/chat/{newer}" in \
        fake_cloudinary.blobs
    with pytest.raises(NotFound):
        file_store.get_encrypted("chat", name, context="appointment:1:chat")


def test_an_unreachable_cloudinary_is_a_clear_error(monkeypatch):
    url = "cloudinary://k:s@demo-cloud?upload_prefix=http://127.0.0.1:9"
    settings = dataclasses.replace(get_settings(), cloudinary_url=url)
    monkeypatch.setattr(file_store, "get_settings", lambda: settings)
    with pytest.raises(file_store.StorageUnavailable, match="not available"):
        file_store.put_encrypted("chat", file_store.new_name("u"), b"x", context="c")
    with pytest.raises(file_store.StorageUnavailable):
        file_store.get_encrypted("chat", "x.bin", context="c")


@pytest.mark.parametrize(("name", "value"), [
    ("CLOUDINARY_URL", "https://api.cloudinary.com/demo"),
    ("CLOUDINARY_URL", "cloudinary://only-a-cloud"), ("REDIS_URL", "localhost:6379")])
def test_a_mistyped_service_url_stops_start_up(tmp_path, name, value):
    with pytest.raises(SettingsError, match=name):
        load_settings({"ODCP_INSTANCE_DIR": str(tmp_path), name: value})
