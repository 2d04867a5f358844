"""What every public signed link (receipt, pay page) checks before its own token rules.

The links ``/api/receipt/<job id>/<token>`` and ``/api/pay/<job id>/<token>``
need no login: their HMAC token is the credential. Both count requests per
address (:func:`throttle`) and open a job only through :func:`open_job`,
which finds the job's company (the one unscoped read), refuses a company
that is not active or is waiting for deletion, and reads the job through the
company's own repository. Whatever fails, the caller's one "not available"
exception is raised, so a link tells nothing about a job it does not open.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pymongo.database import Database

from iprodash.domain.errors import RateLimited, ValidationError
from iprodash.repositories.base import to_object_id
from iprodash.repositories.companies import CompanyRepository
from iprodash.repositories.jobs import JobRepository
from iprodash.repositories.receipts import ReceiptLookup
from iprodash.repositories.usage import UsageLog


def throttle(db: Database, *, kind: str, ip: str, now: datetime, limit: int,
             window: timedelta, message: str) -> None:
    """Count one request of ``kind`` from ``ip``; RateLimited(message) past ``limit``."""
    usage = UsageLog(db)
    if usage.count_since(kind, now - window, ip=ip) >= limit:
        raise RateLimited(message)
    usage.record(kind, ip=ip)


def open_job(db: Database, job_id: str, unavailable: type[Exception]) -> tuple[dict, dict]:
    """``(company, job)`` for a job id from a public link, or raise ``unavailable``."""
    company_id = ReceiptLookup(db).company_of_job(str(job_id)[:64])
    company = CompanyRepository(db).by_id(company_id) if company_id else None
    if company is None or company.get("status") != "active" or company.get("deletion"):
        raise unavailable
    try:
        oid = to_object_id(str(job_id)[:64], "job")
    except ValidationError as exc:
        raise unavailable from exc
    job = JobRepository(db, company_id).find_one({"_id": oid})
    if job is None:
        raise unavailable
    return company, job
