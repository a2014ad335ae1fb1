"""Page state over the same services: who is signed in, the account page's devices, the
admin audit page, the sign-in form; nothing secret reaches the browser."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from odcp.models.audit import AuditEntry
from odcp.models.auth_session import AuthSession
from odcp.models.base import utcnow
from odcp.services import auth
from odcp.services.tokens import decode_jwt
from odcp.state.account import AccountState
from odcp.state.admin_audit import AdminAuditState
from odcp.state.auth_forms import SignInState
from odcp.state.session import NAV_BY_ROLE, SessionState
from tests.conftest import PASSWORD
from tests.state.conftest import build_state, sent_to_browser


def _labels(state) -> list[str]:
    return [item["label"] for item in state.nav]


def _is_redirect_to(spec, path: str) -> bool:
    return path in str(spec)


# --- who is signed in ---------------------------------------------------------------------

def test_no_cookie_means_nobody(engine):
    state = build_state(SessionState)
    state.load_session()
    assert state.session_checked and not state.signed_in
    assert state.nav == NAV_BY_ROLE[""]


def test_cookie_binds_the_user_without_sending_secrets_to_the_page(personas, browser_cookie):
    token, session_id = browser_cookie(personas.doctor_b)
    state = build_state(SessionState, cookie=token)
    state.load_session()
    assert state.signed_in and state.user_name == "Doctor B"
    assert _labels(state) == [item["label"] for item in NAV_BY_ROLE["doctor"]]
    assert "Audit log" not in _labels(state)
    page = sent_to_browser(state)
    assert "Doctor B" in page
    for secret in (token, session_id, personas.doctor_b.email):
        assert secret not in page


def test_admin_gets_the_audit_log_link(personas, browser_cookie):
    token, _ = browser_cookie(personas.admin)
    state = build_state(SessionState, cookie=token)
    state.load_session()
    assert "Audit log" in _labels(state)


def test_patient_does_not_get_the_audit_log_link(personas, browser_cookie):
    token, _ = browser_cookie(personas.patient_a)
    state = build_state(SessionState, cookie=token)
    state.load_session()
    assert state.signed_in and "Audit log" not in _labels(state)


def test_unknown_or_expired_cookie_means_nobody(personas, browser_cookie, session):
    state = build_state(SessionState, cookie="made-up-token")
    state.load_session()
    assert not state.signed_in

    token, session_id = browser_cookie(personas.patient_a)
    row = session.get(AuthSession, session_id)
    row.expires_at = utcnow() - timedelta(seconds=1)
    session.add(row)
    session.commit()
    state = build_state(SessionState, cookie=token)
    state.load_session()
    assert not state.signed_in


def test_a_session_revoked_elsewhere_signs_the_page_out(personas, browser_cookie, session):
    token, _ = browser_cookie(personas.admin)
    state = build_state(AdminAuditState, cookie=token)
    state.load_session()
    assert state.signed_in
    auth.revoke_all(session, user_id=personas.admin.id, reason="password_change")
    session.commit()
    state.load()
    assert not state.signed_in
    assert state.entries == [] and state.error == "Please sign in to continue."


def test_sign_out_revokes_the_session(personas, browser_cookie, session):
    token, session_id = browser_cookie(personas.patient_a)
    state = build_state(SessionState, cookie=token)
    state.load_session()
    spec = state.sign_out()
    assert _is_redirect_to(spec, "/api/v1/auth/browser/signed-out")
    assert not state.signed_in
    session.expire_all()
    assert session.get(AuthSession, session_id).revoked_reason == "sign_out"
    fresh = build_state(SessionState, cookie=token)
    fresh.load_session()
    assert not fresh.signed_in


# --- account page -------------------------------------------------------------------------

def test_account_lists_only_my_devices_and_marks_this_one(personas, browser_cookie):
    mine, mine_id = browser_cookie(personas.patient_a)
    _, other_device = browser_cookie(personas.patient_a)
    _, theirs = browser_cookie(personas.patient_c)
    state = build_state(AccountState, cookie=mine)
    state.load_session()
    state.load()
    assert state.email == personas.patient_a.email and state.role_label == "Patient"
    assert {s["id"] for s in state.sessions} == {mine_id, other_device}
    assert [s["id"] for s in state.sessions if s["current"]] == [mine_id]
    assert theirs not in sent_to_browser(state)


def test_account_page_redirects_anonymous_to_login(engine):
    state = build_state(AccountState)
    state.load_session()
    assert _is_redirect_to(state.load(), "/login")
    assert state.sessions == []


def test_revoking_another_users_session_changes_nothing(personas, browser_cookie, session):
    mine, _ = browser_cookie(personas.patient_a)
    theirs_token, theirs = browser_cookie(personas.patient_c)
    state = build_state(AccountState, cookie=mine)
    state.load_session()
    state.load()
    spec = state.revoke(theirs)
    assert "No such session." in str(spec)
    session.expire_all()
    assert session.get(AuthSession, theirs).revoked_at is None
    assert auth.user_for_token(session, token=theirs_token)[0].id == personas.patient_c.id


def test_revoking_my_other_device(personas, browser_cookie, session):
    mine, mine_id = browser_cookie(personas.patient_a)
    other_token, other = browser_cookie(personas.patient_a)
    state = build_state(AccountState, cookie=mine)
    state.load_session()
    state.load()
    state.revoke(other)
    assert [s["id"] for s in state.sessions] == [mine_id]
    assert state.signed_in
    session.expire_all()
    assert session.get(AuthSession, other).revoked_reason == "revoked_by_user"
    other_device = build_state(SessionState, cookie=other_token)
    other_device.load_session()
    assert not other_device.signed_in


def test_sign_out_everywhere_from_the_account_page(personas, browser_cookie, session):
    mine, _ = browser_cookie(personas.patient_a)
    other, _ = browser_cookie(personas.patient_a)
    state = build_state(AccountState, cookie=mine)
    state.load_session()
    state.sign_out_everywhere()
    assert not state.signed_in
    for token in (mine, other):
        fresh = build_state(SessionState, cookie=token)
        fresh.load_session()
        assert not fresh.signed_in


# --- admin audit page ---------------------------------------------------------------------

def test_admin_audit_page_shows_entries_and_filters(personas, browser_cookie):
    token, _ = browser_cookie(personas.admin)
    state = build_state(AdminAuditState, cookie=token)
    state.load_session()
    state.load()
    assert state.error == "" and state.total == 1
    [entry] = state.entries
    assert entry["action"] == "auth.sign_in" and entry["actor"] == f"admin #{personas.admin.id}"
    assert entry["ip"] == "127.0.0.1" and entry["outcome"] == "success"
    state.apply_filters({"action": "auth.sign_out", "target_type": ""})
    assert state.entries == [] and state.total == 0 and state.page == 1


def test_patient_cannot_read_the_audit_page(personas, browser_cookie):
    token, _ = browser_cookie(personas.patient_a)
    state = build_state(AdminAuditState, cookie=token)
    state.load_session()
    state.load()
    assert state.entries == []
    assert state.error == "Only clinic administrators may do this."


def test_audit_page_paging(personas, browser_cookie, session):
    from odcp.services import audit
    from odcp.services.actor import SYSTEM
    from odcp.state.admin_audit import PAGE_SIZE

    for i in range(PAGE_SIZE + 3):
        audit.record(session, actor=SYSTEM, action=f"test.{i}")
    session.commit()
    token, _ = browser_cookie(personas.admin)
    state = build_state(AdminAuditState, cookie=token)
    state.load_session()
    state.apply_filters({"action": "test."})
    assert state.pages == 2 and len(state.entries) == PAGE_SIZE
    state.next_page()
    assert state.page == 2 and len(state.entries) == 3
    state.next_page()
    assert state.page == 2
    state.previous_page()
    assert state.page == 1


# --- sign-in form -------------------------------------------------------------------------

async def _submit(state, form: dict) -> list:
    return [spec async for spec in state.submit(form)]


async def test_sign_in_with_a_wrong_password_says_so(personas, session):
    state = build_state(SignInState)
    await _submit(state, {"email": personas.patient_a.email, "password": "wrong-password"})
    assert state.error == auth.BAD_CREDENTIALS and not state.busy
    [entry] = session.exec(select(AuditEntry).where(AuditEntry.outcome == "failure")).all()
    assert entry.ip == "192.0.2.10"


async def test_sign_in_hands_off_a_one_use_ticket(personas, session):
    state = build_state(SignInState)
    specs = await _submit(state, {"email": personas.patient_a.email, "password": PASSWORD})
    assert state.error == "" and not state.busy
    handoff = str(specs[-1])
    assert "/api/v1/auth/browser/session?ticket=" in handoff
    assert PASSWORD not in handoff and PASSWORD not in sent_to_browser(state)
    ticket = handoff.split("ticket=", 1)[1].split("&", 1)[0]
    sid = decode_jwt(ticket, purpose="browser-ticket")["sid"]
    assert session.get(AuthSession, sid).user_id == personas.patient_a.id
    # The page never holds the cookie secret: it only gets the ticket.
    assert not state.signed_in
