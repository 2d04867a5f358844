"""Conversations: one per number, unread counts and the read marker, the live
refresh queries, and tenant scoping of thread addresses."""

from __future__ import annotations

import pytest
from bson import ObjectId

from iprodash.domain.errors import NotFound
from iprodash.services import conversations
from iprodash.services.clients import ClientForm, create_client
from iprodash.services.inbound_sms import handle_telnyx_event
from tests.factories import actor_for, make_company, make_user
from tests.integration.messaging.conftest import CLIENT_PHONE, opt_in
from tests.integration.messaging.test_sms_consent_rules import inbound

OTHER_PHONE = "+12125550188"


@pytest.fixture
def user(db, company):
    return actor_for(make_user(db, company=company))


def test_texts_from_one_number_are_one_conversation_with_its_unread_count(db, company, clock,
                                                                           user):
    create_client(db, actor=user, form=ClientForm(name="Maria Lopez", phone=CLIENT_PHONE))
    handle_telnyx_event(db, inbound("e1", "Are you coming today?"), now=clock.now())
    clock.advance(minutes=1)
    handle_telnyx_event(db, inbound("e2", "Hello?"), now=clock.now())
    clock.advance(minutes=1)
    handle_telnyx_event(db, inbound("e3", "Locked out", sender=OTHER_PHONE), now=clock.now())

    rows, has_next = conversations.list_conversations(db, actor=user)
    assert not has_next
    assert [(r["phone"], r["who"], r["last_text"], r["unread"]) for r in rows] == [
        ("(212) 555-0188", "", "Locked out", 1),
        ("(212) 555-0123", "Maria Lopez", "Hello?", 2)]
    assert rows[1]["last_at"] == "2025-03-04 10:01"  # company time (New York)
    assert conversations.unread_conversations(db, actor=user) == 2


def test_opening_a_thread_moves_the_read_marker_and_the_unread_counter(db, company, clock,
                                                                        user):
    handle_telnyx_event(db, inbound("e1", "First"), now=clock.now())
    handle_telnyx_event(db, inbound("e2", "Second"), now=clock.now())
    handle_telnyx_event(db, inbound("e3", "Other", sender=OTHER_PHONE), now=clock.now())
    assert conversations.unread_conversations(db, actor=user) == 2

    conversations.client_thread(db, actor=user, phone="12125550123")
    assert conversations.unread_conversations(db, actor=user) == 1
    rows, _ = conversations.list_conversations(db, actor=user)
    assert {r["thread"]: r["unread"] for r in rows} == {"12125550123": 0, "12125550188": 1}
    stored = db["conversations"].find_one({"company_id": company["_id"], "phone": CLIENT_PHONE})
    assert stored["read_at"] is not None and stored["read_by"] == user.user_id

    # Opening it again changes nothing; a new text makes it unread again.
    conversations.client_thread(db, actor=user, phone="12125550123")
    assert conversations.unread_conversations(db, actor=user) == 1
    handle_telnyx_event(db, inbound("e4", "Third"), now=clock.now())
    assert conversations.unread_conversations(db, actor=user) == 2


def test_a_reply_becomes_the_last_message(db, company, clock, user):
    opt_in(db, company)
    handle_telnyx_event(db, inbound("e1", "Can you come at 3?"), now=clock.now())
    conversations.reply(db, actor=user, phone="12125550123", text="Yes, 3 works.")
    [row], _ = conversations.list_conversations(db, actor=user)
    assert (row["last_text"], row["from_us"]) == ("Yes, 3 works.", True)


def test_conversations_page_by_latest_message(db, company, clock, user):
    for n in range(conversations.PAGE_SIZE + 3):
        handle_telnyx_event(db, inbound(f"e{n}", f"text {n}", sender=f"+1212555{n:04d}"),
                            now=clock.now())
        clock.advance(seconds=1)
    first, has_next = conversations.list_conversations(db, actor=user)
    assert has_next and len(first) == conversations.PAGE_SIZE
    second, has_next = conversations.list_conversations(db, actor=user,
                                                        after=first[-1]["cursor"])
    assert not has_next
    texts = [r["last_text"] for r in first + second]
    assert texts == [f"text {n}" for n in reversed(range(conversations.PAGE_SIZE + 3))]


def test_another_companys_thread_is_refused_and_its_counts_untouched(db, company, clock, user):
    handle_telnyx_event(db, inbound("e1", "hello"), now=clock.now())
    other = actor_for(make_user(db, company=make_company(db, name="Other Co")))
    assert conversations.list_conversations(db, actor=other) == ([], False)
    assert conversations.unread_conversations(db, actor=other) == 0
    with pytest.raises(NotFound):
        conversations.client_thread(db, actor=other, phone="12125550123")
    assert conversations.mark_thread_read(db, actor=other, phone="12125550123") is False
    assert conversations.inbound_since(db, actor=other, phone="12125550123", after_id="") == []
    assert conversations.unread_conversations(db, actor=user) == 1


def test_the_live_refresh_query_returns_only_newer_texts(db, company, clock, user):
    handle_telnyx_event(db, inbound("e1", "one"), now=clock.now())
    [newest] = conversations.inbound_since(db, actor=user, phone="12125550123", after_id="")
    assert conversations.inbound_since(db, actor=user, phone="12125550123",
                                       after_id=newest) == []
    handle_telnyx_event(db, inbound("e2", "two"), now=clock.now())
    handle_telnyx_event(db, inbound("e3", "three", sender=OTHER_PHONE), now=clock.now())
    newer = conversations.inbound_since(db, actor=user, phone="12125550123", after_id=newest)
    assert len(newer) == 1
    assert db["sms_inbound"].find_one({"_id": ObjectId(newer[0])})["text"] == "two"
    # The Messages page's question: has any conversation changed since a moment?
    before = clock.now().isoformat()
    assert conversations.conversations_changed_since(db, actor=user, since=before) == ""
    clock.advance(seconds=5)
    handle_telnyx_event(db, inbound("e4", "four"), now=clock.now())
    assert conversations.conversations_changed_since(db, actor=user, since=before) == \
        clock.now().isoformat()


def test_a_thread_with_a_client_but_no_texts_yet_opens_empty(db, company, user):
    client = create_client(db, actor=user, form=ClientForm(name="Ann Lee", phone=OTHER_PHONE))
    key = conversations.client_thread_key(db, actor=user, client_id=client.id)
    thread = conversations.client_thread(db, actor=user, phone=key)
    assert thread.client_name == "Ann Lee" and thread.messages == []
