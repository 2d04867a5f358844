"""Inbound keywords (whole message only), plain-language revocations, SMS segment counting."""

import pytest

from iprodash.domain.sms_keywords import (classify_keyword, exact_keyword, is_revocation,
                                          sms_segments)


@pytest.mark.parametrize("text", [
    "STOP", "stop", "Stop", " stop ", "STOP.", "stop!!!", "¡Stop!", '"STOP"', "STOPALL",
    "stop all", "Stop  All", "UNSUBSCRIBE", "unsubscribe.", "CANCEL", "end", "Quit!", "revoke",
    "OPT OUT", "opt-out", "Opt out.", "\n\tSTOP\n", "\uff33\uff34\uff2f\uff30",  # full-width
])
def test_opt_out_variants(text):
    assert classify_keyword(text) == "opt_out"


@pytest.mark.parametrize("text", ["START", "start", "Yes", "yes!", "UNSTOP", " unstop. "])
def test_opt_in_variants(text):
    assert classify_keyword(text) == "opt_in"


@pytest.mark.parametrize("text", ["HELP", "help?", "Info", "INFO."])
def test_help_variants(text):
    assert classify_keyword(text) == "help"


@pytest.mark.parametrize("text", [
    "stop it now please", "yes please", "stopp", "help me",
    "I want to cancel my appointment", "Thanks!", "", "   ", None, "...", "S T O P",
])
def test_other_messages_are_not_keywords(text):
    assert classify_keyword(text) is None


# The FCC's 2024 rule: consent may be revoked by any reasonable means.
REVOCATIONS = [
    "stop texting me", "Please stop texting me!", "please stop", "Please stop.", "STOP STOP",
    "stop please", "ok stop thanks", "Unsubscribe me", "unsubscribe me please", "remove me",
    "Remove me from your list", "don't text", "Don't text me", "DO NOT TEXT",
    "do not text me again", "dont text this number", "opt out please", "Opt me out",
    "no more texts", "No more texts please", "No more text messages, thank you",
    "can you stop texting me, I already paid", "Who is this? Stop texting me.",
    "I don't want these texts", "take me off your list", "stop sending me messages",
    "hi, please remove my number", "no, stop texting me",
    # Spanish
    "para", "Para.", "PARA por favor", "no me envíes mensajes", "No me envies mensajes",
    "no me manden mensajes por favor", "cancelar", "Cancelar.", "basta", "¡Basta ya!",
    "no más mensajes", "dejen de enviarme mensajes", "quiero darme de baja", "alto",
]
CONVERSATION = [
    "don't stop by until 3", "Please stop by after 5", "please stop at the side door",
    "Can you stop at the store for a part?", "para el martes?", "Para cuando viene el tecnico?",
    "I want to cancel my appointment", "cancelar la cita del martes", "Don't stop texting me "
    "updates, they help", "the door won't stop beeping", "the spring will not stop squeaking",
    "no more than 20 minutes please", "OK thanks", "yes please", "Can you text me the total?",
    "remember to remove the old lock", "Basta con una llave", "No, the back door",
    "",
]


@pytest.mark.parametrize("text", REVOCATIONS)
def test_plain_language_revocations_are_opt_outs(text):
    assert is_revocation(text)
    assert classify_keyword(text) == "opt_out"


@pytest.mark.parametrize("text", CONVERSATION)
def test_ordinary_conversation_is_not_a_revocation(text):
    assert not is_revocation(text)
    assert classify_keyword(text) is None


def test_exact_keywords_are_told_apart_from_revocations():
    assert exact_keyword("STOP") == "opt_out" and exact_keyword("stop texting me") is None
    assert classify_keyword("START") == "opt_in" and classify_keyword("help") == "help"


def test_gsm7_fits_160_in_one_segment_and_161_needs_two():
    assert sms_segments("a" * 160) == ("GSM-7", 160, 1)
    assert sms_segments("a" * 161) == ("GSM-7", 161, 2)
    assert sms_segments("a" * 306) == ("GSM-7", 306, 2)
    assert sms_segments("a" * 307) == ("GSM-7", 307, 3)


def test_extension_characters_count_two():
    assert sms_segments("€") == ("GSM-7", 2, 1)
    assert sms_segments("a" * 158 + "€") == ("GSM-7", 160, 1)
    assert sms_segments("a" * 159 + "€") == ("GSM-7", 161, 2)
    assert sms_segments("{[]}~^|\\") == ("GSM-7", 16, 1)


def test_an_escape_pair_is_never_split_across_segments():
    # 306 septets would fit 2 x 153, but "€" cannot straddle the boundary after 152
    # septets, so it opens segment 2 and the last septet spills into segment 3.
    assert sms_segments("a" * 152 + "€" + "a" * 152) == ("GSM-7", 306, 3)
    assert sms_segments("a" * 151 + "€" + "a" * 153) == ("GSM-7", 306, 2)


def test_an_emoji_switches_to_ucs2_and_counts_two_units():
    assert sms_segments("On my way 😀") == ("UCS-2", 12, 1)
    assert sms_segments("a" * 68 + "😀") == ("UCS-2", 70, 1)
    assert sms_segments("a" * 69 + "😀") == ("UCS-2", 71, 2)


def test_ucs2_limits_are_70_and_67():
    assert sms_segments("ç" * 70) == ("UCS-2", 70, 1)  # lower-case ç is not in GSM-7
    assert sms_segments("ç" * 71) == ("UCS-2", 71, 2)
    assert sms_segments("ç" * 134) == ("UCS-2", 134, 2)
    assert sms_segments("ç" * 135) == ("UCS-2", 135, 3)
    # a surrogate pair is not split either
    assert sms_segments("ç" * 66 + "😀" + "ç" * 66) == ("UCS-2", 134, 3)


def test_gsm7_accented_letters_stay_gsm7():
    assert sms_segments("Café à Müller: ¿Año? ¡Så! £5 ¥ § Øre")[0] == "GSM-7"
    assert sms_segments("¿Dónde?")[0] == "UCS-2"  # ó is not in GSM-7 (ò is)
    assert sms_segments("Crème brûlée")[0] == "UCS-2"  # û is not in GSM-7


def test_empty_message_is_zero_segments():
    assert sms_segments("") == ("GSM-7", 0, 0)
    assert sms_segments(None) == ("GSM-7", 0, 0)
