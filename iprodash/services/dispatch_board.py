"""The dispatch board: a company-local day or week, a row per technician plus
"Unassigned", a time grid (hours of the day, or the seven days of the week),
the jobs whose windows overlap in a row flagged, and a "Needs scheduling"
lane of open jobs that have no date yet (the ASAP calls).

Moving a card (drag and drop, or the "Move..." dialog) is :func:`move_job`:
:func:`iprodash.services.jobs.reschedule_job` plus
:func:`iprodash.services.jobs.assign_technician`, both audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bson import ObjectId
from pymongo.database import Database

from iprodash.domain.clock import company_today as today_for_company, days_bounds
from iprodash.domain.dates import parse_day as parse_typed_day, read_day
from iprodash.domain.errors import NotFound, ValidationError
from iprodash.domain.job_status import CANCELED, status_label
from iprodash.integrations import maps
from iprodash.repositories.jobs import JobRepository, filter_key
from iprodash.repositories.technicians import TechnicianRepository
from iprodash.services import jobs
from iprodash.services.actor import COMPANY_ADMIN, USER, Actor, require_company_actor
from iprodash.services.job_records import JobChange, company_of, refuse_if_final, zone_of
from iprodash.services.job_views import clock

BOARD_LIMIT = 500
NEEDS_LIMIT = 25
NEEDS_COUNT_CAP = 1000  # past it the lane's badge says "1,000+"
MAP_STOPS = 60  # markers in one map image (its URL has a length limit)
DEFAULT_LENGTH = timedelta(hours=1)
DEFAULT_TIME = time(9, 0)
FIRST_HOUR, LAST_HOUR = 7, 20  # the day grid shows 7:00 AM to 8:00 PM
DAY, WEEK = "day", "week"
VIEWS = (DAY, WEEK)
UNASSIGNED = ""
_PROJECTION = {"number": 1, "status": 1, "client.name": 1, "address.line": 1,
               "address.city": 1, "address.state": 1, "address.zip": 1, "address.lat": 1,
               "address.lng": 1, "scheduled_start": 1, "scheduled_end": 1, "technician_id": 1,
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
    day: str = ""          # company-local "YYYY-MM-DD" ("" when undated)
    start_time: str = ""   # company-local "HH:MM" ("" when undated)
    slot: str = ""         # the grid column it sits in
    lat: float | None = None
    lng: float | None = None


@dataclass(frozen=True)
class BoardCell:
    slot: str
    cards: list[BoardCard]


@dataclass(frozen=True)
class BoardLane:
    technician_id: str
    name: str
    color: str
    active: bool
    cards: list[BoardCard]
    overlap_count: int
    cells: list[BoardCell] = field(default_factory=list)


@dataclass(frozen=True)
class BoardColumn:
    slot: str      # "YYYY-MM-DDTHH:00" (day view) or "YYYY-MM-DD" (week view)
    label: str     # "2 PM" or "Tue 6/3"


@dataclass(frozen=True)
class Board:
    day: str
    day_label: str
    lanes: list[BoardLane]
    total: int
    truncated: bool
    view: str = DAY
    columns: list[BoardColumn] = field(default_factory=list)


@dataclass(frozen=True)
class NeedsScheduling:
    """One page of open jobs without a date, newest first."""

    cards: list[BoardCard]
    next_before: str  # the keyset cursor of the next page, "" on the last one
    total: int = 0  # every undated open job of the company, up to NEEDS_COUNT_CAP + 1

    @property
    def total_text(self) -> str:
        """The lane's badge: "7", "137", or "1,000+" past the cap."""
        return f"{NEEDS_COUNT_CAP:,}+" if self.total > NEEDS_COUNT_CAP else f"{self.total:,}"


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


def parse_view(text: str) -> str:
    """``"week"`` or ``"day"`` (anything else) from the URL."""
    return WEEK if str(text or "").strip().lower() == WEEK else DAY


def week_of(day: date) -> tuple[date, date]:
    """Monday and Sunday of ``day``'s week."""
    first = day - timedelta(days=day.weekday())
    return first, first + timedelta(days=6)


def company_today(db: Database, *, actor: Actor, now: datetime | None = None) -> date:
    """Today's date in the company's time zone (at ``now``, default the current instant)."""
    actor = require_company_actor(actor)
    return today_for_company(company_of(db, actor), now)


def hour_label(hour: int) -> str:
    """``"7 AM"``, ``"12 PM"``, ``"2 PM"``."""
    return f"{(hour - 1) % 12 + 1} {'AM' if hour < 12 else 'PM'}"


def columns_for(view: str, day: date) -> list[BoardColumn]:
    """The grid's columns: the hours of ``day``, or the days of its week."""
    if view == WEEK:
        first, _ = week_of(day)
        days = [first + timedelta(days=i) for i in range(7)]
        return [BoardColumn(slot=d.isoformat(), label=f"{d:%a} {d.month}/{d.day}") for d in days]
    return [BoardColumn(slot=f"{day.isoformat()}T{hour:02d}:00", label=hour_label(hour))
            for hour in range(FIRST_HOUR, LAST_HOUR)]


