"""Audit changes as a sentence: "Technician: none → Eve Flowtest; Status: Scheduled → Closed".

The audit log stores codes, ids and cents; people read names, labels and
dollars. Ids resolve through ``names`` (the lookups the audit log view has
for the company); an id it does not know shows as "a removed record" rather
than as a hex string. Times read on the company's wall clock (``zone``, from
:func:`iprodash.domain.clock.zone_of`) with the zone's abbreviation:
"Starts: none → 2025-06-02 14:00 EDT"; without a zone they read in UTC.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from iprodash.domain.audit_words import field_label
from iprodash.domain.clock import as_utc
from iprodash.domain.job_status import STATUS_LABELS as JOB_STATUS_LABELS
from iprodash.domain.money import format_money, format_percent
from iprodash.domain.phones import display_phone
from iprodash.domain.report_kinds import EXPORT_KIND_LABELS, REPORT_KIND_LABELS
from iprodash.domain.roles import PERMISSION_LABELS, ROLE_LABELS
from iprodash.domain.statuses import (ACCOUNT_STATUS_LABELS, BADGE_LABELS, BILLING_STATUS_LABELS,
                                      COMPANY_STATUS_LABELS)
from iprodash.domain.words import label, pluralize
from iprodash.services.report_schedules import CADENCE_LABELS

ARROW = " → "
MAX_CHANGES = 400
_MAX_VALUE = 80
_MAX_ITEMS = 5
# Whole recalculated blocks: saying they changed is what a reader needs.
_SUMMARIZED = {"finance": "recalculated", "rates": "taken from the current rates",
               "templates": "edited"}
_UNKNOWN_ID = "a removed record"
# Stored for the machine (search keys, map points, ids of embedded copies).
_HIDDEN = {"_id", "phone_digits", "name_keys", "search_keys", "lat", "lng"}


def _status_labels(action: str) -> Mapping[str, str]:
    area = action.split(".", 1)[0]
    return {"job": JOB_STATUS_LABELS, "company": COMPANY_STATUS_LABELS,
            "billing": BILLING_STATUS_LABELS, "user": ACCOUNT_STATUS_LABELS}.get(area,
                                                                                 BADGE_LABELS)


def _kind_labels(action: str) -> Mapping[str, str]:
    if action.startswith("export."):
        return EXPORT_KIND_LABELS
    return REPORT_KIND_LABELS


def _text(value: str) -> str:
    value = " ".join(value.split())
    return value if len(value) <= _MAX_VALUE else value[: _MAX_VALUE - 1] + "…"


def _moment(value: datetime, zone: ZoneInfo | None) -> str:
    local = as_utc(value).astimezone(zone or timezone.utc)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"


def _value(key: str, value: Any, action: str, names: Mapping[str, str],
           zone: ZoneInfo | None = None) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "none"
    if key in _SUMMARIZED:
        return _SUMMARIZED[key]
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return _moment(value, zone)
    if isinstance(value, Mapping) and set(value) == {"start", "end"}:
        return f"{value['start']} to {value['end']}"
    if isinstance(value, Mapping):  # inside a group, only what is set
        return ", ".join(f"{field_label(k)}: {_value(k, v, action, names, zone)}"
                         for k, v in value.items()
                         if k not in _HIDDEN and v not in (None, "", [], {})) or "none"
    if isinstance(value, (list, tuple)):
        shown = [_value(key, item, action, names, zone) for item in value[:_MAX_ITEMS]]
        more = len(value) - len(shown)
        return ", ".join(shown) + (f" and {more} more" if more > 0 else "")
    if key.endswith("_cents") and isinstance(value, int):
        return format_money(value)
    if key.endswith("_bp") and isinstance(value, int):
        return format_percent(value)
    if key.endswith("_id") or key in ("technician", "lead_source"):
        return names.get(str(value), _UNKNOWN_ID if key.endswith("_id") else _text(str(value)))
    if key == "status":
        return label(_status_labels(action), str(value))
    if key == "kind":
        return label(_kind_labels(action), str(value))
    if key == "cadence":
        return label(CADENCE_LABELS, str(value))
    if key == "role":
        return label(ROLE_LABELS, str(value))
    if key == "scopes":
        return label(PERMISSION_LABELS, str(value))
    if key in ("phone", "sending_number") or key.endswith("_phone"):
        return display_phone(str(value))
    if key in ("jobs", "rows") and isinstance(value, int):
        return pluralize(value, "job" if key == "jobs" else "row")
    if isinstance(value, int):
        return f"{value:,}"
    return _text(str(value))


def describe_changes(*, action: str, before: Mapping[str, Any] | None,
                     after: Mapping[str, Any] | None,
                     names: Mapping[str, str] | None = None,
                     zone: ZoneInfo | None = None) -> str:
    """One audit entry's changes in words.

    Args:
        action: the entry's action, e.g. ``"job.assigned"`` (says which
            labels a ``status`` or ``kind`` takes).
        before: the stored values before the change (may be None).
        after: the stored values after it (may be None).
        names: id (as text) -> name, for technicians, lead sources and users.
        zone: the company's time zone, for times (UTC when None).

    Returns:
        e.g. ``"Technician: none → Eve Flowtest"``; fields joined by "; ";
        "" when nothing is recorded.
    """
    before, after, names = dict(before or {}), dict(after or {}), names or {}
    parts = []
    for key in [*after, *(k for k in before if k not in after)]:
        if key in _HIDDEN:
            continue
        if key in before and key in after:
            if before[key] == after[key]:
                continue
            old, new = (_value(key, before[key], action, names, zone),
                        _value(key, after[key], action, names, zone))
            parts.append(f"{field_label(key)}: {old}{ARROW}{new}")
        elif key in after:
            parts.append(f"{field_label(key)}: {_value(key, after[key], action, names, zone)}")
        else:
            was = _value(key, before[key], action, names, zone)
            parts.append(f"{field_label(key)}: {was}{ARROW}none" if after else
                         f"{field_label(key)}: {was}")
    text = "; ".join(parts)
    return text if len(text) <= MAX_CHANGES else text[: MAX_CHANGES - 1] + "…"


def ids_in(values: Mapping[str, Any] | None) -> set[str]:
    """The ids (as text) an entry's values point at, to look their names up."""
    found: set[str] = set()
    for key, value in (values or {}).items():
        if isinstance(value, Mapping):
            found |= ids_in(value)
        elif key.endswith("_id") and value:
            found.add(str(value))
        elif key in ("technician", "lead_source") and value:
            found.add(str(value))
    return found
