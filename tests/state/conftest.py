"""Reflex states built under pytest: a fresh state tree per call, with the request's
cookie, address and user agent set as the browser's websocket would."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import reflex as rx
from reflex.istate.data import RouterData
from reflex.utils.format import json_dumps

import odcp.state.account
import odcp.state.admin_audit
import odcp.state.auth_forms
import odcp.state.session  # noqa: F401 (register every state class before the tree is built)
from odcp.services import auth
from odcp.state.session import COOKIE


def build_state(cls: type[rx.State], *, cookie: str = "", ip: str = "192.0.2.10"):
    root = rx.State(_reflex_internal_init=True)
    state = root.get_substate(cls.get_full_name().split("."))
    headers = {"user-agent": "pytest-browser"}
    if cookie:
        headers["cookie"] = f"theme=dark; {COOKIE}={cookie}"
    state.router = RouterData.from_router_data({"headers": headers, "ip": ip})
    return state


def sent_to_browser(state: rx.State) -> str:
    """The whole state tree as Reflex serializes it for the page."""
    root = state
    while root.parent_state is not None:
        root = root.parent_state
    return json_dumps(root.dict())


@pytest.fixture
def browser_cookie(session, personas) -> Callable:
    """Sign a persona in the way the sign-in page does; returns (cookie token, session id)."""

    def _sign_in(user) -> tuple[str, str]:
        issued = auth.start_session(session, user=user, actor=personas.actor(user),
                                    kind="browser-pending")
        session.commit()
        token = auth.redeem_browser_ticket(session, ticket=auth.browser_ticket(issued.session))
        session.commit()
        return token, issued.session.id

    return _sign_in
