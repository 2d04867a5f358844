"""The "Get started" checklist a new company sees on its dashboard.

Six first steps (issue 13): the company's phone and card fee, a technician,
a lead source, texting, a first job, an office colleague. Each ticks itself
when the thing exists; when all are done the company remembers it
(``setup_done_at``) and the checklist never costs a read again.

A step found in another collection (a technician, a source, a job, a
colleague) is remembered on the company once done (``setup_steps_done``) and
not looked up again: "is there any job" is a read the embedded database
answers by loading every job of the company (161 ms at 3,000 jobs), on every
dashboard load of a company that has not finished the list.
"""

from __future__ import annotations

from dataclasses import dataclass

from pymongo.database import Database

from iprodash.repositories.base import utcnow
from iprodash.repositories.companies import CompanyRepository
from iprodash.repositories.setup_progress import SetupProgress
from iprodash.services.actor import Actor, require_company_actor
from iprodash.domain.job_status import COMPANY_ADMIN, USER


@dataclass(frozen=True)
class SetupStep:
    key: str  # the screen that does it: settings, technicians, lead_sources, texting, ...
    label: str
    hint: str
    done: bool


# The steps looked up in other collections: remembered once done.
_FOUND_ELSEWHERE = ("technicians", "lead_sources", "new_job", "users")


def _steps(company: dict, progress: SetupProgress) -> list[SetupStep]:
    sms = company.get("sms") or {}
    remembered = set(company.get("setup_steps_done") or ())

    def found(key: str, lookup) -> bool:
        return key in remembered or lookup()

    return [
        SetupStep("settings", "Company phone and card fee",
                  "Printed on receipts; the fee comes off card payments before commissions.",
                  bool(company.get("phone")) and int(company.get("card_fee_bp") or 0) > 0),
        SetupStep("technicians", "Add your first technician",
                  "They get their jobs by text on their phone.",
                  found("technicians", progress.has_technician)),
        SetupStep("lead_sources", "Add your first lead source",
                  "Where jobs come from, so you see what each source really earns.",
                  found("lead_sources", progress.has_lead_source)),
        SetupStep("texting", "Set up texting",
                  "A sending number so clients and technicians get texts.",
                  bool(sms.get("sending_number"))),
        SetupStep("new_job", "Book your first job",
                  "From a phone call: client, address and time.",
                  found("new_job", progress.has_job)),
        SetupStep("users", "Invite your office", "Dispatchers get their own log-in.",
                  found("users", progress.has_office_user)),
    ]


def setup_checklist(db: Database, *, actor: Actor) -> list[SetupStep]:
    """The checklist, or an empty list once the company has done every step."""
    actor = require_company_actor(actor, COMPANY_ADMIN, USER)
    companies = CompanyRepository(db)
    company = companies.by_id(actor.company_id)
    if company is None or company.get("setup_done_at"):
        return []
    steps = _steps(company, SetupProgress(db, actor.company_id))
    if all(step.done for step in steps):
        companies.update(actor.company_id, {"setup_done_at": utcnow()})
        return []
    done = sorted(s.key for s in steps if s.done and s.key in _FOUND_ELSEWHERE)
    if done != sorted(company.get("setup_steps_done") or ()):
        companies.update(actor.company_id, {"setup_steps_done": done})
    return steps
