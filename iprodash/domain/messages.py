"""What the outbox carries (texts and emails), and the words shown for each code."""

from __future__ import annotations

SMS, EMAIL = "sms", "email"
CHANNEL_LABELS = {SMS: "Text", EMAIL: "Email"}

QUEUED, SENDING, SENT, DEAD, SUPPRESSED, CANCELED = (
    "queued", "sending", "sent", "dead", "suppressed", "canceled")
MESSAGE_STATUSES = (QUEUED, SENDING, SENT, DEAD, SUPPRESSED, CANCELED)
MESSAGE_STATUS_LABELS = {QUEUED: "Waiting to send", SENDING: "Sending", SENT: "Sent",
                         DEAD: "Failed", SUPPRESSED: "Not sent (blocked by a rule)",
                         CANCELED: "Canceled"}

# What the provider said happened after sending (Telnyx / Resend events).
DELIVERY_LABELS = {
    "queued": "Queued at the provider", "sending": "Sending", "sent": "Handed to the carrier",
    "delivered": "Delivered", "delivery_failed": "Not delivered", "sending_failed": "Not sent",
    "delivery_unconfirmed": "Delivery not confirmed", "failed": "Failed",
    "bounced": "Bounced", "complained": "Marked as spam", "delayed": "Delayed",
}

# Kinds a client who asked for "no marketing" never gets.
MARKETING_KINDS = frozenset({"review_request"})

# Every kind of text or email the app sends.
MESSAGE_KIND_LABELS = {
    # texts to clients and technicians
    "appointment_confirmation": "Appointment confirmation",
    "reminder": "Appointment reminder",
    "tech_en_route": "Technician on the way",
    "job_done": "Job done with receipt link",
    "job_assigned": "Job assigned",
    "technician_link": "Technician sign-in link",
    "opt_in_confirmation": "Texting sign-up confirmation",
    "opt_out_confirmation": "Texting opt-out confirmation",
    "help_reply": "Texting help reply",
    "staff_reply": "Reply from the office",
    "review_request": "Review request",
    "invoice_link": "Invoice with pay link",
    # emails
    "confirm_signup": "Sign-up confirmation",
    "confirm_email_change": "New email confirmation",
    "email_changed": "Email changed notice",
    "company_approved": "Company approved",
    "company_rejected": "Company not approved",
    "company_suspended": "Company suspended",
    "company_reactivated": "Company reactivated",
    "invite": "Invitation to join",
    "user_pending": "Join request to approve",
    "user_approved": "Join request approved",
    "password_reset": "Password reset link",
    "password_changed": "Password changed notice",
    "support_ticket_opened": "Support ticket opened",
    "support_ticket_received": "Support ticket received",
    "support_ticket_user_reply": "Support ticket reply",
    "support_ticket_answered": "Support ticket answered",
    "support_ticket_closed": "Support ticket closed",
    "company_deletion_requested": "Company deletion requested",
    "company_deletion_cancelled": "Company deletion canceled",
    "billing_payment_failed": "Payment failed",
    "report_pdf": "Report PDF",
    "report_pack": "Scheduled reports",
    "invoice": "Invoice with pay link",
}
