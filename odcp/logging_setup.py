"""Structured (JSON-lines) logs to stdout and a rotating file in the instance folder.

Why a scrubbing filter on the handlers: a token can reach a log line from any library
(an access log with a query string, an exception message), so secrets are masked at the
last step before writing, whatever logger produced the record. Medical data is never
passed to a logger in the first place; services log identifiers only.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import re
import sys
from datetime import UTC, datetime

from odcp.settings import Settings

_KEYS = r"(?:password(?:_hash)?|passwd|token|ticket|secret|code|cookie|authorization)"
_SECRET_PATTERNS = [
    re.compile(r"eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]{5,}"),  # JWTs
    re.compile(r"(?i)((?:bearer|basic)\s+)[\w.~+/=-]+"),
    # quoted values may hold spaces (passphrases): mask up to the closing quote
    re.compile(r"(?i)(" + _KEYS + r"[\"']?\s*[=:]\s*\")[^\"]*"),
    re.compile(r"(?i)(" + _KEYS + r"[\"']?\s*[=:]\s*')[^']*"),
    re.compile(r"(?i)(" + _KEYS + r"[\"']?\s*[=:]\s*[\"']?)[^\s&\"',;]+"),
]


def scrub(text: str) -> str:
    """Mask anything that looks like a credential."""
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + "[redacted]", text)
    return text


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": scrub(record.getMessage()),
        }
        for key in ("event", "user_id", "request_id", "path", "status", "duration_ms"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exc"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry, default=str)


_configured = False


def configure_logging(settings: Settings) -> None:
    """Install the JSON handlers on the root logger once per process."""
    global _configured
    if _configured:
        return
    _configured = True
    log_dir = settings.instance_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    formatter = JsonFormatter()
    stdout = logging.StreamHandler(sys.stdout)
    rotating = logging.handlers.RotatingFileHandler(
        log_dir / "odcp.log", maxBytes=5_000_000, backupCount=5, encoding="utf-8"
    )
    root = logging.getLogger("odcp")
    root.setLevel(settings.log_level)
    for handler in (stdout, rotating):
        handler.setFormatter(formatter)
        root.addHandler(handler)
    root.propagate = False
