"""All configuration in one place: environment variables, then `.env`, then defaults.

Why one module: every secret and switch is named once, so production can refuse to start
when one is missing or still at a development default (OWASP ASVS 13.3) and say which.
For the embedded default (development) secrets are generated once into the instance
folder, so a fresh clone works with `make run` and no secret ever lives in the repo.
"""

from __future__ import annotations

import base64
import os
import re
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Values that must never be used in production, whatever variable carries them.
_KNOWN_DEFAULTS = {"", "changeme", "change-me", "secret", "dev", "development", "test"}
_SECRET_VARS = ("ODCP_SECRET_KEY", "ODCP_ENCRYPTION_KEY")


class SettingsError(RuntimeError):
    """Configuration cannot be used; the message names the variable to fix."""


@dataclass(frozen=True)
class Settings:
    env: str
    instance_dir: Path
    database_url: str
    secret_key: str
    encryption_key: bytes
    clinic_name: str = "ODCP Clinic"
    public_url: str = "http://localhost:3000"
    log_level: str = "INFO"
    jwt_audience: str = "odcp"
    access_token_minutes: int = 15
    refresh_token_days: int = 14
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    mail_from: str = "ODCP Clinic <no-reply@localhost>"
    stripe_secret_key: str = ""
    stripe_webhook_secret: str = ""
    cloudinary_url: str = ""
    redis_url: str = ""
    stun_servers: tuple[str, ...] = field(default_factory=tuple)
    turn_url: str = ""
    turn_username: str = ""
    turn_credential: str = ""
    rtc_host_addresses: tuple[str, ...] = field(default_factory=tuple)
    mfa_required_roles: frozenset[str] = frozenset()

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _generated_secret(instance_dir: Path, name: str, make) -> str:
    """Read or create a development secret kept in the instance folder (mode 0600)."""
    path = instance_dir / "secrets" / name
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    value = make()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(value)
    return value


