"""SMS templates: variables, validation, disclosure, previews with segment counts."""

import pytest

from iprodash.domain.errors import ValidationError
from iprodash.services.sms_templates import (DEFAULT_TEMPLATES, DISCLOSURE, preview, render,
                                             validate_template, with_disclosure)


def test_every_default_template_is_valid_and_fits_two_segments():
    for template in DEFAULT_TEMPLATES.values():
        assert preview(validate_template(template), first_message=True).segments <= 2


def test_unknown_variable_and_broken_braces_are_refused():
    with pytest.raises(ValidationError, match=r"Unknown variable \{price\}"):
        validate_template("Hi {first_name}, you owe {price}")
    with pytest.raises(ValidationError, match="unmatched"):
        validate_template("Hi {first_name")
    with pytest.raises(ValidationError, match="empty"):
        validate_template("   ")


def test_render_fills_values_and_collapses_missing_ones():
    assert render("{company}: hi {first_name} {window}.", {"company": "Acme",
                                                          "first_name": "Ann"}) == "Acme: hi Ann ."


def test_disclosure_names_the_company_once():
    assert with_disclosure("Your tech is near.", "Acme") == f"Acme: Your tech is near. {DISCLOSURE}"
    assert with_disclosure("Acme: Your tech is near.", "Acme") == \
        f"Acme: Your tech is near. {DISCLOSURE}"


def test_preview_counts_gsm7_and_ucs2_segments():
    plain = preview("{company}: " + "a" * 150)
    assert (plain.encoding, plain.segments) == ("GSM-7", 2)  # 16 + 150 = 166 septets
    emoji = preview("{company}: on the way 🚚")
    assert emoji.encoding == "UCS-2" and emoji.segments == 1
    assert emoji.text == "Demo Locksmith: on the way 🚚"
