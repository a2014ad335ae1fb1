"""Who is acting, and from where: passed to every service call."""

from __future__ import annotations

from dataclasses import dataclass

from odcp.models.user import ADMIN_ROLES, Role, User
from odcp.services.errors import Forbidden, NotAuthenticated


@dataclass(frozen=True)
class Actor:
    """The acting user (None for anonymous or system work) and the request's origin."""

    user: User | None = None
    ip: str | None = None
    user_agent: str | None = None
    system: bool = False

    @property
    def user_id(self) -> int | None:
        return self.user.id if self.user else None

    @property
    def role(self) -> Role | None:
        return self.user.role if self.user else None

    @property
    def is_admin(self) -> bool:
        return self.system or (self.user is not None and self.user.role in ADMIN_ROLES)


SYSTEM = Actor(system=True)


def require_user(actor: Actor) -> User:
    """The signed-in user, or NotAuthenticated."""
    if actor.user is None:
        raise NotAuthenticated("Please sign in to continue.")
    return actor.user


def require_admin(actor: Actor) -> None:
    """Only admins (or the system itself) pass."""
    if actor.system:
        return
    require_user(actor)
    if not actor.is_admin:
        raise Forbidden("Only clinic administrators may do this.")
