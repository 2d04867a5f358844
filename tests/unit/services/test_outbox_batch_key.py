"""The idempotency key of a Resend batch depends on its members only."""

from bson import ObjectId

from iprodash.services.outbox_dispatch import batch_key


def test_same_members_in_any_order_give_the_same_key():
    ids = [ObjectId() for _ in range(5)]
    assert batch_key(ids) == batch_key(list(reversed(ids))) == batch_key([str(i) for i in ids])
    assert batch_key(ids).startswith("batch:") and len(batch_key(ids)) <= 256


def test_other_members_give_another_key():
    ids = [ObjectId() for _ in range(3)]
    assert batch_key(ids) != batch_key(ids[:2])
    assert batch_key(ids) != batch_key([*ids, ObjectId()])
