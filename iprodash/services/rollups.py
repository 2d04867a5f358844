"""Keep the dashboard's rollups in step with job status changes.

The jobs service calls one ``record_*`` function in the same step as each
status change, passing the full job document (after close; before reopen).
Each call turns the change into increments and ``$inc``-upserts them into
the documents described in docs/DATA_MODEL.md (per day, technician and
source, plus the coarser ``rollup_totals``). Bulk loaders build the same
documents with :class:`RollupBatch`, from the same increments.

Which day a change lands on (company time zone):

* created and canceled/restored: the job's creation day, so "cancel rate"
  is the share of the jobs booked in a period that were canceled;
* closed/reopened: ``closed_day``, with the finance snapshot; the creation
  day also gets ``created_closed`` (booked that day and now closed), which
  gives the close rate of the jobs booked in a period.

Reopen is the exact negation of close for the same snapshot, so a
closed-reopened-closed job counts once with its latest figures.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any, Iterable
from zoneinfo import ZoneInfo

from bson import ObjectId
from pymongo.database import Database

from iprodash.domain.clock import as_utc
from iprodash.repositories.rollups import ALL_FIELDS, MONEY_FIELDS, RollupRepository
from iprodash.services.company_time import company_zone

Change = tuple[str, dict[str, int]]  # (day "YYYY-MM-DD", {counter: delta})


def local_day(moment: datetime, zone: ZoneInfo) -> str:
    """``YYYY-MM-DD`` of a UTC moment in ``zone`` (naive counts as UTC)."""
    return as_utc(moment).astimezone(zone).date().isoformat()


def week_of(day: str) -> str:
    """The Monday (``YYYY-MM-DD``) of the week that contains ``day``."""
    moment = date.fromisoformat(day)
    return (moment - timedelta(days=moment.weekday())).isoformat()


def _closed_day(job: dict, zone: ZoneInfo) -> str:
    return job.get("closed_day") or local_day(job["closed_at"], zone)


def _money(job: dict, sign: int) -> dict[str, int]:
    finance = job.get("finance") or {}
    return {name: sign * int(finance.get(name, 0)) for name in MONEY_FIELDS}


def created_changes(job: dict, zone: ZoneInfo) -> list[Change]:
    """A new job: +1 created on its creation day."""
    return [(local_day(job["created_at"], zone), {"created": 1})]


def closed_changes(job: dict, zone: ZoneInfo, sign: int = 1) -> list[Change]:
    """A closed job (``sign=-1``: reopened): count and money on its closed day."""
    return [(_closed_day(job, zone), {"closed": sign, **_money(job, sign)}),
            (local_day(job["created_at"], zone), {"created_closed": sign})]


def canceled_changes(job: dict, zone: ZoneInfo, sign: int = 1) -> list[Change]:
    """A canceled job (``sign=-1``: restored): counted on its creation day."""
    return [(local_day(job["created_at"], zone), {"canceled": sign})]


def _expand(job: dict, changes: list[Change]) -> tuple[list[tuple[dict, dict]],
                                                     list[tuple[dict, dict]]]:
    """(key, increments) pairs for ``rollups`` and for ``rollup_totals``."""
    tech, source = job.get("technician_id"), job.get("lead_source_id")
    detail, totals = [], []
    for day, inc in changes:
        month = day[:7]
        detail.append(({"day": day, "technician_id": tech, "lead_source_id": source}, inc))
        totals.append(({"grain": "day", "key": day, "week": week_of(day),
                        "technician_id": None, "lead_source_id": None}, inc))
        for grain, key, tech_key, source_key in (
                ("day_tech", day, tech, None), ("day_source", day, None, source),
                ("month_tech", month, tech, None), ("month_source", month, None, source)):
            totals.append(({"grain": grain, "key": key, "technician_id": tech_key,
                            "lead_source_id": source_key}, inc))
    return detail, totals


def _apply(db: Database, job: dict, build) -> None:
    zone = company_zone(db, job["company_id"])
    detail, totals = _expand(job, build(job, zone))
    RollupRepository(db, job["company_id"]).apply(detail=detail, totals=totals)


def record_created(db: Database, *, job: dict) -> None:
    """Count a newly created job."""
    _apply(db, job, created_changes)


def record_closed(db: Database, *, job: dict) -> None:
    """Add a closed job (with its ``finance`` snapshot) to its closed day."""
    _apply(db, job, closed_changes)


def record_reopened(db: Database, *, job: dict) -> None:
    """Take a job back out, exactly negating :func:`record_closed` (call before reopening)."""
    _apply(db, job, lambda j, zone: closed_changes(j, zone, sign=-1))


def record_canceled(db: Database, *, job: dict) -> None:
    """Count a canceled job."""
    _apply(db, job, canceled_changes)


def record_restored(db: Database, *, job: dict) -> None:
    """Undo :func:`record_canceled` for a job restored to New."""
    _apply(db, job, lambda j, zone: canceled_changes(j, zone, sign=-1))


def changes_for_current_state(job: dict, zone: ZoneInfo) -> list[Change]:
    """Every change a job's present status implies, as if recorded one by one."""
    changes = created_changes(job, zone)
    if job.get("status") == "closed" and job.get("finance"):
        changes += closed_changes(job, zone)
    elif job.get("status") == "canceled":
        changes += canceled_changes(job, zone)
    return changes


