"""Request-scoped dependencies: a DB session, the acting user, the request's origin."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from odcp.db import session_scope
from odcp.models.user import User
from odcp.services import auth
from odcp.services.actor import Actor
from odcp.services.errors import NotAuthenticated


def db_session() -> Iterator[Session]:
    """One session per request: committed when the handler returns, else rolled back."""
    with session_scope() as session:
        yield session


# scope="function": commit before the response leaves, so a client that got a 200 can
# read its own write at once, and a failed commit is an error, not a silent 200.
DB = Annotated[Session, Depends(db_session, scope="function")]


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def anonymous_actor(request: Request) -> Actor:
    return Actor(ip=client_ip(request), user_agent=request.headers.get("user-agent"))


def current_user(request: Request, session: DB) -> User:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise NotAuthenticated("Send an access token: Authorization: Bearer <token>.")
    return auth.user_for_access_token(session, access_token=token.strip())


def signed_in_actor(request: Request, user: Annotated[User, Depends(current_user)]) -> Actor:
    return Actor(user=user, ip=client_ip(request), user_agent=request.headers.get("user-agent"))


# The web app's httpOnly session cookie (set by routers.auth on the sign-in hand-off).
SESSION_COOKIE = "odcp_session"


def browser_or_bearer_user(request: Request, session: Session) -> User:
    """A Bearer token, or else the browser's session cookie: for the GET routes the web app
    links to (a page cannot put an Authorization header on an <img> or a download link)."""
    if request.headers.get("authorization"):
        return current_user(request, session)
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise NotAuthenticated("Sign in to open this file.")
    user, _ = auth.user_for_token(session, token=token)
    return user


def browser_or_bearer_actor(request: Request, session: DB) -> Actor:
    return signed_in_actor(request, browser_or_bearer_user(request, session))


Anonymous = Annotated[Actor, Depends(anonymous_actor)]
SignedIn = Annotated[Actor, Depends(signed_in_actor)]
BrowserOrBearer = Annotated[Actor, Depends(browser_or_bearer_actor)]
