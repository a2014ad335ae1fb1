"""Profile pictures: checked on the server, re-encoded, stored in the instance folder.

Why re-encode: decoding proves the bytes are the image they claim to be (not a script or
a polyglot file), and writing a fresh 256x256 PNG drops metadata such as GPS positions.
"""

from __future__ import annotations

import base64
import io
import os
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlmodel import Session

from odcp.models.base import utcnow
from odcp.models.user import User
from odcp.services import audit
from odcp.services.actor import Actor, require_user
from odcp.services.errors import Invalid
from odcp.settings import get_settings

MAX_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 40_000_000
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
SIZE = 256


def _folder() -> Path:
    folder = get_settings().instance_dir / "avatars"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _normalized_png(data: bytes) -> bytes:
    if len(data) > MAX_BYTES:
        raise Invalid("The picture is larger than 2 MB.", field="avatar")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise Invalid("Use a JPEG, PNG or WebP picture.", field="avatar")
            if probe.width * probe.height > MAX_PIXELS:
                raise Invalid("The picture has too many pixels.", field="avatar")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image).convert("RGB")
            image = ImageOps.fit(image, (SIZE, SIZE))
            out = io.BytesIO()
            image.save(out, format="PNG", optimize=True)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise Invalid("This file is not a picture we can read.", field="avatar") from exc


def set_avatar(session: Session, *, actor: Actor, data: bytes) -> User:
    """Replace the acting user's picture; the old file is overwritten atomically."""
    user = session.get(User, require_user(actor).id)
    png = _normalized_png(data)
    path = _folder() / f"{user.id}.png"
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(png)
    os.replace(tmp, path)
    user.avatar_path, user.updated_at = path.name, utcnow()
    audit.record(session, actor=actor, action="account.avatar_set", target_type="user",
                 target_id=user.id, subject_user_id=user.id)
    return user


def remove_avatar(session: Session, *, actor: Actor) -> None:
    user = session.get(User, require_user(actor).id)
    if user.avatar_path:
        (_folder() / user.avatar_path).unlink(missing_ok=True)
        user.avatar_path = None
        audit.record(session, actor=actor, action="account.avatar_removed",
                     target_type="user", target_id=user.id, subject_user_id=user.id)


def avatar_data_uri(user: User) -> str:
    """The picture as a data URI for the page, or "" when there is none."""
    if not user.avatar_path:
        return ""
    path = _folder() / user.avatar_path
    if not path.exists():
        return ""
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode()
