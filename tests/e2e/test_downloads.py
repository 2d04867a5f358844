"""Every download is a click and a file a person can open.

Each test clicks the button a person clicks, takes the file from the
browser's download event and opens it: the CSV parses with the expected
header, the PDF has pages and the figures of the period, the ZIP opens.
The page the click came from stays where it was (no "Page not found").
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

from playwright.sync_api import expect
from pypdf import PdfReader

from iprodash.domain.money import format_money
from iprodash.services.job_csv import JOB_COLUMNS
from iprodash.services.report_data import Period, profit_loss_data
from tests.e2e.conftest import login
from tests.e2e.office_data import DemoOffice


def _download(page, locator, **click) -> tuple[bytes, str]:
    """Click ``locator`` and return the downloaded file's bytes."""
    with page.expect_download(timeout=60_000) as info:
        locator.click(**click)
    download = info.value
    assert download.failure() is None, download.failure()
    return Path(download.path()).read_bytes(), download.suggested_filename


def _still_on(page, path: str) -> None:
    page.wait_for_timeout(500)
    assert page.url.split("?")[0].rstrip("/").endswith(path), page.url
    expect(page.get_by_text("Page not found")).to_have_count(0)


def _csv_header(data: bytes) -> list[str]:
    return next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_jobs_export_csv_downloads_in_the_same_tab(page):
    login(page, "admin@demo.test")
    page.goto("/jobs")
    button = page.get_by_role("button", name="Export CSV")
    expect(button).to_be_visible()
    data, name = _download(page, button)
    assert name.endswith(".csv")
    assert _csv_header(data)[:len(JOB_COLUMNS)] == JOB_COLUMNS
    _still_on(page, "/jobs")


def test_jobs_export_csv_with_ctrl_click(page):
    """Ctrl-click (a new tab's gesture) still hands the file to the browser."""
    login(page, "admin@demo.test")
    page.goto("/jobs")
    button = page.get_by_role("button", name="Export CSV")
    expect(button).to_be_visible()
    downloads = []
    page.on("download", lambda download: downloads.append(download))
    page.context.on("page", lambda tab: tab.on("download", lambda d: downloads.append(d)))
    button.click(modifiers=["Control"])
    page.wait_for_timeout(500)
    for _ in range(60):
        if downloads:
            break
        page.wait_for_timeout(500)
    assert downloads, "ctrl-click on Export CSV downloaded nothing"
    data = Path(downloads[0].path()).read_bytes()
    assert _csv_header(data)[:len(JOB_COLUMNS)] == JOB_COLUMNS
    _still_on(page, "/jobs")


def test_jobs_export_csv_in_a_new_tab(page):
    """Open the link in a new tab, as a person does from its context menu."""
    login(page, "admin@demo.test")
    page.goto("/jobs")
    link = page.get_by_role("link").filter(has=page.get_by_role("button", name="Export CSV"))
    href = link.get_attribute("href")
    tab = page.context.new_page()
    with tab.expect_download(timeout=60_000) as info:
        try:
            tab.goto(href)
        except Exception as exc:  # noqa: BLE001 - Chromium aborts a navigation that downloads
            assert "net::ERR_ABORTED" in str(exc) or "Download is starting" in str(exc), exc
    data = Path(info.value.path()).read_bytes()
    assert _csv_header(data)[:len(JOB_COLUMNS)] == JOB_COLUMNS


def test_import_export_page_downloads_csv(page):
    login(page, "admin@demo.test")
    page.goto("/import-export")
    data, name = _download(page, page.get_by_role("button", name="Download CSV"))
    assert name.endswith(".csv")
    assert _csv_header(data)[:len(JOB_COLUMNS)] == JOB_COLUMNS
    _still_on(page, "/import-export")


def test_profit_and_loss_pdf_has_pages_and_the_figures(page, app_db):
    office = DemoOffice(app_db)
    office.closed_job(client="Paula Report", phone="(212) 555-0171", cash_cents=23_456,
                      technician_id=office.technician("Rita Report", "(212) 555-0172"))
    login(page, "admin@demo.test")
    page.goto("/reports")
    page.get_by_role("combobox").first.click()
    page.get_by_role("option", name="Profit and loss").click()
    start = page.get_by_label("From", exact=True).input_value()
    end = page.get_by_label("To", exact=True).input_value()
    links = page.get_by_role("link", name="Download PDF")
    page.wait_for_timeout(1000)  # the list of reports made earlier has loaded
    before = links.count()
    page.get_by_role("button", name="Make the PDF").click()
    expect(links).to_have_count(before + 1, timeout=90_000)
    data, name = _download(page, links.first)  # the newest report is listed first
    assert name.endswith(".pdf") and data[:5] == b"%PDF-"
    pdf = PdfReader(io.BytesIO(data))
    assert len(pdf.pages) >= 1
    text = "\n".join(p.extract_text() or "" for p in pdf.pages)
    total = profit_loss_data(app_db, office.admin.company_id, Period.parse(start, end)).total
    assert total["closed"] > 0, "the demo company closed no job in the default period"
    for figure in ("gross", "company_profit"):
        assert format_money(total[figure]) in text, (figure, format_money(total[figure]))
    _still_on(page, "/reports")


def test_privacy_center_zip_opens(page):
    login(page, "admin@demo.test")
    page.goto("/privacy-center")
    page.get_by_role("button", name="Export my personal data").click()
    link = page.get_by_role("link", name=re.compile(r"Download ZIP")).first
    expect(link).to_be_visible(timeout=90_000)
    data, name = _download(page, link)
    assert name.endswith(".zip")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        assert archive.namelist()
    _still_on(page, "/privacy-center")


def test_support_ticket_attachment_downloads(page, tmp_path):
    login(page, "office@demo.test")
    page.goto("/support")
    attachment = tmp_path / "door-photo-notes.txt"
    attachment.write_text("The back door sticks after the rekey.\n")
    page.get_by_placeholder("Subject").fill("Door sticks")
    page.get_by_placeholder("What happened? What did you expect?").fill("See the notes.")
    page.locator("input[type=file]").set_input_files(str(attachment))
    page.get_by_role("button", name="Send ticket").click()
    row = page.get_by_role("row").filter(has_text="Door sticks").first
    expect(row).to_be_visible(timeout=30_000)
    row.get_by_role("button", name="Open").click()
    link = page.get_by_role("link", name=re.compile("Attachment: door-photo-notes.txt"))
    expect(link).to_be_visible()
    data, name = _download(page, link)
    assert data == attachment.read_bytes() and name == "door-photo-notes.txt"
    _still_on(page, "/support")