def _slot(view: str, local: datetime) -> str:
    """The column a job starting at ``local`` sits in (hours outside the grid
    go to its first or last column)."""
    if view == WEEK:
        return local.date().isoformat()
    hour = min(max(local.hour, FIRST_HOUR), LAST_HOUR - 1)
    return f"{local.date().isoformat()}T{hour:02d}:00"


def _address_text(address: dict) -> str:
    return ", ".join(p for p in (address.get("line"), address.get("city")) if p)


def _card(job: dict, zone: ZoneInfo, clashes: dict[str, set[str]], numbers: dict[str, int],
          view: str = DAY) -> BoardCard:
    key = str(job["_id"])
    address = job.get("address") or {}
    start, end = job.get("scheduled_start"), job.get("scheduled_end")
    local = start.astimezone(zone) if start else None
    if local is None:
        time_text = "No date yet"
    else:
        time_text = clock(local) + (f" - {clock(end.astimezone(zone))}" if end else "")
        if view == WEEK:
            time_text = f"{local:%a} " + time_text
    return BoardCard(
        id=key, number=int(job["number"]), time_text=time_text,
        client_name=(job.get("client") or {}).get("name", ""),
        address=_address_text(address),
        job_type=job.get("job_type", ""), status=job["status"],
        status_label=status_label(job["status"]),
        technician_id=str(job.get("technician_id") or UNASSIGNED),
        overlaps=key in clashes,
        overlaps_with=", ".join(f"#{numbers[o]}" for o in sorted(clashes.get(key, ()),
                                                                  key=numbers.get)),
        day=local.date().isoformat() if local else "",
        start_time=f"{local:%H:%M}" if local else "",
        slot=_slot(view, local) if local else "",
        lat=address.get("lat"), lng=address.get("lng"))


def _cells(cards: list[BoardCard], columns: list[BoardColumn]) -> list[BoardCell]:
    return [BoardCell(slot=c.slot, cards=[card for card in cards if card.slot == c.slot])
            for c in columns]


def board_for_day(db: Database, *, actor: Actor, day: date, view: str = DAY) -> Board:
    """The board of one company-local day, or of the week (Monday to Sunday)
    around it (office staff); canceled jobs are left out."""
    actor = require_company_actor(actor)
    view = parse_view(view)
    zone = zone_of(company_of(db, actor))
    first, last = week_of(day) if view == WEEK else (day, day)
    start, end = days_bounds(first, last, zone)
    docs = JobRepository(db, actor.company_id).scheduled_between(
        start, end, limit=BOARD_LIMIT + 1, projection=_PROJECTION)
    truncated = len(docs) > BOARD_LIMIT
    found = [j for j in docs[:BOARD_LIMIT] if j["status"] != CANCELED]
    technicians = TechnicianRepository(db, actor.company_id)
    people = {t["_id"]: t for t in technicians.active_choices()}
    missing = {j["technician_id"] for j in found if j.get("technician_id")} - set(people)
    people.update(technicians.by_ids(list(missing)))
    numbers = {str(j["_id"]): int(j["number"]) for j in found}
    columns = columns_for(view, day)
    free = [_card(j, zone, {}, numbers, view) for j in found if not j.get("technician_id")]
    lanes = [BoardLane(technician_id=UNASSIGNED, name="Unassigned", color="#8B8D98", active=True,
                       cards=free, overlap_count=0, cells=_cells(free, columns))]
    for tech_id, tech in sorted(people.items(), key=lambda item: (item[1].get("name", ""),
                                                                   str(item[0]))):
        mine = [j for j in found if j.get("technician_id") == tech_id]
        clashes = overlapping([(str(j["_id"]), j["scheduled_start"], j.get("scheduled_end"))
                               for j in mine])
        cards = [_card(j, zone, clashes, numbers, view) for j in mine]
        lanes.append(BoardLane(
            technician_id=str(tech_id), name=tech.get("name", ""),
            color=tech.get("color") or "#3E63DD", active=bool(tech.get("active", True)),
            cards=cards, overlap_count=len(clashes), cells=_cells(cards, columns)))
    if view == WEEK:
        label = f"Week of {first:%B} {first.day} - {last:%B} {last.day}, {last.year}"
    else:
        label = f"{day:%A, %B} {day.day}, {day.year}"
    return Board(day=day.isoformat(), day_label=label, lanes=lanes, total=len(found),
                 truncated=truncated, view=view, columns=columns)


