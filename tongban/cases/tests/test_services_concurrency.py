"""Two acts on one case at once, each on its own connection: exactly one wins, the other is told of a
conflict (409) and changes nothing. PostgreSQL only (SQLite serializes whole transactions)."""

import pytest
from django.db import connection

from tongban.core.errors import DomainError
from tongban.core.tests.concurrency import run_together

from ..choices import Action, CaseStatus
from ..models import Case, CaseEvent
from ..services import case_act, case_start_online
from .factories import CaseFactory, make_circle

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_two_reviewers_accepting_at_once_one_wins_the_other_gets_a_conflict():
    circle = make_circle()
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)
    first, second = circle.actor(circle.reviewer), circle.actor(circle.reviewer2)

    results = run_together(
        lambda: case_act(case=Case.objects.get(pk=case.pk), action=Action.ACCEPT, by=first),
        lambda: case_act(case=Case.objects.get(pk=case.pk), action=Action.ACCEPT, by=second),
    )

    won = [r for r in results if isinstance(r, Case)]
    lost = [r for r in results if isinstance(r, DomainError)]
    assert (len(won), len(lost)) == (1, 1), results
    assert lost[0].status == 409
    case.refresh_from_db()
    assert (case.status, case.version) == (CaseStatus.ACCEPTED, 2)
    assert CaseEvent.objects.filter(case=case).count() == 1


def test_an_accept_and_a_withdrawal_at_once_exactly_one_happens():
    circle = make_circle()
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)

    results = run_together(
        lambda: case_act(case=case, action=Action.ACCEPT, by=circle.actor(circle.reviewer)),
        lambda: case_act(
            case=case,
            action=Action.REFUSE_ACCEPTANCE,
            by=circle.actor(circle.reviewer2),
            reason="不属于本机关职权",
            detail={"remedies": "可申请行政复议"},
        ),
    )

    assert sum(isinstance(r, Case) for r in results) == 1, results
    assert [r.status for r in results if isinstance(r, DomainError)] == [409]
    assert CaseEvent.objects.filter(case=case).count() == 1


def test_a_retried_submission_with_the_same_key_creates_one_case():
    circle = make_circle()
    by = circle.actor(circle.applicant)

    results = run_together(
        *[
            (lambda: case_start_online(by=by, implementation_version=circle.version, idempotency_key="same"))
            for _ in range(3)
        ]
    )

    assert all(isinstance(r, Case) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert Case.objects.count() == 1
