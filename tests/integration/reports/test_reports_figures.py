"""Each report rendered from known data: its text carries the finance function's figures."""

from __future__ import annotations

from iprodash.domain.finance import Part, Payment, Rates, summarize_settlement
from iprodash.domain.money import format_money
from iprodash.repositories.reports import ReportFiles
from iprodash.services import reports, settlements
from tests.integration.reports.conftest import pdf_text
from tests.integration.reports.factories import EXAMPLE_CARD, EXAMPLE_CASH, finance_of, utc


def _pdf(world, row) -> bytes:
    return ReportFiles(world.db, world.company_id).read(row.id)


def test_settlement_statement_matches_domain_examples(world):
    tom = world.technician("Tom Tech")
    card = world.closed_job(closed_at=utc(2026, 11, 3, 15), technician_id=tom, **EXAMPLE_CARD)
    cash = world.closed_job(closed_at=utc(2026, 11, 4, 15), technician_id=tom, city="Albany",
                            **EXAMPLE_CASH)
    world.closed_job(closed_at=utc(2026, 12, 2, 15), technician_id=tom, **EXAMPLE_CARD)  # later
    other = world.technician("Olga Other")
    world.closed_job(closed_at=utc(2026, 11, 3, 16), technician_id=other, **EXAMPLE_CASH)

    progress: list[tuple[int, str]] = []
    row = reports.generate_report(db=world.db, actor=world.actor(), kind="settlement",
                                  start="2026-11-01", end="2026-11-30", technician_id=str(tom),
                                  on_progress=lambda percent, stage: progress.append(
                                      (percent, stage)))
    text = pdf_text(_pdf(world, row))

    percents = [percent for percent, _ in progress]
    assert percents == sorted(percents) and progress[-1] == (100, "Ready")
    assert any(stage.startswith("Laying out page 1") for _, stage in progress)
    expected = summarize_settlement([finance_of(card), finance_of(cash)])
    assert expected.balance == 5520  # 135.20 + 120.00 commission + 50.00 parts - 250.00 cash
    assert "Company owes technician $55.20" in text
    for cents in (expected.gross, expected.commission, expected.parts_by_technician,
                  expected.collected_by_technician, expected.net, expected.cc_fee):
        assert format_money(cents) in text
    for job in (card, cash):  # each job line: number, gross, net, commission
        f = finance_of(job)
        assert f"#{job['number']}" in text
        for cents in (f.gross, f.net, f.tech_commission):
            assert format_money(cents) in text
    assert "$338.00" in text and "$135.20" in text and "$12.00" in text  # example 1
    assert "2 jobs" in text and "Albany" in text
    assert "signature" in text
    assert row.title.startswith("Settlement statement: Tom Tech")
    entry = world.db["audit_log"].find_one({"action": "report.generated", "target_id": row.id})
    assert entry["after"]["kind"] == "settlement"


def test_settlement_statement_shows_payouts_and_what_is_still_open(world):
    tom = world.technician("Tom Tech")
    world.closed_job(closed_at=utc(2026, 11, 3, 15), technician_id=tom, **EXAMPLE_CARD)
    world.closed_job(closed_at=utc(2026, 11, 4, 15), technician_id=tom, **EXAMPLE_CASH)
    settlements.record_payout(db=world.db, actor=world.actor(), technician_id=str(tom),
                              period="custom", start="2026-11-01", end="2026-11-03",
                              amount="185.20", method="bank_transfer", note="Wire ref 7731")
    row = reports.generate_report(db=world.db, actor=world.actor(), kind="settlement",
                                  start="2026-11-01", end="2026-11-30", technician_id=str(tom))
    text = " ".join(pdf_text(_pdf(world, row)).split())
    assert "Payouts" in text and "Bank transfer" in text and "Wire ref 7731" in text
    assert "2026-11-03" in text and "$185.20" in text
    # the card job is paid; only the cash job (technician holds $250, earned $120) is open
    assert "Still open (1 jobs): Technician owes company $130.00" in text


