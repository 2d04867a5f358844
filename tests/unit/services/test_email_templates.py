"""Emails escape user input in HTML and keep links clickable."""

from iprodash.services.email_templates import render_email


def test_user_values_are_escaped_in_html_but_not_in_text():
    subject, text, html = render_email(
        "confirm_signup", name="<script>alert(1)</script>", company="A & B <Locks>",
        days="3", link="https://app.test/confirm/abc")
    assert "A & B <Locks>" in subject and "<script>" in text
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<a href="https://app.test/confirm/abc">' in html


def test_every_template_renders_with_its_values():
    values = dict(name="N", company="C", days="1", link="https://x.test/l", reason="R",
                  inviter="I", email="e@x.test", minutes="5")
    for kind in ("confirm_signup", "company_approved", "company_rejected", "company_suspended",
                 "company_reactivated", "invite", "user_pending", "user_approved",
                 "password_reset", "password_changed"):
        subject, text, html = render_email(kind, **values)
        assert subject and "\n\n- iProDash\n" in text and html.startswith("<div")


def test_every_email_ends_with_the_three_policies(monkeypatch):
    from iprodash.services.email_templates import _TEMPLATES
    from iprodash.settings import get_settings

    monkeypatch.setenv("IPRODASH_PUBLIC_URL", "https://app.iprodash.test")
    get_settings.cache_clear()
    try:
        values = dict(name="N", company="C", days="1", link="https://x.test/l", reason="R",
                      inviter="I", email="e@x.test", minutes="5", number="7", subject="S",
                      message="M", due="D", requested_by="R", cancelled_by="R", plan="P",
                      hours="2", title="T", sender="S", cadence="weekly", period="P",
                      count="2", policy="Terms of service", version="1.1", summary="S")
        for kind in _TEMPLATES:
            _, text, html = render_email(kind, **values)
            for path in ("/privacy", "/terms", "/data-processing"):
                assert f"https://app.iprodash.test{path}" in text.split("- iProDash")[-1], kind
                assert f'href="https://app.iprodash.test{path}"' in html, kind
    finally:
        get_settings.cache_clear()
