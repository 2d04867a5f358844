"""What the scheduler runs. Each task takes the database and logs its run."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from pymongo.database import Database

from iprodash.jobs.backup import nightly_backup
from iprodash.jobs.retention import enforce_retention
from iprodash.repositories.base import utcnow
from iprodash.repositories.scheduler_runs import SchedulerRunLog
from iprodash.services.outbox_dispatch import drain_outbox
from iprodash.services.privacy_export import build_waiting_exports
from iprodash.services.reminders import send_due_reminders
from iprodash.services.report_schedules import deliver_scheduled_reports

log = logging.getLogger(__name__)
# Frequent tasks whose empty runs only update the task's status, not the run log.
QUIET_TASKS = ("drain_outbox", "build_exports", "appointment_reminders")


TASKS: dict[str, tuple[Callable[[Database], dict], int]] = {
    # name: (function, interval in seconds)
    "drain_outbox": (drain_outbox, 5),
    "appointment_reminders": (send_due_reminders, 300),
    "retention": (enforce_retention, 3600),
    "nightly_backup": (nightly_backup, 3600),
    "build_exports": (build_waiting_exports, 30),
    "scheduled_reports": (deliver_scheduled_reports, 900),
}
# What the operator's Scheduler page calls each task.
TASK_LABELS = {
    "drain_outbox": "Send waiting emails and texts",
    "appointment_reminders": "Appointment reminders",
    "retention": "Delete data past its keeping time",
    "nightly_backup": "Nightly backup",
    "build_exports": "Build requested data exports",
    "scheduled_reports": "Email scheduled reports",
}


def run_logged(db: Database, name: str, *, holder: str = "") -> dict:
    """Run one task and record the run (never raises); returns the run record."""
    func, _ = TASKS[name]
    started = time.monotonic()
    record = {"task": name, "started_at": utcnow(), "holder": holder}
    try:
        record.update(result=func(db), ok=True, error="")
    except Exception as exc:  # noqa: BLE001 - one failing task must not stop the others
        log.exception("task %s failed", name)
        record.update(result={}, ok=False, error=str(exc)[:500])
    record["seconds"] = round(time.monotonic() - started, 3)
    did_something = any((record.get("result") or {}).values())
    SchedulerRunLog(db).record(record, keep_in_log=did_something or name not in QUIET_TASKS)
    return record
