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
        assert subject and text.endswith("- iProDash") and html.startswith("<div")
