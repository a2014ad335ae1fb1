"""Logs never carry a credential: scrub() masks them and the JSON formatter applies it to
the message and to the exception text."""

from __future__ import annotations

import io
import json
import logging
from datetime import timedelta

import pytest

from odcp.logging_setup import JsonFormatter, scrub
from odcp.services.tokens import encode_jwt

JWT = encode_jwt(subject="7", purpose="access", ttl=timedelta(minutes=5), claims={"sid": "s"})


@pytest.mark.parametrize("text, secret", [
    (f"decoded token {JWT} for user 7", JWT),
    ("GET /x Authorization: Bearer abc.DEF-123_xyz~+/= done", "abc.DEF-123_xyz~+/="),
    ("header bearer opaque-token-value-123", "opaque-token-value-123"),
    ("login failed password=hunter2-secret for bob", "hunter2-secret"),
    ('payload {"password": "s3cr3t-pass"}', "s3cr3t-pass"),
    ("GET /api/v1/auth/browser/session?ticket=tkt-0123456789&next=/account",
     "tkt-0123456789"),
    ("refresh_token=rt-abcdef123456; other", "rt-abcdef123456"),
    ("Cookie: odcp_session=cookie-secret-99", "cookie-secret-99"),
    ("PASSWORD : Loud-Secret-1", "Loud-Secret-1"),
])
def test_scrub_masks_credentials(text, secret):
    cleaned = scrub(text)
    assert secret not in cleaned
    assert "[redacted]" in cleaned


def test_scrub_keeps_the_rest_of_the_message():
    cleaned = scrub("GET /api/v1/auth/browser/session?ticket=abc123&next=/account 303")
    assert cleaned == "GET /api/v1/auth/browser/session?ticket=[redacted]&next=/account 303"
    assert scrub(f"user 7 got {JWT}") == "user 7 got [redacted]"
    assert scrub("password=xyz") == "password=[redacted]"


def test_scrub_leaves_harmless_text_alone():
    text = "user 12 booked appointment 99 at 2026-01-02T10:00:00+00:00"
    assert scrub(text) == text


def _logger(stream: io.StringIO) -> logging.Logger:
    logger = logging.getLogger("odcp.test_logging")
    logger.handlers.clear()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    return logger


def test_json_formatter_writes_one_scrubbed_object_per_line():
    stream = io.StringIO()
    logger = _logger(stream)
    logger.info("signed in with password=%s", "pw-line-one\nline-two")
    logger.warning("token %s seen", JWT, extra={"user_id": 7, "path": "/api/v1/auth/me",
                                               "status": 401})
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["level"] == "INFO" and first["logger"] == "odcp.test_logging"
    assert "pw-line-one" not in lines[0] and "[redacted]" in first["msg"]
    assert first["ts"].endswith("+00:00")
    assert JWT not in lines[1]
    assert (second["user_id"], second["path"], second["status"]) == (7, "/api/v1/auth/me", 401)


def test_json_formatter_scrubs_the_exception_text():
    stream = io.StringIO()
    logger = _logger(stream)
    try:
        raise ValueError(f"could not decode Bearer {JWT} (password=hunter2-exc)")
    except ValueError:
        logger.exception("failed with ticket=tkt-exc-42")
    [line] = stream.getvalue().splitlines()
    entry = json.loads(line)
    assert "Traceback" in entry["exc"] and "ValueError" in entry["exc"]
    for secret in (JWT, "hunter2-exc", "tkt-exc-42"):
        assert secret not in line
    assert entry["level"] == "ERROR"


@pytest.mark.parametrize("text", [
    '{"email": "a@b.example", "password": "correct horse battery staple"}',
    "{'password': 'correct horse battery staple'}",
])
def test_scrub_masks_a_whole_quoted_passphrase(text):
    """Users are told to pick passphrases, so a quoted password may contain spaces."""
    cleaned = scrub(text)
    for word in ("correct", "horse", "battery", "staple"):
        assert word not in cleaned


def test_scrub_masks_basic_authorization_credentials():
    cleaned = scrub("GET /api/v1/auth/me Authorization: Basic dXNlcjpwYXNzd29yZA==")
    assert "dXNlcjpwYXNzd29yZA" not in cleaned
