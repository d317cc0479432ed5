"""What the database itself refuses, whatever code writes the rows."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from tongban.catalog.choices import Mode

from ..choices import CaseStatus, Decision
from ..models import Case, CaseEvent, CaseMaterial, CorrectionNotice, MaterialKind
from .factories import CaseFactory, Circle, make_circle

pytestmark = pytest.mark.django_db


@pytest.fixture
def circle() -> Circle:
    return make_circle(steps=1)


def refused(**changes) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        changes.pop("make")()


def test_a_decision_only_on_a_decided_case(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.IN_REVIEW)

    refused(make=lambda: Case.objects.filter(pk=case.pk).update(decision=Decision.APPROVED))


def test_a_window_receipt_needs_consent(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.RECEIVED, mode=Mode.PROXY)

    refused(make=lambda: Case.objects.filter(pk=case.pk).update(consent_at=None))


def test_an_idempotency_key_is_unique_per_applicant_but_blank_is_not_a_key(circle):
    CaseFactory.for_circle(circle, idempotency_key="k")
    CaseFactory.for_circle(circle)
    CaseFactory.for_circle(circle)  # two without a key are fine

    refused(make=lambda: CaseFactory.for_circle(circle, idempotency_key="k"))


def test_events_are_never_changed_or_deleted(circle):
    case = CaseFactory.for_circle(circle)
    event = CaseEvent.objects.create(
        case=case,
        seq=1,
        action="submit",
        to_status="submitted",
        actor_label="张三",
        party="applicant",
        channel="web",
        at=timezone.now(),
    )

    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()
    refused(
        make=lambda: CaseEvent.objects.create(
            case=case,
            seq=1,
            action="submit",
            to_status="submitted",
            actor_label="张三",
            party="applicant",
            channel="web",
            at=timezone.now(),
        )
    )


def test_a_deficiency_needs_its_promised_date_and_an_upload_its_hash(circle):
    case = CaseFactory.for_circle(circle)

    refused(
        make=lambda: CaseMaterial.objects.create(case=case, name="居住证明", kind=MaterialKind.DEFICIENCY)
    )
    refused(make=lambda: CaseMaterial.objects.create(case=case, name="身份证", kind=MaterialKind.UPLOAD))
    CaseMaterial.objects.create(
        case=case, name="居住证明", kind=MaterialKind.DEFICIENCY, promised_on=dt.date(2026, 12, 1)
    )


def test_a_second_notice_says_why(circle):
    case = CaseFactory.for_circle(circle)

    refused(
        make=lambda: CorrectionNotice.objects.create(
            case=case,
            number=2,
            items=["缺照片"],
            is_second=True,
            issued_by=circle.reviewer,
            issued_at=timezone.now(),
        )
    )


def test_the_number_is_shown_in_groups_of_four(circle):
    case = CaseFactory.for_circle(circle)

    assert case.number_display == " ".join(case.number[i : i + 4] for i in (0, 4, 8, 12))
    assert len(case.number_display) == 19
