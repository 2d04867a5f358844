"""The operator's view of the scheduler: tasks, their last run, failures, the leader."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from pymongo.database import Database

from iprodash.jobs.scheduler import LEASE_NAME
from iprodash.domain.words import humanize, label
from iprodash.jobs.tasks import TASK_LABELS, TASKS
from iprodash.repositories.base import utcnow
from iprodash.repositories.leases import LeaseRepository
from iprodash.repositories.scheduler_runs import SchedulerRunLog
from iprodash.services.actor import OPERATOR, Actor, require_role

PAGE_SIZE = 25


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC") if moment else "never"


@dataclass(frozen=True)
class TaskRow:
    name: str  # the task's code
    label: str  # what the page shows
    every: str
    last_run: str
    last_ok: bool
    runs: int
    failures: int
    last_error: str
    last_failure: str

    def as_dict(self) -> dict:
        return asdict(self)


def _every(seconds: int) -> str:
    return f"{seconds // 3600} h" if seconds >= 3600 else \
        f"{seconds // 60} min" if seconds >= 60 else f"{seconds} s"


def task_overview(db: Database, *, actor: Actor) -> list[TaskRow]:
    """Every scheduled task with its last run and failure counts."""
    require_role(actor, OPERATOR)
    statuses = SchedulerRunLog(db).task_statuses()
    rows = []
    for name, (_, interval) in TASKS.items():
        status = statuses.get(name, {})
        rows.append(TaskRow(
            name=name, label=label(TASK_LABELS, name), every=_every(interval),
            last_run=_when(status.get("last_run_at")),
            last_ok=bool(status.get("last_ok", True)), runs=int(status.get("runs", 0)),
            failures=int(status.get("failures", 0)), last_error=status.get("last_error", ""),
            last_failure=_when(status.get("last_failure_at")) if status.get(
                "last_failure_at") else ""))
    return rows


def leader_text(db: Database, *, actor: Actor) -> str:
    """Who holds the scheduler lease, in a sentence."""
    require_role(actor, OPERATOR)
    lease = LeaseRepository(db).current(LEASE_NAME)
    if not lease or lease["expires_at"] < utcnow():
        return "No scheduler is running: start one with `make worker`."
    return f"Leader: {lease['holder']} (lease until {_when(lease['expires_at'])})."


def recent_runs(db: Database, *, actor: Actor, failures_only: bool = False,
                before_id: str = "") -> list[dict]:
    """The run log, newest first (empty frequent runs are not logged)."""
    require_role(actor, OPERATOR)
    runs = SchedulerRunLog(db).page(failures_only=failures_only, before_id=before_id or None,
                                    limit=PAGE_SIZE)
    return [{"id": str(r["_id"]), "task": r["task"], "task_label": label(TASK_LABELS, r["task"]),
             "started": _when(r["started_at"]), "seconds": str(r.get("seconds", "")),
             "ok": bool(r["ok"]),
             "result": ", ".join(f"{humanize(k)}: {v}"
                                 for k, v in (r.get("result") or {}).items())[:300],
             "error": r.get("error", ""), "holder": r.get("holder", "")} for r in runs]
