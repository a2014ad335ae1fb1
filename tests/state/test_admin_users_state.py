"""The /admin/users page state: rows and menus follow the service rules; nothing secret
reaches the browser; actions toast their outcome."""

from __future__ import annotations

from odcp.models.user import AccountStatus, User
from odcp.state.admin_users import AdminUsersState
from tests.state.conftest import build_state, sent_to_browser


def _page(browser_cookie, user) -> AdminUsersState:
    token, _ = browser_cookie(user)
    state = build_state(AdminUsersState, cookie=token)
    state.load_session()
    state.load()
    return state


def _row(state, name: str) -> dict[str, str]:
    return next(u for u in state.users if u["name"] == name)


def test_admin_sees_every_account_and_no_secrets(personas, browser_cookie):
    state = _page(browser_cookie, personas.admin)
    assert state.error == "" and state.total == 5
    me, patient = _row(state, "Admin E"), _row(state, "Patient C")
    assert me["is_self"] == "yes" and me["can_suspend"] == "" and me["can_role"] == ""
    assert (patient["can_role"], patient["can_suspend"], patient["can_reactivate"]) == (
        "yes", "yes", "")
    assert patient["role_label"] == "Patient" and patient["status_label"] == "Active"
    assert [c[0] for c in state.role_choices] == ["patient", "doctor"]
    page = sent_to_browser(state)
    assert personas.patient_c.password_hash not in page and "password_hash" not in page


def test_patient_gets_the_refusal_not_the_list(personas, browser_cookie):
    state = _page(browser_cookie, personas.patient_a)
    assert state.users == [] and state.error == "Only clinic administrators may do this."


def test_search_and_filters(personas, browser_cookie):
    state = _page(browser_cookie, personas.admin)
    state.apply_search({"search": "  doctor  "})
    assert [u["name"] for u in state.users] == ["Doctor B", "Doctor D"]
    state.set_status_filter("suspended")
    assert state.users == [] and state.total == 0
    state.clear_filters()
    state.set_role_filter("patient")
    assert [u["name"] for u in state.users] == ["Patient A", "Patient C"]


def test_suspend_from_the_dialog_then_reactivate(personas, browser_cookie, session):
    state = _page(browser_cookie, personas.admin)
    target = _row(state, "Patient C")
    state.open_dialog("suspend", target["id"])
    assert state.dialog == "suspend" and state.target_name == "Patient C"
    state.submit_suspend({"reason": ""})
    assert state.dialog == "suspend" and "reason" in state.dialog_error.lower()
    done = state.submit_suspend({"reason": "Abusive messages"})
    assert "success" in str(done) and state.dialog == ""
    assert _row(state, "Patient C")["status_label"] == "Suspended"
    assert _row(state, "Patient C")["can_reactivate"] == "yes"
    session.expire_all()
    assert session.get(User, personas.patient_c.id).status == AccountStatus.SUSPENDED
    state.reactivate(target["id"])
    assert _row(state, "Patient C")["status_label"] == "Active"
    again = state.reactivate(target["id"])  # a second click, e.g. from a stale page
    assert "Only a suspended account can be reactivated." in str(again)


def test_change_role_from_the_dialog(personas, browser_cookie, session):
    state = _page(browser_cookie, personas.admin)
    state.open_dialog("role", _row(state, "Patient A")["id"])
    state.set_form_role("doctor")
    state.submit_role()
    assert _row(state, "Patient A")["role_label"] == "Doctor"
    session.expire_all()
    assert session.get(User, personas.patient_a.id).role == "doctor"


async def test_force_reset_from_the_dialog(personas, browser_cookie, session):
    old_hash = personas.doctor_d.password_hash
    state = _page(browser_cookie, personas.admin)
    state.open_dialog("reset", _row(state, "Doctor D")["id"])
    events = [e async for e in state.confirm_reset()]
    assert "success" in str(events[-1]) and state.dialog == "" and not state.busy
    session.expire_all()
    assert session.get(User, personas.doctor_d.id).password_hash != old_hash
