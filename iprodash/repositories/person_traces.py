"""Where a company's staff member or technician is stored, for deleting them.

A person leaves traces beyond their own record: sessions, sign-in links and
tokens, the usage log, messages to them, their exports, their name copied
onto job history, payouts, reports, API keys, schedules and tickets, and
the audit entries they made. :class:`PersonTraces` finds and removes or
renames each of them inside one company (the usage log, tokens and sessions
carry no ``company_id``, so they are matched by the person's id and email).
"""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from pymongo.database import Database

from iprodash.repositories.base import MissingTenant, to_object_id, utcnow
from iprodash.repositories import gridfs_files
from iprodash.repositories.event_cache import AUTH_STAMP, bump_stamp

# Fields that copy a person's name next to their id: (collection, id field, name field).
NAME_COPIES = (
    ("settlements", "paid_by", "paid_by_name"),
    ("api_keys", "created_by", "created_by_name"),
    ("report_schedules", "created_by", "created_by_name"),
)


class PersonTraces:
    """One person's traces in one company (fails closed without a company)."""

    def __init__(self, db: Database, company_id: Any):
        if not company_id:
            raise MissingTenant("Deleting a person needs their company.")
        self.db = db
        self.company_id = to_object_id(company_id, "company")

    def _scoped(self, query: dict[str, Any]) -> dict[str, Any]:
        return {**query, "company_id": self.company_id}

    # --- credentials and logs -------------------------------------------------

    def forget_credentials(self, person_id: ObjectId, email: str) -> int:
        """Sessions, sign-in links, one-time tokens and usage entries of the person."""
        by_person = [{"user_id": person_id}] + ([{"email": email}] if email else [])
        deleted = self.db["sessions"].delete_many({"user_id": person_id}).deleted_count
        if deleted:  # every worker's cached sign-ins (services/auth.py) are read again
            bump_stamp(self.db, self.company_id, AUTH_STAMP)
        deleted += self.db["tech_links"].delete_many(
            self._scoped({"technician_id": person_id})).deleted_count
        deleted += self.db["one_time_tokens"].delete_many({"$or": by_person}).deleted_count
        deleted += self.db["usage_log"].delete_many({"$or": by_person}).deleted_count
        return deleted

    def forget_usage_by_phone(self, phone: str) -> int:
        return self.db["usage_log"].delete_many({"phone": phone}).deleted_count if phone else 0

    # --- messages ---------------------------------------------------------------

    def delete_messages(self, recipients: list[str], person_id: ObjectId) -> int:
        """Messages to the person (or about them as a technician) and their sent-box copies."""
        who: list[dict[str, Any]] = [{"technician_id": person_id}]
        if recipients:
            who.append({"to": {"$in": recipients}})
        query = self._scoped({"$or": who})
        ids = [doc["_id"] for doc in self.db["outbox"].find(query, {"_id": 1})]
        sent_who: list[dict[str, Any]] = [{"outbox_id": {"$in": ids}}]
        if recipients:
            sent_who.append({"to": {"$in": recipients}})
        deleted = self.db["outbox"].delete_many(query).deleted_count
        deleted += self.db["sent_box"].delete_many(
            self._scoped({"$or": sent_who})).deleted_count
        return deleted

    def delete_messages_mentioning(self, needles: list[str]) -> int:
        """Messages whose subject or body names the person (e.g. a ticket notice to support)."""
        deleted = 0
        for name in ("outbox", "sent_box"):
            ids = [doc["_id"] for doc in self.db[name].find(
                self._scoped({}), {"subject": 1, "text": 1, "html": 1}, batch_size=1000)
                if any(n in repr((doc.get("subject"), doc.get("text"), doc.get("html"))).lower()
                       for n in needles)]
            if ids:
                deleted += self.db[name].delete_many(
                    self._scoped({"_id": {"$in": ids}})).deleted_count
        return deleted

    def delete_inbound_texts(self, phone: str) -> int:
        if not phone:
            return 0
        return self.db["sms_inbound"].delete_many(self._scoped({"phone": phone})).deleted_count

    # --- files ------------------------------------------------------------------

    def _buckets(self) -> list[str]:
        return sorted(n[: -len(".files")] for n in self.db.list_collection_names()
                      if n.endswith(".files"))

    def delete_files(self, query: dict[str, Any]) -> int:
        """Files of the company (any bucket) whose record matches ``query``."""
        deleted = 0
        for name in self._buckets():
            found = self.db[f"{name}.files"].find(
                {**query, "metadata.company_id": self.company_id}, {"_id": 1})
            ids = [record["_id"] for record in found]
            deleted += gridfs_files.delete_files(self.db, name, ids)
        return deleted

    def rename_file_maker(self, person_id: ObjectId, label: str) -> int:
        renamed = 0
        for name in self._buckets():
            renamed += self.db[f"{name}.files"].update_many(
                {"metadata.company_id": self.company_id, "metadata.made_by": person_id},
                {"$set": {"metadata.made_by_name": label}}).modified_count
        return renamed

    def delete_exports(self, person_id: ObjectId) -> int:
        """Exports the person asked for (the ZIPs too) and exports of their data."""
        query = self._scoped({"$or": [{"requested_by": person_id}, {"subject_id": person_id}]})
        ids = [doc["_id"] for doc in self.db["exports"].find(query, {"_id": 1})]
        if ids:
            self.delete_files({"metadata.export_id": {"$in": ids}})
        return self.db["exports"].delete_many(query).deleted_count

    # --- copies of the name -------------------------------------------------------

    def rename_in_jobs(self, person_id: ObjectId, name: str, label: str) -> int:
        """Job history entries the person made, and their notes, show ``label``.

        Technician notes carry only the author's name, so they are matched by
        name on the jobs the person worked on.
        """
        renamed = 0
        query = self._scoped({"$or": [{"status_history.by_id": person_id},
                                      {"technician_id": person_id}]})
        for job in list(self.db["jobs"].find(query, {"status_history": 1, "tech_notes": 1})):
            history = [{**h, "by_name": label} if h.get("by_id") == person_id else h
                       for h in job.get("status_history") or []]
            notes = [{**n, "by_name": label} if n.get("by_name") == name else n
                     for n in job.get("tech_notes") or []]
            renamed += self.db["jobs"].update_one(
                {"_id": job["_id"], "company_id": self.company_id},
                {"$set": {"status_history": history, "tech_notes": notes}}).modified_count
        return renamed

    def rename_copies(self, person_id: ObjectId, label: str) -> int:
        renamed = 0
        for collection, id_field, name_field in NAME_COPIES:
            renamed += self.db[collection].update_many(
                self._scoped({id_field: person_id}), {"$set": {name_field: label}}).modified_count
        renamed += self.db["companies"].update_many(
            {"_id": self.company_id, "deletion.requested_by": person_id},
            {"$set": {"deletion.requested_by_name": label}}).modified_count
        return renamed

    def delete_schedules_to(self, email: str) -> int:
        """Scheduled reports mailed to the person's address."""
        if not email:
            return 0
        return self.db["report_schedules"].delete_many(
            self._scoped({"email": email})).deleted_count

    def anonymize_tickets(self, person_id: ObjectId, name: str, label: str) -> int:
        """Tickets the person opened keep their thread, under ``label``."""
        changed = 0
        for ticket in list(self.db["support_tickets"].find(self._scoped({"opened_by": person_id}),
                                                           {"messages": 1})):
            messages = [{**m, "author_name": label}
                        if m.get("side") == "company" and m.get("author_name") == name else m
                        for m in ticket.get("messages", [])]
            changed += self.db["support_tickets"].update_one(
                {"_id": ticket["_id"], "company_id": self.company_id},
                {"$set": {"opener_name": label, "opener_email": "",
                          "messages": messages}}).modified_count
        return changed

    def replace_company_contact(self, email: str, new_email: str) -> bool:
        """The company's notice address moves to ``new_email`` when it was the person's."""
        if not email:
            return False
        return bool(self.db["companies"].update_one(
            {"_id": self.company_id, "admin_email": email},
            {"$set": {"admin_email": new_email, "updated_at": utcnow()}}).modified_count)

    # --- audit ----------------------------------------------------------------------

    def name_audit_actor(self, person_id: ObjectId, label: str) -> list[int]:
        """Entries the person made name them by ``label`` (and their id); no address stays.

        They are marked redacted (their stored hash no longer covers the new
        name), so the caller must record the voucher for the returned seqs.
        """
        query = self._scoped({"actor_id": person_id})
        seqs = [e["seq"] for e in self.db["audit_log"].find(query, {"seq": 1})]
        if seqs:
            self.db["audit_log"].update_many(query, {"$set": {
                "actor_name": label, "ip": "", "redacted": {"at": utcnow()}}})
        return sorted(seqs)

    # --- the person's own record ---------------------------------------------------

    def leave_former_user(self, user: dict, label: str, number: int) -> None:
        """Replace a user with a record holding no personal data.

        The email becomes a placeholder no one can sign in with (the unique
        email index needs one per account).
        """
        self.db["users"].replace_one({"_id": user["_id"], "company_id": self.company_id}, {
            "_id": user["_id"], "company_id": self.company_id, "name": label,
            "email": f"former-user-{user['_id']}", "role": user.get("role"),
            "status": "deleted", "former_number": number, "view_financials": False,
            "created_at": user.get("created_at"), "deleted_at": utcnow()})
        bump_stamp(self.db, self.company_id, AUTH_STAMP)  # cached sign-ins (services/auth.py)

    def leave_former_technician(self, technician: dict, label: str, number: int) -> None:
        """Replace a technician with a nameless, inactive record (jobs and payouts point at it)."""
        self.db["technicians"].replace_one(
            {"_id": technician["_id"], "company_id": self.company_id}, {
                "_id": technician["_id"], "company_id": self.company_id, "name": label,
                "nickname": "", "phone": "", "phone_digits": "", "email": "",
                "commission_bp": technician.get("commission_bp", 0),
                "job_fee_cents": technician.get("job_fee_cents", 0),
                "color": technician.get("color"), "active": False, "deleted": True,
                "former_number": number, "created_at": technician.get("created_at"),
                "deleted_at": utcnow()})
        bump_stamp(self.db, self.company_id)  # cached rosters (event_cache) reload


class FormerPeopleLookup:
    """Platform-wide: the operator finds a person to delete by their email."""

    def __init__(self, db: Database):
        self.db = db

    def user_by_email(self, email: str) -> dict | None:
        return self.db["users"].find_one({"email": email, "status": {"$ne": "deleted"}})

    def technicians_by_email(self, email: str, limit: int = 20) -> list[dict]:
        return list(self.db["technicians"].find({"email": email, "deleted": {"$ne": True}})
                    .limit(limit))