class RollupBatch:
    """The rollup increments of many jobs, summed per document, for bulk writes.

    The result equals recording each job's present status one by one.
    """

    def __init__(self, zone: ZoneInfo):
        self.zone = zone
        self._sums: dict[str, dict[tuple, dict[str, int]]] = {"detail": {}, "totals": {}}

    def add(self, jobs: Iterable[dict]) -> RollupBatch:
        for job in jobs:
            detail, totals = _expand(job, changes_for_current_state(job, self.zone))
            for name, pairs in (("detail", detail), ("totals", totals)):
                for key, inc in pairs:
                    bucket = self._sums[name].setdefault(tuple(sorted(key.items(), key=str)),
                                                         defaultdict(int))
                    for field, delta in inc.items():
                        bucket[field] += delta
        return self

    def documents(self) -> tuple[list[dict], list[dict]]:
        """``(detail_docs, totals_docs)`` without ``company_id`` (the repository adds it)."""
        def documents(name: str) -> list[dict[str, Any]]:
            return [{**dict(key), **{f: int(values.get(f, 0)) for f in ALL_FIELDS}}
                    for key, values in self._sums[name].items()]
        return documents("detail"), documents("totals")

    def save(self, db: Database, company_id: ObjectId, *, fresh: bool, session=None,
             batch_size: int = 5000) -> None:
        """Write the sums: ``insert_many`` when the company has no rollups yet
        (``fresh``), else ``$inc`` upserts into the existing documents."""
        repo = RollupRepository(db, company_id)
        if fresh:
            detail, totals = self.documents()
            for start in range(0, max(len(detail), len(totals)), batch_size):
                repo.insert_built(detail=detail[start:start + batch_size],
                                  totals=totals[start:start + batch_size])
            return
        pairs = {name: [(dict(key), dict(values)) for key, values in sums.items()]
                 for name, sums in self._sums.items()}
        repo.apply(detail=pairs["detail"], totals=pairs["totals"], session=session)


def record_many(db: Database, *, company_id: ObjectId, jobs: list[dict], session=None) -> None:
    """Count many new jobs in their present status at once (bulk imports)."""
    RollupBatch(company_zone(db, company_id)).add(jobs).save(db, company_id, fresh=False,
                                                             session=session)


def rebuild_rollups(db: Database, *, company_id: ObjectId, batch_size: int = 5000) -> None:
    """Recompute a company's rollups from its jobs (streamed, in batches)."""
    repo = RollupRepository(db, company_id)
    batch = RollupBatch(company_zone(db, company_id)).add(repo.jobs_for_rebuild(batch_size))
    repo.delete_all()
    batch.save(db, company_id, fresh=True, batch_size=batch_size)
