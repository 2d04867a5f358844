"""Statuses of accounts, companies, exports, support tickets and subscriptions (and the
plan codes), in words.

Job statuses have their own module (``job_status``); message statuses are in
``messages``.
"""

from __future__ import annotations

from iprodash.domain.messages import MESSAGE_STATUS_LABELS

ACCOUNT_STATUS_LABELS = {"pending": "Waiting for approval", "active": "Active",
                         "deactivated": "Deactivated", "inactive": "Inactive"}
COMPANY_STATUS_LABELS = {"unconfirmed": "Email not confirmed", "pending": "Waiting for approval",
                         "active": "Active", "suspended": "Suspended", "rejected": "Rejected"}
EXPORT_STATUS_LABELS = {"queued": "Waiting to start", "running": "Being made", "ready": "Ready",
                        "failed": "Failed", "expired": "Expired"}
TICKET_STATUS_LABELS = {"open": "Open", "answered": "Answered", "closed": "Closed"}
BILLING_STATUS_LABELS = {
    "trialing": "Free trial", "active": "Active", "past_due": "Past due",
    "incomplete": "Payment pending", "canceled": "Canceled",
    "incomplete_expired": "Canceled", "unpaid": "Unpaid", "paused": "Paused",
    "trial_ended": "Trial ended",
}
# A company's plan is a code until it subscribes, then the plan's own name ("Pro").
PLAN_LABELS = {"trial": "Free trial", "subscription": "Subscription"}

# For a badge that may show any of the above; the words agree where codes repeat.
BADGE_LABELS = {**EXPORT_STATUS_LABELS, **MESSAGE_STATUS_LABELS, **TICKET_STATUS_LABELS,
                **COMPANY_STATUS_LABELS, **ACCOUNT_STATUS_LABELS}
