from iprodash.domain.sign_in_links import redact_sign_in_links


def test_every_kind_of_sign_in_link_is_replaced():
    text = ("Reset: http://localhost:3000/reset/abc_-123 now. Join "
            "https://app.test/join?invite=XyZ. Jobs: https://app.test/api/tech/open/t0k?job=1 "
            "Confirm https://app.test/confirm/q")
    out = redact_sign_in_links(text)
    for secret in ("abc_-123", "XyZ", "t0k", "confirm/q"):
        assert secret not in out
    assert out.count("[sign-in link]") == 4 and out.startswith("Reset: [sign-in link] now.")


def test_html_links_lose_href_and_text_and_other_links_stay():
    html = ('<a href="http://x.test/reset/abc">http://x.test/reset/abc</a> '
            '<a href="http://x.test/billing">billing</a>')
    out = redact_sign_in_links(html)
    assert "abc" not in out and 'href="http://x.test/billing"' in out
    assert out.startswith('<a href="[sign-in link]">[sign-in link]</a>')
