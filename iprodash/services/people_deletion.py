"""Deleting one person: a staff user or a technician.

Their personal data goes (name, email, phone, password hash, sessions,
sign-in links and tokens, usage log, messages to them, their consent
record, their exports); their jobs, payouts and settlements stay for the
books and show "Former technician 3" or "Former user 2", a number counted
per company that never changes. Audit entries they made name them by that
label and their id; entries whose content held their name, email or phone
lose that content, and a ``privacy.redacted`` entry vouches for both.

Who may: a company admin (anyone in the company but the last active
admin), the person themself (password re-entered; not the last admin), and
the operator at once by email (e.g. a child's data the policy deletes
immediately).
"""

from __future__ import annotations

from dataclasses import dataclass

from pymongo.database import Database

from iprodash.domain.errors import Conflict, NotFound, ValidationError
from iprodash.domain.phones import display_phone, phone_digits
from iprodash.domain.validation import validate_email
from iprodash.domain.words import pluralize
from iprodash.repositories.base import to_object_id
from iprodash.repositories.company_data import CompanyData
from iprodash.repositories.counters import CounterRepository
from iprodash.repositories.email_suppressions import EmailSuppressionRepository
from iprodash.repositories.person_traces import FormerPeopleLookup, PersonTraces
from iprodash.repositories.technicians import TechnicianRepository
from iprodash.repositories.users import AccountLookup, UserRepository
from iprodash.services import audit
from iprodash.services.actor import (COMPANY_ADMIN, OPERATOR, USER, Actor,
                                     require_company_actor, require_role)
from iprodash.services.erasure_ledger import record_erasure, register_replayer
from iprodash.services.passwords import check_password
from iprodash.services.privacy_deletion import record_redaction
from iprodash.services.sms_optouts import erase_number_consent

FORMER_USER = "Former user {n}"
FORMER_TECHNICIAN = "Former technician {n}"
_MIN_NEEDLE = 4
LAST_ADMIN = ("The company needs at least one active admin. Make someone else an admin "
              "before deleting this account.")


@dataclass(frozen=True)
class Person:
    """What identifies the person being deleted."""

    id: object
    company_id: object
    kind: str  # "user" or "technician"
    name: str
    email: str
    phone: str
    nickname: str = ""

    def needles(self) -> list[str]:
        values = [self.name, self.email, self.nickname]
        if self.phone:
            digits = phone_digits(self.phone)
            values += [self.phone, digits, digits[-10:], display_phone(self.phone)]
        return sorted({v.strip().lower() for v in values if v and len(v.strip()) >= _MIN_NEEDLE})


USER_DELETED, TECHNICIAN_DELETED = "user_deleted", "technician_deleted"


def _forget(db: Database, person: Person, *, actor: Actor | None, ledger: bool = True) -> str:
    """Remove every trace of ``person``; returns their "Former ..." label.

    The erasure ledger records it first (ids only), so restoring an older
    backup deletes them again (:func:`_replay_deletion`).
    """
    if ledger:
        record_erasure(db, kind=USER_DELETED if person.kind == "user" else TECHNICIAN_DELETED,
                       company_id=person.company_id, record_id=person.id)
    traces = PersonTraces(db, person.company_id)
    data = CompanyData(db, person.company_id)
    counter = "former_users" if person.kind == "user" else "former_technicians"
    number = CounterRepository(db, person.company_id).next_value(counter)
    label = (FORMER_USER if person.kind == "user" else FORMER_TECHNICIAN).format(n=number)
    oid = person.id
    traces.forget_credentials(oid, person.email)
    traces.forget_usage_by_phone(person.phone)
    traces.delete_messages([v for v in (person.email, person.phone) if v], oid)
    traces.delete_inbound_texts(person.phone)
    if person.phone:
        erase_number_consent(db, company_id=person.company_id, phone=person.phone)
    EmailSuppressionRepository(db).forget_plain(person.email)
    traces.delete_exports(oid)
    traces.delete_files({"metadata.params.technician_id": str(oid)})  # their statements
    traces.rename_file_maker(oid, label)
    traces.rename_in_jobs(oid, person.name, label)
    traces.rename_copies(oid, label)
    traces.delete_schedules_to(person.email)
    traces.anonymize_tickets(oid, person.name, label)
    traces.delete_messages_mentioning(person.needles())
    about = data.audit_entries_mentioning(person.needles(), {str(oid)})
    redacted = data.redact_audit(about, keep_actor=True)
    renamed = traces.name_audit_actor(oid, label)
    record_redaction(db, company_id=person.company_id, seqs=sorted(set(renamed + redacted)),
                     reason=f"{person.kind} deleted")
    if person.kind == "user":
        user = AccountLookup(db).by_id(oid)
        _move_company_contact(db, traces, person)
        traces.leave_former_user(user, label, number)
    else:
        technician = TechnicianRepository(db, person.company_id).get(oid, "technician")
        traces.leave_former_technician(technician, label, number)
    audit.record(db, actor=actor, action=f"{person.kind}.deleted", target_type=person.kind,
                 target_id=oid, company_id=person.company_id, after={"shown_as": label})
    return label


