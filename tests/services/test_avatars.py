"""Profile pictures: only real images, size-limited, re-encoded without metadata."""

import io

import pytest
from PIL import Image

from odcp.services import avatars
from odcp.services.actor import Actor
from odcp.services.errors import Invalid, NotAuthenticated


def _image(fmt: str, size=(600, 400)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_pictures_are_stored_as_square_png(session, personas, fmt):
    user = avatars.set_avatar(session, actor=personas.actor(personas.patient_a),
                              data=_image(fmt))
    session.commit()
    uri = avatars.avatar_data_uri(user)
    assert uri.startswith("data:image/png;base64,")
    stored = avatars._folder() / user.avatar_path
    with Image.open(stored) as img:
        assert img.size == (256, 256) and img.format == "PNG"


@pytest.mark.parametrize(("data", "message"), [
    (b"<script>alert(1)</script>", "not a picture"),
    (b"GIF89a" + b"\x00" * 100, "not a picture"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * (avatars.MAX_BYTES + 1), "larger than 2 MB"),
])
def test_other_files_are_refused_and_nothing_changes(session, personas, data, message):
    with pytest.raises(Invalid, match=message):
        avatars.set_avatar(session, actor=personas.actor(personas.patient_a), data=data)
    assert personas.patient_a.avatar_path is None


def test_gif_is_refused_even_when_valid(session, personas):
    with pytest.raises(Invalid, match="JPEG, PNG or WebP"):
        avatars.set_avatar(session, actor=personas.actor(personas.patient_a),
                           data=_image("GIF"))


def test_anonymous_cannot_set_a_picture(session):
    with pytest.raises(NotAuthenticated):
        avatars.set_avatar(session, actor=Actor(), data=_image("PNG"))
