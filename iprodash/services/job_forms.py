"""The job form: what the office types, validated into job document fields.

Times are typed in the company's time zone and stored in UTC. Every field
is checked before anything is written, so a bad field saves nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from typing import Any
from zoneinfo import ZoneInfo

from pymongo.database import Database

from iprodash.domain.dates import parse_day
from iprodash.domain.errors import ValidationError
from iprodash.domain.finance import Part, Payment, validate_part, validate_payment
from iprodash.domain.money import parse_money
from iprodash.domain.phones import normalize_phone, phone_digits
from iprodash.domain.validation import required_text, validate_email
from iprodash.repositories.base import to_object_id
from iprodash.repositories.lead_sources import LeadSourceRepository
from iprodash.repositories.technicians import TechnicianRepository
from iprodash.services.actor import Actor
from iprodash.services.clients import keep_coordinates, parse_address

TEXT_MAX = 2000


@dataclass(frozen=True)
class JobForm:
    """The job form's values, as typed (dates "YYYY-MM-DD", times "HH:MM")."""

    client_id: str = ""
    client_name: str = ""
    client_phone: str = ""
    client_email: str = ""
    address_line: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""
    lat: str = ""
    lng: str = ""
    job_type: str = ""
    description: str = ""
    notes: str = ""
    date: str = ""
    start_time: str = ""
    end_time: str = ""
    technician_id: str = ""
    lead_source_id: str = ""


def _parse_date(text: str) -> date:
    if len(text.strip()) != 10:
        raise ValidationError("Enter the date like 2025-06-30.", field="date")
    return parse_day(text, message="Enter the date like 2025-06-30.", field="date")


def _parse_time(text: str, field: str) -> time:
    try:
        return time.fromisoformat(text.strip())
    except ValueError as exc:
        raise ValidationError("Enter the time like 09:30.", field=field) from exc


def parse_window(day: str, start: str, end: str,
                 zone: ZoneInfo) -> tuple[datetime | None, datetime | None]:
    """A scheduled window typed in the company's zone, in UTC.

    Args:
        day: "YYYY-MM-DD", or "" for an unscheduled job.
        start: "HH:MM" (required with a day).
        end: "HH:MM" or "" (no end time).
        zone: The company's time zone.

    Returns:
        ``(start_utc, end_utc)``; ``(None, None)`` when no day is given.

    Raises:
        ValidationError: a missing start, a malformed value, or an end that
            is not after the start.
    """
    day, start, end = (day or "").strip(), (start or "").strip(), (end or "").strip()
    if not day:
        if start or end:
            raise ValidationError("Pick a date for the time window.", field="date")
        return None, None
    if not start:
        raise ValidationError("Enter a start time.", field="start_time")
    on = _parse_date(day)
    begins = datetime.combine(on, _parse_time(start, "start_time"), tzinfo=zone)
    ends = None
    if end:
        ends = datetime.combine(on, _parse_time(end, "end_time"), tzinfo=zone)
        if ends <= begins:
            raise ValidationError("The window must end after it starts.", field="end_time")
    return (begins.astimezone(timezone.utc),
            ends.astimezone(timezone.utc) if ends else None)


def local_parts(moment: datetime | None, zone: ZoneInfo) -> tuple[str, str]:
    """``("YYYY-MM-DD", "HH:MM")`` of a UTC moment in ``zone`` (empty when None)."""
    if moment is None:
        return "", ""
    local = moment.astimezone(zone)
    return local.date().isoformat(), local.strftime("%H:%M")


def _reference(repo, raw: str, what: str, current: Any) -> Any:
    """An id of this company's active record; the job's current one may be inactive."""
    if not (raw or "").strip():
        return None
    record = repo.get(raw.strip(), what)
    if record["_id"] != current and not record.get("active", True):
        raise ValidationError(f"That {what} is deactivated. Pick another one.",
                              field=f"{what.replace(' ', '_')}_id")
    return record["_id"]


def parse_job_form(db: Database, *, actor: Actor, form: JobForm, zone: ZoneInfo,
                   current: dict | None = None) -> dict[str, Any]:
    """Validate the form into job fields (not yet saved).

    Args:
        db: The database (technician and source must belong to the company).
        actor: The caller.
        form: What was typed.
        zone: The company's time zone.
        current: The job being edited, or None for a new one.

    Returns:
        ``client`` (name, phone, phone_digits, email), ``address``, ``job_type``,
        ``description``, ``notes``, ``scheduled_start``, ``scheduled_end``,
        ``technician_id``, ``lead_source_id``.

    Raises:
        ValidationError: the first field that is not acceptable.
        NotFound: a technician or source that is not the company's.
    """
    current = current or {}
    name = required_text(form.client_name, "Client name", max_len=120, field="client_name")
    phone = normalize_phone(form.client_phone, field="client_phone")
    email = (form.client_email or "").strip()
    start, end = parse_window(form.date, form.start_time, form.end_time, zone)
    return {
        "client": {"name": name, "phone": phone, "phone_digits": phone_digits(phone),
                   "email": validate_email(email) if email else ""},
        "address": keep_coordinates(
            parse_address(line=form.address_line, city=form.city, state=form.state,
                          zip_code=form.zip, lat=form.lat, lng=form.lng, line_required=True),
            current.get("address")),
        "job_type": required_text(form.job_type, "Job type", max_len=120, field="job_type"),
        "description": (form.description or "").strip()[:TEXT_MAX],
        "notes": (form.notes or "").strip()[:TEXT_MAX],
        "scheduled_start": start, "scheduled_end": end,
        "technician_id": _reference(TechnicianRepository(db, actor.company_id),
                                    form.technician_id, "technician",
                                    current.get("technician_id")),
        "lead_source_id": _reference(LeadSourceRepository(db, actor.company_id),
                                     form.lead_source_id, "lead source",
                                     current.get("lead_source_id")),
    }


def parse_client_id(raw: str) -> Any:
    """The reused client's id from the form, or None."""
    return to_object_id(raw.strip(), "client") if (raw or "").strip() else None


def parse_money_lines(payments: list[dict], parts: list[dict]) -> tuple[list[Payment],
                                                                        list[Part]]:
    """Payments and parts typed in the job page's editors ("125.50" dollars).

    Args:
        payments: ``{"method", "amount", "collected_by"}`` text per line.
        parts: ``{"description", "cost", "paid_by"}`` text per line.

    Raises:
        ValidationError: naming the line, e.g. "Payment 2: Enter an amount like 125.50."
    """
    def checked(label: str, index: int, build, validate):
        try:
            return validate(build())
        except ValidationError as exc:
            raise ValidationError(f"{label} {index}: {exc.message}", field=exc.field) from exc

    return (
        [checked("Payment", n, lambda p=p: Payment(
            str(p.get("method", "")), parse_money(str(p.get("amount", "")), field="amount_cents"),
            str(p.get("collected_by", ""))), validate_payment)
         for n, p in enumerate(payments, start=1)],
        [checked("Part", n, lambda p=p: Part(
            str(p.get("description", "")), parse_money(str(p.get("cost", "")), field="cost_cents"),
            str(p.get("paid_by", ""))), validate_part)
         for n, p in enumerate(parts, start=1)],
    )
