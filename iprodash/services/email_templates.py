"""The emails the product sends: subject, text and HTML for each kind.

Every user-supplied value is HTML-escaped in the HTML part.
"""

from __future__ import annotations

from html import escape

_TEMPLATES: dict[str, tuple[str, str]] = {
    "confirm_signup": (
        "Confirm your iProDash sign-up for {company}",
        "Hello {name},\n\nConfirm your email to finish signing up {company}:\n{link}\n\n"
        "The link expires in {days} days. After you confirm, our team reviews the "
        "company and you get an email when you can log in.",
    ),
    "company_approved": (
        "{company} is approved on iProDash",
        "Hello {name},\n\n{company} is approved. You can log in now:\n{link}",
    ),
    "company_rejected": (
        "Your iProDash sign-up for {company}",
        "Hello {name},\n\nWe could not approve {company}.\nReason: {reason}\n\n"
        "Reply to this email if you think this is a mistake.",
    ),
    "company_suspended": (
        "{company} is suspended on iProDash",
        "Hello {name},\n\n{company} was suspended.\nReason: {reason}\n\n"
        "Contact support to reactivate it.",
    ),
    "company_reactivated": (
        "{company} is active again on iProDash",
        "Hello {name},\n\n{company} is active again. Log in: {link}",
    ),
    "invite": (
        "{inviter} invited you to {company} on iProDash",
        "Hello,\n\n{inviter} invited you to join {company} on iProDash.\n"
        "Accept within {days} days: {link}\n\nAn admin approves new members before "
        "they can log in.",
    ),
    "user_pending": (
        "{name} wants to join {company}",
        "Hello,\n\n{name} ({email}) asked to join {company}. Approve or reject on the "
        "Users page: {link}",
    ),
    "user_approved": (
        "You can now log in to {company}",
        "Hello {name},\n\nAn admin approved your account at {company}. Log in: {link}",
    ),
    "password_reset": (
        "Reset your iProDash password",
        "Hello {name},\n\nReset your password within {minutes} minutes: {link}\n\n"
        "If you did not ask for this, ignore this email; your password stays the same.",
    ),
    "support_ticket_opened": (
        "Support ticket #{number} from {company}: {subject}",
        "{name} ({email}) at {company} opened a support ticket.\n\nSubject: {subject}\n\n"
        "{message}\n\nAnswer it in the operator console: {link}",
    ),
    "support_ticket_received": (
        "We got your support ticket #{number}: {subject}",
        "Hello {name},\n\nThank you, we received your ticket and answer within one business "
        "day. You can follow it here: {link}\n\nYour message:\n{message}",
    ),
    "support_ticket_user_reply": (
        "New reply on ticket #{number} from {company}: {subject}",
        "{name} at {company} wrote:\n\n{message}\n\nAnswer it here: {link}",
    ),
    "support_ticket_answered": (
        "Answer to your support ticket #{number}: {subject}",
        "Hello {name},\n\nOur support team answered your ticket:\n\n{message}\n\n"
        "Reply or read the whole thread here: {link}",
    ),
    "support_ticket_closed": (
        "Support ticket #{number} is closed: {subject}",
        "Hello {name},\n\nWe closed your ticket. {message}\n\nIf something is still wrong, "
        "open a new ticket: {link}",
    ),
    "confirm_email_change": (
        "Confirm your new iProDash email",
        "Hello {name},\n\nYou asked to use this address for iProDash. Confirm it:\n{link}\n\n"
        "The link expires in {days} days. Until then your old address stays in use. "
        "Did not ask? Ignore this email.",
    ),
    "email_changed": (
        "Your iProDash email was changed",
        "Hello {name},\n\nYour iProDash account now uses a new email address, and every "
        "session was logged out. If this was not you, reset your password now: {link}",
    ),
    "password_changed": (
        "Your iProDash password was changed",
        "Hello {name},\n\nYour password was changed and every session was logged out. "
        "If this was not you, reset your password now: {link}",
    ),
    "company_deletion_requested": (
        "{company} will be deleted on {due}",
        "Hello {name},\n\n{requested_by} asked to delete {company} from iProDash. It is "
        "read-only now and its data is deleted on {due}. Export your data before then.\n"
        "Changed your mind? A company admin can cancel the deletion: {link}",
    ),
    "billing_payment_failed": (
        "Payment failed for {company} on iProDash",
        "Hello {name},\n\nStripe could not collect the payment for {company} ({plan}). "
        "Update your payment method within {days} days to keep full access; after that the "
        "account turns read-only until the payment goes through:\n{link}",
    ),
    "company_deletion_cancelled": (
        "The deletion of {company} was cancelled",
        "Hello {name},\n\n{cancelled_by} cancelled the deletion of {company}. Everything "
        "works as before: {link}",
    ),
    "technician_link": (
        "Your jobs at {company}",
        "Hello {name},\n\n{company} sent you a sign-in link for your jobs on your phone:\n"
        "{link}\n\nIt opens once, within {hours} hours, and keeps you signed in on that "
        "phone. No password needed; keep it to yourself.",
    ),
    "report_pdf": (
        "{title} from {company}",
        "Hello,\n\n{sender} at {company} sent you this report: {title}.\n"
        "The PDF is attached.",
    ),
    "report_pack": (
        "{company}: {cadence} reports, {period}",
        "Hello,\n\nHere are {company}'s {cadence} reports for {period}: the profit and loss "
        "and the technicians' settlement statements ({count} PDFs attached).\n\n"
        "A company admin can stop this email on the Reports page.",
    ),
    "invoice": (
        "Invoice #{number} from {company}",
        "Hello {name},\n\n{company} sent you invoice #{number}. Amount due: {due}.\n\n"
        "See the invoice and pay by card here:\n{link}\n\nThe link works for {days} days.",
    ),
    "review_request": (
        "How did {company} do?",
        "Hello {name},\n\nThank you for choosing {company}. Would you leave us a short "
        "review? It takes a minute:\n{link}\n\nReply to this email if something was not "
        "right; we want to hear it.",
    ),
    "policy_updated": (
        "iProDash has a new version of its {policy}",
        "Hello {name},\n\nWe published version {version} of the iProDash {policy}, which "
        "applies to {company}. What changed:\n{summary}\n\nRead it here: {link}\n\n"
        "As an admin of {company} you are asked to accept it the next time you log in.",
    ),
}