def _replay_deletion(db: Database, entry: dict) -> None:
    """Restore: delete again a person the ledger says was deleted after the backup."""
    oid = to_object_id(entry["record_id"], "person")
    if entry["kind"] == USER_DELETED:
        user = AccountLookup(db).by_id(oid)
        if user is not None and user.get("status") != "deleted":
            _forget(db, _user_person(user), actor=None, ledger=False)
        return
    tech = db["technicians"].find_one({"_id": oid, "company_id": entry["company_id"]})
    if tech is not None and not tech.get("deleted"):
        _forget(db, _technician_person(tech), actor=None, ledger=False)


register_replayer(USER_DELETED, _replay_deletion)
register_replayer(TECHNICIAN_DELETED, _replay_deletion)


def _move_company_contact(db: Database, traces: PersonTraces, person: Person) -> None:
    others = [u for u in UserRepository(db, person.company_id).find(
        {"role": COMPANY_ADMIN, "status": "active", "_id": {"$ne": person.id}},
        projection={"email": 1}).limit(1)]
    if others:
        traces.replace_company_contact(person.email, others[0]["email"])


def _user_person(user: dict) -> Person:
    return Person(id=user["_id"], company_id=user["company_id"], kind="user",
                  name=user.get("name", ""), email=user.get("email", ""),
                  phone=user.get("phone") or "")


def _technician_person(tech: dict) -> Person:
    return Person(id=tech["_id"], company_id=tech["company_id"], kind="technician",
                  name=tech.get("name", ""), email=tech.get("email") or "",
                  phone=tech.get("phone") or "", nickname=tech.get("nickname") or "")


def _guard_last_admin(db: Database, user: dict) -> None:
    if user.get("role") == COMPANY_ADMIN and user.get("status") == "active" and \
            UserRepository(db, user["company_id"]).count_active_admins() <= 1:
        raise Conflict(LAST_ADMIN)


def _live_user(db: Database, company_id, user_id: str) -> dict:
    user = UserRepository(db, company_id).get(user_id, "user")
    if user.get("status") == "deleted":
        raise NotFound("That person was already deleted.")
    return user


def delete_user(db: Database, *, actor: Actor, user_id: str) -> str:
    """A company admin deletes a staff member of their company; returns the label left.

    Deleting stays possible on a read-only plan (a privacy right).
    """
    actor = require_company_actor(actor, COMPANY_ADMIN)
    user = _live_user(db, actor.company_id, user_id)
    if user["_id"] == actor.user_id:
        raise Conflict("To delete your own account, use My profile.")
    _guard_last_admin(db, user)
    return _forget(db, _user_person(user), actor=actor)


def delete_my_account(db: Database, *, actor: Actor, password: str) -> str:
    """The caller deletes their own account after re-entering their password."""
    actor = require_company_actor(actor, COMPANY_ADMIN, USER)
    user = _live_user(db, actor.company_id, str(actor.user_id))
    if not check_password(password or "", user.get("password_hash")):
        raise ValidationError("Your password is not right.", field="password")
    _guard_last_admin(db, user)
    # The actor is the person themself: the entry is written after they are gone,
    # so it names no one.
    return _forget(db, _user_person(user), actor=None)


def delete_technician(db: Database, *, actor: Actor, technician_id: str) -> str:
    """A company admin deletes a technician; returns the label their jobs now show."""
    actor = require_company_actor(actor, COMPANY_ADMIN)
    tech = TechnicianRepository(db, actor.company_id).get(technician_id, "technician")
    if tech.get("deleted"):
        raise NotFound("That technician was already deleted.")
    return _forget(db, _technician_person(tech), actor=actor)


@dataclass(frozen=True)
class OperatorDeletion:
    """What the operator's "delete a person" found and deleted, as a sentence."""

    message: str
    deleted: int


def operator_delete_person(db: Database, *, actor: Actor, email: str) -> OperatorDeletion:
    """The operator deletes at once every account and technician record with ``email``.

    A company's last admin is deleted too (the operator acts on a request
    that cannot wait); the company then has no admin until the operator
    invites one, which the sentence says.
    """
    actor = require_role(actor, OPERATOR)
    email = validate_email(email)
    lookup = FormerPeopleLookup(db)
    labels: list[str] = []
    user = lookup.user_by_email(email)
    if user is not None and user.get("role") == OPERATOR:
        raise Conflict("That is an operator account; remove it with the command line.")
    if user is not None:
        labels.append(_forget(db, _user_person(user), actor=None))
    for tech in lookup.technicians_by_email(email):
        labels.append(_forget(db, _technician_person(tech), actor=None))
    if not labels:
        raise NotFound(f"No account or technician uses {email}.")
    audit.record(db, actor=actor, action="person.deleted_by_operator", target_type="person",
                 target_id=None, after={"records": len(labels)})
    return OperatorDeletion(message=f"Deleted {pluralize(len(labels), 'record')}; shown now as "
                            f"{', '.join(labels)}.", deleted=len(labels))
