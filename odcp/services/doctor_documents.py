"""Files a doctor hands in during onboarding: the licence document and the profile photo.

Licence documents are checked by content (magic bytes, then a decode), never by the name or
the browser's content type, and stored encrypted in the instance folder under documents/;
only an authorized service call reads them back (there is no public URL). The photo is
public, so it is re-encoded like an avatar (odcp.services.avatars): decoding proves it is a
picture and re-encoding drops metadata such as GPS positions.

Why files are swapped on commit: the database row and the file must agree. A new file is
written first; the previous one is deleted only once the transaction commits, and the new
one is deleted if it rolls back, so a crash or a refused change never loses a document.
"""

from __future__ import annotations

import base64
import io
import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import event
from sqlmodel import Session

from odcp.services.crypto import decrypt_bytes, encrypt_bytes
from odcp.services.errors import Invalid
from odcp.settings import get_settings

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
PHOTO_SIZE = 400
PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"
_EXTENSIONS = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg"}
# Active content an admin's PDF viewer could run; a scanned licence never needs it.
_PDF_ACTIVE = (b"/JavaScript", b"/Launch", b"/EmbeddedFile")


@dataclass(frozen=True)
class CheckedDocument:
    data: bytes
    content_type: str
    name: str


def _folder(name: str) -> Path:
    folder = get_settings().instance_dir / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _sniff(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    return None


def _check_pdf(data: bytes) -> None:
    if b"%%EOF" not in data[-2048:]:
        raise Invalid("This PDF is damaged or incomplete; please export it again.",
                      field="licence_document")
    if any(marker in data for marker in _PDF_ACTIVE):
        raise Invalid("This PDF contains scripts, actions or attachments; please upload a "
                      "plain scan or export of the licence.", field="licence_document")


def _check_image(data: bytes, fmt: str) -> None:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format != fmt or probe.width * probe.height > MAX_PIXELS:
                raise Invalid("This picture cannot be read.", field="licence_document")
            probe.load()  # a full decode, not just the header
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise Invalid("This picture cannot be read; upload a PDF, PNG or JPEG file.",
                      field="licence_document") from exc


def safe_name(name: str, content_type: str) -> str:
    """A display name without paths or control characters, ending in the real extension."""
    base = re.sub(r"[\x00-\x1f\x7f/\\\"]", "", Path(name or "").name).strip() or "licence"
    stem = base.rsplit(".", 1)[0][:120] or "licence"
    return stem + _EXTENSIONS[content_type]


def check_document(data: bytes, name: str) -> CheckedDocument:
    """Accept a PDF, PNG or JPEG up to 10 MB whose content is what it claims to be."""
    if not data:
        raise Invalid("The file is empty.", field="licence_document")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise Invalid("The file is larger than 10 MB.", field="licence_document")
    content_type = _sniff(data)
    if content_type is None:
        raise Invalid("Upload the licence as a PDF, PNG or JPEG file.",
                      field="licence_document")
    if content_type == PDF:
        _check_pdf(data)
    else:
        _check_image(data, "PNG" if content_type == PNG else "JPEG")
    return CheckedDocument(data=data, content_type=content_type,
                           name=safe_name(name, content_type))


def _context(profile_id: int, stored: str) -> str:
    return f"doctor_profile:{profile_id}:licence:{stored}"


def store_document(profile_id: int, data: bytes) -> str:
    """Encrypt and write a checked document; returns the stored file's name."""
    stored = f"licence-{profile_id}-{uuid.uuid4().hex}.bin"
    _write(_folder("documents") / stored, encrypt_bytes(data, context=_context(profile_id,
                                                                                 stored)))
    return stored


def read_document(profile_id: int, stored: str) -> bytes:
    path = _folder("documents") / Path(stored).name
    return decrypt_bytes(path.read_bytes(), context=_context(profile_id, stored))


def normalized_photo(data: bytes) -> bytes:
    """A square PNG of the photo, or Invalid with what is wrong."""
    if len(data) > MAX_PHOTO_BYTES:
        raise Invalid("The photo is larger than 5 MB.", field="photo")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in {"JPEG", "PNG", "WEBP"}:
                raise Invalid("Use a JPEG, PNG or WebP photo.", field="photo")
            if probe.width * probe.height > MAX_PIXELS:
                raise Invalid("The photo has too many pixels.", field="photo")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image).convert("RGB")
            out = io.BytesIO()
            ImageOps.fit(image, (PHOTO_SIZE, PHOTO_SIZE)).save(out, format="PNG",
                                                               optimize=True)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise Invalid("This file is not a photo we can read.", field="photo") from exc


def store_photo(profile_id: int, png: bytes) -> str:
    stored = f"doctor-{profile_id}-{uuid.uuid4().hex[:12]}.png"
    _write(_folder("doctor_photos") / stored, png)
    return stored


def photo_data_uri(stored: str | None) -> str:
    """The photo as a data URI for a page, or "" when there is none."""
    if not stored:
        return ""
    path = _folder("doctor_photos") / Path(stored).name
    if not path.exists():
        return ""
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode()


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def swap_on_commit(session: Session, *, folder: str, new: str, old: str | None) -> None:
    """Delete `old` when the transaction commits, or `new` when it rolls back (once)."""
    settled = {"done": False}

    def settle(name: str | None) -> None:
        if not settled["done"]:
            settled["done"] = True
            if name:
                (_folder(folder) / Path(name).name).unlink(missing_ok=True)

    event.listen(session, "after_commit", lambda _s: settle(old))
    event.listen(session, "after_rollback", lambda _s: settle(new))
