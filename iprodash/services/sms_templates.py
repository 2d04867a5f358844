"""The texts the product sends, per-company templates with variables, and previews.

A template is plain text with ``{variable}`` placeholders from
:data:`VARIABLES`. Companies may override the client and technician
templates; the compliance replies (STOP, START, HELP) are fixed so that
nobody can edit away the required wording.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from iprodash.domain.errors import ValidationError
from iprodash.domain.messages import MESSAGE_KIND_LABELS
from iprodash.domain.sms_keywords import sms_segments

DISCLOSURE = "Msg & data rates may apply. Reply STOP to opt out."
MAX_TEMPLATE = 480

APPOINTMENT_CONFIRMATION = "appointment_confirmation"
REMINDER = "reminder"
TECH_EN_ROUTE = "tech_en_route"
JOB_DONE = "job_done"
JOB_ASSIGNED = "job_assigned"
# Not editable: it carries the office's own words, so there is nothing to word differently.
JOB_SENT_BACK = "job_sent_back"
SENT_BACK_TEMPLATE = ("{company}: Job #{job_number} was sent back by the office: {reason} "
                      "Open: {link}")
EDITABLE_KINDS = (APPOINTMENT_CONFIRMATION, REMINDER, TECH_EN_ROUTE, JOB_DONE, JOB_ASSIGNED)

# The template editor's names: the outbox's words for the kind, and who gets it.
KIND_LABELS = {kind: f"{MESSAGE_KIND_LABELS[kind]} "
                     f"({'technician' if kind == JOB_ASSIGNED else 'client'})"
               for kind in EDITABLE_KINDS}

DEFAULT_TEMPLATES = {
    APPOINTMENT_CONFIRMATION: "{company}: Hi {first_name}, your appointment is booked for "
                              "{date} {window}. Job #{job_number}. Questions? Call {company_phone}.",
    REMINDER: "{company}: Reminder, {first_name}: your appointment is {date} {window}. "
              "Call {company_phone} to change it.",
    TECH_EN_ROUTE: "{company}: {technician} is on the way for job #{job_number}.",
    JOB_DONE: "{company}: Job #{job_number} is done, thank you {first_name}! "
              "Your receipt: {link}",
    JOB_ASSIGNED: "{company}: New job #{job_number} for you, {date} {window}, {address}. "
                  "Open: {link}",
}

COMPLIANCE_TEXTS = {
    # The only text a number that asked on the web form gets until it answers.
    "opt_in_request": "{company}: Reply YES to get texts about your appointments from us. "
                      "Ignore this if you did not ask. " + DISCLOSURE,
    "opt_out_confirmation": "{company}: You are unsubscribed and will get no more texts. "
                            "Reply START to subscribe again.",
    "opt_in_confirmation": "{company}: You are subscribed to appointment texts. "
                           "Msg frequency varies. Reply HELP for help. " + DISCLOSURE,
    "help_reply": "{company}: for help call {company_phone} or email {company_email}. "
                  + DISCLOSURE,
    # The first text after someone agreed to texts with the office (services/texting_consent.py).
    "staff_consent_client": "{company}: Thanks for agreeing to texts. You will get appointment "
                            "confirmations, reminders, technician arrival and receipts. Msg "
                            "frequency varies. Reply HELP for help. " + DISCLOSURE,
    "staff_consent_technician": "{company}: You agreed to work texts: new jobs, changes and "
                                "links to your jobs. Msg frequency varies. Reply HELP for "
                                "help. " + DISCLOSURE,
}

VARIABLES = {
    "company": "Company name",
    "company_phone": "Company phone",
    "company_email": "Company email",
    "client_name": "Client's full name",
    "first_name": "Client's first name",
    "job_number": "Job number",
    "date": "Appointment date, e.g. Tue Mar 4",
    "window": "Appointment time window, e.g. 9:00 AM-11:00 AM",
    "address": "Job address",
    "technician": "Technician's name (nickname when set)",
    "link": "Receipt or job link",
}

SAMPLE_VALUES = {
    "company": "Demo Locksmith", "company_phone": "(212) 555-0100",
    "company_email": "office@demo.test", "client_name": "Maria Lopez", "first_name": "Maria",
    "job_number": "1042", "date": "Tue Mar 4", "window": "9:00 AM-11:00 AM",
    "address": "12 Main St, Springfield", "technician": "Sam",
    "link": "https://app.example/r/abc123",
}


@dataclass(frozen=True)
class Preview:
    """A rendered template and what it costs to send."""

    text: str
    encoding: str
    chars: int
    segments: int


def template_variables(template: str) -> list[str]:
    """The ``{names}`` used in ``template``.

    Raises:
        ValidationError: the braces do not parse (e.g. a lone ``{``).
    """
    try:
        return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:
        raise ValidationError("A template has an unmatched { or }. Use {variable} pairs.",
                              field="template") from exc


def validate_template(template: str | None) -> str:
    """Return a trimmed template that uses only known variables.

    Raises:
        ValidationError: empty, too long, or naming an unknown variable.
    """
    text = (template or "").strip()
    if not text:
        raise ValidationError("A template cannot be empty.", field="template")
    if len(text) > MAX_TEMPLATE:
        raise ValidationError(f"Keep a template under {MAX_TEMPLATE} characters.",
                              field="template")
    for name in template_variables(text):
        if name not in VARIABLES:
            raise ValidationError(f"Unknown variable {{{name}}}. Use one of: "
                                  + ", ".join(f"{{{v}}}" for v in VARIABLES) + ".",
                                  field="template")
    return text


def render(template: str, values: dict[str, str]) -> str:
    """Fill ``template``; a variable without a value becomes empty text."""
    filled = {name: str(values.get(name, "") or "") for name in template_variables(template)}
    return " ".join(template.format(**filled).split())


def with_disclosure(text: str, company: str) -> str:
    """A first message: it names the company and carries the opt-out disclosure."""
    body = text if company.lower() in text.lower() else f"{company}: {text}"
    return body if DISCLOSURE in body else f"{body} {DISCLOSURE}"


def company_template(company: dict, kind: str) -> str:
    """The company's template for ``kind``, or the default."""
    custom = ((company.get("sms") or {}).get("templates") or {}).get(kind)
    return custom or DEFAULT_TEMPLATES[kind]


def preview(template: str, *, first_message: bool = False) -> Preview:
    """Render ``template`` with sample values and count its SMS segments."""
    text = render(validate_template(template), SAMPLE_VALUES)
    if first_message:
        text = with_disclosure(text, SAMPLE_VALUES["company"])
    encoding, chars, segments = sms_segments(text)
    return Preview(text=text, encoding=encoding, chars=chars, segments=segments)
