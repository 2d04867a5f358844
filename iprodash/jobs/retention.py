"""The retention task: every configured period enforced, each run audited.

The periods and what each covers are listed in docs/PRIVACY.md
("Retention"); every run appends one ``retention.run`` entry with the
counts to the platform audit chain.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pymongo.database import Database

from iprodash.repositories.api_keys import ApiKeyLookup
from iprodash.repositories.base import utcnow
from iprodash.repositories.outbox import CANCELED, DEAD, SENT, SUPPRESSED
from iprodash.repositories.retention import RetentionRepository
from iprodash.repositories.sessions import SessionRepository
from iprodash.repositories.tokens import TokenRepository
from iprodash.repositories.usage import UsageLog
from iprodash.services import audit
from iprodash.services.privacy_deletion import forget_deleted_companies, purge_due_companies
from iprodash.services.privacy_export import expire_exports
from iprodash.services.sms_optouts import reduce_plain_opt_outs
from iprodash.settings import get_settings

FINISHED_MESSAGES = {"status": {"$in": [SENT, DEAD, SUPPRESSED, CANCELED]}}


def enforce_retention(db: Database, *, now: datetime | None = None) -> dict[str, int]:
    """Delete what outlived its period; one platform audit entry per run."""
    settings = get_settings()
    now = now or utcnow()
    days = lambda n: now - timedelta(days=n)  # noqa: E731 - reads better inline
    repo = RetentionRepository(db)
    counts = {
        "sessions": SessionRepository(db).delete_expired_before(
            days(settings.session_retention_days)),
        "usage_log": UsageLog(db).delete_before(days(settings.usage_log_retention_days)),
        "outbox": repo.delete_older_than("outbox", "created_at",
                                         days(settings.outbox_retention_days),
                                         FINISHED_MESSAGES),
        "sent_box": repo.delete_older_than("sent_box", "sent_at",
                                           days(settings.outbox_retention_days)),
        "sms_inbound": repo.delete_older_than("sms_inbound", "received_at",
                                              days(settings.inbound_sms_retention_days)),
        # a read conversation's last text goes with the texts it summarizes (an unread
        # one stays until read, so the unread counter of the navigation stays right)
        "conversations": repo.delete_older_than("conversations", "last_at",
                                                days(settings.inbound_sms_retention_days),
                                                {"unread": 0}),
        "report_files": repo.delete_files_older_than("reports",
                                                     days(settings.report_retention_days)),
        "exports_expired": expire_exports(db, now=now),
        "api_rate_counters": ApiKeyLookup(db).forget_counters_before(now - timedelta(hours=1)),
        "expired_tokens": TokenRepository(db).delete_expired(now),
        "sms_opt_outs_reduced": reduce_plain_opt_outs(db, now=now),
    }
    counts.update(purge_due_companies(db, now=now))
    counts["deleted_company_records_dropped"] = forget_deleted_companies(db, now=now)
    audit.record(db, actor=None, action="retention.run", target_type="platform",
                 company_id=None, after=counts)
    return counts
