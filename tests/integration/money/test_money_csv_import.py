"""CSV import of clients and jobs: preview, line numbers, all or nothing."""

from __future__ import annotations

import pytest
from conftest import EXAMPLE_1

from iprodash.domain.errors import PermissionDenied, ValidationError
from iprodash.domain.finance import compute_job_finance
from iprodash.domain.phones import INVALID_PHONE
from iprodash.services.dashboard import load_dashboard
from iprodash.services.job_csv_import import MAX_IMPORT_BYTES, preview_import, run_import


def _csv(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


GOOD_CLIENTS = _csv(
    "Name,Phone,Email,Address,City,State,Zip",
    "Ann Lee,(212) 555-0101,ann@example.com,1 Main St,Springfield,NY,10001",
    'Bob Ray,212.555.0102,,"2 Oak Ave, Apt 3",Springfield,NY,10001',
)


def _count(money, collection):
    return money.db[collection].count_documents({"company_id": money.company_id})


def test_clients_import_after_preview(money):
    admin = money.actor()
    preview = preview_import(db=money.db, actor=admin, kind="clients", data=GOOD_CLIENTS)
    assert preview.ok and preview.rows == 2 and preview.summary == "2 new clients"
    assert preview.sample[1][0] == "Bob Ray" and _count(money, "clients") == 0
    assert run_import(db=money.db, actor=admin, kind="clients",
                      data=GOOD_CLIENTS) == "Imported 2 new clients."
    ann = money.db["clients"].find_one({"company_id": money.company_id, "name": "Ann Lee"})
    assert ann["phone"] == "+12125550101" and ann["phone_digits"] == "12125550101"
    assert "ann" in ann["search_keys"] and ann["address"]["city"] == "Springfield"
    bob = money.db["clients"].find_one({"company_id": money.company_id, "name": "Bob Ray"})
    assert bob["address"]["line"] == "2 Oak Ave, Apt 3"


def test_bad_rows_are_listed_by_line_and_nothing_is_imported(money):
    data = _csv(
        "name,phone,email",
        "Ann Lee,(212) 555-0101,ann@example.com",
        '"Multi',
        'line name",212-555-0102,',
        "Cy,not a phone,",
        ",212-555-0104,",
        "Dee,212 555 0101,",
        "Eve,212-555-0105,eve@",
    )
    admin = money.actor()
    preview = preview_import(db=money.db, actor=admin, kind="clients", data=data)
    assert [(e.line, e.message) for e in preview.errors] == [
        (5, INVALID_PHONE),
        (6, "Name is required."),
        (7, "Phone (212) 555-0101 is also on line 2."),
        (8, "Enter a valid email address."),
    ]
    with pytest.raises(ValidationError, match="Nothing was imported.*Line 5"):
        run_import(db=money.db, actor=admin, kind="clients", data=data)
    assert _count(money, "clients") == 0


def test_a_client_already_on_file_is_refused_in_a_clients_file(money):
    admin = money.actor()
    run_import(db=money.db, actor=admin, kind="clients", data=GOOD_CLIENTS)
    again = preview_import(db=money.db, actor=admin, kind="clients", data=GOOD_CLIENTS)
    assert [e.line for e in again.errors] == [2, 3]
    assert "already exists" in again.errors[0].message


def test_file_level_problems(money):
    admin = money.actor()
    with pytest.raises(ValidationError, match="unknown column.*phone_number"):
        preview_import(db=money.db, actor=admin, kind="clients", data=_csv("name,phone number"))
    with pytest.raises(ValidationError, match="missing column.*phone"):
        preview_import(db=money.db, actor=admin, kind="clients", data=_csv("name", "Ann"))
    with pytest.raises(ValidationError, match="UTF-8"):
        preview_import(db=money.db, actor=admin, kind="clients",
                       data="name,phone\r\nJos\xe9,2125550101\r\n".encode("latin-1"))
    with pytest.raises(ValidationError, match="no rows"):
        preview_import(db=money.db, actor=admin, kind="clients", data=_csv("name,phone"))
    with pytest.raises(ValidationError, match="larger than"):
        preview_import(db=money.db, actor=admin, kind="clients",
                       data=GOOD_CLIENTS + b" " * MAX_IMPORT_BYTES)
    with pytest.raises(ValidationError, match="clients or jobs"):
        preview_import(db=money.db, actor=admin, kind="invoices", data=GOOD_CLIENTS)


JOBS_HEADER = ("client_name,phone,address,city,job_type,scheduled_start,technician,lead_source,"
               "status,closing_price,payment_method,collected_by,parts_cost,parts_paid_by,"
               "closed_at")


@pytest.fixture
def crew(money):
    money.db["companies"].update_one({"_id": money.company_id}, {"$set": {"card_fee_bp": 300}})
    return {"tom": money.technician("Tom Tech", commission_bp=4000),
            "google": money.source("Google Ads", rate_bp=1000)}


def test_jobs_import_closes_with_the_finance_function_and_updates_rollups(money, crew):
    admin = money.actor()
    run_import(db=money.db, actor=admin, kind="clients", data=GOOD_CLIENTS)
    money.db["counters"].insert_one({"_id": f"{money.company_id}:jobs", "company_id":
                                     money.company_id, "seq": 41})
    data = _csv(JOBS_HEADER,
                "Ann L,+1 212 555 0101,1 Main St,Springfield,Lockout,2025-03-10 09:00,tom tech,"
                "Google Ads,closed,400,card,company,50,technician,2025-03-10 11:30",
                "Zed New,2125550199,9 Elm St,Springfield,Rekey,2025-03-11 10:00,,,scheduled,,,,,,")
    preview = preview_import(db=money.db, actor=admin, kind="jobs", data=data)
    assert preview.ok, preview.errors
    assert preview.summary == "2 jobs (1 closed, $400.00), 1 new client, 1 existing client"
    run_import(db=money.db, actor=admin, kind="jobs", data=data)
    jobs = list(money.db["jobs"].find({"company_id": money.company_id}).sort("number", 1))
    assert [job["number"] for job in jobs] == [42, 43]
    closed = jobs[0]
    want = compute_job_finance(**EXAMPLE_1)
    assert closed["finance"] == want.as_dict() and closed["closing_price_cents"] == 40000
    assert closed["technician_id"] == crew["tom"] and closed["closed_day"] == "2025-03-10"
    ann = money.db["clients"].find_one({"company_id": money.company_id, "name": "Ann Lee"})
    assert closed["client_id"] == ann["_id"]  # reused by phone, typed differently
    assert "#42" in closed["search_keys"] and "s:closed" in closed["filter_keys"]
    assert _count(money, "clients") == 3
    board = load_dashboard(db=money.db, actor=admin, period="custom", start="2025-03-01",
                           end="2025-03-31")
    assert (board.closed, board.gross, board.company_profit, board.created) == \
        (1, 40000, 16900, 2)


def test_one_bad_job_row_imports_nothing(money, crew, other_money):
    other_money.technician("Olga Other")
    admin = money.actor()
    data = _csv(JOBS_HEADER,
                "Ann,2125550101,,,,2025-03-10 09:00,Tom Tech,,closed,400,card,company,,,",
                "Bo,2125550102,,,,2025-03-10 09:00,Olga Other,,scheduled,,,,,,",
                "Cy,2125550103,,,,10 March,,,,,,,,,",
                "Di,2125550104,,,,2025-03-10 09:00,,,closed,12.345,cash,company,,,")
    preview = preview_import(db=money.db, actor=admin, kind="jobs", data=data)
    assert [(e.line, e.message.split(" ")[0]) for e in preview.errors] == \
        [(3, "There"), (4, "Write"), (5, "Use")]
    assert 'no technician named "Olga Other"' in preview.errors[0].message
    with pytest.raises(ValidationError):
        run_import(db=money.db, actor=admin, kind="jobs", data=data)
    assert (_count(money, "jobs"), _count(money, "clients"), _count(money, "rollups")) == \
        (0, 0, 0)


def test_import_is_for_company_staff(money):
    with pytest.raises(PermissionDenied):
        preview_import(db=money.db, actor=money.actor(role="technician"), kind="clients",
                       data=GOOD_CLIENTS)
    with pytest.raises(PermissionDenied):
        run_import(db=money.db, actor=money.actor(role="operator"), kind="clients",
                   data=GOOD_CLIENTS)
    office = money.actor(role="user")
    run_import(db=money.db, actor=office, kind="clients", data=GOOD_CLIENTS)
    assert _count(money, "clients") == 2
