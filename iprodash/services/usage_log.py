"""The sign-in log: a company admin reads their company's sign-ins; the operator
sees platform-wide counts per day and kind, with no personal data.

Entries come from ``auth.login`` (sign-ins, wrong passwords and refused
sign-ins to a company's accounts) and technician links; the usage log is
kept ``IPRODASH_USAGE_LOG_RETENTION_DAYS`` (docs/PRIVACY.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bson import ObjectId
from pymongo.database import Database

from iprodash.domain import clock
from iprodash.domain.dates import parse_day
from iprodash.domain.errors import ValidationError
from iprodash.domain.words import label
from iprodash.repositories.base import to_object_id, utcnow
from iprodash.repositories.companies import CompanyRepository
from iprodash.repositories.technicians import TechnicianRepository
from iprodash.repositories.usage import UsageLog
from iprodash.repositories.users import UserRepository
from iprodash.services.actor import (COMPANY_ADMIN, OPERATOR, Actor, require_company_actor,
                                     require_role)

PAGE_SIZE = 25
PEOPLE_LIMIT = 300
AGGREGATE_DAYS = 14
SIGN_IN_KINDS = {
    "login": "Signed in",
    "login_failed": "Wrong password",
    "login_blocked": "Refused: account not active",
    "technician_login": "Technician opened a link",
}


@dataclass(frozen=True)
class SignInFilters:
    """What the page's filter form sends (raw text, as typed)."""

    kind: str = ""
    person: str = ""
    start: str = ""
    end: str = ""


@dataclass(frozen=True)
class SignInRow:
    id: str
    when: str
    kind: str
    person: str
    email: str
    address: str
    browser: str
    failed: bool


@dataclass(frozen=True)
class SignInPage:
    rows: list[SignInRow]
    next_cursor: str  # "" when this is the last page


@dataclass(frozen=True)
class DailyCount:
    day: str
    kind: str
    count: int


def _cursor(doc: dict) -> str:
    return f"{doc['at'].isoformat()}|{doc['_id']}"


def _read_cursor(text: str) -> tuple[datetime, ObjectId] | None:
    if not text:
        return None
    try:
        at, oid = text.split("|", 1)
        return datetime.fromisoformat(at), to_object_id(oid, "entry")
    except ValueError as exc:
        raise ValidationError("That page link is not valid. Start from the first page.") from exc


def _person_id(db: Database, company_id: ObjectId, person: str) -> ObjectId | None:
    """The filter's person, checked to be the company's user or technician."""
    if not person:
        return None
    oid = to_object_id(person, "person")
    if UserRepository(db, company_id).find_one({"_id": oid}, projection={"_id": 1}) or \
            TechnicianRepository(db, company_id).find_one({"_id": oid}, projection={"_id": 1}):
        return oid
    raise ValidationError("Choose someone from your company.", field="person")


def _window(filters: SignInFilters, zone) -> tuple[datetime | None, datetime | None]:
    since = until = None
    if filters.start:
        since = clock.day_start(parse_day(filters.start, message="Enter the first day as "
                                          "YYYY-MM-DD.", field="start"), zone)
    if filters.end:
        last = parse_day(filters.end, message="Enter the last day as YYYY-MM-DD.", field="end")
        until = clock.day_start(last + timedelta(days=1), zone)
    if since and until and since >= until:
        raise ValidationError("The first day must be on or before the last day.", field="end")
    return since, until


def _names(db: Database, company_id: ObjectId, docs: list[dict]) -> dict:
    ids = [d["user_id"] for d in docs if d.get("user_id")]
    names = UserRepository(db, company_id).names_by_ids(ids)
    names.update({k: v.get("name", "") for k, v in
                  TechnicianRepository(db, company_id).by_ids(ids).items()})
    return names


def list_sign_ins(db: Database, *, actor: Actor, filters: SignInFilters,
                  cursor: str = "") -> SignInPage:
    """One page of the caller's company's sign-ins, newest first (company-admin).

    Raises:
        ValidationError: an unknown kind or person, a bad date or page link.
    """
    actor = require_company_actor(actor, COMPANY_ADMIN)
    if filters.kind and filters.kind not in SIGN_IN_KINDS:
        raise ValidationError("Choose a kind of entry from the list.", field="kind")
    company = CompanyRepository(db).by_id(actor.company_id) or {}
    zone = clock.zone_of(company)
    since, until = _window(filters, zone)
    docs = UsageLog(db).page_for_company(
        actor.company_id, kinds=[filters.kind] if filters.kind else list(SIGN_IN_KINDS),
        user_id=_person_id(db, actor.company_id, filters.person), since=since, until=until,
        before=_read_cursor(cursor), limit=PAGE_SIZE + 1)
    shown = docs[:PAGE_SIZE]
    names = _names(db, actor.company_id, shown)
    rows = [SignInRow(
        id=str(d["_id"]), when=f"{clock.as_utc(d['at']).astimezone(zone):%b %d, %Y %H:%M}",
        kind=label(SIGN_IN_KINDS, d["kind"]), person=names.get(d.get("user_id"), ""),
        email=d.get("email", ""), address=d.get("ip", ""), browser=d.get("user_agent", ""),
        failed=d["kind"] != "login" and d["kind"] != "technician_login") for d in shown]
    return SignInPage(rows=rows,
                      next_cursor=_cursor(shown[-1]) if len(docs) > PAGE_SIZE else "")


def sign_in_people(db: Database, *, actor: Actor) -> list[tuple[str, str]]:
    """``(id, name)`` of the company's users and technicians, for the person filter."""
    actor = require_company_actor(actor, COMPANY_ADMIN)
    users = UserRepository(db, actor.company_id).page(status=None, after=None,
                                                      limit=PEOPLE_LIMIT)
    techs = TechnicianRepository(db, actor.company_id).page(after=None, limit=PEOPLE_LIMIT)
    return [(str(d["_id"]), d.get("name", "")) for d in [*users, *techs]]


def platform_sign_in_counts(db: Database, *, actor: Actor, days: int = AGGREGATE_DAYS,
                            now: datetime | None = None) -> list[DailyCount]:
    """Sign-ins per UTC day and kind across the platform, newest day first (operator)."""
    require_role(actor, OPERATOR)
    since = (now or utcnow()) - timedelta(days=days)
    rows = UsageLog(db).daily_counts(since=since, kinds=list(SIGN_IN_KINDS))
    return [DailyCount(day=r["day"], kind=label(SIGN_IN_KINDS, r["kind"]), count=r["n"])
            for r in sorted(rows, key=lambda r: (r["day"], r["kind"]), reverse=True)]
