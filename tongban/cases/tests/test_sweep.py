"""The periodic sweep: lights by date, owners told, red cases escalated, deemed acceptance, identity codes
pruned, provisional deadlines recomputed when a year is entered; each part idempotent."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tongban.core import calendar
from tongban.identity.choices import Role
from tongban.identity.models import IdentityCode
from tongban.identity.tests.factories import PersonFactory, StaffRoleFactory
from tongban.notifications.models import Notification

from .. import deadlines
from ..choices import CaseStatus
from ..models import Case, Light
from ..services import case_clock
from ..sweep import lights_refresh, red_escalation_ids, sweep_run
from .factories import CaseFactory, make_circle

pytestmark = pytest.mark.django_db


@pytest.fixture
def circle():
    return make_circle()


def running_case(circle, **kwargs) -> tuple[Case, deadlines.LightDates]:
    """An accepted case whose clock started today, with its light dates stored as the engine stores them."""
    case = CaseFactory.for_circle(circle, status=CaseStatus.ACCEPTED, owner=circle.reviewer, **kwargs)
    dates = deadlines.light_dates(case_clock(case))
    Case.objects.filter(pk=case.pk).update(light=Light.GREEN, yellow_on=dates.yellow_on, red_on=dates.red_on)
    return Case.objects.get(pk=case.pk), dates


def notified(kind: str) -> list[int]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


def test_a_case_turning_yellow_tells_its_owner_once(circle):
    case, dates = running_case(circle)

    first = lights_refresh(today=dates.yellow_on)
    again = lights_refresh(today=dates.yellow_on)

    assert Case.objects.get(pk=case.pk).light == Light.YELLOW
    assert (first["yellow"], again["cases"]) == (1, 0)
    assert notified("case.light_yellow") == [circle.reviewer.pk]
    note = Notification.objects.get(kind="case.light_yellow")
    assert note.link == f"/workbench/cases/{case.number}/"
    assert note.title.endswith("亮黄牌")


def test_a_case_not_yet_at_its_yellow_day_is_left_alone(circle):
    case, dates = running_case(circle)

    counts = lights_refresh(today=dates.yellow_on - dt.timedelta(days=1))

    assert counts["cases"] == 0
    assert Case.objects.get(pk=case.pk).light == Light.GREEN
    assert not Notification.objects.exists()


def test_a_red_case_is_escalated_to_supervisors_and_the_chief_service_officer(circle):
    chief = StaffRoleFactory(
        role=Role.CHIEF_SERVICE_OFFICER,
        organization=circle.handling_org,
        item_code=circle.implementation.service_item.basic_code,
    ).user
    StaffRoleFactory(
        role=Role.CHIEF_SERVICE_OFFICER, organization=circle.handling_org, item_code="000000000000"
    )
    case, dates = running_case(circle)

    counts = lights_refresh(today=dates.red_on)

    assert counts["red"] == 1
    assert Case.objects.get(pk=case.pk).light == Light.RED
    assert notified("case.light_red") == sorted([circle.reviewer.pk, circle.supervisor.pk, chief.pk])
    assert red_escalation_ids(case) == sorted([circle.supervisor.pk, chief.pk])


def test_a_paused_case_keeps_its_light(circle):
    case, dates = running_case(circle, paused_since=timezone.localdate())

    assert lights_refresh(today=dates.red_on)["cases"] == 0
    assert Case.objects.get(pk=case.pk).light == Light.GREEN


def test_the_sweep_deems_acceptance_and_prunes_expired_unused_identity_codes(circle):
    received = timezone.now() - dt.timedelta(days=20)
    submitted = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED, received_at=received)
    user = PersonFactory().user
    now = timezone.now()

    def code(jti, expired_days_ago, used=False):
        expires = now - dt.timedelta(days=expired_days_ago)
        return IdentityCode.objects.create(
            jti=jti,
            user=user,
            issued_at=expires - dt.timedelta(minutes=5),
            expires_at=expires,
            used_at=expires if used else None,
        )

    code("old-unused", 3)
    code("old-used", 3, used=True)
    code("recent-unused", 1)

    report = sweep_run()
    again = sweep_run()

    assert Case.objects.get(pk=submitted.pk).status == CaseStatus.ACCEPTED
    assert (report["deemed"]["accepted"], again["deemed"]["accepted"]) == (1, 0)
    assert sorted(IdentityCode.objects.values_list("jti", flat=True)) == ["old-used", "recent-unused"]
    assert (report["identity_codes"]["deleted"], again["identity_codes"]["deleted"]) == (1, 0)
    assert set(report) == {"lights", "deemed", "deliveries", "identity_codes", "questions"}
    assert all("ms" in part and "error" not in part for part in report.values())


def test_a_failing_part_is_reported_and_the_others_still_run(circle, monkeypatch):
    from .. import sweep

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(sweep, "PARTS", (("lights", broken), *sweep.PARTS[1:]))

    report = sweep.sweep_run()

    assert report["lights"]["error"] == "RuntimeError"
    assert "error" not in report["identity_codes"]


def test_entering_a_year_enqueues_the_recomputation_of_provisional_deadlines(circle):
    case, _ = running_case(circle)
    Case.objects.filter(pk=case.pk).update(due_provisional=True, due_on=dt.date(2000, 1, 1))

    calendar.year_entered(2027)

    task = DBTaskResult.objects.get(task_path="tongban.cases.tasks.cases_deadlines_recompute")
    assert task.args_kwargs["args"] == [2027]
    from ..tasks import cases_deadlines_recompute

    assert cases_deadlines_recompute.call(2027) == {"cases": 1, "steps": 0}
    assert Case.objects.get(pk=case.pk).due_on == deadlines.due_date(case_clock(case)).date


def test_an_active_steps_light_is_computed_again_on_its_red_day(circle):
    from ..choices import StepStatus
    from ..models import CaseStep
    from ..services import step_clock
    from .factories import add_steps

    case = CaseFactory.for_circle(circle, status=CaseStatus.IN_REVIEW)
    (step,) = add_steps(case, StepStatus.ACTIVE)
    CaseStep.objects.filter(pk=step.pk).update(started_on=timezone.localdate(), time_limit_days=2)
    step.refresh_from_db()
    dates = deadlines.light_dates(step_clock(step))
    CaseStep.objects.filter(pk=step.pk).update(
        light=Light.GREEN, yellow_on=dates.yellow_on, red_on=dates.red_on
    )

    counts = lights_refresh(today=dates.red_on)

    assert counts["steps"] == 1
    assert CaseStep.objects.get(pk=step.pk).light == Light.RED
    assert lights_refresh(today=dates.red_on)["steps"] == 0
