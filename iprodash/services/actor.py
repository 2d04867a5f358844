"""Who is calling: the authenticated user a service acts for."""

from __future__ import annotations

from dataclasses import dataclass

from bson import ObjectId

from iprodash.domain.errors import PermissionDenied
from iprodash.domain.roles import (COMPANY_ADMIN, OPERATOR, ROLE_LABELS, TECHNICIAN,  # noqa: F401
                                   USER)


@dataclass(frozen=True)
class Actor:
    """An authenticated caller; built only from a valid session."""

    user_id: ObjectId
    role: str
    name: str
    email: str
    company_id: ObjectId | None = None
    view_financials: bool = False
    ip: str = ""
    session_jti: str = ""
    technician_id: ObjectId | None = None

    @property
    def is_operator(self) -> bool:
        return self.role == OPERATOR

    @property
    def can_see_financials(self) -> bool:
        return self.role == COMPANY_ADMIN or (self.role == USER and self.view_financials)


def require_role(actor: Actor | None, *roles: str) -> Actor:
    """Return ``actor`` when it has one of ``roles``; raise otherwise."""
    if actor is None:
        raise PermissionDenied("Please log in to continue.")
    if actor.role not in roles:
        raise PermissionDenied("Your role does not allow this. Ask your company admin.")
    return actor


def require_company_actor(actor: Actor | None, *roles: str) -> Actor:
    """Like :func:`require_role`, and the actor must belong to a company."""
    actor = require_role(actor, *(roles or (COMPANY_ADMIN, USER)))
    if actor.company_id is None:
        raise PermissionDenied("This page is for company staff.")
    return actor


def require_financials(actor: Actor | None) -> Actor:
    """Company-admins, and users with the ``view_financials`` grant."""
    actor = require_company_actor(actor)
    if not actor.can_see_financials:
        raise PermissionDenied("Profit figures need the 'view financials' permission.")
    return actor
