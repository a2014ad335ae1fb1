"""Sign-in for API clients: tokens, rotation with replay detection, sign-out, and JWTs
that must be refused."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import jwt

from odcp.models.user import AccountStatus
from odcp.services.tokens import decode_jwt, encode_jwt
from odcp.settings import get_settings
from tests.api.conftest import bearer
from tests.conftest import PASSWORD

LOGIN, REFRESH, LOGOUT, ME = ("/api/v1/auth/login", "/api/v1/auth/refresh",
                              "/api/v1/auth/logout", "/api/v1/auth/me")


async def _me(client, access_token: str):
    return await client.get(ME, headers=bearer(access_token))


async def _refresh(client, refresh_token: str):
    return await client.post(REFRESH, json={"refresh_token": refresh_token})


def _sid(access_token: str) -> str:
    return decode_jwt(access_token, purpose="access")["sid"]


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


# --- sign-in ------------------------------------------------------------------------------

async def test_login_returns_tokens_and_never_the_password_hash(client, personas):
    user = personas.patient_a
    response = await client.post(LOGIN, json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["access_token"] and body["refresh_token"]
    assert body["access_token"] != body["refresh_token"]
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == get_settings().access_token_minutes * 60
    assert body["user"]["email"] == user.email and body["user"]["role"] == "patient"
    assert "password" not in response.text
    assert user.password_hash not in response.text


async def test_login_email_is_case_insensitive(client, personas):
    response = await client.post(LOGIN, json={"email": "  " + personas.doctor_b.email.upper(),
                                              "password": PASSWORD})
    assert response.status_code == 200
    assert response.json()["user"]["id"] == personas.doctor_b.id


async def test_me_with_bearer_token_is_the_signed_in_user(client, personas, login):
    tokens = await login(personas.doctor_b)
    response = await _me(client, tokens["access_token"])
    assert response.status_code == 200
    me = response.json()
    assert me["id"] == personas.doctor_b.id
    assert me["full_name"] == "Doctor B" and me["role"] == "doctor"
    assert "password" not in response.text


async def test_wrong_password_and_unknown_email_look_the_same(client, personas):
    wrong = await client.post(LOGIN, json={"email": personas.patient_a.email,
                                           "password": "not the password"})
    unknown = await client.post(LOGIN, json={"email": "nobody@test.example",
                                             "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["error"]["message"] == "Email or password is incorrect."
    assert "access_token" not in wrong.text


async def test_suspended_user_cannot_log_in(client, personas, session):
    personas.patient_c.status = AccountStatus.SUSPENDED
    session.add(personas.patient_c)
    session.commit()
    response = await client.post(LOGIN, json={"email": personas.patient_c.email,
                                              "password": PASSWORD})
    assert response.status_code == 403
    assert "suspended" in response.json()["error"]["message"]
    assert "access_token" not in response.text


async def test_suspending_a_signed_in_user_ends_their_api_access(client, personas, session,
                                                                  login):
    tokens = await login(personas.patient_a)
    assert (await _me(client, tokens["access_token"])).status_code == 200
    personas.patient_a.status = AccountStatus.SUSPENDED
    session.add(personas.patient_a)
    session.commit()
    assert (await _me(client, tokens["access_token"])).status_code == 401
    assert (await _refresh(client, tokens["refresh_token"])).status_code == 401


# --- refresh rotation ---------------------------------------------------------------------

async def test_refresh_rotates_and_the_old_refresh_token_is_refused(client, personas, login):
    first = await login(personas.patient_a)
    response = await _refresh(client, first["refresh_token"])
    assert response.status_code == 200
    second = response.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["user"]["id"] == personas.patient_a.id
    assert _sid(second["access_token"]) == _sid(first["access_token"])
    assert (await _me(client, second["access_token"])).status_code == 200

    again = await _refresh(client, first["refresh_token"])
    assert again.status_code == 401
    assert again.headers["www-authenticate"] == "Bearer"


async def test_refresh_chain_keeps_working(client, personas, login):
    tokens = await login(personas.patient_a)
    for _ in range(3):
        response = await _refresh(client, tokens["refresh_token"])
        assert response.status_code == 200
        tokens = response.json()
    assert (await _me(client, tokens["access_token"])).status_code == 200


async def test_replaying_an_old_refresh_token_revokes_the_session(client, personas, login):
    first = await login(personas.patient_a)
    second = (await _refresh(client, first["refresh_token"])).json()
    assert (await _me(client, second["access_token"])).status_code == 200

    # Someone presents the already-used refresh token: the whole session ends.
    assert (await _refresh(client, first["refresh_token"])).status_code == 401
    assert (await _me(client, second["access_token"])).status_code == 401
    assert (await _refresh(client, second["refresh_token"])).status_code == 401


async def test_replay_is_detected_even_after_several_rotations(client, personas, login):
    """A thief who refreshed twice with a stolen token must still be caught when the
    victim presents the token that was stolen (reuse detection over the whole family)."""
    stolen = await login(personas.patient_a)
    thief = stolen
    for _ in range(2):
        thief = (await _refresh(client, thief["refresh_token"])).json()
    assert (await _me(client, thief["access_token"])).status_code == 200

    assert (await _refresh(client, stolen["refresh_token"])).status_code == 401
    assert (await _me(client, thief["access_token"])).status_code == 401
    assert (await _refresh(client, thief["refresh_token"])).status_code == 401


async def test_replay_of_one_session_leaves_other_sessions_alone(client, personas, login):
    phone = await login(personas.patient_a)
    laptop = await login(personas.patient_a)
    await _refresh(client, phone["refresh_token"])
    await _refresh(client, phone["refresh_token"])  # replay on the phone's session
    assert (await _me(client, laptop["access_token"])).status_code == 200


async def test_refresh_with_garbage_is_401(client, engine):
    response = await _refresh(client, "not-a-token")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Please sign in again."


# --- sign-out -----------------------------------------------------------------------------

async def test_logout_revokes_the_session(client, personas, login):
    tokens = await login(personas.doctor_d)
    response = await client.post(LOGOUT, headers=bearer(tokens["access_token"]))
    assert response.status_code == 204
    assert (await _me(client, tokens["access_token"])).status_code == 401
    assert (await _refresh(client, tokens["refresh_token"])).status_code == 401


async def test_logout_ends_only_that_session(client, personas, login):
    one = await login(personas.doctor_d)
    two = await login(personas.doctor_d)
    await client.post(LOGOUT, headers=bearer(one["access_token"]))
    assert (await _me(client, two["access_token"])).status_code == 200


async def test_logout_without_token_is_401(client, engine):
    response = await client.post(LOGOUT)
    assert response.status_code == 401
    assert response.json()["error"]["message"]


# --- JWTs that must be refused ------------------------------------------------------------

async def test_a_tampered_access_token_is_refused(client, personas, login):
    mine = await login(personas.patient_c)
    theirs = await login(personas.patient_a)
    header, payload, signature = mine["access_token"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sid"] = _sid(theirs["access_token"])
    claims["sub"] = str(personas.patient_a.id)
    forged = ".".join([header, _b64(claims), signature])
    response = await _me(client, forged)
    assert response.status_code == 401
    assert personas.patient_a.email not in response.text


async def test_an_access_token_with_alg_none_is_refused(client, personas, login):
    tokens = await login(personas.patient_a)
    claims = decode_jwt(tokens["access_token"], purpose="access")
    unsigned = _b64({"alg": "none", "typ": "JWT"}) + "." + _b64(claims) + "."
    assert (await _me(client, unsigned)).status_code == 401


async def test_an_access_token_signed_with_another_key_is_refused(client, personas, login):
    tokens = await login(personas.patient_a)
    claims = decode_jwt(tokens["access_token"], purpose="access")
    forged = jwt.encode(claims, "another-key-that-is-at-least-32-bytes-long", "HS256")
    assert (await _me(client, forged)).status_code == 401


async def test_a_token_for_another_purpose_is_refused(client, personas, login):
    tokens = await login(personas.patient_a)
    sid = _sid(tokens["access_token"])
    subject = str(personas.patient_a.id)
    # Control: the same claims minted for the "access" audience are accepted...
    access = encode_jwt(subject=subject, purpose="access", ttl=timedelta(minutes=5),
                        claims={"sid": sid})
    assert (await _me(client, access)).status_code == 200
    # ...but a browser ticket for that very session is not an access token.
    ticket = encode_jwt(subject=subject, purpose="browser-ticket", ttl=timedelta(minutes=5),
                        claims={"sid": sid})
    response = await _me(client, ticket)
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Invalid or unusable token."


async def test_an_expired_access_token_is_refused(client, personas, login):
    tokens = await login(personas.patient_a)
    expired = encode_jwt(subject=str(personas.patient_a.id), purpose="access",
                         ttl=timedelta(minutes=-1), claims={"sid": _sid(tokens["access_token"])})
    response = await _me(client, expired)
    assert response.status_code == 401
    assert "expired" in response.json()["error"]["message"]


async def test_a_refresh_token_is_not_an_access_token(client, personas, login):
    tokens = await login(personas.patient_a)
    assert (await _me(client, tokens["refresh_token"])).status_code == 401


# --- browser cookie hand-off --------------------------------------------------------------

async def test_browser_ticket_sets_an_httponly_cookie_once(client, personas, session):
    from odcp.services import auth

    issued = auth.start_session(session, user=personas.patient_a,
                                actor=personas.actor(personas.patient_a), kind="browser-pending")
    session.commit()
    ticket = auth.browser_ticket(issued.session)
    url = "/api/v1/auth/browser/session"
    first = await client.get(url, params={"ticket": ticket, "next": "/account"})
    assert first.status_code == 303
    assert first.headers["location"].endswith("/account")
    cookie = first.headers["set-cookie"]
    assert cookie.startswith("odcp_session=") and "httponly" in cookie.lower()
    assert ticket not in cookie

    second = await client.get(url, params={"ticket": ticket})
    assert second.status_code == 303
    assert second.headers["location"].endswith("/login?expired=1")
    assert "set-cookie" not in second.headers


async def test_browser_handoff_does_not_redirect_off_site(client, personas, session):
    from odcp.services import auth

    issued = auth.start_session(session, user=personas.patient_a,
                                actor=personas.actor(personas.patient_a), kind="browser-pending")
    session.commit()
    response = await client.get("/api/v1/auth/browser/session",
                                params={"ticket": auth.browser_ticket(issued.session),
                                        "next": "//evil.example/"})
    assert response.status_code == 303
    assert response.headers["location"] == get_settings().public_url + "/"
