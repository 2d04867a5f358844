"""Tenant repositories fail closed."""

import pytest
from bson import ObjectId

from iprodash.domain.errors import NotFound
from iprodash.repositories.base import MissingTenant
from iprodash.repositories.users import UserRepository
from tests.factories import make_company, make_user


def test_repository_without_company_raises(db):
    for missing in (None, ""):
        with pytest.raises(MissingTenant):
            UserRepository(db, missing)


def test_filter_naming_another_company_raises(db):
    mine, other = make_company(db), make_company(db)
    repo = UserRepository(db, mine["_id"])
    with pytest.raises(MissingTenant):
        repo.find_one({"company_id": other["_id"]})


def test_reads_only_own_company(db):
    mine, other = make_company(db), make_company(db)
    make_user(db, company=mine)
    theirs = make_user(db, company=other)
    repo = UserRepository(db, mine["_id"])
    assert repo.count() == 1
    with pytest.raises(NotFound):
        repo.get(theirs["_id"], "user")
    with pytest.raises(NotFound):
        repo.get("not-an-id", "user")


def test_update_cannot_move_record_to_other_company(db):
    mine, other = make_company(db), make_company(db)
    user = make_user(db, company=mine)
    repo = UserRepository(db, mine["_id"])
    with pytest.raises(MissingTenant):
        repo.update_one({"_id": user["_id"]}, {"$set": {"company_id": other["_id"]}})


def test_insert_stamps_company(db):
    mine = make_company(db)
    repo = UserRepository(db, mine["_id"])
    new_id = repo.insert({"name": "x", "email": "x@example.test", "company_id": ObjectId()})
    assert db["users"].find_one({"_id": new_id})["company_id"] == mine["_id"]
