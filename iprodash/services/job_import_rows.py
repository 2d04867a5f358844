"""Reading and checking the rows of a clients or jobs CSV file.

Each row becomes a spec or raises a :class:`DomainError` whose message is
shown with the row's line number. Nothing here writes to the database.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from iprodash.domain.dates import check_day
from iprodash.domain.errors import ValidationError
from iprodash.domain.finance import Part, Payment, compute_job_finance
from iprodash.domain.job_status import ALL_STATUSES, CLOSED
from iprodash.domain.line_items import COLLECTORS, COMPANY, PAYMENT_METHODS
from iprodash.domain.money import parse_money
from iprodash.domain.phones import normalize_phone, phone_digits
from iprodash.domain.validation import required_text, validate_email
from iprodash.services.job_documents import snapshot_rates

CLIENTS, JOBS = "clients", "jobs"
IMPORT_KINDS = (CLIENTS, JOBS)
_ADDRESS = ["address", "city", "state", "zip"]
COLUMNS = {
    CLIENTS: (["name", "phone"], ["email", *_ADDRESS]),
    JOBS: (["client_name", "phone"],
           ["email", *_ADDRESS, "job_type", "description", "notes", "scheduled_start",
            "scheduled_end", "technician", "lead_source", "status", "closing_price",
            "payment_method", "collected_by", "parts_cost", "parts_paid_by",
            "parts_description", "closed_at", "created"]),
}
_DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d", "%m/%d/%Y %H:%M", "%m/%d/%Y")
_TEXT_MAX = {"description": 2000, "notes": 2000, "job_type": 100}


@dataclass(frozen=True)
class RowError:
    """A problem with one line of the file."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"Line {self.line}: {self.message}"


@dataclass(frozen=True)
class ClientSpec:
    line: int
    name: str
    phone: str
    email: str
    address: dict


@dataclass(frozen=True)
class JobSpec:
    line: int
    client: ClientSpec
    job_type: str
    description: str
    notes: str
    scheduled_start: datetime | None
    scheduled_end: datetime | None
    technician: dict | None
    source: dict | None
    status: str
    payments: list[Payment] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)
    closed_at: datetime | None = None
    created_at: datetime | None = None


@dataclass
class ImportContext:
    """What row checks need: the company, its time zone, technicians and sources."""

    company: dict
    zone: ZoneInfo
    technicians: list[dict]
    sources: list[dict]

    def find(self, kind: str, name: str) -> dict:
        """A technician or source by name (or a technician's nickname), any case."""
        wanted = name.strip().casefold()
        pool = self.technicians if kind == "technician" else self.sources
        for doc in pool:
            if wanted in (str(doc.get("name", "")).casefold(),
                          str(doc.get("nickname", "")).casefold()):
                return doc
        label = "technician" if kind == "technician" else "lead source"
        raise ValidationError(f"There is no {label} named \"{name.strip()}\".", field=kind)


def _columns(names: list[str]) -> str:
    return "column" if len(names) == 1 else "columns"