# Every email ends with the links to the three policies (paths of state/routes.py).
POLICY_LINKS = (("Privacy policy", "/privacy"), ("Terms of service", "/terms"),
                ("Data processing terms", "/data-processing"))


def _policy_footer() -> tuple[str, str]:
    from iprodash.settings import get_settings

    base = get_settings().public_url
    text = "\n".join(f"{title}: {base}{path}" for title, path in POLICY_LINKS)
    html = " · ".join(f'<a href="{escape(base + path)}" style="color:#888">{escape(title)}</a>'
                      for title, path in POLICY_LINKS)
    return text, html


def render_email(kind: str, **values: str) -> tuple[str, str, str]:
    """Return (subject, text, html) for ``kind`` filled with ``values``."""
    subject_tpl, text_tpl = _TEMPLATES[kind]
    subject = subject_tpl.format(**values)
    footer_text, footer_html = _policy_footer()
    text = text_tpl.format(**values) + "\n\n- iProDash\n" + footer_text
    escaped = {k: escape(str(v)) for k, v in values.items()}
    body = escape(text_tpl).format(**escaped).replace("\n", "<br>")
    link = values.get("link")
    if link:
        safe = escape(link)
        body = body.replace(safe, f'<a href="{safe}">{safe}</a>')
    html = (f"<div style=\"font-family:sans-serif;font-size:15px\">{body}"
            "<p style=\"color:#888\">- iProDash</p>"
            f"<p style=\"color:#888;font-size:12px\">{footer_html}</p></div>")
    return subject, text, html
