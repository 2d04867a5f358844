"""Counts and codes in words."""

from iprodash.domain.audit_words import action_label, field_label
from iprodash.domain.messages import MESSAGE_KIND_LABELS, MESSAGE_STATUS_LABELS, MESSAGE_STATUSES
from iprodash.domain.words import humanize, label, pluralize


def test_pluralize_agrees_with_the_count():
    assert pluralize(1, "job") == "1 job"
    assert pluralize(2, "job") == "2 jobs"
    assert pluralize(0, "job") == "0 jobs"
    assert pluralize(1, "unsettled job") == "1 unsettled job"
    assert pluralize(3, "unsettled job") == "3 unsettled jobs"
    assert pluralize(2500, "job") == "2,500 jobs"
    assert pluralize(2, "entry") == "2 entries"
    assert pluralize(2, "day") == "2 days"
    assert pluralize(2, "address") == "2 addresses"
    assert pluralize(2, "person", "people") == "2 people"
    assert pluralize(1, "person", "people") == "1 person"


def test_label_falls_back_to_words_never_to_snake_case():
    assert label({"job_done": "Job done with receipt"}, "job_done") == "Job done with receipt"
    assert label({}, "delivery_unconfirmed") == "Delivery unconfirmed"
    assert label({}, "") == "" and label({}, None) == ""
    assert humanize("lead_source_id") == "Lead source"
    assert humanize("closing_price_cents") == "Closing price"


def test_every_outbox_kind_the_app_sends_has_a_label():
    for kind in ("technician_link", "job_done", "appointment_confirmation", "reminder",
                 "tech_en_route", "job_assigned", "report_pdf", "report_pack", "invite",
                 "password_reset", "staff_reply", "opt_in_confirmation", "help_reply"):
        assert "_" not in MESSAGE_KIND_LABELS[kind]
    assert set(MESSAGE_STATUS_LABELS) == set(MESSAGE_STATUSES)


def test_audit_actions_and_fields_in_words():
    assert action_label("job.assigned") == "Job assigned"
    assert action_label("job.status.en_route") == "Job marked En route"
    assert action_label("job.some_future_thing") == "Job some future thing"
    assert field_label("technician_id") == "Technician"
    assert field_label("brand_new_field") == "Brand new field"
