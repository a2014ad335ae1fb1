"""Production refuses to start with missing or default secrets, and says which."""

import base64
import secrets

import pytest

from odcp.settings import SettingsError, load_settings


def _good_env(tmp_path) -> dict[str, str]:
    return {
        "ODCP_ENV": "production",
        "ODCP_INSTANCE_DIR": str(tmp_path),
        "ODCP_SECRET_KEY": secrets.token_urlsafe(48),
        "ODCP_ENCRYPTION_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "DATABASE_URL": "postgresql://db.example/odcp",
    }


def test_production_with_real_secrets_starts(tmp_path):
    settings = load_settings(_good_env(tmp_path))
    assert settings.is_production
    assert settings.database_url.startswith("postgresql+psycopg://")


@pytest.mark.parametrize("name", ["ODCP_SECRET_KEY", "ODCP_ENCRYPTION_KEY", "DATABASE_URL"])
def test_production_refuses_a_missing_secret_and_names_it(tmp_path, name):
    env = _good_env(tmp_path)
    del env[name]
    with pytest.raises(SettingsError, match=name):
        load_settings(env)


@pytest.mark.parametrize("value", ["changeme", "secret", "", "short"])
def test_production_refuses_default_secret_key(tmp_path, value):
    env = _good_env(tmp_path) | {"ODCP_SECRET_KEY": value}
    with pytest.raises(SettingsError, match="ODCP_SECRET_KEY"):
        load_settings(env)


def test_development_generates_secrets_once_into_the_instance_folder(tmp_path):
    env = {"ODCP_ENV": "development", "ODCP_INSTANCE_DIR": str(tmp_path)}
    first, second = load_settings(env), load_settings(env)
    assert first.secret_key == second.secret_key and len(first.secret_key) >= 32
    assert first.encryption_key == second.encryption_key and len(first.encryption_key) == 32
    assert (tmp_path / "secrets" / "secret_key").stat().st_mode & 0o077 == 0
    assert first.database_url == f"sqlite:///{tmp_path / 'odcp.db'}"


def test_bad_encryption_key_is_refused(tmp_path):
    env = {"ODCP_ENV": "development", "ODCP_INSTANCE_DIR": str(tmp_path),
           "ODCP_ENCRYPTION_KEY": "not-base64-32-bytes"}
    with pytest.raises(SettingsError, match="ODCP_ENCRYPTION_KEY"):
        load_settings(env)
