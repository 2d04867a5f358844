"""The shapes of jobs in the API, and their translation to the jobs services.

Money is integer cents; times are ISO 8601 with a UTC offset; the finance
breakdown uses DOMAIN.md's names (gross, card, cc_fee, parts, net,
tech_commission, source_commission, company_profit).
"""

from __future__ import annotations

from dataclasses import fields as dataclass_fields
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, BaseModel, Field, create_model

from iprodash.api.v1.clients import Address, AddressOut
from iprodash.api.v1.common import StrictModel
from iprodash.domain.dates import check_day
from iprodash.domain.errors import ValidationError
from iprodash.domain.finance import JobFinance, Part, Payment
from iprodash.domain.job_status import ALL_STATUSES
from iprodash.services.job_forms import JobForm, local_parts

Status = Literal[ALL_STATUSES]  # type: ignore[valid-type]
Method = Literal["cash", "check", "card", "zelle", "other"]
Who = Literal["technician", "company"]
ID_PATTERN = "^[0-9a-f]{24}$"
MAX_CENTS = 1_000_000_000


class Contact(StrictModel):
    name: str = Field(min_length=1, max_length=120)
    phone: str = Field(min_length=1, max_length=40)
    email: str = Field("", max_length=254)


class PaymentIn(StrictModel):
    method: Method
    amount_cents: int = Field(gt=0, le=MAX_CENTS)
    collected_by: Who


class PartIn(StrictModel):
    description: str = Field(min_length=1, max_length=200)
    cost_cents: int = Field(gt=0, le=MAX_CENTS)
    paid_by: Who


class ContactOut(BaseModel):
    name: str
    phone: str
    email: str


class PaymentOut(BaseModel):
    method: str
    amount_cents: int
    collected_by: str


class PartOut(BaseModel):
    description: str
    cost_cents: int
    paid_by: str


# Every money line of a closed job, in cents (DOMAIN.md, Money): the same
# fields as the domain's JobFinance, so the API can never drift from it.
Finance = create_model("Finance", __doc__="Every money line of a closed job, in cents.",
                       **{f.name: (int, ...) for f in dataclass_fields(JobFinance)})


class JobOut(BaseModel):
    id: str
    number: int
    status: Status
    client_id: str | None
    client: ContactOut
    address: AddressOut
    job_type: str
    description: str
    notes: str
    scheduled_start: datetime | None
    scheduled_end: datetime | None
    technician_id: str | None
    lead_source_id: str | None
    payments: list[PaymentOut]
    parts: list[PartOut]
    closing_price_cents: int | None
    closed_at: datetime | None
    finance: Finance | None
    version: str = Field(description="Send back as 'version' to refuse a concurrent edit")


class JobIn(StrictModel):
    client_id: str | None = Field(None, pattern=ID_PATTERN,
                                  description="An existing client; else one is created")
    client: Contact
    address: Address
    job_type: str = Field(min_length=1, max_length=120)
    description: str = Field("", max_length=2000)
    notes: str = Field("", max_length=2000)
    scheduled_start: AwareDatetime | None = Field(None, strict=False)
    scheduled_end: AwareDatetime | None = Field(None, strict=False)
    technician_id: str | None = Field(None, pattern=ID_PATTERN)
    lead_source_id: str | None = Field(None, pattern=ID_PATTERN)


class JobPatch(StrictModel):
    """Only the fields sent change; null clears technician, source or schedule."""

    client_id: str | None = Field(None, pattern=ID_PATTERN)
    client: Contact | None = None
    address: Address | None = None
    job_type: str | None = Field(None, min_length=1, max_length=120)
    description: str | None = Field(None, max_length=2000)
    notes: str | None = Field(None, max_length=2000)
    scheduled_start: AwareDatetime | None = Field(None, strict=False)
    scheduled_end: AwareDatetime | None = Field(None, strict=False)
    technician_id: str | None = Field(None, pattern=ID_PATTERN)
    lead_source_id: str | None = Field(None, pattern=ID_PATTERN)
    version: str | None = Field(None, max_length=40)


class StatusIn(StrictModel):
    status: Status
    reason: str = Field("", max_length=500)


