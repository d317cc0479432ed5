"""The application form: a draft keeps what was typed; submitting checks it against the guide version's
form definition and keeps the cleaned values; a wrong form changes nothing."""

import pytest

from tongban.catalog.choices import Mode
from tongban.core.errors import ValidationFailed

from ..choices import CaseStatus
from ..models import Case, CaseEvent
from ..services import case_form_save, case_receive_at_window, case_start_online, case_submit
from ..workflow import TransitionRefused
from .factories import FORM, CaseFactory, Circle, make_circle

pytestmark = pytest.mark.django_db


@pytest.fixture
def circle() -> Circle:
    return make_circle(form=FORM)


def test_a_draft_keeps_an_incomplete_form_and_submitting_cleans_a_complete_one(circle):
    by = circle.actor(circle.applicant)
    case = case_start_online(by=by, implementation_version=circle.version, form_data={"purpose": ""})

    case = case_form_save(case=case, by=by, form_data={"purpose": "  子女入学  ", "start_on": "2026-09-01"})
    case = case_submit(case=case, by=by)

    assert case.status == CaseStatus.SUBMITTED
    assert case.form_data == {"purpose": "子女入学", "start_on": "2026-09-01"}


def test_an_incomplete_form_is_not_submitted_and_nothing_changes(circle):
    by = circle.actor(circle.applicant)
    case = case_start_online(by=by, implementation_version=circle.version, form_data={"start_on": "明天"})

    with pytest.raises(ValidationFailed) as caught:
        case_submit(case=case, by=by)

    assert {e.field for e in caught.value.errors} == {"form_data.purpose", "form_data.start_on"}
    case.refresh_from_db()
    assert (case.status, case.version) == (CaseStatus.DRAFT, 1)
    assert CaseEvent.objects.filter(case=case).count() == 1


def test_the_form_is_not_changed_once_submitted(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED, form_data={"purpose": "原"})

    with pytest.raises(TransitionRefused):
        case_form_save(case=case, by=circle.actor(circle.applicant), form_data={"purpose": "改"})

    assert Case.objects.get(pk=case.pk).form_data == {"purpose": "原"}


def test_the_window_receives_only_a_complete_form(circle):
    with pytest.raises(ValidationFailed) as caught:
        case_receive_at_window(
            by=circle.actor(circle.clerk),
            window=circle.window,
            implementation_version=circle.version,
            applicant=circle.applicant,
            consent=True,
            form_data={},
            mode=Mode.PROXY,
        )

    assert caught.value.errors[0].field == "form_data.purpose"
    assert Case.objects.count() == 0
