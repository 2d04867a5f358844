"""Audit changes as sentences (no database: ids resolve through a names map)."""

from datetime import datetime, timezone

from bson import ObjectId

from iprodash.services.audit_changes import MAX_CHANGES, describe_changes, ids_in

EVE = ObjectId()


def test_an_assignment_names_the_technician():
    assert describe_changes(action="job.assigned", before={"technician_id": None},
                            after={"technician_id": EVE},
                            names={str(EVE): "Eve Flowtest"}) == "Technician: none → Eve Flowtest"


def test_an_unassignment_and_an_id_nobody_knows():
    assert describe_changes(action="job.assigned", before={"technician_id": EVE},
                            after={"technician_id": None}, names={}) == \
        "Technician: a removed record → none"


def test_statuses_take_the_labels_of_their_area():
    assert describe_changes(action="job.status.en_route", before={"status": "scheduled"},
                            after={"status": "en_route"}) == "Status: Scheduled → En route"
    assert describe_changes(action="company.approve", before={"status": "pending"},
                            after={"status": "active"}) == \
        "Status: Waiting for approval → Active"
    assert describe_changes(action="billing.subscription_changed", before={"status": "trialing"},
                            after={"status": "past_due"}) == "Status: Free trial → Past due"


def test_money_percent_phone_bool_and_role_read_as_people_write_them():
    text = describe_changes(
        action="company.settings_updated",
        before={"card_fee_bp": 300, "phone": "+12125550100"},
        after={"card_fee_bp": 325, "phone": "+12125550199"})
    assert text == "Card fee: 3% → 3.25%; Phone: (212) 555-0100 → (212) 555-0199"
    assert describe_changes(action="user.role_changed",
                            before={"role": "user", "view_financials": False},
                            after={"role": "company_admin", "view_financials": True}) == \
        "Role: Office user → Company admin; Sees money: no → yes"
    assert describe_changes(action="job.status.closed", before=None,
                            after={"closing_price_cents": 40_000}) == "Closing price: $400.00"


def test_a_report_request_is_not_a_python_dict():
    text = describe_changes(action="report.generated", before=None, after={
        "kind": "profit_loss", "title": "Profit and loss",
        "params": {"kind": "profit_loss", "period": {"start": "2026-11-01", "end": "2026-11-30"},
                   "technician_id": None, "source_id": None, "job": ""}})
    assert text == ("Kind: Profit and loss; Title: Profit and loss; "
                    "Made for: Kind: Profit and loss, Period: 2026-11-01 to 2026-11-30")


def test_embedded_copies_hide_machine_fields_and_unchanged_values_are_left_out():
    text = describe_changes(action="job.updated",
                            before={"job_type": "Lockout", "notes": "same"},
                            after={"job_type": "Rekey", "notes": "same",
                                   "client": {"_id": EVE, "name": "Flora",
                                              "phone": "+12125550190", "phone_digits": "1"}})
    assert text == "Job type: Lockout → Rekey; Client: Name: Flora, Phone: (212) 555-0190"


def test_removed_values_lists_dates_and_unknown_codes():
    assert describe_changes(action="report_subscription.deleted",
                            before={"cadence": "weekly", "email": "a@b.co"}, after=None) == \
        "How often: Every week (Monday to Sunday); Email: a@b.co"
    assert describe_changes(action="api_key.created", before=None,
                            after={"scopes": ["read", "write"]}) == \
        "Scopes: Read only, Read and write"
    assert describe_changes(action="company.deletion_requested", before=None, after={
        "due_at": datetime(2026, 12, 30, 17, 5, tzinfo=timezone.utc)}) == \
        "Due: 2026-12-30 17:05 UTC"
    assert describe_changes(action="x.y", before=None, after={"some_new_flag": "on"}) == \
        "Some new flag: on"


def test_nothing_recorded_is_empty_and_long_text_is_cut():
    assert describe_changes(action="billing.portal_opened", before=None, after=None) == ""
    text = describe_changes(action="job.updated", before=None,
                            after={f"field_{i}": "x" * 70 for i in range(20)})
    assert len(text) == MAX_CHANGES and text.endswith("…")


def test_ids_in_finds_nested_ids_for_the_name_lookup():
    assert ids_in({"technician_id": EVE, "params": {"source_id": "abc"}, "kind": "x"}) == {
        str(EVE), "abc"}
    assert ids_in(None) == set()


def test_times_read_on_the_companys_wall_clock_with_its_zone():
    from zoneinfo import ZoneInfo

    start = datetime(2025, 6, 2, 18, 0, tzinfo=timezone.utc)
    assert describe_changes(action="job.rescheduled", before={"scheduled_start": None},
                            after={"scheduled_start": start},
                            zone=ZoneInfo("America/New_York")) == \
        "Starts: none → 2025-06-02 14:00 EDT"
    winter = datetime(2025, 1, 3, 1, 30)  # naive, as MongoDB returns it: UTC
    assert describe_changes(action="job.rescheduled", before={"scheduled_start": winter},
                            after={"scheduled_start": start},
                            zone=ZoneInfo("America/Los_Angeles")) == \
        "Starts: 2025-01-02 17:30 PST → 2025-06-02 11:00 PDT"  # the day before, locally
    assert describe_changes(action="job.rescheduled", before=None,
                            after={"scheduled_start": start}) == "Starts: 2025-06-02 18:00 UTC"