class CloseIn(StrictModel):
    closing_price_cents: int = Field(ge=0, le=MAX_CENTS)
    payments: list[PaymentIn] | None = Field(None, max_length=50,
                                             description="Default: the job's recorded ones")
    parts: list[PartIn] | None = Field(None, max_length=50)
    version: str | None = Field(None, max_length=40)


class MoneyLinesIn(StrictModel):
    payments: list[PaymentIn] = Field(default_factory=list, max_length=50)
    parts: list[PartIn] = Field(default_factory=list, max_length=50)
    version: str | None = Field(None, max_length=40)


class JobSummary(BaseModel):
    """A job in a list (names and the time window as the company reads them)."""

    id: str
    number: int
    status: Status
    when: str = Field(description="Scheduled window, or close time, in company time")
    client_name: str
    phone: str
    address: str
    technician_id: str | None
    technician: str
    lead_source: str


class JobPageOut(BaseModel):
    items: list[JobSummary]
    next_cursor: str | None = None


def _text(value: Any) -> str | None:
    return str(value) if value is not None else None


def job_out(job: dict) -> JobOut:
    address = job.get("address") or {}
    return JobOut(
        id=str(job["_id"]), number=job["number"], status=job["status"],
        client_id=_text(job.get("client_id")),
        client=ContactOut(**{k: (job.get("client") or {}).get(k) or ""
                             for k in ("name", "phone", "email")}),
        address=AddressOut(**{k: address.get(k) or "" for k in ("line", "city", "state", "zip")}),
        job_type=job.get("job_type", ""), description=job.get("description", ""),
        notes=job.get("notes", ""), scheduled_start=job.get("scheduled_start"),
        scheduled_end=job.get("scheduled_end"), technician_id=_text(job.get("technician_id")),
        lead_source_id=_text(job.get("lead_source_id")),
        payments=[PaymentOut(**p) for p in job.get("payments") or []],
        parts=[PartOut(**{"description": "", **p}) for p in job.get("parts") or []],
        closing_price_cents=job.get("closing_price_cents"), closed_at=job.get("closed_at"),
        finance=(Finance(**JobFinance.from_dict(job["finance"]).as_dict())
                 if job.get("finance") else None),
        version=job["updated_at"].isoformat())


def _window(start: datetime | None, end: datetime | None, zone: ZoneInfo) -> dict[str, str]:
    """The form's date and times (company-local) for an API time window."""
    if start is None:
        if end is not None:
            raise ValidationError("Give scheduled_start with scheduled_end.",
                                  field="scheduled_start")
        return {"date": "", "start_time": "", "end_time": ""}
    check_day(start, field="scheduled_start")
    if end is not None:
        check_day(end, field="scheduled_end")
    day, start_time = local_parts(start, zone)
    end_day, end_time = local_parts(end, zone)
    if end is not None and end_day != day:
        raise ValidationError("A time window starts and ends on the same day "
                              "(in the company's time zone).", field="scheduled_end")
    return {"date": day, "start_time": start_time, "end_time": end_time}


def job_form(data: dict[str, Any], zone: ZoneInfo) -> JobForm:
    """A :class:`JobForm` from API fields (``JobIn`` shape, ids as text)."""
    client, address = data["client"], data["address"]
    return JobForm(
        client_id=data.get("client_id") or "", client_name=client["name"],
        client_phone=client["phone"], client_email=client.get("email") or "",
        address_line=address.get("line", ""), city=address.get("city", ""),
        state=address.get("state", ""), zip=address.get("zip", ""),
        job_type=data["job_type"], description=data.get("description") or "",
        notes=data.get("notes") or "", technician_id=data.get("technician_id") or "",
        lead_source_id=data.get("lead_source_id") or "",
        **_window(data.get("scheduled_start"), data.get("scheduled_end"), zone))


def payments_and_parts(body: CloseIn | MoneyLinesIn
                       ) -> tuple[list[Payment] | None, list[Part] | None]:
    payments = None if body.payments is None else [Payment(**p.model_dump())
                                                   for p in body.payments]
    parts = None if body.parts is None else [Part(**p.model_dump()) for p in body.parts]
    return payments, parts
