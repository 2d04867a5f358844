"""Policy versions: which is in force, who accepted which, publishing a new one.

The texts live in ``iprodash/policies``. The version in force of each policy
is the latest the operator published (``policy_versions``), or the file's
own version when none was published. Sign-up records the versions the
admin accepted on the company and the admin. Publishing a new version
emails every company admin; an admin who has not accepted the version in
force of a published policy is asked to, on a blocking page, at the next
sign-in (:func:`pending_acceptance`, :func:`accept_policies`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from iprodash.domain.errors import Conflict, ValidationError
from iprodash.policies import DPA, KINDS, PRIVACY, TERMS, policy_text
from iprodash.repositories.base import to_object_id, utcnow
from iprodash.repositories.companies import CompanyRepository
from iprodash.repositories.policy_versions import PolicyVersionRepository
from iprodash.repositories.users import AccountLookup
from iprodash.services import audit
from iprodash.services.actor import (COMPANY_ADMIN, OPERATOR, Actor, require_company_actor,
                                     require_role)
from iprodash.services.notifications import app_link, enqueue_email

PAGE_SIZE = 20
# Where sign-up and the company record keep the version of each policy.
COMPANY_FIELDS = {TERMS: "terms_version", PRIVACY: "privacy_version", DPA: "dpa_version"}
PATHS = {TERMS: "/terms", PRIVACY: "/privacy", DPA: "/data-processing"}
_MAX_VERSION, _MAX_SUMMARY = 20, 600


@dataclass(frozen=True)
class VersionInForce:
    kind: str
    title: str
    version: str
    date: str  # ISO date the version took effect
    published: bool  # False: the file's own version, never published

    def as_dict(self) -> dict:
        return asdict(self)


def _in_force(kind: str, latest: dict | None) -> VersionInForce:
    text = policy_text(kind)
    if latest is None:
        return VersionInForce(kind, text.title, text.version, text.date, False)
    return VersionInForce(kind, text.title, latest["version"], latest["effective_date"], True)


def version_in_force(db: Database, kind: str) -> VersionInForce:
    """The version of ``kind`` customers are bound by now."""
    return _in_force(kind, PolicyVersionRepository(db).latest(kind))


def versions_in_force(db: Database) -> dict[str, VersionInForce]:
    """Every policy's version in force (one query)."""
    latest = PolicyVersionRepository(db).latest_by_kind()
    return {kind: _in_force(kind, latest.get(kind)) for kind in KINDS}


def signup_acceptance(db: Database, *, now: datetime) -> tuple[dict, dict]:
    """What sign-up stores: the company's version fields and the admin's acceptances."""
    versions = versions_in_force(db)
    company = {COMPANY_FIELDS[k]: v.version for k, v in versions.items()}
    user = {"policies_accepted": {k: {"version": v.version, "at": now}
                                  for k, v in versions.items()}}
    return company, user


def pending_acceptance(db: Database, *, actor: Actor) -> list[VersionInForce]:
    """Published versions a company admin has not accepted yet (none for other roles)."""
    if actor.role != COMPANY_ADMIN:
        return []
    user = AccountLookup(db).by_id(actor.user_id) or {}
    accepted = user.get("policies_accepted") or {}
    return [v for v in versions_in_force(db).values()
            if v.published and (accepted.get(v.kind) or {}).get("version") != v.version]


def accept_policies(db: Database, *, actor: Actor, versions: dict[str, str]) -> list[str]:
    """Record that a company admin accepts the versions in force (with the time).

    Args:
        versions: kind -> the version the page showed; a version published
            meanwhile is refused, so nobody accepts a text they did not see.

    Returns:
        The kinds accepted.

    Raises:
        ValidationError: nothing to accept, or the page showed an older version.
    """
    actor = require_company_actor(actor, COMPANY_ADMIN)
    pending = pending_acceptance(db, actor=actor)
    if not pending:
        raise ValidationError("There is nothing new to accept.")
    stale = [v.title for v in pending if versions.get(v.kind) != v.version]
    if stale:
        raise ValidationError(f"A newer version of the {', '.join(stale)} was published "
                              "meanwhile. Reload the page and read it first.")
    now = utcnow()
    user = AccountLookup(db).by_id(actor.user_id) or {}
    accepted = dict(user.get("policies_accepted") or {})
    accepted.update({v.kind: {"version": v.version, "at": now} for v in pending})
    AccountLookup(db).update(actor.user_id, {"policies_accepted": accepted})
    CompanyRepository(db).update(actor.company_id, {
        **{COMPANY_FIELDS[v.kind]: v.version for v in pending}, "terms_accepted_at": now})
    audit.record(db, actor=actor, action="policy.accepted", target_type="user",
                 target_id=actor.user_id, after={v.kind: v.version for v in pending})
    return [v.kind for v in pending]


def publish_version(db: Database, *, actor: Actor, kind: str, version: str,
                    summary: str) -> int:
    """Publish a new version of a policy (operator) and email every company admin.

    Returns:
        How many admins were emailed.

    Raises:
        ValidationError: an unknown policy, an empty or too long version or summary.
        Conflict: that version of the policy already exists.
    """
    actor = require_role(actor, OPERATOR)
    if kind not in KINDS:
        raise ValidationError("Choose the policy to publish.", field="kind")
    version = " ".join((version or "").split())
    summary = (summary or "").strip()
    if not version or len(version) > _MAX_VERSION:
        raise ValidationError(f"Give the new version a number of at most {_MAX_VERSION} "
                              "characters, for example 1.1.", field="version")
    if not summary or len(summary) > _MAX_SUMMARY:
        raise ValidationError(f"Say in at most {_MAX_SUMMARY} characters what changed; "
                              "admins read it in the email.", field="summary")
    current = version_in_force(db, kind)
    repo = PolicyVersionRepository(db)
    if version == current.version or repo.exists(kind, version):
        raise Conflict(f"Version {version} of the {current.title} already exists; "
                       "give the new one another number.")
    text = policy_text(kind)
    effective = utcnow().date().isoformat()
    try:
        version_id = repo.insert({"kind": kind, "version": version, "effective_date": effective,
                                  "summary": summary, "published_by": actor.user_id,
                                  "previous_version": current.version})
    except DuplicateKeyError as exc:
        raise Conflict(f"Version {version} of the {text.title} already exists.") from exc
    admins = repo.company_admins()
    for admin in admins:
        enqueue_email(db, company_id=admin["company_id"], to=admin["email"],
                      kind="policy_updated", idempotency_key=f"policy:{version_id}:{admin['_id']}",
                      name=admin.get("name") or "there", company=admin["company_name"],
                      policy=text.title, version=version, summary=summary,
                      link=app_link(PATHS[kind]))
    audit.record(db, actor=actor, action="policy.published", target_type="policy",
                 target_id=version_id, company_id=None,
                 after={"kind": kind, "version": version, "admins_emailed": len(admins)})
    return len(admins)


def published_versions(db: Database, *, actor: Actor, before: str = "") -> list[dict]:
    """A page of published versions, newest first (operator)."""
    require_role(actor, OPERATOR)
    cursor = to_object_id(before, "version") if before else None
    rows = PolicyVersionRepository(db).page(before=cursor, limit=PAGE_SIZE)
    return [{"id": str(r["_id"]), "policy": policy_text(r["kind"]).title,
             "version": r["version"], "effective": r["effective_date"],
             "previous": r.get("previous_version", ""), "summary": r["summary"]}
            for r in rows]
