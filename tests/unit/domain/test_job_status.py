"""The status machine: every allowed move, refused moves, role limits, reasons."""

import itertools

import pytest

from iprodash.domain.errors import PermissionDenied, ValidationError
from iprodash.domain.job_status import (ALL_STATUSES, CANCELED, CLOSED, EN_ROUTE, IN_PROGRESS, NEW,
                                        PENDING_APPROVAL, SCHEDULED, allowed_moves, check_move,
                                        requires_reason, status_label)

ADMIN, USER, TECH, OPERATOR = "company_admin", "user", "technician", "operator"

# The whole machine, written out by hand from DOMAIN.md's diagram, plus issue 13's
# one-step close: the office closes a job from any open status, and issue 16's send back:
# the office returns a job the technician marked done (pending approval -> in progress).
EXPECTED = {
    (NEW, CLOSED): {ADMIN, USER},
    (SCHEDULED, CLOSED): {ADMIN, USER},
    (EN_ROUTE, CLOSED): {ADMIN, USER},
    (IN_PROGRESS, CLOSED): {ADMIN, USER},
    (NEW, SCHEDULED): {ADMIN, USER},
    (SCHEDULED, EN_ROUTE): {ADMIN, USER, TECH},
    (EN_ROUTE, IN_PROGRESS): {ADMIN, USER, TECH},
    (IN_PROGRESS, PENDING_APPROVAL): {ADMIN, USER, TECH},
    (PENDING_APPROVAL, CLOSED): {ADMIN, USER},
    (PENDING_APPROVAL, IN_PROGRESS): {ADMIN, USER},
    (NEW, CANCELED): {ADMIN, USER},
    (SCHEDULED, CANCELED): {ADMIN, USER},
    (EN_ROUTE, CANCELED): {ADMIN, USER},
    (IN_PROGRESS, CANCELED): {ADMIN, USER},
    (PENDING_APPROVAL, CANCELED): {ADMIN, USER},
    (CLOSED, PENDING_APPROVAL): {ADMIN},
    (CANCELED, NEW): {ADMIN, USER},
}
ROLES = (ADMIN, USER, TECH, OPERATOR)


@pytest.mark.parametrize("status", ALL_STATUSES)
@pytest.mark.parametrize("role", ROLES)
def test_allowed_moves_is_exactly_the_table(status, role):
    expected = [target for target in ALL_STATUSES if role in EXPECTED.get((status, target), ())]
    assert allowed_moves(status, role) == expected


@pytest.mark.parametrize("move, roles", EXPECTED.items())
def test_every_allowed_move_passes_for_its_roles_and_only_those(move, roles):
    current, target = move
    for role in ROLES:
        if role in roles:
            check_move(current=current, target=target, role=role, reason="Client asked")
        else:
            with pytest.raises(PermissionDenied):
                check_move(current=current, target=target, role=role, reason="Client asked")


@pytest.mark.parametrize("current, target", [
    pair for pair in itertools.permutations(ALL_STATUSES, 2) if pair not in EXPECTED])
def test_moves_outside_the_diagram_are_refused_for_everyone(current, target):
    for role in ROLES:
        with pytest.raises(ValidationError) as info:
            check_move(current=current, target=target, role=role, reason="because")
        assert info.value.field == "status"


@pytest.mark.parametrize("current, target, message", [
    (IN_PROGRESS, NEW, "A job that is In progress cannot go back to New."),
    (PENDING_APPROVAL, SCHEDULED, "A job that is Pending approval cannot go back to Scheduled."),
    (PENDING_APPROVAL, EN_ROUTE, "A job that is Pending approval cannot go back to En route."),
    (NEW, IN_PROGRESS, "A job that is New cannot jump to In progress. The next step is Scheduled."),
    (NEW, PENDING_APPROVAL,
     "A job that is New cannot jump to Pending approval. The next step is Scheduled."),
    (CLOSED, CANCELED, "A closed job cannot be canceled. Reopen it first."),
    (CLOSED, NEW, "A closed job can only be reopened, which sends it back to Pending approval."),
    (CANCELED, SCHEDULED, "A canceled job can only be restored, which sends it back to New."),
])
def test_refusals_explain_themselves(current, target, message):
    with pytest.raises(ValidationError) as info:
        check_move(current=current, target=target, role=ADMIN, reason="x")
    assert info.value.message == message


def test_same_status_and_unknown_status_are_refused():
    with pytest.raises(ValidationError, match="already In progress"):
        check_move(current=IN_PROGRESS, target=IN_PROGRESS, role=ADMIN, reason=None)
    with pytest.raises(ValidationError, match="not a job status"):
        check_move(current="done", target=CLOSED, role=ADMIN, reason=None)


@pytest.mark.parametrize("current", [NEW, SCHEDULED, EN_ROUTE, IN_PROGRESS, PENDING_APPROVAL])
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_cancel_requires_a_reason(current, reason):
    with pytest.raises(ValidationError, match="reason for canceling") as info:
        check_move(current=current, target=CANCELED, role=USER, reason=reason)
    assert info.value.field == "reason"


def test_reopen_requires_an_admin_and_a_reason():
    with pytest.raises(PermissionDenied, match="Only a company admin can reopen"):
        check_move(current=CLOSED, target=PENDING_APPROVAL, role=USER, reason="Wrong price")
    with pytest.raises(ValidationError, match="reason for reopening"):
        check_move(current=CLOSED, target=PENDING_APPROVAL, role=ADMIN, reason=" ")
    check_move(current=CLOSED, target=PENDING_APPROVAL, role=ADMIN, reason="Wrong price")


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_send_back_requires_a_reason(reason):
    with pytest.raises(ValidationError, match="reason for sending the job back") as info:
        check_move(current=PENDING_APPROVAL, target=IN_PROGRESS, role=USER, reason=reason)
    assert info.value.field == "reason"
    assert requires_reason(PENDING_APPROVAL, IN_PROGRESS)


def test_a_technician_cannot_send_their_own_job_back():
    with pytest.raises(PermissionDenied, match="Technicians can only mark"):
        check_move(current=PENDING_APPROVAL, target=IN_PROGRESS, role=TECH, reason="Oops")


def test_an_overlong_reason_is_refused():
    with pytest.raises(ValidationError, match="under 500 characters"):
        check_move(current=NEW, target=CANCELED, role=ADMIN, reason="x" * 501)


def test_forward_moves_and_restore_need_no_reason():
    check_move(current=NEW, target=SCHEDULED, role=USER, reason=None)
    check_move(current=CANCELED, target=NEW, role=USER, reason=None)
    assert not requires_reason(NEW, SCHEDULED)
    assert requires_reason(SCHEDULED, CANCELED) and requires_reason(CLOSED, PENDING_APPROVAL)


def test_technician_and_operator_refusals_say_why():
    with pytest.raises(PermissionDenied, match="Technicians can only mark"):
        check_move(current=PENDING_APPROVAL, target=CLOSED, role=TECH, reason=None)
    with pytest.raises(PermissionDenied, match="Technicians can only mark"):
        check_move(current=SCHEDULED, target=CANCELED, role=TECH, reason="No time")
    with pytest.raises(PermissionDenied, match="operators cannot change"):
        check_move(current=NEW, target=SCHEDULED, role=OPERATOR, reason=None)


def test_labels():
    assert [status_label(s) for s in ALL_STATUSES] == [
        "New", "Scheduled", "En route", "In progress", "Pending approval", "Closed", "Canceled"]
    assert status_label("mystery") == "mystery"