def needs_scheduling(db: Database, *, actor: Actor, before: str = "",
                     limit: int = NEEDS_LIMIT) -> NeedsScheduling:
    """Open jobs with no date (ASAP calls), newest first, one keyset page.

    One indexed query: ``(company_id, filter_keys="s:open", scheduled_start=None)``
    over ``(company_id, filter_keys, scheduled_start, _id)``, so only the
    company's undated open jobs are candidates. ``total`` is the company-wide
    count: free when everything fits on the first page, else one capped count
    on the same index (ids only, at most :data:`NEEDS_COUNT_CAP` + 1).

    Args:
        before: The ``next_before`` of the previous page ("" for the first).
        limit: Jobs per page (1-100).
    """
    actor = require_company_actor(actor, COMPANY_ADMIN, USER)
    limit = max(1, min(100, int(limit)))
    before_id = ObjectId(before) if before and ObjectId.is_valid(before) else None
    zone = zone_of(company_of(db, actor))
    docs = JobRepository(db, actor.company_id).page_unscheduled(
        key=filter_key(status="open"), before_id=before_id, limit=limit + 1,
        projection=_PROJECTION)
    page = docs[:limit]
    numbers = {str(j["_id"]): int(j["number"]) for j in page}
    # The lane's total: the first page when it is the only one (no extra read);
    # otherwise a capped count on the same index and key (ids only).
    total = len(page) if before_id is None and len(docs) <= limit else \
        JobRepository(db, actor.company_id).count_unscheduled(key=filter_key(status="open"),
                                                              cap=NEEDS_COUNT_CAP)
    return NeedsScheduling(cards=[_card(j, zone, {}, numbers) for j in page],
                           next_before=str(page[-1]["_id"]) if len(docs) > limit else "",
                           total=total)


def parse_target(target: str) -> tuple[str, str, str]:
    """A drop target ``"<technician id or ''>|YYYY-MM-DD[THH:MM]"`` as
    ``(technician_id, day, time)`` (time "" when the column is a whole day).

    Raises:
        ValidationError: a target that is not a board cell.
    """
    text = str(target or "")
    technician, sep, slot = text.partition("|")
    day, _, at = slot.partition("T")
    if not sep or read_day(day) is None or len(day) != 10 or len(technician) > 40:
        raise ValidationError("Drop the job on a technician's row in the board.")
    return technician, day, at


def _time_of(text: str) -> time | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = time.fromisoformat(text)
    except ValueError as exc:
        raise ValidationError("Enter the time like 14:00.", field="time") from exc
    if len(text) > 8 or value.second or value.microsecond:
        raise ValidationError("Enter the time like 14:00.", field="time")
    return value


def move_job(db: Database, *, actor: Actor, job_id: str, technician_id: str, day: str,
             at: str = "") -> JobChange:
    """Move a job on the board: to a technician ("" for unassigned) and a
    company-local day and start time.

    The job keeps the length of its window (one hour when it had no end or
    no date). ``at`` "" keeps the job's time of day (9:00 AM for an undated
    job), as when a card is dropped on a day of the week view.

    Raises:
        ValidationError: a bad day or time, a final job, a deactivated technician.
        NotFound: a job or technician of another company.
    """
    actor = require_company_actor(actor, COMPANY_ADMIN, USER)
    when = parse_typed_day(day, message="Pick the day to move the job to.", field="day")
    wanted = _time_of(at)
    job = jobs.load_job(db, actor, job_id)
    refuse_if_final(job, "moved")
    zone = zone_of(company_of(db, actor))
    start, end = job.get("scheduled_start"), job.get("scheduled_end")
    length = (end - start) if start and end and end > start else DEFAULT_LENGTH
    if wanted is None:
        wanted = start.astimezone(zone).time() if start else DEFAULT_TIME
    new_start = datetime.combine(when, wanted, zone)
    if technician_id:  # checked before anything is written: a refusal changes nothing
        person = TechnicianRepository(db, actor.company_id).get(technician_id, "technician")
        if not person.get("active", True) and person["_id"] != job.get("technician_id"):
            raise ValidationError("That technician is deactivated. Pick another one.",
                                  field="technician_id")
    change = jobs.reschedule_job(db, actor=actor, job_id=str(job["_id"]), start=new_start,
                                 end=new_start + length)
    assigned = jobs.assign_technician(db, actor=actor, job_id=str(job["_id"]),
                                      technician_id=technician_id or None)
    assigned.notices[:0] = [n for n in change.notices if n not in assigned.notices]
    return assigned


def day_map(db: Database, *, actor: Actor, day: date) -> bytes:
    """A map image (PNG) of the day's stops from their stored coordinates,
    numbered in each technician's order in the technician's color.

    Raises:
        NotFound: Google Maps is not set up, or no job of the day has a location.
        ValidationError: Google did not answer (the list of stops still shows).
    """
    actor = require_company_actor(actor, COMPANY_ADMIN, USER)
    if not maps.maps_enabled():
        raise NotFound("The map needs Google Maps to be set up; the stops are listed below.")
    board = board_for_day(db, actor=actor, day=day)
    stops: list[maps.MapStop] = []
    for lane in board.lanes:
        located = [c for c in lane.cards if c.lat is not None and c.lng is not None]
        stops += [maps.MapStop(lat=float(c.lat), lng=float(c.lng), color=lane.color,
                               label=str(order) if order < 10 else "")
                  for order, c in enumerate(located, 1)]
    if not stops:
        raise NotFound("No job on this day has a map location yet.")
    try:
        return maps.static_map_png(stops[:MAP_STOPS])
    except maps.MapsUnavailable as exc:
        raise ValidationError("The map is not available right now; the stops are listed "
                              "below.") from exc
