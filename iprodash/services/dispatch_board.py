"""The dispatch board: one company-local day, a lane per technician plus
"Unassigned", and the jobs whose windows overlap in a lane flagged.

Assigning from the board is :func:`iprodash.services.jobs.assign_technician`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pymongo.database import Database

from iprodash.domain.dates import read_day
from iprodash.domain.clock import company_today as today_for_company, days_bounds
from iprodash.domain.job_status import CANCELED, status_label
from iprodash.repositories.jobs import JobRepository
from iprodash.repositories.technicians import TechnicianRepository
from iprodash.services.actor import Actor, require_company_actor
from iprodash.services.job_records import company_of, zone_of
from iprodash.services.job_views import clock

BOARD_LIMIT = 500
DEFAULT_LENGTH = timedelta(hours=1)
UNASSIGNED = ""
_PROJECTION = {"number": 1, "status": 1, "client.name": 1, "address.line": 1,
               "address.city": 1, "scheduled_start": 1, "scheduled_end": 1, "technician_id": 1,
               "job_type": 1}


@dataclass(frozen=True)
class BoardCard:
    id: str
    number: int
    time_text: str
    client_name: str
    address: str
    job_type: str
    status: str
    status_label: str
    technician_id: str
    overlaps: bool
    overlaps_with: str


@dataclass(frozen=True)
class BoardLane:
    technician_id: str
    name: str
    color: str
    active: bool
    cards: list[BoardCard]
    overlap_count: int


@dataclass(frozen=True)
class Board:
    day: str
    day_label: str
    lanes: list[BoardLane]
    total: int
    truncated: bool


def overlapping(windows: list[tuple[str, datetime, datetime | None]]) -> dict[str, set[str]]:
    """Which windows overlap which others.

    Args:
        windows: ``(id, start, end)``; a missing end counts as one hour.
            Touching windows (one ends when the next starts) do not overlap.

    Returns:
        ``{id: {ids it overlaps}}`` for the windows that overlap anything.
    """
    spans = sorted((start, end or start + DEFAULT_LENGTH, key) for key, start, end in windows)
    clashes: dict[str, set[str]] = {}
    for index, (start, end, key) in enumerate(spans):
        for other_start, _, other in spans[index + 1:]:
            if other_start >= end:
                break
            clashes.setdefault(key, set()).add(other)
            clashes.setdefault(other, set()).add(key)
    return clashes


def parse_day(text: str, today: date) -> date:
    """A "YYYY-MM-DD" day from the URL, or ``today`` when missing or malformed."""
    return read_day(text) or today


def company_today(db: Database, *, actor: Actor, now: datetime | None = None) -> date:
    """Today's date in the company's time zone (at ``now``, default the current instant)."""
    actor = require_company_actor(actor)
    return today_for_company(company_of(db, actor), now)


def _card(job: dict, zone, clashes: dict[str, set[str]], numbers: dict[str, int]) -> BoardCard:
    key = str(job["_id"])
    start, end = job["scheduled_start"].astimezone(zone), job.get("scheduled_end")
    address = job.get("address") or {}
    return BoardCard(
        id=key, number=int(job["number"]),
        time_text=clock(start) + (f" - {clock(end.astimezone(zone))}" if end else ""),
        client_name=(job.get("client") or {}).get("name", ""),
        address=", ".join(p for p in (address.get("line"), address.get("city")) if p),
        job_type=job.get("job_type", ""), status=job["status"],
        status_label=status_label(job["status"]),
        technician_id=str(job.get("technician_id") or UNASSIGNED),
        overlaps=key in clashes,
        overlaps_with=", ".join(f"#{numbers[o]}" for o in sorted(clashes.get(key, ()),
                                                                  key=numbers.get)))


def board_for_day(db: Database, *, actor: Actor, day: date) -> Board:
    """The board of one company-local day (office staff); canceled jobs are left out."""
    actor = require_company_actor(actor)
    zone = zone_of(company_of(db, actor))
    start, end = days_bounds(day, day, zone)
    docs = JobRepository(db, actor.company_id).scheduled_between(
        start, end, limit=BOARD_LIMIT + 1, projection=_PROJECTION)
    truncated = len(docs) > BOARD_LIMIT
    jobs = [j for j in docs[:BOARD_LIMIT] if j["status"] != CANCELED]
    technicians = TechnicianRepository(db, actor.company_id)
    people = {t["_id"]: t for t in technicians.active_choices()}
    missing = {j["technician_id"] for j in jobs if j.get("technician_id")} - set(people)
    people.update(technicians.by_ids(list(missing)))
    numbers = {str(j["_id"]): int(j["number"]) for j in jobs}
    lanes = [BoardLane(technician_id=UNASSIGNED, name="Unassigned", color="#8B8D98", active=True,
                       cards=[_card(j, zone, {}, numbers) for j in jobs
                              if not j.get("technician_id")], overlap_count=0)]
    for tech_id, tech in sorted(people.items(), key=lambda item: (item[1].get("name", ""),
                                                                   str(item[0]))):
        mine = [j for j in jobs if j.get("technician_id") == tech_id]
        clashes = overlapping([(str(j["_id"]), j["scheduled_start"], j.get("scheduled_end"))
                               for j in mine])
        lanes.append(BoardLane(
            technician_id=str(tech_id), name=tech.get("name", ""),
            color=tech.get("color") or "#3E63DD", active=bool(tech.get("active", True)),
            cards=[_card(j, zone, clashes, numbers) for j in mine], overlap_count=len(clashes)))
    return Board(day=day.isoformat(), day_label=f"{day:%A, %B} {day.day}, {day.year}",
                 lanes=lanes, total=len(jobs), truncated=truncated)
