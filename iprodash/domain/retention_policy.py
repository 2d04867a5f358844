"""How long each kind of data is kept: the one list every reader shares.

The retention table in ``docs/PRIVACY.md``, the privacy policy page and the
settings' defaults (which the retention task and the backup rotation use)
all come from :data:`RETENTION`; a test compares the document's table with
:func:`markdown_table` and the settings' defaults with :data:`DEFAULTS`, so
none of them can drift from the others.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Period:
    """One setting and its default length.

    Attributes:
        setting: the environment variable that changes it.
        default: the length when the setting is unset.
        unit: ``minutes``, ``hours``, ``days``, ``years`` or ``copies``.
    """

    setting: str
    default: int
    unit: str

    def text(self) -> str:
        unit = self.unit[:-1] if self.default == 1 else self.unit
        return f"{self.default} {unit}"


@dataclass(frozen=True)
class RetentionRule:
    """One row of the retention table.

    Attributes:
        data: what is kept, as a reader names it.
        periods: the settings that bound it (none for a fixed rule).
        rule: a sentence that replaces or follows the default lengths.
        joiner: how two settings read together (", " or ", then ").
    """

    data: str
    periods: tuple[Period, ...] = ()
    rule: str = ""
    joiner: str = ", "

    def setting_cell(self) -> str:
        return self.joiner.join(f"`{p.setting}`" for p in self.periods) or "-"

    def default_cell(self) -> str:
        lengths = ", ".join(p.text() for p in self.periods)
        return ": ".join(part for part in (lengths, self.rule) if part)


RETENTION: tuple[RetentionRule, ...] = (
    RetentionRule("sessions (after they expired)",
                  (Period("IPRODASH_SESSION_RETENTION_DAYS", 30, "days"),)),
    RetentionRule("usage log (sign-ins, failed sign-ins, API requests, receipt link requests)",
                  (Period("IPRODASH_USAGE_LOG_RETENTION_DAYS", 90, "days"),)),
    RetentionRule("outbox and local sent box (sent, dead, canceled messages; never queued ones)",
                  (Period("IPRODASH_OUTBOX_RETENTION_DAYS", 90, "days"),)),
    RetentionRule("inbound SMS", (Period("IPRODASH_INBOUND_SMS_RETENTION_DAYS", 365, "days"),)),
    RetentionRule("rendered reports and receipts (GridFS bucket `reports`)",
                  (Period("IPRODASH_REPORT_RETENTION_DAYS", 90, "days"),)),
    RetentionRule("export files", (Period("IPRODASH_EXPORT_LINK_HOURS", 24, "hours"),)),
    RetentionRule("deleted companies (grace period, then the anonymous billing record)",
                  (Period("IPRODASH_DELETION_GRACE_DAYS", 30, "days"),
                   Period("IPRODASH_DELETED_COMPANY_RECORD_YEARS", 7, "years")),
                  joiner=", then "),
    RetentionRule("API rate counters", rule="1 hour"),
    RetentionRule("SMS consent records (`sms_consents`)",
                  rule="an opt-in (time, IP, disclosure text version, events) is kept while "
                       "the number is opted in; after STOP only the number's keyed hash and "
                       "the opt-out time stay; erasing the number removes an opt-in entirely "
                       "and leaves an opt-out as the hash"),
    RetentionRule("invite, password reset and sign-up confirmation tokens (hold an email or "
                  "user id)",
                  (Period("IPRODASH_INVITE_DAYS", 7, "days"),
                   Period("IPRODASH_RESET_MINUTES", 60, "minutes"),
                   Period("IPRODASH_CONFIRM_DAYS", 3, "days")),
                  rule="deleted once expired, used or not"),
    RetentionRule("encrypted backups (everything, as it was; erasures are re-applied on "
                  "restore)", (Period("IPRODASH_BACKUP_KEEP", 7, "copies"),),
                  rule="one a night, the oldest deleted"),
    RetentionRule("erasure ledger (record ids, keyed hashes and kind; no personal data)",
                  rule="kept, so a restored backup never brings an erased person back"),
)

DEFAULTS: dict[str, int] = {p.setting: p.default for row in RETENTION for p in row.periods}

HEADER = ("data", "setting", "default")


def default(setting: str) -> int:
    """The default length of ``setting`` (KeyError when it is not a retention setting)."""
    return DEFAULTS[setting]


def markdown_table() -> str:
    """The retention table as ``docs/PRIVACY.md`` and the privacy policy show it."""
    lines = [f"| {' | '.join(HEADER)} |", "|---|---|---|"]
    lines += [f"| {row.data} | {row.setting_cell()} | {row.default_cell()} |"
              for row in RETENTION]
    return "\n".join(lines)
