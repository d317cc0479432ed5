"""Two POSTs of one action on one case at once, each on its own connection: one 200, one 409.
PostgreSQL only (SQLite serializes whole transactions)."""

import pytest
from django.db import connection
from django.test import Client

from tongban.core.tests.concurrency import run_together

from ..choices import CaseStatus
from ..models import Case, CaseEvent
from .factories import CaseFactory, make_circle

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_two_reviewers_posting_accept_at_once_get_one_200_and_one_409():
    circle = make_circle()
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)
    clients = []
    for user in (circle.reviewer, circle.reviewer2):
        client = Client()
        client.force_login(user)
        clients.append(client)
    url = f"/api/v1/cases/{case.number}/actions/accept"

    answers = run_together(
        *(lambda c=c: c.post(url, {"expected_version": 1}, content_type="application/json") for c in clients)
    )

    assert sorted(a.status_code for a in answers) == [200, 409]
    case.refresh_from_db()
    assert (case.status, case.version) == (CaseStatus.ACCEPTED, 2)
    assert CaseEvent.objects.filter(case=case).count() == 1
    assert Case.objects.count() == 1
