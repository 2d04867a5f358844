"""Keyed hashes standing in for a phone number or an email address."""

from __future__ import annotations

import pytest

from iprodash.domain.pseudonyms import is_keyed_hash, keyed_hash


def test_same_value_and_key_give_the_same_hash_and_nothing_of_the_value():
    first = keyed_hash("+12125550142", key="k1", purpose="phone")
    assert first == keyed_hash("+12125550142", key="k1", purpose="phone")
    assert is_keyed_hash(first) and "2125550142" not in first
    assert len(first) == len("hmac:") + 40


def test_key_value_and_purpose_each_change_the_hash():
    base = keyed_hash("+12125550142", key="k1", purpose="phone")
    assert keyed_hash("+12125550142", key="k2", purpose="phone") != base
    assert keyed_hash("+12125550143", key="k1", purpose="phone") != base
    assert keyed_hash("+12125550142", key="k1", purpose="email") != base


def test_no_key_or_no_value_is_refused():
    with pytest.raises(ValueError):
        keyed_hash("+12125550142", key="", purpose="phone")
    with pytest.raises(ValueError):
        keyed_hash("", key="k1", purpose="phone")
    assert not is_keyed_hash("+12125550142") and not is_keyed_hash(None)
