"""Shipments: registered by the side that sends, followed by either side's staff."""

import pytest

from tongban.catalog.choices import Mode
from tongban.core.errors import ValidationFailed
from tongban.identity.access import ActionRefused

from ..choices import CaseStatus
from ..models import Shipment
from ..services import shipment_create, shipment_update
from ..workflow import TransitionRefused
from .factories import CaseFactory, Circle, make_circle

pytestmark = pytest.mark.django_db


@pytest.fixture
def circle() -> Circle:
    return make_circle()


def test_the_window_sends_the_originals_and_the_handler_follows_them(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED, mode=Mode.PROXY)

    shipment = shipment_create(
        case=case,
        by=circle.actor(circle.clerk),
        purpose="materials_to_handler",
        carrier="中国邮政EMS",
        tracking_number="1100000000001",
    )
    shipment = shipment_update(
        shipment=shipment, by=circle.actor(circle.reviewer), status="delivered", text="已签收"
    )

    assert shipment.status == "delivered"
    assert [e["status"] for e in shipment.events] == ["created", "delivered"]
    with pytest.raises(TransitionRefused):
        shipment_update(shipment=shipment, by=circle.actor(circle.clerk), status="in_transit")


def test_the_applicant_does_not_register_a_shipment_and_nothing_is_made(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.DECIDED, mode=Mode.PROXY)

    with pytest.raises(ActionRefused):
        shipment_create(
            case=case,
            by=circle.actor(circle.applicant),
            purpose="result_to_applicant",
            carrier="顺丰",
            tracking_number="SF1",
        )
    with pytest.raises(ActionRefused):
        shipment_create(
            case=case,
            by=circle.actor(circle.clerk),
            purpose="result_to_applicant",
            carrier="顺丰",
            tracking_number="SF1",
        )

    assert Shipment.objects.count() == 0


def test_a_tracking_number_is_registered_once(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.DECIDED)
    by = circle.actor(circle.reviewer)
    shipment_create(case=case, by=by, purpose="result_to_applicant", carrier="顺丰", tracking_number="SF2")

    with pytest.raises(ValidationFailed) as caught:
        shipment_create(
            case=case, by=by, purpose="result_to_applicant", carrier="顺丰", tracking_number="SF2"
        )

    assert caught.value.errors[0].field == "tracking_number"
    assert Shipment.objects.count() == 1


def test_each_registration_and_update_of_a_parcel_is_in_the_audit_log(circle):
    from tongban.core.models import AuditEntry

    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED, mode=Mode.PROXY)
    shipment = shipment_create(
        case=case,
        by=circle.actor(circle.clerk),
        purpose="materials_to_handler",
        carrier="中国邮政EMS",
        tracking_number="1100000000002",
    )
    shipment_update(shipment=shipment, by=circle.actor(circle.reviewer), status="delivered")

    entries = AuditEntry.objects.filter(object_type="cases.case", object_id=str(case.pk)).order_by("seq")
    assert [(e.action, e.detail.get("status")) for e in entries] == [
        ("case.shipment_create", None),
        ("case.shipment_update", "delivered"),
    ]
