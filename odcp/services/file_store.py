"""Private files: checked by content, encrypted, stored locally or on Cloudinary.

Why one module: licence documents, chat attachments and patient records all need the same
three things. (1) A content check: the type comes from the bytes (magic numbers, then a
full decode for pictures), never from the name or the browser's content type. (2) AES-GCM
encryption before the bytes leave the process, bound to a caller-chosen context so a blob
copied elsewhere does not decrypt. (3) A commit-safe swap: the new blob is written first
and the old one deleted only once the transaction commits (the new one if it rolls back),
so the database row and the stored file always agree.

Storage is the instance folder by default, and Cloudinary when CLOUDINARY_URL is set
(cloudinary://key:secret@cloud). Cloudinary blobs are uploaded as `private` raw files and
read back server-side through a signed, short-lived API download URL; no public URL
exists, and Cloudinary only ever holds ciphertext.
"""

from __future__ import annotations

import io
import logging
import os
import re
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qsl, unquote, urlparse

import httpx
from PIL import Image, UnidentifiedImageError
from sqlalchemy import event
from sqlmodel import Session

from odcp.services.crypto import DecryptionError, decrypt_bytes, encrypt_bytes
from odcp.services.errors import DomainError, Invalid, NotFound
from odcp.settings import get_settings

log = logging.getLogger("odcp.files")

PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"
WEBP, GIF = "image/webp", "image/gif"
EXTENSIONS = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg", WEBP: ".webp", GIF: ".gif"}
_LABELS = {PDF: "PDF", PNG: "PNG", JPEG: "JPEG", WEBP: "WebP", GIF: "GIF"}
_PIL_FORMATS = {PNG: "PNG", JPEG: "JPEG", WEBP: "WEBP", GIF: "GIF"}
MAX_PIXELS = 40_000_000
# Active content a PDF viewer could run; a scan or an exported report never needs it.
_PDF_ACTIVE = (b"/JavaScript", b"/Launch", b"/EmbeddedFile")


class StorageUnavailable(DomainError):
    """The file service could not be reached; nothing was changed."""

    status_code = 503


@dataclass(frozen=True)
class CheckedFile:
    data: bytes
    content_type: str
    name: str

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


