"""The nightly backup task: one backup a day at the configured UTC hour."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from pymongo.database import Database

from iprodash.repositories.base import utcnow
from iprodash.services.backup import create_backup, list_backups
from iprodash.settings import get_settings

# A backup younger than this counts as tonight's, so an hourly check that
# fires twice in the backup hour (or after a restart) does not back up twice.
_MIN_GAP = timedelta(hours=20)


def nightly_backup(db: Database, *, now: datetime | None = None) -> dict[str, int]:
    """Back up and rotate when it is the backup hour and none ran recently."""
    settings = get_settings()
    now = now or utcnow()
    if now.hour != settings.backup_hour_utc:
        return {"backups_written": 0}
    existing = list_backups(settings.backup_dir)
    if existing:
        newest = datetime.fromtimestamp(existing[-1].stat().st_mtime, tz=timezone.utc)
        if now - newest < _MIN_GAP:
            return {"backups_written": 0}
    _, manifest = create_backup(db, out_dir=settings.backup_dir, keep=settings.backup_keep)
    return {"backups_written": 1,
            "documents": sum(c["count"] for c in manifest["collections"].values())}
