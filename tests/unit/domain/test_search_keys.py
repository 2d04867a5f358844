"""Search keys: prefixes of words and whole text, phone tails, and the query key."""

from hypothesis import given, settings
from hypothesis import strategies as st

from iprodash.domain.search_keys import (edge_ngrams, normalize_query, phone_keys, query_terms,
                                         search_keys_for)


def test_prefixes_of_each_word_and_of_the_whole_text():
    assert edge_ngrams("Ann Lee") == ["a", "an", "ann", "l", "le", "lee", "ann l", "ann le",
                                      "ann lee"]


def test_case_accents_and_apostrophes_do_not_matter():
    keys = edge_ngrams("JOSÉ O'Brien")
    assert {"jose", "obrien", "jose obrien"} <= set(keys)
    assert all(key == key.lower() and "é" not in key and "'" not in key for key in keys)


def test_letters_of_every_script_are_kept():
    assert edge_ngrams("Иван") == ["и", "ив", "ива", "иван"]
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
    for expected in ("ann", "ann lee", "lee", "12", "main", "12 main st", "0100", "5550100",
                     "2125550100", "#1042"):
        assert expected in keys
    assert len(keys) == len(set(keys))


@settings(max_examples=500)
@given(st.text(min_size=1, max_size=40))
def test_what_a_user_types_of_a_name_finds_it(name):
    """Any prefix of a stored name, typed back, is one of its keys."""
    keys = set(search_keys_for(name=name))
    for size in range(1, len(name) + 1):
        query = normalize_query(name[:size])
        if query and not query.startswith("#") and not query.isdigit():
            assert query in keys


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
