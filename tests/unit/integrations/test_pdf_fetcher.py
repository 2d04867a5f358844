"""The PDF renderer loads only the app's own assets: no files, no network."""

from __future__ import annotations

import http.server
import io
import threading

import pytest
from pypdf import PdfReader

from iprodash.integrations import pdf, pdf_worker


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server's name
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, *args):
        pass


@pytest.fixture
def web_server():
    """A local web server that records every request it gets."""
    _Recorder.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.hits
    server.shutdown()


def test_every_url_outside_the_allowlist_is_refused_and_nothing_is_fetched(web_server, tmp_path):
    base, hits = web_server
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    hostile = [f"file://{secret}", f"{base}/evil.css", f"{base}/pixel.png",
               "data:text/css,body{color:red}", f"{pdf.BASE_URL}../../etc/passwd",
               f"{pdf.BASE_URL}secret.txt", "//127.0.0.1/x.png"]
    html = (f'<html><head><link rel="stylesheet" href="{pdf.asset_url("report.css")}">'
            f'<link rel="stylesheet" href="{hostile[1]}">'
            f'<style>@import url("{hostile[0]}"); p {{ background: url("{hostile[2]}") }}</style>'
            f'</head><body><p>Hello</p><img src="{hostile[0]}"><img src="{hostile[3]}">'
            f'<img src="{hostile[4]}"><img src="{hostile[5]}"><img src="{hostile[6]}">'
            f'<object data="{hostile[0]}"></object><iframe src="{hostile[1]}"></iframe>'
            f'<svg xmlns="http://www.w3.org/2000/svg"><image href="{hostile[0]}"/></svg>'
            f"</body></html>")

    rendered = pdf.render_pdf(html)

    assert rendered.data.startswith(b"%PDF")
    assert hits == []  # the network was never used
    allowed = {pdf.asset_url("report.css")}
    assert set(rendered.requested_urls) - set(rendered.refused_urls) <= allowed
    assert pdf.asset_url("report.css") in rendered.requested_urls  # the app's own asset loads
    assert any(url.startswith("file://") for url in rendered.refused_urls)
    assert any(url.startswith(base) for url in rendered.refused_urls)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(rendered.data)).pages)
    assert "Hello" in text and "TOP-SECRET" not in text
    assert b"TOP-SECRET" not in rendered.data


def test_fetcher_serves_only_exact_allowlisted_names():
    fetcher = pdf_worker.AssetOnlyFetcher()
    assert b"font-family" in fetcher.fetch(pdf.asset_url("report.css")).read()
    for url in ("file:///etc/passwd", "http://example.com/a.css", pdf.asset_url("nope.css"),
                pdf.asset_url("../pdf.py"), "iprodash-asset://host/report.css",
                pdf.asset_url("pdf.py")):
        with pytest.raises(pdf_worker.BlockedURL):
            fetcher.fetch(url)
    assert fetcher.refused == fetcher.requested[1:]
    assert fetcher.allowed_urls() == {pdf.asset_url("report.css")}


def test_child_reports_each_page_and_the_page_count():
    html = "".join(f"<p style='page-break-after: always'>Page {n}</p>" for n in range(3))
    pages: list[int] = []
    rendered = pdf.render_pdf(f"<html><body>{html}</body></html>", on_page=pages.append)
    assert rendered.pages == 3 and pages == [1, 2, 3]


def test_in_process_render_uses_the_given_fetcher():
    fetcher = pdf_worker.AssetOnlyFetcher()
    html = f'<html><head><link rel="stylesheet" href="{pdf.asset_url("report.css")}"></head>' \
           '<body><img src="file:///etc/hostname"></body></html>'
    rendered = pdf_worker.render_pdf_here(html, fetcher=fetcher)
    assert rendered.data.startswith(b"%PDF")
    assert fetcher.refused == ["file:///etc/hostname"]


def test_a_render_that_runs_too_long_is_stopped():
    with pytest.raises(pdf.PdfRenderError):
        pdf.render_pdf("<html><body>slow</body></html>", timeout_s=0.05)