def _new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def _decode_key(value: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(value.encode())
    except (ValueError, TypeError) as exc:
        raise SettingsError("ODCP_ENCRYPTION_KEY must be 32 bytes, url-safe base64") from exc
    if len(key) != 32:
        raise SettingsError("ODCP_ENCRYPTION_KEY must be 32 bytes, url-safe base64")
    return key


def _check_production_secret(name: str, value: str) -> None:
    if value.strip().lower() in _KNOWN_DEFAULTS or len(value) < 32:
        raise SettingsError(
            f"{name} is missing or a default value; production needs a random secret "
            f"of at least 32 characters"
        )


def _normalize_db_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever scheme the operator wrote."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _csv(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _check_ice_urls(stun: tuple[str, ...], turn_url: str, turn_credential: str) -> None:
    """Catch a mistyped STUN/TURN URL at start-up rather than as a silent failed call."""
    for url in stun:
        if not url.startswith(("stun:", "stuns:")):
            raise SettingsError(f"ODCP_STUN_URLS: {url!r} must start with stun: or stuns:")
    if turn_url and not turn_url.startswith(("turn:", "turns:")):
        raise SettingsError("ODCP_TURN_URL must start with turn: or turns:")
    if turn_url and not turn_credential:
        raise SettingsError("ODCP_TURN_URL is set but ODCP_TURN_CREDENTIAL is missing")


def _check_service_urls(cloudinary_url: str, redis_url: str) -> None:
    """A mistyped file store or bus URL would otherwise fail on the first upload or message."""
    if cloudinary_url and not re.fullmatch(r"cloudinary://[^:@/]+:[^@/]+@[^/?]+(\?.*)?",
                                           cloudinary_url):
        raise SettingsError("CLOUDINARY_URL must look like cloudinary://key:secret@cloud_name")
    if redis_url and not redis_url.startswith(("redis://", "rediss://", "unix://")):
        raise SettingsError("REDIS_URL must start with redis://, rediss:// or unix://")


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Build settings from an environment mapping (default: os.environ plus `.env`)."""
    if environ is None:
        load_dotenv(PROJECT_ROOT / ".env", override=False)
        environ = dict(os.environ)
    env = environ.get("ODCP_ENV", "development").strip().lower()
    if env not in ("development", "production", "test"):
        raise SettingsError("ODCP_ENV must be development, production or test")
    instance_dir = Path(environ.get("ODCP_INSTANCE_DIR") or PROJECT_ROOT / "instance")
    if env == "production":
        for name in _SECRET_VARS:
            _check_production_secret(name, environ.get(name, ""))
        if not environ.get("DATABASE_URL"):
            raise SettingsError("DATABASE_URL is missing; production needs an explicit database")
    instance_dir.mkdir(parents=True, exist_ok=True)
    secret_key = environ.get("ODCP_SECRET_KEY") or _generated_secret(
        instance_dir, "secret_key", lambda: secrets.token_urlsafe(48)
    )
    enc = environ.get("ODCP_ENCRYPTION_KEY") or _generated_secret(
        instance_dir, "encryption_key", _new_key
    )
    db_url = environ.get("DATABASE_URL") or f"sqlite:///{instance_dir / 'odcp.db'}"
    default_mfa = "admin,super_admin,doctor" if env == "production" else ""
    mfa_roles = frozenset(r.strip() for r in environ.get("ODCP_MFA_REQUIRED_ROLES", default_mfa)
                          .split(",") if r.strip())
    stun = _csv(environ.get("ODCP_STUN_URLS") or environ.get("ODCP_STUN_SERVERS", ""))
    turn_url = environ.get("ODCP_TURN_URL", "").strip()
    _check_ice_urls(stun, turn_url, environ.get("ODCP_TURN_CREDENTIAL", ""))
    _check_service_urls(environ.get("CLOUDINARY_URL", ""), environ.get("REDIS_URL", ""))
    return Settings(
        env=env,
        instance_dir=instance_dir,
        database_url=_normalize_db_url(db_url),
        secret_key=secret_key,
        encryption_key=_decode_key(enc),
        clinic_name=environ.get("ODCP_CLINIC_NAME", "ODCP Clinic"),
        public_url=environ.get("ODCP_PUBLIC_URL", "http://localhost:3000").rstrip("/"),
        log_level=environ.get("ODCP_LOG_LEVEL", "INFO").upper(),
        access_token_minutes=int(environ.get("ODCP_ACCESS_TOKEN_MINUTES", "15")),
        refresh_token_days=int(environ.get("ODCP_REFRESH_TOKEN_DAYS", "14")),
        smtp_host=environ.get("SMTP_HOST", ""),
        smtp_port=int(environ.get("SMTP_PORT", "25")),
        smtp_user=environ.get("SMTP_USER", ""),
        smtp_password=environ.get("SMTP_PASSWORD", ""),
        smtp_starttls=environ.get("SMTP_STARTTLS", "").lower() in ("1", "true", "yes"),
        mail_from=environ.get("ODCP_MAIL_FROM", "ODCP Clinic <no-reply@localhost>"),
        stripe_secret_key=environ.get("STRIPE_SECRET_KEY", ""),
        stripe_webhook_secret=environ.get("STRIPE_WEBHOOK_SECRET", ""),
        cloudinary_url=environ.get("CLOUDINARY_URL", ""),
        redis_url=environ.get("REDIS_URL", ""),
        stun_servers=stun,
        turn_url=turn_url,
        turn_username=environ.get("ODCP_TURN_USERNAME", ""),
        turn_credential=environ.get("ODCP_TURN_CREDENTIAL", ""),
        rtc_host_addresses=_csv(environ.get("ODCP_RTC_HOST_ADDRESSES", "")),
        mfa_required_roles=mfa_roles,
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Process-wide settings, read once."""
    return load_settings()
