"""The scheduler's log: one status document per task and a log of notable runs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.database import Database

from iprodash.repositories.base import to_object_id

INDEXES = {
    "scheduler_runs": [IndexModel([("_id", DESCENDING)]),
                       IndexModel([("ok", ASCENDING), ("_id", DESCENDING)]),
                       IndexModel([("started_at", ASCENDING)])],
    "scheduler_tasks": [],
}


class SchedulerRunLog:
    """``scheduler_tasks``: ``{_id: task, last_run_at, last_ok, last_error, runs, failures}``;
    ``scheduler_runs``: one document per run that did something or failed."""

    def __init__(self, db: Database):
        self.runs = db["scheduler_runs"]
        self.tasks = db["scheduler_tasks"]

    def record(self, run: dict[str, Any], *, keep_in_log: bool) -> None:
        failed = not run["ok"]
        status: dict[str, Any] = {"last_run_at": run["started_at"], "last_ok": run["ok"],
                                  "last_seconds": run["seconds"], "last_holder": run["holder"]}
        if failed:
            status.update(last_error=run["error"], last_failure_at=run["started_at"])
        self.tasks.update_one({"_id": run["task"]},
                              {"$set": status, "$inc": {"runs": 1, "failures": int(failed)}},
                              upsert=True)
        if keep_in_log or failed:
            self.runs.insert_one(run)

    def task_statuses(self) -> dict[str, dict]:
        return {doc["_id"]: doc for doc in self.tasks.find({})}

    def page(self, *, failures_only: bool, before_id: str | None, limit: int) -> list[dict]:
        query: dict[str, Any] = {"ok": False} if failures_only else {}
        if before_id:
            query["_id"] = {"$lt": to_object_id(before_id, "run")}
        return list(self.runs.find(query).sort("_id", DESCENDING).limit(limit))

    def delete_before(self, cutoff: datetime) -> int:
        return self.runs.delete_many({"started_at": {"$lt": cutoff}}).deleted_count
