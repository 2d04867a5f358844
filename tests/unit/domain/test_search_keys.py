"""Search keys: 2..20-character prefixes of each word, phone tails, and the query's terms."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iprodash.domain.errors import ValidationError
from iprodash.domain.search_keys import (SHORT_QUERY_MESSAGE, edge_ngrams, normalize_query,
                                         phone_keys, query_terms, query_too_short,
                                         require_search_query, search_keys_for, search_terms)


def test_prefixes_of_each_word_from_two_characters():
    assert edge_ngrams("Ann Lee") == ["an", "ann", "le", "lee"]
    assert search_keys_for(name="Ann Lee") == ["an", "ann", "le", "lee"]


def test_no_prefixes_of_the_whole_text():
    keys = search_keys_for(name="Ann Lee", address="12 Main St")
    assert not [key for key in keys if " " in key]
    assert "ann l" not in keys and "ann lee" not in keys and "12 main" not in keys


def test_no_one_character_prefixes_but_a_one_character_word_is_its_own_key():
    assert edge_ngrams("J Smith") == ["j", "sm", "smi", "smit", "smith"]
    keys = search_keys_for(name="Ann Lee", address="1 Main St")
    assert "1" in keys and "a" not in keys and "l" not in keys and "m" not in keys


def test_prefixes_stop_at_twenty_characters():
    keys = edge_ngrams("Abcdefghijklmnopqrstuvwxyz")
    assert max(map(len, keys)) == 20 and len(keys) == 19


def test_case_accents_and_apostrophes_do_not_matter():
    keys = edge_ngrams("JOSÉ O'Brien")
    assert keys == ["jo", "jos", "jose", "ob", "obr", "obri", "obrie", "obrien"]
    assert all(key == key.lower() and "é" not in key and "'" not in key for key in keys)


def test_letters_of_every_script_are_kept():
    assert edge_ngrams("Иван") == ["ив", "ива", "иван"]
    assert normalize_query("ИВАН") == "иван"
    assert "istanbul" in edge_ngrams("İSTANBUL")  # no stray combining dot


def test_min_and_max_length():
    keys = edge_ngrams("Washington Street", min_len=2, max_len=5)
    assert min(map(len, keys)) == 2 and max(map(len, keys)) == 5
    assert "washi" in keys and "washin" not in keys and "w" not in keys


def test_empty_text_has_no_keys():
    assert edge_ngrams("") == edge_ngrams(None) == edge_ngrams(" ,- ") == []


def test_phone_keys_are_the_digits_and_their_tails():
    assert phone_keys("+12125550100") == ["12125550100", "0100", "5550100", "2125550100"]
    assert phone_keys("0100") == ["0100"]
    assert phone_keys(None) == []


def test_search_keys_for_a_job_combine_everything_once():
    keys = search_keys_for(name="Ann Lee", address="12 Main St", phone="+1 (212) 555-0100",
                           job_number=1042)
    assert keys == ["an", "ann", "le", "lee", "12", "ma", "mai", "main", "st",
                    "12125550100", "0100", "5550100", "2125550100", "#1042"]


@settings(max_examples=500)
@given(st.text(min_size=1, max_size=40))
def test_what_a_user_types_of_a_name_finds_it(name):
    """Any prefix of a stored name, typed back, carries every term of the query,
    unless the query is refused as too short."""
    keys = set(search_keys_for(name=name))
    for size in range(1, len(name) + 1):
        typed = name[:size]
        query = normalize_query(typed)
        if not query or query.startswith("#") or query.isdigit() or query_too_short(typed):
            continue
        # A 1-character number matches that whole number only ("2" is no prefix of "23").
        assert {term for term in search_terms(typed)
                if len(term) > 1 or not term.isdigit()} <= keys


def test_queries_map_to_the_stored_keys():
    assert normalize_query("  José  O'Brien ") == "jose obrien"
    assert normalize_query("#1042") == "#1042"
    assert normalize_query("# 07") == "#7"
    # Ten digits or more name no job (and would overflow a BSON int64 query).
    assert not normalize_query("#" + "9" * 30).startswith("#")
    assert normalize_query("+1 (212) 555-0100") == "2125550100"
    assert normalize_query("555-0100") == "5550100"
    assert normalize_query("0100") == "0100"
    assert normalize_query("12-14 Main") == "12 14 main"
    assert normalize_query("x" * 30) == "x" * 20
    assert normalize_query("   ") == ""


def test_phone_queries_hit_a_stored_key():
    keys = set(search_keys_for(phone="+12125550100"))
    for typed in ("(212) 555-0100", "+1 212 555 0100", "555-0100", "0100", "12125550100"):
        assert normalize_query(typed) in keys


def test_query_terms_are_unique_words():
    assert query_terms("Lee  ann ANN") == ["lee", "ann"]
    assert query_terms("") == []


def test_query_terms_leave_out_one_character_letters_beside_longer_words():
    assert query_terms("J Smith") == ["smith"]
    assert query_terms("client 2") == ["client", "2"] and query_terms("1 main") == ["1", "main"]
    assert query_terms("a b") == ["a", "b"]
    assert query_terms("Élodie-Marie O'Neil") == ["elodie", "marie", "oneil"]


def test_both_word_orders_find_the_same_record():
    keys = set(search_keys_for(name="Ann Lee"))
    for typed in ("ann lee", "Lee Ann", "le an", "LEE"):
        assert set(search_terms(typed)) <= keys
    assert not set(search_terms("ann lex")) <= keys


def test_search_terms_of_numbers_and_phones():
    assert search_terms("#1042") == ["#1042"]
    assert search_terms("(212) 555-0100") == ["2125550100"]
    assert search_terms("12 main") == ["12", "main"]
    assert search_terms("7") == ["7"]
    assert search_terms("  ") == []


@pytest.mark.parametrize("typed", ["J", "j", " é ", "a b", "A  b c", "1 a"])
def test_one_character_words_only_are_too_short(typed):
    assert query_too_short(typed) and query_too_short(typed, job_numbers=True)
    with pytest.raises(ValidationError) as refused:
        require_search_query(typed)
    assert refused.value.message == SHORT_QUERY_MESSAGE == "Type at least 2 letters to search."


@pytest.mark.parametrize("typed", ["", "  ", "jo", "j smith", "#7", "555-0100"])
def test_other_queries_are_not_too_short(typed):
    assert not query_too_short(typed)
    require_search_query(typed)


def test_a_single_digit_is_a_job_number_where_numbers_are_searched():
    assert not query_too_short("7", job_numbers=True)
    assert query_too_short("7")