def test_profit_and_loss_by_week_equals_summed_snapshots(world):
    tom = world.technician()
    google = world.source("Google Ads")
    loss = dict(payments=[Payment("cash", 8000, "technician")],
                parts=[Part("Opener", 12000, "company")],
                rates=Rates(tech_commission_bp=4000, source_kind="percent", source_rate_bp=1000))
    week_one = [world.closed_job(closed_at=utc(2026, 11, 3, 15), technician_id=tom,
                                 lead_source_id=google, **EXAMPLE_CARD),
                world.closed_job(closed_at=utc(2026, 11, 4, 15), technician_id=tom,
                                 **EXAMPLE_CASH)]
    week_two = [world.closed_job(closed_at=utc(2026, 11, 10, 15), technician_id=tom, **loss)]
    world.closed_job(closed_at=utc(2026, 10, 30, 15), technician_id=tom, **EXAMPLE_CARD)  # before

    row = reports.generate_report(db=world.db, actor=world.actor(), kind="profit_loss",
                                  start="2026-11-01", end="2026-11-15")
    text = pdf_text(_pdf(world, row))

    assert "Gross and company profit by week" in text  # the SVG chart is drawn in the PDF
    assert finance_of(week_two[0]).company_profit == -4000  # DOMAIN.md example 4
    for jobs in (week_one, week_two, week_one + week_two):
        finances = [finance_of(job) for job in jobs]
        figures = [sum(getattr(f, name) for f in finances) for name in (
            "gross", "cc_fee", "parts", "net", "tech_commission", "source_commission",
            "company_profit")]
        line = " ".join(format_money(cents) for cents in figures)
        assert f"{len(jobs)} {line}" in text, line
    assert "Nov 2 2 $650.00" in text and "Nov 9 1 $80.00" in text
    assert "Total 3 $730.00" in text


def test_lead_source_report_rates_money_and_roi(world):
    google, yelp = world.source("Google Ads"), world.source("Yelp", kind="fixed", fixed_cents=2000)
    closed = [world.closed_job(closed_at=utc(2026, 11, 3, 15), lead_source_id=google,
                               **EXAMPLE_CARD) for _ in range(3)]
    canceled = world.open_job(created_at=utc(2026, 11, 5, 15), lead_source_id=google)
    world.cancel(canceled)
    world.open_job(created_at=utc(2026, 11, 6, 15), lead_source_id=yelp)  # still open
    yelp_job = world.closed_job(closed_at=utc(2026, 11, 7, 15), lead_source_id=yelp,
                                **EXAMPLE_CASH)

    row = reports.generate_report(db=world.db, actor=world.actor(), kind="lead_sources",
                                  start="2026-11-01", end="2026-11-30")
    text = pdf_text(_pdf(world, row))

    g = [finance_of(job) for job in closed]
    g_commission, g_profit = (sum(f.source_commission for f in g),
                              sum(f.company_profit for f in g))
    assert (g_commission, g_profit) == (3 * 3380, 3 * 16900)
    # Google: 4 booked, 3 closed (75%), 1 canceled (25%), ROI = 507.00 / 101.40 = 500%
    assert (f"Google Ads 4 75% 25% 3 $1,200.00 {format_money(g_commission)} "
            f"{format_money(g_profit)} 500%") in text
    y = finance_of(yelp_job)
    # Yelp: 2 booked, 1 closed (50%), fixed $20.00 per job, ROI = 110.00 / 20.00 = 550%
    assert f"Yelp 2 50% 0% 1 $250.00 {format_money(y.source_commission)} $110.00 550%" in text


def test_receipt_shows_work_payments_by_method_and_total(world):
    job = world.closed_job(
        closed_at=utc(2026, 11, 3, 15), client_name="Jane Client",
        payments=[Payment("card", 30000, "company"), Payment("cash", 10000, "technician"),
                  Payment("cash", 2500, "technician")],
        parts=[Part("Kwikset deadbolt", 5000, "technician")], rates=EXAMPLE_CARD["rates"])
    staff = world.actor(role="user")  # receipts need no financial permission

    row = reports.generate_report(db=world.db, actor=staff, kind="receipt",
                                  job=f"#{job['number']}")
    text = pdf_text(_pdf(world, row))

    assert f"Receipt for job #{job['number']}" in text
    assert "Jane Client" in text and "Springfield, NY 10001" in text
    assert "(212) 555-0100" in text and "+1212" not in text  # phones as people write them
    assert "Rekeyed the front door" in text and "Kwikset deadbolt" in text
    assert "Card $300.00" in text and "Cash $125.00" in text
    assert f"Total paid {format_money(finance_of(job).gross)}" in text
    assert "Thank you for choosing Acme Locks!" in text
    assert "commission" not in text.lower()  # internal figures stay off the client's receipt
    assert row.title == f"Receipt for job #{job['number']}"


def test_lead_source_report_for_one_source(world):
    google, yelp = world.source("Google Ads"), world.source("Yelp")
    world.closed_job(closed_at=utc(2026, 11, 3, 15), lead_source_id=google, **EXAMPLE_CARD)
    world.closed_job(closed_at=utc(2026, 11, 3, 16), lead_source_id=yelp, **EXAMPLE_CASH)

    row = reports.generate_report(db=world.db, actor=world.actor(), kind="lead_sources",
                                  start="2026-11-01", end="2026-11-30", source_id=str(yelp))
    text = pdf_text(_pdf(world, row))

    assert row.title == "Lead sources: Yelp, Nov 1, 2026 to Nov 30, 2026"
    assert "Yelp 1 100% 0% 1 $250.00" in text and "Google" not in text