def _header(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", " ").split())


def read_rows(data: bytes, kind: str, *, max_rows: int) -> tuple[list[str],
                                                                  list[tuple[int, dict]]]:
    """The file's columns and ``(first line number, {column: text})`` per data row.

    Raises:
        ValidationError: not UTF-8 text, missing or unknown columns, no rows,
            or more than ``max_rows`` rows.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError("The file is not UTF-8 text. In your spreadsheet, save it as "
                              "\"CSV UTF-8\".", field="file") from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    columns = [_header(name) for name in next(reader, [])]
    required, optional = COLUMNS[kind]
    missing = [name for name in required if name not in columns]
    unknown = [name for name in columns if name and name not in required + optional]
    if missing or unknown:
        problems = ([f"missing {_columns(missing)} {', '.join(missing)}"] if missing else []) + \
            ([f"unknown {_columns(unknown)} {', '.join(unknown)}"] if unknown else [])
        raise ValidationError(f"The first line names the columns, and it has "
                              f"{' and '.join(problems)}. "
                              f"Use: {', '.join(required + optional)}.", field="file")
    rows, line = [], reader.line_num + 1
    for values in reader:
        if any(value.strip() for value in values):
            if len(rows) >= max_rows:
                raise ValidationError(f"A file can hold at most {max_rows:,} rows. Split it.",
                                      field="file")
            rows.append((line, {name: (values[i].strip() if i < len(values) else "")
                                for i, name in enumerate(columns) if name}))
        line = reader.line_num + 1
    if not rows:
        raise ValidationError("The file has no rows under its column names.", field="file")
    return columns, rows


def _client(line: int, values: dict, name_column: str) -> ClientSpec:
    name = required_text(values.get(name_column), "Name", field=name_column)
    phone = normalize_phone(values.get("phone", ""))
    email = validate_email(values["email"]) if values.get("email") else ""
    address = {"line": values.get("address", "")[:200], "city": values.get("city", "")[:100],
               "state": values.get("state", "")[:50], "zip": values.get("zip", "")[:20]}
    return ClientSpec(line, name, phone, email, address)


def parse_client_row(context: ImportContext, line: int, values: dict) -> ClientSpec:
    """A client row: name and phone required, email checked when present."""
    return _client(line, values, "name")


def _moment(text: str, zone: ZoneInfo, label: str) -> datetime | None:
    if not text:
        return None
    for pattern in _DATE_FORMATS:
        try:
            local = datetime.strptime(text, pattern)
        except ValueError:
            continue
        check_day(local, field=label)  # before the zone conversion, which overflows near 9999
        return local.replace(tzinfo=zone).astimezone(timezone.utc)
    raise ValidationError(f"Write {label} like 2025-03-31 14:30 (company time).", field=label)


def _choice(values: dict, column: str, allowed: tuple[str, ...], default: str) -> str:
    value = (values.get(column) or default).strip().lower()
    if value not in allowed:
        raise ValidationError(f"{column} must be one of: {', '.join(allowed)}.", field=column)
    return value


def _closing(values: dict) -> tuple[list[Payment], list[Part]]:
    price = parse_money(values.get("closing_price") or "", "closing_price")
    method = _choice(values, "payment_method", PAYMENT_METHODS, "cash")
    collected_by = _choice(values, "collected_by", COLLECTORS, COMPANY)
    payments = [Payment(method, price, collected_by)] if price else []
    parts = []
    if values.get("parts_cost"):
        cost = parse_money(values["parts_cost"], "parts_cost")
        if cost:
            parts.append(Part(values.get("parts_description") or "Parts", cost,
                              _choice(values, "parts_paid_by", COLLECTORS, COMPANY)))
    return payments, parts


def parse_job_row(context: ImportContext, line: int, values: dict) -> JobSpec:
    """A job row; a closed one is checked with the finance function it will close with."""
    client = _client(line, values, "client_name")
    texts = {name: (values.get(name) or "").strip() for name in _TEXT_MAX}
    for name, limit in _TEXT_MAX.items():
        if len(texts[name]) > limit:
            raise ValidationError(f"{name} is too long (at most {limit} characters).", field=name)
    start = _moment(values.get("scheduled_start", ""), context.zone, "scheduled_start")
    end = _moment(values.get("scheduled_end", ""), context.zone, "scheduled_end")
    if start and end and end <= start:
        raise ValidationError("scheduled_end must be after scheduled_start.", field="scheduled_end")
    if start and not end:
        end = start + timedelta(hours=2)
    technician = context.find("technician", values["technician"]) \
        if values.get("technician") else None
    source = context.find("lead_source", values["lead_source"]) \
        if values.get("lead_source") else None
    status = _choice(values, "status", ALL_STATUSES, "scheduled" if start else "new")
    payments, parts, closed_at = [], [], None
    if status == CLOSED:
        payments, parts = _closing(values)
        closed_at = _moment(values.get("closed_at", ""), context.zone, "closed_at") or end
        if closed_at is None:
            raise ValidationError("A closed job needs closed_at (or a scheduled time).",
                                  field="closed_at")
        compute_job_finance(payments=payments, parts=parts, rates=snapshot_rates(
            company=context.company, technician=technician, source=source))
    created = _moment(values.get("created", ""), context.zone, "created") or start or closed_at
    return JobSpec(line, client, texts["job_type"] or "Service call", texts["description"],
                   texts["notes"], start, end, technician, source, status, payments, parts,
                   closed_at, created)


def phone_key(spec: ClientSpec) -> str:
    """What identifies a client across rows and in the database: its phone digits."""
    return phone_digits(spec.phone)
