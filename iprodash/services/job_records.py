"""Shared pieces of the job services: loading, derived keys, one guarded write.

Every job write goes through :func:`write_job`, which applies the change
only while the job is still in the state the caller read (status, and the
version the form was loaded with), so two dispatchers never silently
overwrite each other; the loser gets a :class:`Conflict` sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pymongo.database import Database

from iprodash.domain.clock import as_utc, zone_of  # noqa: F401 - zone_of re-exported
from iprodash.domain.errors import Conflict, ValidationError
from iprodash.domain.job_status import CANCELED, CLOSED
from iprodash.domain.search_keys import search_keys_for
from iprodash.repositories.base import utcnow
from iprodash.repositories.companies import CompanyRepository
from iprodash.repositories.jobs import JobRepository, job_filter_keys
from iprodash.services.actor import Actor
from iprodash.services.clients import address_search_text

CHANGED = "Someone else changed this job a moment ago. Reload it and try again."


@dataclass
class JobChange:
    """A job after a change, and what the dispatcher should be told.

    Attributes:
        job: The job document after the change.
        notices: Sentences about side effects, e.g. a text that was not sent.
    """

    job: dict
    notices: list[str] = field(default_factory=list)

    def note(self, outcome: Any) -> None:
        """Keep the reason of an SMS outcome that was not queued or waits."""
        reason = getattr(outcome, "reason", "") if outcome is not None else ""
        if reason and reason not in self.notices:
            self.notices.append(reason)


def now_ms() -> datetime:
    """Now in UTC, cut to milliseconds as MongoDB stores it (versions compare equal)."""
    now = utcnow()
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def company_of(db: Database, actor: Actor) -> dict:
    return CompanyRepository(db).by_id(actor.company_id) or {}


def local_day(moment: datetime, zone: ZoneInfo) -> str:
    """"YYYY-MM-DD" of a UTC moment in ``zone``."""
    return as_utc(moment).astimezone(zone).date().isoformat()


def job_search_keys(*, number: int, client: dict, address: dict) -> list[str]:
    """Edge n-grams of client name and address, phone digits and "#<number>"."""
    return search_keys_for(name=client.get("name"), address=address_search_text(address),
                           phone=client.get("phone"), job_number=number)


def keys_for(job: dict) -> dict[str, list[str]]:
    """``search_keys`` and ``filter_keys`` of a (changed) job document."""
    return {
        "search_keys": job_search_keys(number=job["number"], client=job.get("client") or {},
                                       address=job.get("address") or {}),
        "filter_keys": job_filter_keys(job["status"], job.get("technician_id"),
                                       job.get("lead_source_id")),
    }


def refuse_if_final(job: dict, doing: str) -> None:
    """Closed and canceled jobs are history: reopen or restore them first."""
    if job["status"] == CLOSED:
        raise ValidationError(f"A closed job cannot be {doing}. Reopen it first.")
    if job["status"] == CANCELED:
        raise ValidationError(f"A canceled job cannot be {doing}. Restore it first.")


def parse_version(text: str | None) -> datetime | None:
    """The ``updated_at`` a form was loaded with (ISO text), or None."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise Conflict(CHANGED) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def write_job(db: Database, *, actor: Actor, job: dict, fields: dict[str, Any],
              history: dict | None = None, version: str | None = None,
              expect: dict[str, Any] | None = None) -> dict:
    """Set ``fields`` on ``job`` if nobody changed its status (or version) meanwhile.

    Args:
        db: The database.
        actor: Who writes (``updated_by``).
        job: The job as read before the change.
        fields: Fields to set; ``search_keys``/``filter_keys`` are recomputed.
        history: A status history entry to append.
        version: The ``updated_at`` the caller's form was loaded with.
        expect: More fields that must still hold their values (e.g. no payout).

    Returns:
        The job after the change.

    Raises:
        Conflict: the job changed since it was read.
    """
    now = now_ms()
    merged = {**job, **fields}
    update: dict[str, Any] = {"$set": {**fields, **keys_for(merged), "updated_at": now,
                                       "updated_by": actor.user_id}}
    if history is not None:
        update["$push"] = {"status_history": {**history, "at": now, "by_id": actor.user_id,
                                              "by_name": actor.name}}
    expected: dict[str, Any] = {"status": job["status"], **(expect or {})}
    wanted = parse_version(version)
    if wanted is not None:
        if job.get("updated_at") != wanted:
            raise Conflict(CHANGED)
        expected["updated_at"] = wanted
    after = JobRepository(db, actor.company_id).update_if(job["_id"], expected, update)
    if after is None:
        raise Conflict(CHANGED)
    return after
