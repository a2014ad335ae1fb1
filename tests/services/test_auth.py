"""Sign-in and sessions at the service level: credentials, browser tickets, API refresh
rotation, timeouts and revocation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from odcp.models.audit import AuditEntry
from odcp.models.auth_session import AuthSession
from odcp.models.base import utcnow
from odcp.models.user import AccountStatus
from odcp.services import auth
from odcp.services.actor import Actor
from odcp.services.errors import Forbidden, NotAuthenticated, NotFound
from odcp.services.tokens import decode_jwt, encode_jwt, token_hash
from tests.conftest import PASSWORD

ANON = Actor(ip="203.0.113.7", user_agent="pytest")


def _api(session, personas, user):
    issued = auth.start_session(session, user=user, actor=personas.actor(user), kind="api")
    session.commit()
    return issued


def _browser(session, personas, user) -> tuple[str, str]:
    """A signed-in browser: (session id, cookie token)."""
    issued = auth.start_session(session, user=user, actor=personas.actor(user),
                                kind="browser-pending")
    session.commit()
    cookie = auth.redeem_browser_ticket(session, ticket=auth.browser_ticket(issued.session))
    session.commit()
    return issued.session.id, cookie


def _sign_ins(session, outcome: str) -> list[AuditEntry]:
    return list(session.exec(select(AuditEntry).where(AuditEntry.action == "auth.sign_in",
                                                      AuditEntry.outcome == outcome)).all())


def _set(session, session_id: str, **values) -> None:
    row = session.get(AuthSession, session_id)
    for key, value in values.items():
        setattr(row, key, value)
    session.add(row)
    session.commit()


# --- credentials --------------------------------------------------------------------------

def test_right_credentials_give_the_user(session, personas):
    user = auth.check_credentials(session, email=personas.patient_a.email.upper(),
                                  password=PASSWORD, actor=ANON)
    assert user.id == personas.patient_a.id


@pytest.mark.parametrize("email, password", [
    ("patient.a@test.example", "wrong password!"),
    ("nobody@test.example", PASSWORD),
    ("", ""),
])
def test_bad_credentials_get_one_message(session, personas, email, password):
    with pytest.raises(NotAuthenticated) as caught:
        auth.check_credentials(session, email=email, password=password, actor=ANON)
    assert caught.value.message == auth.BAD_CREDENTIALS


def test_a_refused_sign_in_is_audited_even_if_the_caller_rolls_back(session, personas):
    with pytest.raises(NotAuthenticated):
        auth.check_credentials(session, email=personas.patient_a.email,
                               password="guess-guess-guess", actor=ANON)
    session.rollback()
    [entry] = _sign_ins(session, "failure")
    assert entry.ip == "203.0.113.7"
    assert entry.target_id == str(personas.patient_a.id)
    assert "guess-guess-guess" not in str(entry.detail)


@pytest.mark.parametrize("status, words", [(AccountStatus.SUSPENDED, "suspended"),
                                           (AccountStatus.PENDING, "confirm your email"),
                                           (AccountStatus.REMOVED, "cannot sign in")])
def test_inactive_accounts_cannot_sign_in(session, personas, status, words):
    personas.doctor_d.status = status
    personas.doctor_d.email_verified_at = None  # confirmed pending doctors may onboard
    session.add(personas.doctor_d)
    session.commit()
    with pytest.raises(Forbidden, match=words):
        auth.check_credentials(session, email=personas.doctor_d.email, password=PASSWORD,
                               actor=ANON)
    [entry] = _sign_ins(session, "failure")
    assert entry.detail == {"reason": str(status)}


def test_inactive_account_with_wrong_password_does_not_reveal_its_status(session, personas):
    personas.doctor_d.status = AccountStatus.SUSPENDED
    session.add(personas.doctor_d)
    session.commit()
    with pytest.raises(NotAuthenticated, match=auth.BAD_CREDENTIALS):
        auth.check_credentials(session, email=personas.doctor_d.email,
                               password="not-the-password", actor=ANON)


# --- sessions and tokens ------------------------------------------------------------------

def test_api_session_stores_only_a_hash_and_audits_the_sign_in(session, personas):
    issued = _api(session, personas, personas.patient_a)
    row = session.get(AuthSession, issued.session.id)
    assert row.token_hash == token_hash(issued.token) != issued.token
    assert issued.token not in (row.previous_token_hash or "")
    assert decode_jwt(issued.access_token, purpose="access")["sid"] == row.id
    assert row.ip == "127.0.0.1" and row.user_agent == "pytest"
    [entry] = _sign_ins(session, "success")
    assert entry.actor_id == personas.patient_a.id and entry.target_id == row.id
    assert issued.token not in str(entry.detail)


def test_access_token_names_a_live_session(session, personas):
    issued = _api(session, personas, personas.patient_a)
    user = auth.user_for_access_token(session, access_token=issued.access_token)
    assert user.id == personas.patient_a.id


def test_access_token_for_another_purpose_is_refused(session, personas):
    issued = _api(session, personas, personas.patient_a)
    ticket = encode_jwt(subject=str(personas.patient_a.id), purpose="browser-ticket",
                        ttl=timedelta(minutes=1), claims={"sid": issued.session.id})
    with pytest.raises(NotAuthenticated):
        auth.user_for_access_token(session, access_token=ticket)


# --- browser tickets ----------------------------------------------------------------------

def test_browser_ticket_is_redeemable_once(session, personas):
    issued = auth.start_session(session, user=personas.patient_a,
                                actor=personas.actor(personas.patient_a), kind="browser-pending")
    session.commit()
    ticket = auth.browser_ticket(issued.session)
    cookie = auth.redeem_browser_ticket(session, ticket=ticket)
    session.commit()
    user, row = auth.user_for_token(session, token=cookie)
    assert user.id == personas.patient_a.id and row.id == issued.session.id
    with pytest.raises(NotAuthenticated, match="already used"):
        auth.redeem_browser_ticket(session, ticket=ticket)
    # The first cookie still works after the refused second attempt.
    assert auth.user_for_token(session, token=cookie)[0].id == personas.patient_a.id


def test_pending_session_secret_is_not_a_cookie(session, personas):
    issued = auth.start_session(session, user=personas.patient_a,
                                actor=personas.actor(personas.patient_a), kind="browser-pending")
    session.commit()
    with pytest.raises(NotAuthenticated):
        auth.user_for_token(session, token=issued.token)


def test_expired_ticket_is_refused(session, personas):
    issued = auth.start_session(session, user=personas.patient_a,
                                actor=personas.actor(personas.patient_a), kind="browser-pending")
    session.commit()
    old = encode_jwt(subject=str(personas.patient_a.id), purpose="browser-ticket",
                     ttl=timedelta(seconds=-1), claims={"sid": issued.session.id})
    with pytest.raises(NotAuthenticated, match="expired"):
        auth.redeem_browser_ticket(session, ticket=old)


def test_ticket_for_an_api_session_is_refused(session, personas):
    issued = _api(session, personas, personas.patient_a)
    with pytest.raises(NotAuthenticated):
        auth.redeem_browser_ticket(session, ticket=auth.browser_ticket(issued.session))


def test_access_token_is_not_a_ticket(session, personas):
    issued = _api(session, personas, personas.patient_a)
    with pytest.raises(NotAuthenticated):
        auth.redeem_browser_ticket(session, ticket=issued.access_token)


# --- expiry and idle timeout --------------------------------------------------------------

def test_expired_session_is_refused_everywhere(session, personas):
    api = _api(session, personas, personas.patient_a)
    browser_id, cookie = _browser(session, personas, personas.patient_a)
    past = utcnow() - timedelta(seconds=1)
    _set(session, api.session.id, expires_at=past)
    _set(session, browser_id, expires_at=past)
    with pytest.raises(NotAuthenticated):
        auth.user_for_access_token(session, access_token=api.access_token)
    with pytest.raises(NotAuthenticated):
        auth.refresh(session, refresh_token=api.token, actor=ANON)
    with pytest.raises(NotAuthenticated):
        auth.user_for_token(session, token=cookie)
    with pytest.raises(NotAuthenticated):
        auth.user_for_session_id(session, session_id=browser_id)


def test_idle_session_is_refused(session, personas):
    browser_id, cookie = _browser(session, personas, personas.patient_a)
    _set(session, browser_id, last_seen_at=utcnow() - auth.IDLE_TIMEOUT - timedelta(minutes=1))
    with pytest.raises(NotAuthenticated):
        auth.user_for_token(session, token=cookie)
    with pytest.raises(NotAuthenticated):
        auth.user_for_session_id(session, session_id=browser_id)


def test_idle_api_session_cannot_refresh(session, personas):
    api = _api(session, personas, personas.patient_a)
    _set(session, api.session.id, last_seen_at=utcnow() - auth.IDLE_TIMEOUT - timedelta(seconds=5))
    with pytest.raises(NotAuthenticated):
        auth.refresh(session, refresh_token=api.token, actor=ANON)


def test_use_keeps_a_session_from_going_idle(session, personas):
    browser_id, cookie = _browser(session, personas, personas.patient_a)
    _set(session, browser_id, last_seen_at=utcnow() - auth.IDLE_TIMEOUT + timedelta(minutes=5))
    auth.user_for_token(session, token=cookie)  # used now
    session.commit()
    row = session.get(AuthSession, browser_id)
    assert row.last_seen_at > utcnow() - timedelta(minutes=1)
    auth.user_for_session_id(session, session_id=browser_id)


def test_suspension_ends_live_sessions(session, personas):
    browser_id, _cookie = _browser(session, personas, personas.patient_a)
    personas.patient_a.status = AccountStatus.SUSPENDED
    session.add(personas.patient_a)
    session.commit()
    with pytest.raises(NotAuthenticated):
        auth.user_for_session_id(session, session_id=browser_id)
    session.commit()
    assert session.get(AuthSession, browser_id).revoked_reason == "account_inactive"


# --- refresh rotation ---------------------------------------------------------------------

def test_refresh_rotates_the_token(session, personas):
    first = _api(session, personas, personas.patient_a)
    second = auth.refresh(session, refresh_token=first.token, actor=ANON)
    session.commit()
    assert second.token != first.token and second.session.id == first.session.id
    assert auth.user_for_access_token(session, access_token=second.access_token).id == \
        personas.patient_a.id
    third = auth.refresh(session, refresh_token=second.token, actor=ANON)
    session.commit()
    assert third.token not in (first.token, second.token)


def test_replaying_the_previous_refresh_token_revokes_the_session(session, personas):
    first = _api(session, personas, personas.patient_a)
    second = auth.refresh(session, refresh_token=first.token, actor=ANON)
    session.commit()
    with pytest.raises(NotAuthenticated):
        auth.refresh(session, refresh_token=first.token, actor=ANON)
    session.commit()
    row = session.get(AuthSession, first.session.id)
    assert row.revoked_at is not None and row.revoked_reason == "refresh_reuse"
    with pytest.raises(NotAuthenticated):
        auth.refresh(session, refresh_token=second.token, actor=ANON)
    with pytest.raises(NotAuthenticated):
        auth.user_for_access_token(session, access_token=second.access_token)
    [entry] = session.exec(select(AuditEntry).where(
        AuditEntry.action == "auth.refresh_reuse")).all()
    assert entry.subject_user_id == personas.patient_a.id and entry.ip == ANON.ip


def test_a_browser_cookie_is_not_a_refresh_token(session, personas):
    _, cookie = _browser(session, personas, personas.patient_a)
    with pytest.raises(NotAuthenticated):
        auth.refresh(session, refresh_token=cookie, actor=ANON)


def test_an_api_refresh_token_is_not_a_cookie(session, personas):
    api = _api(session, personas, personas.patient_a)
    with pytest.raises(NotAuthenticated):
        auth.user_for_token(session, token=api.token)


# --- revocation ---------------------------------------------------------------------------

def test_sign_out_revokes_one_session_and_is_idempotent(session, personas):
    one = _api(session, personas, personas.doctor_b)
    two = _api(session, personas, personas.doctor_b)
    actor = personas.actor(personas.doctor_b)
    auth.sign_out(session, session_id=one.session.id, actor=actor)
    auth.sign_out(session, session_id=one.session.id, actor=actor)
    auth.sign_out(session, session_id="no-such-session", actor=actor)
    session.commit()
    with pytest.raises(NotAuthenticated):
        auth.user_for_access_token(session, access_token=one.access_token)
    assert auth.user_for_access_token(session, access_token=two.access_token).id == \
        personas.doctor_b.id


def test_revoke_all_ends_every_session_of_that_user_only(session, personas):
    a_api = _api(session, personas, personas.patient_a)
    a_browser, a_cookie = _browser(session, personas, personas.patient_a)
    c_api = _api(session, personas, personas.patient_c)
    assert auth.revoke_all(session, user_id=personas.patient_a.id, reason="password_change") == 2
    session.commit()
    with pytest.raises(NotAuthenticated):
        auth.user_for_access_token(session, access_token=a_api.access_token)
    with pytest.raises(NotAuthenticated):
        auth.user_for_token(session, token=a_cookie)
    with pytest.raises(NotAuthenticated):
        auth.refresh(session, refresh_token=a_api.token, actor=ANON)
    assert session.get(AuthSession, a_browser).revoked_reason == "password_change"
    assert auth.user_for_access_token(session, access_token=c_api.access_token).id == \
        personas.patient_c.id
    assert auth.revoke_all(session, user_id=personas.patient_a.id, reason="again") == 0


def test_list_sessions_shows_only_my_live_sessions(session, personas):
    mine_old = _api(session, personas, personas.patient_a)
    mine_new_id, _ = _browser(session, personas, personas.patient_a)
    gone = _api(session, personas, personas.patient_a)
    expired = _api(session, personas, personas.patient_a)
    auth.start_session(session, user=personas.patient_a,
                       actor=personas.actor(personas.patient_a), kind="browser-pending")
    _api(session, personas, personas.patient_c)
    _set(session, mine_old.session.id, last_seen_at=utcnow() - timedelta(hours=1))
    _set(session, gone.session.id, revoked_at=utcnow())
    _set(session, expired.session.id, expires_at=utcnow() - timedelta(seconds=1))
    listed = auth.list_sessions(session, actor=personas.actor(personas.patient_a))
    assert [r.id for r in listed] == [mine_new_id, mine_old.session.id]
    with pytest.raises(NotAuthenticated):
        auth.list_sessions(session, actor=ANON)


def test_revoke_own_session(session, personas):
    issued = _api(session, personas, personas.patient_a)
    me = personas.actor(personas.patient_a)
    auth.revoke_own_session(session, actor=me, session_id=issued.session.id)
    session.commit()
    with pytest.raises(NotAuthenticated):
        auth.user_for_access_token(session, access_token=issued.access_token)
    assert auth.list_sessions(session, actor=me) == []


def test_revoke_own_session_refuses_another_users_session(session, personas):
    theirs = _api(session, personas, personas.patient_c)
    with pytest.raises(NotFound):
        auth.revoke_own_session(session, actor=personas.actor(personas.patient_a),
                                session_id=theirs.session.id)
    with pytest.raises(NotFound):
        auth.revoke_own_session(session, actor=personas.actor(personas.admin),
                                session_id=theirs.session.id)
    with pytest.raises(NotFound):
        auth.revoke_own_session(session, actor=personas.actor(personas.patient_a),
                                session_id="no-such-session")
    session.commit()
    assert auth.user_for_access_token(session, access_token=theirs.access_token).id == \
        personas.patient_c.id
    with pytest.raises(NotAuthenticated):
        auth.revoke_own_session(session, actor=ANON, session_id=theirs.session.id)


def test_sign_out_everywhere(session, personas):
    a1 = _api(session, personas, personas.patient_a)
    _browser(session, personas, personas.patient_a)
    c1 = _api(session, personas, personas.patient_c)
    me = personas.actor(personas.patient_a)
    assert auth.sign_out_everywhere(session, actor=me) == 2
    session.commit()
    assert auth.list_sessions(session, actor=me) == []
    with pytest.raises(NotAuthenticated):
        auth.user_for_access_token(session, access_token=a1.access_token)
    assert auth.user_for_access_token(session, access_token=c1.access_token)
    count = session.exec(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "auth.sign_out_everywhere",
        AuditEntry.actor_id == personas.patient_a.id)).one()
    assert count == 1
