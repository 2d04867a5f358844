"""The audit log page reads as sentences: names, labels and dollars, not ids and dicts."""

from iprodash.domain.finance import Payment
from iprodash.services import audit_log, jobs, reports
from iprodash.services.technicians import TechnicianForm, update_technician


def _latest(shop, action: str):
    return next(row for row in audit_log.list_audit(shop.db, actor=shop.admin)
                if row.action == action)


def test_assigning_a_technician_names_them(shop):
    eve = shop.technician("Eve Flowtest")
    job = shop.job()
    jobs.assign_technician(shop.db, actor=shop.user, job_id=str(job["_id"]), technician_id=eve.id)

    row = _latest(shop, "job.assigned")
    assert row.action_label == "Job assigned"
    assert row.changes == "Technician: none → Eve Flowtest"
    assert row.target == f"Job {job['_id']}"  # the id stays: the target filter takes it


def test_a_technician_change_shows_words_percent_and_a_national_phone(shop):
    eve = shop.technician("Eve Flowtest", percent="40", phone="(212) 555-0111")
    update_technician(shop.db, actor=shop.admin, technician_id=eve.id, form=TechnicianForm(
        name="Eve Flowtest", nickname="Eve", phone="(212) 555-0199", commission_percent="45",
        job_fee="0"))

    row = _latest(shop, "technician.updated")
    assert row.action_label == "Technician changed"
    assert row.target == "Technician Eve Flowtest"
    assert "Phone: (212) 555-0111 → (212) 555-0199" in row.changes
    assert "Commission: 40% → 45%" in row.changes


def test_a_report_reads_as_its_kind_and_period_not_a_dict(shop):
    reports.generate_report(db=shop.db, actor=shop.admin, kind="profit_loss",
                            start="2025-06-01", end="2025-06-30")

    row = _latest(shop, "report.generated")
    assert row.action_label == "Report made"
    assert "Kind: Profit and loss" in row.changes
    assert "2025-06-01 to 2025-06-30" in row.changes
    assert "{" not in row.changes and "None" not in row.changes
    assert "profit_loss" not in row.changes


def test_closing_shows_labels_and_money(shop):
    tech = shop.technician("Eve Flowtest")
    job = shop.closed_job(payments=[Payment("cash", 25000, "company")], technician_id=tech.id)

    row = _latest(shop, "job.status.closed")
    assert row.action_label == "Job closed"
    assert "Status: Pending approval → Closed" in row.changes
    assert "Closing price: $250.00" in row.changes
    assert "Money figures: recalculated" in row.changes
    assert str(job["_id"]) in row.target
