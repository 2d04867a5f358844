"""The job status machine of DOMAIN.md, and who may make each move.

The diagram is followed literally:

* forward moves go one step at a time: new -> scheduled -> en_route ->
  in_progress -> pending_approval -> closed, except that the office may close
  a job from any open status in one step (a locksmith who did the job on the
  call does not click through four statuses); the status history records the
  jump (from, to, who, when) like any other move;
* cancel from any status that is not closed or canceled, with a reason;
* reopen closed -> pending_approval: company admin only, with a reason;
* send back pending_approval -> in_progress: office staff, with a reason the
  technician reads on the phone (the office did not accept the work yet);
* restore canceled -> new: company admin or office user.

Office staff (company admin, user) make every forward move and cancel. A
technician may only do scheduled -> en_route -> in_progress ->
pending_approval on their own jobs (the service checks "own"). Operators
never touch a company's jobs.
"""

from __future__ import annotations

from iprodash.domain.errors import PermissionDenied, ValidationError

NEW, SCHEDULED, EN_ROUTE = "new", "scheduled", "en_route"
IN_PROGRESS, PENDING_APPROVAL = "in_progress", "pending_approval"
CLOSED, CANCELED = "closed", "canceled"
ALL_STATUSES = (NEW, SCHEDULED, EN_ROUTE, IN_PROGRESS, PENDING_APPROVAL, CLOSED, CANCELED)
OPEN_STATUSES = (NEW, SCHEDULED, EN_ROUTE, IN_PROGRESS, PENDING_APPROVAL)
STATUS_LABELS = {
    NEW: "New", SCHEDULED: "Scheduled", EN_ROUTE: "En route", IN_PROGRESS: "In progress",
    PENDING_APPROVAL: "Pending approval", CLOSED: "Closed", CANCELED: "Canceled",
}

OPERATOR, COMPANY_ADMIN, USER, TECHNICIAN = "operator", "company_admin", "user", "technician"
ROLES = (OPERATOR, COMPANY_ADMIN, USER, TECHNICIAN)
OFFICE_ROLES = (COMPANY_ADMIN, USER)
REASON_MAX = 500

_NEXT = dict(zip(OPEN_STATUSES, OPEN_STATUSES[1:] + (CLOSED,)))
_TECHNICIAN_MOVES = {(SCHEDULED, EN_ROUTE), (EN_ROUTE, IN_PROGRESS),
                     (IN_PROGRESS, PENDING_APPROVAL)}


def _roles_for(current: str, target: str) -> tuple[str, ...]:
    """Roles allowed to make a move; empty when the machine has no such move."""
    if target in (CANCELED, CLOSED) and current in OPEN_STATUSES:
        return OFFICE_ROLES
    if (current, target) == (CLOSED, PENDING_APPROVAL):
        return (COMPANY_ADMIN,)
    if (current, target) in ((CANCELED, NEW), (PENDING_APPROVAL, IN_PROGRESS)):
        return OFFICE_ROLES
    if _NEXT.get(current) == target:
        return OFFICE_ROLES + ((TECHNICIAN,) if (current, target) in _TECHNICIAN_MOVES else ())
    return ()


# What a technician's button says: the action they take, not the next status's name.
TECHNICIAN_ACTIONS = {EN_ROUTE: "On my way", IN_PROGRESS: "Start job",
                      PENDING_APPROVAL: "Job done"}


def status_label(status: str) -> str:
    """"in_progress" -> "In progress"; an unknown value is returned as is."""
    return STATUS_LABELS.get(status, status)


def is_send_back(current: str, target: str) -> bool:
    """Whether the move sends a job the technician marked done back to them."""
    return (current, target) == (PENDING_APPROVAL, IN_PROGRESS)


def requires_reason(current: str, target: str) -> bool:
    """Whether the move needs a written reason (cancel, reopen and send back do)."""
    return (target == CANCELED or (current, target) == (CLOSED, PENDING_APPROVAL)
            or is_send_back(current, target))


def allowed_moves(status: str, role: str) -> list[str]:
    """The statuses ``role`` may move a job in ``status`` to, in display order."""
    return [target for target in ALL_STATUSES if role in _roles_for(status, target)]


def _why_impossible(current: str, target: str) -> str:
    now, then = STATUS_LABELS[current], STATUS_LABELS[target]
    if current == CLOSED:
        if target == CANCELED:
            return "A closed job cannot be canceled. Reopen it first."
        return "A closed job can only be reopened, which sends it back to Pending approval."
    if current == CANCELED:
        return "A canceled job can only be restored, which sends it back to New."
    if ALL_STATUSES.index(target) < ALL_STATUSES.index(current):
        return f"A job that is {now} cannot go back to {then}."
    return (f"A job that is {now} cannot jump to {then}. "
            f"The next step is {STATUS_LABELS[_NEXT[current]]}.")


def _why_denied(current: str, target: str, role: str) -> str:
    if role == OPERATOR:
        return "Platform operators cannot change a company's jobs."
    if (current, target) == (CLOSED, PENDING_APPROVAL):
        return "Only a company admin can reopen a closed job."
    if role == TECHNICIAN:
        return ("Technicians can only mark a job En route, In progress or done "
                "(Pending approval). Ask the office for anything else.")
    return "Your role does not allow this status change."


def check_move(*, current: str, target: str, role: str, reason: str | None = None) -> None:
    """Check that ``role`` may move a job from ``current`` to ``target``.

    Args:
        current: The job's status now.
        target: The status asked for.
        role: The caller's role (operator, company_admin, user, technician).
        reason: Why; required to cancel or reopen.

    Raises:
        ValidationError: unknown status, no such move, or a missing or
            overlong reason (``field="reason"``).
        PermissionDenied: the move exists but ``role`` may not make it.
    """
    for status in (current, target):
        if status not in STATUS_LABELS:
            raise ValidationError(f"\"{status}\" is not a job status.", field="status")
    if current == target:
        raise ValidationError(f"The job is already {STATUS_LABELS[current]}.", field="status")
    roles = _roles_for(current, target)
    if not roles:
        raise ValidationError(_why_impossible(current, target), field="status")
    if role not in roles:
        raise PermissionDenied(_why_denied(current, target, role))
    if requires_reason(current, target):
        text = (reason or "").strip()
        verb = ("canceling" if target == CANCELED else
                "sending the job back to the technician" if is_send_back(current, target)
                else "reopening")
        if not text:
            raise ValidationError(f"Give a reason for {verb} the job.", field="reason")
        if len(text) > REASON_MAX:
            raise ValidationError(f"Keep the reason under {REASON_MAX} characters.",
                                  field="reason")
