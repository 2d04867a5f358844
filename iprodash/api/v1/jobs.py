"""``/api/v1/jobs``: list, get, create, update, status moves, money lines, close.

Each operation calls the jobs engineer's services (jobs, job_lifecycle,
job_queries), so the API obeys exactly the rules the app does.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query

from iprodash.api.v1.common import ERROR_RESPONSES, reader, writer
from iprodash.api.v1.job_models import (CloseIn, JobIn, JobOut, JobPageOut, JobPatch, JobSummary,
                                        MoneyLinesIn, StatusIn, job_form, job_out,
                                        payments_and_parts)
from iprodash.db import get_db
from iprodash.domain.dates import check_day
from iprodash.domain.job_status import ALL_STATUSES
from iprodash.services import job_lifecycle, job_queries, jobs
from iprodash.services.actor import Actor
from iprodash.services.api_keys import ApiCaller
from iprodash.services.job_records import company_of, zone_of

router = APIRouter(prefix="/jobs", tags=["jobs"], responses=ERROR_RESPONSES)
ID = "[0-9a-f]{24}"


def _zone(actor: Actor):
    return zone_of(company_of(get_db(), actor))


def _current(job: dict) -> dict[str, Any]:
    """A stored job in ``JobIn`` shape, to apply a PATCH on."""
    def text(value: Any) -> str | None:
        return str(value) if value is not None else None

    return {"client_id": text(job.get("client_id")),
            "client": {k: (job.get("client") or {}).get(k) or "" for k in ("name", "phone",
                                                                          "email")},
            "address": {k: (job.get("address") or {}).get(k) or "" for k in ("line", "city",
                                                                            "state", "zip")},
            "job_type": job.get("job_type", ""), "description": job.get("description", ""),
            "notes": job.get("notes", ""), "scheduled_start": job.get("scheduled_start"),
            "scheduled_end": job.get("scheduled_end"),
            "technician_id": text(job.get("technician_id")),
            "lead_source_id": text(job.get("lead_source_id"))}


@router.get("", response_model=JobPageOut, summary="Jobs in a date window, or a search")
def list_jobs(
    q: str = Query("", max_length=100, description="phone, #number, name or address prefix"),
    status: Literal["open", *ALL_STATUSES] | None = None,  # type: ignore[valid-type]
    technician_id: str | None = Query(None, pattern=f"^(none|{ID})$"),
    lead_source_id: str | None = Query(None, pattern=f"^(none|{ID})$"),
    date_field: Literal["scheduled", "closed", "unscheduled"] = "scheduled",
    date_from: date | None = Query(None, alias="from", description="first day (company time)"),
    date_to: date | None = Query(None, alias="to", description="last day, inclusive"),
    order: Literal["desc", "asc"] = "desc",
    after: str | None = Query(None, pattern=f"^([0-9T:.+-]{{10,40}}[|])?{ID}$",
                              description="next_cursor of the previous page"),
    caller: ApiCaller = Depends(reader),
) -> JobPageOut:
    actor = caller.actor
    params = {"q": q, "status": status or "", "technician": technician_id or "",
              "source": lead_source_id or "", "date_field": date_field, "order": order,
              "from": check_day(date_from, field="from").isoformat() if date_from else "",
              "to": check_day(date_to, field="to").isoformat() if date_to else ""}
    filters = job_queries.list_filters(get_db(), actor=actor, params=params)
    page = job_queries.list_jobs(get_db(), actor=actor, filters=filters, after=after or "")
    items = [JobSummary(id=r.id, number=r.number, status=r.status, when=r.when,
                        client_name=r.client_name, phone=r.phone, address=r.address,
                        technician_id=r.technician_id or None, technician=r.technician,
                        lead_source=r.lead_source) for r in page.rows]
    return JobPageOut(items=items,
                      next_cursor=page.rows[-1].cursor if page.has_next and page.rows else None)


@router.get("/{job_id}", response_model=JobOut)
def get_job(job_id: str, caller: ApiCaller = Depends(reader)) -> JobOut:
    return job_out(jobs.job_document(get_db(), actor=caller.actor, job_id=job_id))


@router.post("", response_model=JobOut, status_code=201,
             summary="Book a job (status new); reuses client_id or creates the client")
def create_job(body: JobIn, caller: ApiCaller = Depends(writer)) -> JobOut:
    actor = caller.actor
    change = jobs.create_job(get_db(), actor=actor,
                             form=job_form(body.model_dump(), _zone(actor)))
    return job_out(change.job)


@router.patch("/{job_id}", response_model=JobOut,
              summary="Edit an open job; only the fields sent change")
def update_job(job_id: str, body: JobPatch, caller: ApiCaller = Depends(writer)) -> JobOut:
    db, actor = get_db(), caller.actor
    job = jobs.job_document(db, actor=actor, job_id=job_id)
    current = _current(job)
    changes = body.model_dump(exclude_unset=True)
    version = changes.pop("version", None)
    for part in ("client", "address"):
        if part in changes:
            changes[part] = {**current[part], **(changes[part] or {})}
    if "scheduled_start" in changes and "scheduled_end" not in changes:
        changes["scheduled_end"] = None  # a new start makes the old end meaningless
    merged = {**current, **changes}
    change = jobs.update_job(db, actor=actor, job_id=str(job["_id"]), version=version,
                             form=job_form(merged, _zone(actor)))
    return job_out(change.job)


@router.put("/{job_id}/money-lines", response_model=JobOut,
            summary="Replace an open job's payments and parts")
def save_money_lines(job_id: str, body: MoneyLinesIn,
                     caller: ApiCaller = Depends(writer)) -> JobOut:
    payments, parts = payments_and_parts(body)
    change = jobs.save_payments_and_parts(get_db(), actor=caller.actor, job_id=job_id,
                                          payments=payments or [], parts=parts or [],
                                          version=body.version)
    return job_out(change.job)


@router.post("/{job_id}/status", response_model=JobOut,
             summary="Move the job one step, or cancel / reopen / restore it (with a reason)")
def change_status(job_id: str, body: StatusIn, caller: ApiCaller = Depends(writer)) -> JobOut:
    change = job_lifecycle.change_status(get_db(), actor=caller.actor, job_id=job_id,
                                         target=body.status, reason=body.reason)
    return job_out(change.job)


@router.post("/{job_id}/close", response_model=JobOut,
             summary="Close a job pending approval; the answer carries its finance breakdown")
def close_job(job_id: str, body: CloseIn, caller: ApiCaller = Depends(writer)) -> JobOut:
    payments, parts = payments_and_parts(body)
    change = job_lifecycle.close_job(get_db(), actor=caller.actor, job_id=job_id,
                                     closing_price_cents=body.closing_price_cents,
                                     payments=payments, parts=parts, version=body.version)
    return job_out(change.job)
