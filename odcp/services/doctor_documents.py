"""Files a doctor hands in during onboarding: the licence document and the profile photo.

Licence documents go through odcp.services.file_store: checked by content (magic bytes,
then a decode), never by the name or the browser's content type, encrypted, and stored in
the instance folder (or on Cloudinary when configured); only an authorized service call
reads them back (there is no public URL). The photo is public, so it is re-encoded like an
avatar (odcp.services.avatars): decoding proves it is a picture and re-encoding drops
metadata such as GPS positions; it stays in the instance folder and is shown as a data URI.
Both are swapped on commit (file_store.swap_on_commit), so a crash or a refused change
never loses a document.
"""

from __future__ import annotations

import base64
import io
import uuid
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlmodel import Session

from odcp.services import file_store
from odcp.services.errors import Invalid
from odcp.services.file_store import JPEG, PDF, PNG, CheckedFile

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PIXELS = file_store.MAX_PIXELS
PHOTO_SIZE = 400
DOCUMENTS, PHOTOS = "documents", "doctor_photos"
LICENCE_TYPES = frozenset({PDF, PNG, JPEG})
CheckedDocument = CheckedFile  # the name the rest of onboarding knows
_folder = file_store.local_folder


def check_document(data: bytes, name: str) -> CheckedFile:
    """Accept a PDF, PNG or JPEG up to 10 MB whose content is what it claims to be."""
    return file_store.check_file(data, name, allowed=LICENCE_TYPES,
                                 max_bytes=MAX_DOCUMENT_BYTES, what="the licence",
                                 field="licence_document", default_name="licence")


def _context(profile_id: int, stored: str) -> str:
    return f"doctor_profile:{profile_id}:licence:{stored}"


def store_document(profile_id: int, data: bytes) -> str:
    """Encrypt and store a checked document; returns the stored file's name."""
    stored = file_store.new_name(f"licence-{profile_id}")
    file_store.put_encrypted(DOCUMENTS, stored, data, context=_context(profile_id, stored))
    return stored


def read_document(profile_id: int, stored: str) -> bytes:
    return file_store.get_encrypted(DOCUMENTS, stored, context=_context(profile_id, stored))


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
    file_store.atomic_write(_folder(PHOTOS) / stored, png)
    return stored


def photo_data_uri(stored: str | None) -> str:
    """The photo as a data URI for a page, or "" when there is none."""
    if not stored:
        return ""
    path = _folder(PHOTOS) / Path(stored).name
    if not path.exists():
        return ""
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode()


def swap_on_commit(session: Session, *, folder: str, new: str, old: str | None) -> None:
    """Delete `old` when the transaction commits, or `new` when it rolls back (once).

    Photos always live in the instance folder; documents wherever the file store keeps
    them."""
    store = file_store.LocalBackend() if folder == PHOTOS else None
    file_store.swap_on_commit(session, folder=folder, new=new, old=old, store=store)

