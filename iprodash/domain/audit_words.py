"""The audit log in words: what was done, to what, and the names of changed fields.

Actions not listed read as their humanized code ("job.tech_note_added" ->
"Job tech note added"), never as the raw code.
"""

from __future__ import annotations

from iprodash.domain.job_status import STATUS_LABELS
from iprodash.domain.words import humanize

TARGET_LABELS = {
    "job": "Job", "client": "Client", "technician": "Technician", "lead_source": "Lead source",
    "user": "User", "invite": "Invitation", "company": "Company", "message": "Message",
    "phone": "Phone", "report": "Report", "report_delivery": "Report delivery",
    "report_subscription": "Report subscription", "settlement": "Settlement",
    "support_ticket": "Support ticket", "api_key": "API key", "export": "Data export",
    "audit_log": "Audit log",
}

ACTION_LABELS = {
    "job.created": "Job booked", "job.updated": "Job changed", "job.assigned": "Job assigned",
    "job.rescheduled": "Job rescheduled",
    "job.status.closed": "Job closed", "job.money_lines_updated": "Payments and parts changed",
    "job.photo_added": "Photo added", "job.tech_note_added": "Technician note added",
    "jobs.exported": "Jobs exported (CSV)", "jobs.imported": "Jobs imported (CSV)",
    "clients.imported": "Clients imported (CSV)",
    "client.created": "Client added", "client.updated": "Client changed",
    "client.erased": "Client's personal data erased",
    "technician.created": "Technician added", "technician.updated": "Technician changed",
    "technician.deactivated": "Technician deactivated",
    "technician.reactivated": "Technician reactivated",
    "technician.link_issued": "Technician sign-in link made",
    "technician.links_revoked": "Technician sign-in links revoked",
    "lead_source.created": "Lead source added", "lead_source.updated": "Lead source changed",
    "lead_source.deactivated": "Lead source deactivated",
    "lead_source.reactivated": "Lead source reactivated",
    "user.invited": "User invited", "user.join_requested": "Asked to join",
    "user.approved": "User approved", "user.rejected": "Join request declined",
    "user.role_changed": "Role or money access changed",
    "user.deactivated": "User deactivated", "user.reactivated": "User reactivated",
    "user.profile_updated": "Profile changed", "user.password_changed": "Password changed",
    "user.logout_everywhere": "Logged out everywhere",
    "company.signup": "Company signed up", "company.email_confirmed": "Sign-up email confirmed",
    "company.approve": "Company approved", "company.reject": "Company rejected",
    "company.suspend": "Company suspended", "company.reactivate": "Company reactivated",
    "company.settings_updated": "Company settings changed",
    "company.code_regenerated": "Company code replaced",
    "company.deletion_requested": "Company deletion requested",
    "company.deletion_cancelled": "Company deletion canceled",
    "company.purged": "Company data deleted",
    "messaging.settings_updated": "Texting set-up changed",
    "sms.opted_in": "Signed up for texts", "sms.opted_out": "Opted out of texts",
    "sms.consent_recorded": "Agreement to texts recorded by the office",
    "sms.help": "Asked for help by text (HELP)", "sms.reply": "Text reply sent",
    "sms.reply_refused": "Text reply not sent",
    "outbox.retried": "Message sent again",
    "receipt.emailed": "Receipt emailed", "report.generated": "Report made",
    "report.emailed": "Report emailed", "report.pack_sent": "Scheduled reports sent",
    "report_subscription.created": "Report subscription added",
    "report_subscription.deleted": "Report subscription removed",
    "settlement.paid": "Technician payout recorded", "settlement.voided": "Payout voided",
    "billing.customer_created": "Billing account made",
    "billing.checkout_started": "Checkout started",
    "billing.portal_opened": "Billing portal opened",
    "billing.subscription_changed": "Subscription changed",
    "api_key.created": "API key made", "api_key.revoked": "API key revoked",
    "support.ticket_opened": "Support ticket opened",
    "support.ticket_answered": "Support ticket answered",
    "support.ticket_closed": "Support ticket closed",
    "export.personal_requested": "Personal data export requested",
    "export.company_requested": "Company data export requested",
    "export.downloaded": "Data export downloaded",
    "retention.export_expired": "Old data export deleted",
    "retention.deleted_company_forgotten": "Deleted company's log removed",
}

FIELD_LABELS = {
    "technician_id": "Technician", "lead_source_id": "Lead source", "status": "Status",
    "scheduled_start": "Starts", "scheduled_end": "Ends", "job_type": "Job type",
    "closing_price_cents": "Closing price", "commission_bp": "Commission",
    "rate_bp": "Rate", "fixed_cents": "Fixed fee", "job_fee_cents": "Fee per job",
    "card_fee_bp": "Card fee", "admin_email": "Admin email", "view_financials": "Sees money",
    "number": "Job number", "kind": "Kind", "params": "Made for", "to": "To",
    "report_id": "Report", "photo_id": "Photo", "due_at": "Due", "last_error": "Last error",
    "seq_ranges": "Entries", "customer_id": "Billing customer", "price_id": "Plan",
    "text_version": "Consent text version", "finance_columns": "With money columns",
    "sending_number": "Sending number", "messaging_profile_id": "Telnyx profile",
    "reminder_hours": "Reminder hours before", "templates": "Text templates",
    "jobs": "Jobs", "owes": "Technician owes", "period": "Period", "balance": "Balance",
    "technician": "Technician", "lead_source": "Lead source", "start": "From", "end": "To",
    "date_field": "Dates by", "search": "Search", "source_id": "Lead source", "job": "Job",
    "finance": "Money figures", "cadence": "How often", "line": "Street", "zip": "ZIP",
}


# Filters of the audit log page: an action prefix and what it covers.
ACTION_AREAS = {
    "job.": "Jobs", "jobs.": "Job imports and exports", "client.": "Clients",
    "technician.": "Technicians", "lead_source.": "Lead sources", "user.": "Users",
    "company.": "Company", "messaging.": "Texting set-up", "sms.": "Texts",
    "outbox.": "Sent messages", "report": "Reports", "receipt.": "Receipts",
    "settlement.": "Settlements", "billing.": "Billing", "api_key.": "API keys",
    "support.": "Support", "export.": "Data exports", "retention.": "Clean-up",
}


def action_label(action: str) -> str:
    """An audit action in words: "job.assigned" -> "Job assigned"."""
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    if action.startswith("job.status."):
        status = action.rsplit(".", 1)[1]
        return f"Job marked {STATUS_LABELS.get(status, humanize(status))}"
    return humanize(action)


def field_label(key: str) -> str:
    """A changed field's name in words: "lead_source_id" -> "Lead source"."""
    return FIELD_LABELS.get(key) or humanize(key)