def sniff(data: bytes) -> str | None:
    """The content type the bytes announce, or None."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    return None


def kinds(allowed: frozenset[str]) -> str:
    """'PDF, PNG or JPEG' for messages, in a stable order."""
    names = [label for ctype, label in _LABELS.items() if ctype in allowed]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _check_pdf(data: bytes, field: str) -> None:
    if b"%%EOF" not in data[-2048:]:
        raise Invalid("This PDF is damaged or incomplete; please export it again.", field=field)
    if any(marker in data for marker in _PDF_ACTIVE):
        raise Invalid("This PDF contains scripts, actions or attachments; please send a "
                      "plain scan or export instead.", field=field)


def _check_image(data: bytes, content_type: str, allowed: frozenset[str], field: str) -> None:
    unreadable = f"This picture cannot be read; upload a {kinds(allowed)} file."
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if (probe.format != _PIL_FORMATS[content_type]
                    or probe.width * probe.height > MAX_PIXELS):
                raise Invalid(unreadable, field=field)
            probe.load()  # a full decode (the first frame of an animation), not the header
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise Invalid(unreadable, field=field) from exc


def safe_name(name: str, content_type: str, default: str = "file") -> str:
    """A display name without paths (/ or \\) or control characters, with the real extension."""
    last = re.split(r"[/\\]", name or "")[-1]
    base = re.sub(r"[\x00-\x1f\x7f\"]", "", last).strip() or default
    stem = base.rsplit(".", 1)[0].strip()[:120] or default
    return stem + EXTENSIONS[content_type]


def check_file(data: bytes, name: str, *, allowed: frozenset[str], max_bytes: int,
               what: str, field: str, default_name: str = "file") -> CheckedFile:
    """Accept `data` only if its content is one of `allowed` and it fits `max_bytes`.

    `what` names the file in messages ("the licence"); `field` is the form field.
    """
    if not data:
        raise Invalid("The file is empty.", field=field)
    if len(data) > max_bytes:
        raise Invalid(f"The file is larger than {max_bytes // (1024 * 1024)} MB.", field=field)
    content_type = sniff(data)
    if content_type not in allowed:
        raise Invalid(f"Upload {what} as a {kinds(allowed)} file.", field=field)
    if content_type == PDF:
        _check_pdf(data, field)
    else:
        _check_image(data, content_type, allowed, field)
    return CheckedFile(data=data, content_type=content_type,
                       name=safe_name(name, content_type, default_name))


def new_name(prefix: str) -> str:
    """A fresh, unguessable stored name (never derived from the user's file name)."""
    return f"{prefix}-{uuid.uuid4().hex}.bin"


def local_folder(name: str) -> Path:
    folder = get_settings().instance_dir / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def atomic_write(path: Path, data: bytes) -> None:
    """Write via a temporary file and a rename, so a crash never leaves half a file."""
    tmp = path.with_name(path.name + f".{uuid.uuid4().hex[:8]}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


class Backend(Protocol):
    def put(self, folder: str, name: str, data: bytes) -> None: ...
    def get(self, folder: str, name: str) -> bytes: ...
    def delete(self, folder: str, name: str) -> None: ...


class LocalBackend:
    """Files under the instance folder, one sub-folder per kind."""

    def put(self, folder: str, name: str, data: bytes) -> None:
        atomic_write(local_folder(folder) / Path(name).name, data)

    def get(self, folder: str, name: str) -> bytes:
        try:
            return (local_folder(folder) / Path(name).name).read_bytes()
        except FileNotFoundError as exc:
            raise NotFound("This file is no longer available.") from exc

    def delete(self, folder: str, name: str) -> None:
        (local_folder(folder) / Path(name).name).unlink(missing_ok=True)


class CloudinaryBackend:
    """Private raw uploads; reads go through signed, expiring API download URLs."""

    TIMEOUT = 30
    LINK_SECONDS = 60

    def __init__(self, url: str, root: str = "odcp") -> None:
        self.options = cloudinary_options(url)
        self.root = root

    def _public_id(self, folder: str, name: str) -> str:
        return f"{self.root}/{folder}/{Path(name).name}"

    def _call(self, what: str, fn, *args, **kwargs):
        import cloudinary.exceptions

        try:
            return fn(*args, **self.options, resource_type="raw", type="private",
                      timeout=self.TIMEOUT, **kwargs)
        except cloudinary.exceptions.Error as exc:
            log.warning("cloudinary %s failed: %s", what, exc)
            raise StorageUnavailable("The file service is not available right now; "
                                     "please try again in a minute.") from exc

    def put(self, folder: str, name: str, data: bytes) -> None:
        import cloudinary.uploader

        self._call("upload", cloudinary.uploader.upload, io.BytesIO(data),
                   public_id=self._public_id(folder, name), overwrite=False,
                   filename=Path(name).name)

    def get(self, folder: str, name: str) -> bytes:
        import cloudinary.utils

        url = cloudinary.utils.private_download_url(
            self._public_id(folder, name), "", **self.options, resource_type="raw",
            type="private", expires_at=int(time.time()) + self.LINK_SECONDS)
        try:
            response = httpx.get(url, timeout=self.TIMEOUT, follow_redirects=True)
        except httpx.HTTPError as exc:
            raise StorageUnavailable("The file service is not available right now; "
                                     "please try again in a minute.") from exc
        if response.status_code == 404:
            raise NotFound("This file is no longer available.")
        if response.status_code != 200:
            log.warning("cloudinary download answered %s", response.status_code)
            raise StorageUnavailable("The file service is not available right now; "
                                     "please try again in a minute.")
        return response.content

    def delete(self, folder: str, name: str) -> None:
        import cloudinary.uploader

        self._call("destroy", cloudinary.uploader.destroy, self._public_id(folder, name),
                   invalidate=True)


def cloudinary_options(url: str) -> dict[str, str]:
    """cloudinary://key:secret@cloud?upload_prefix=... as the SDK's per-call options."""
    parts = urlparse(url)
    if parts.scheme != "cloudinary" or not (parts.username and parts.password
                                             and parts.hostname):
        raise ValueError("CLOUDINARY_URL must look like cloudinary://key:secret@cloud_name")
    options = {"api_key": unquote(parts.username), "api_secret": unquote(parts.password),
               "cloud_name": parts.hostname}
    options.update({k: v for k, v in parse_qsl(parts.query) if k in ("upload_prefix",)})
    return options


_backends: dict[str, Backend] = {}


def backend() -> Backend:
    """The configured store: Cloudinary when CLOUDINARY_URL is set, else the local folder."""
    url = get_settings().cloudinary_url
    if url not in _backends:
        _backends[url] = CloudinaryBackend(url) if url else LocalBackend()
    return _backends[url]


def put_encrypted(folder: str, name: str, data: bytes, *, context: str) -> None:
    backend().put(folder, name, encrypt_bytes(data, context=context))


def get_encrypted(folder: str, name: str, *, context: str) -> bytes:
    try:
        return decrypt_bytes(backend().get(folder, name), context=context)
    except DecryptionError as exc:
        log.error("stored file %s/%s does not decrypt", folder, name)
        raise NotFound("This file is no longer available.") from exc


def _delete_quietly(store: Backend, folder: str, name: str) -> None:
    """Called after the outcome is settled, so a failure is logged, never raised."""
    try:
        store.delete(folder, name)
    except Exception:
        log.exception("could not delete stored file %s/%s", folder, name)


def swap_on_commit(session: Session, *, folder: str, new: str | None, old: str | None,
                   store: Backend | None = None) -> None:
    """Delete `old` when the transaction commits, or `new` when it rolls back (once)."""
    store = store or backend()
    settled = {"done": False}

    def settle(name: str | None) -> None:
        if not settled["done"]:
            settled["done"] = True
            if name:
                _delete_quietly(store, folder, name)

    event.listen(session, "after_commit", lambda _s: settle(old))
    event.listen(session, "after_rollback", lambda _s: settle(new))
