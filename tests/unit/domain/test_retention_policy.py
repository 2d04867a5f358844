"""The retention table in docs/PRIVACY.md, the README's settings table and the
code's defaults are one list (iprodash/domain/retention_policy.py): change one
without the others and these tests fail."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from iprodash.domain.retention_policy import DEFAULTS, RETENTION, markdown_table
from iprodash.settings import Settings, get_settings

ROOT = Path(__file__).resolve().parents[3]
# Settings field that holds each retention setting.
FIELDS = {
    "IPRODASH_SESSION_RETENTION_DAYS": "session_retention_days",
    "IPRODASH_USAGE_LOG_RETENTION_DAYS": "usage_log_retention_days",
    "IPRODASH_OUTBOX_RETENTION_DAYS": "outbox_retention_days",
    "IPRODASH_INBOUND_SMS_RETENTION_DAYS": "inbound_sms_retention_days",
    "IPRODASH_REPORT_RETENTION_DAYS": "report_retention_days",
    "IPRODASH_EXPORT_LINK_HOURS": "export_link_hours",
    "IPRODASH_DELETION_GRACE_DAYS": "deletion_grace_days",
    "IPRODASH_DELETED_COMPANY_RECORD_YEARS": "deleted_company_record_years",
    "IPRODASH_INVITE_DAYS": "invite_days",
    "IPRODASH_RESET_MINUTES": "reset_minutes",
    "IPRODASH_CONFIRM_DAYS": "confirm_days",
    "IPRODASH_BACKUP_KEEP": "backup_keep",
}


def _document_table() -> list[list[str]]:
    text = (ROOT / "docs" / "PRIVACY.md").read_text()
    section = text[text.index("\n## Retention\n"):]
    start = section.index("| data | setting | default |")
    table = section[start:section.index("\n\n", start)]
    return [[cell.strip() for cell in line.strip().strip("|").split("|")]
            for line in table.splitlines()[2:]]


def _documented_defaults() -> dict[str, int]:
    """Each setting named in the document's table and the number it states for it."""
    found = {}
    for _, settings, default in _document_table():
        names = re.findall(r"`(IPRODASH_[A-Z_]+)`", settings)
        if not names:
            continue  # a fixed rule ("1 hour") has no setting
        lengths = default.split(":")[0]
        numbers = [int(n) for n in re.findall(r"\b(\d+) (?:minute|hour|day|year|cop)", lengths)]
        assert len(names) == len(numbers), (settings, default)
        found.update(zip(names, numbers))
    return found


def test_the_documented_table_is_the_code_table():
    assert "\n".join("| " + " | ".join(r) + " |" for r in _document_table()) == \
        "\n".join(markdown_table().splitlines()[2:])


def test_every_documented_default_is_the_settings_default(monkeypatch):
    for name in FIELDS:
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    settings = get_settings()
    documented = _documented_defaults()
    assert set(documented) == set(FIELDS) == set(DEFAULTS)
    for name, field in FIELDS.items():
        assert getattr(settings, field) == documented[name], name
        assert getattr(Settings(), field) == documented[name], name
    get_settings.cache_clear()


def test_the_readme_states_the_same_defaults():
    readme = (ROOT / "README.md").read_text()
    for name, value in DEFAULTS.items():
        row = re.search(rf"^\| `{name}` \| `(\d+)` \|", readme, re.MULTILINE)
        assert row, f"README has no row for {name}"
        assert int(row.group(1)) == value, name


@pytest.mark.parametrize("row", RETENTION, ids=lambda r: r.data[:30])
def test_every_row_says_how_long(row):
    assert row.default_cell(), row.data
