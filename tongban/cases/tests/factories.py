"""Factories for cases: a small circle (武汉 handles, 鄂州 receives at its cross-city window) and cases
put straight into any status, for tests that start in the middle of a case's life."""

import datetime as dt
import itertools
from dataclasses import dataclass

import factory
from django.utils import timezone

from tongban.catalog.choices import Mode, Necessity
from tongban.catalog.models import Availability, Implementation
from tongban.catalog.services import GuideRows
from tongban.catalog.tests.factories import guide_values, published_implementation
from tongban.identity.access import Actor, actor_for
from tongban.identity.choices import Role
from tongban.identity.models import User
from tongban.identity.tests.factories import PersonFactory, StaffRoleFactory
from tongban.regions.models import Organization, Window
from tongban.regions.tests.factories import CityFactory, HallFactory, OrganizationFactory, WindowFactory

from ..choices import CaseStatus, Decision
from ..models import Case, CaseStep
from ..numbers import case_number_make

_serials = itertools.count(1)
DECIDED = {CaseStatus.DECIDED, CaseStatus.DELIVERING, CaseStatus.COMPLETED}
PAUSED = {CaseStatus.SPECIAL_PROCEDURE, CaseStatus.SUSPENDED}
STARTED = {
    CaseStatus.ACCEPTED,
    CaseStatus.IN_REVIEW,
    CaseStatus.SPECIAL_PROCEDURE,
    CaseStatus.SUSPENDED,
    *DECIDED,
}


def wuhan():
    return CityFactory(key="420100", code="420100", name="武汉市", short_name="武汉")


def ezhou():
    return CityFactory(key="420700", code="420700", name="鄂州市", short_name="鄂州")


@dataclass
class Circle:
    """武汉's organization handles the item; 鄂州's hall has a cross-city window that receives it."""

    handling_org: Organization
    receiving_org: Organization
    window: Window
    implementation: Implementation
    applicant: User
    reviewer: User
    reviewer2: User
    clerk: User
    clerk2: User
    supervisor: User
    other_city_clerk: User

    @property
    def version(self):
        return self.implementation.current

    def actor(self, user: User, **kwargs) -> Actor:
        return actor_for(user, **kwargs)


FORM = {
    "schema": 1,
    "fields": [
        {"key": "purpose", "label": "申请事由", "type": "text", "max_length": 50},
        {"key": "start_on", "label": "开始日期", "type": "date", "required": False},
    ],
}


def make_circle(*, steps: int = 2, form: dict | None = None) -> Circle:
    wh, ez = wuhan(), ezhou()
    handling = OrganizationFactory(region=wh, name="武汉市人力资源和社会保障局")
    receiving = OrganizationFactory(region=ez, name="鄂州市政务服务和大数据管理局")
    hall = HallFactory(region=ez, organization=receiving)
    window = WindowFactory(hall=hall, is_cross_city=True, name="圈内通办专窗")
    partner = OrganizationFactory(region=ez, name="鄂州市人力资源和社会保障局")
    rows = GuideRows(
        materials=[
            {"name": "身份证", "necessity": Necessity.REQUIRED},
            {
                "name": "居住证明",
                "necessity": Necessity.DEFERRABLE,
                "license_type_code": "11100000000000001X",
                "license_type_name": "居住证",
            },
        ],
        steps=[
            {"name": f"环节{i}", "time_limit_days": 2, "stage": i, "organization": (handling, partner)[i % 2]}
            for i in range(1, steps + 1)
        ],
    )
    guide = guide_values(form_schema=form) if form else guide_values()
    implementation = published_implementation(organization=handling, rows=rows, **guide)
    for mode in (Mode.PROXY, Mode.JOINT):
        Availability.objects.create(implementation=implementation, mode=mode, window=window)
    other = OrganizationFactory(region=CityFactory(name="黄石市"))

    def staff(role, org):
        return StaffRoleFactory(role=role, organization=org).user

    return Circle(
        handling_org=handling,
        receiving_org=receiving,
        window=window,
        implementation=implementation,
        applicant=PersonFactory(real_name="张三").user,
        reviewer=staff(Role.REVIEWER, handling),
        reviewer2=staff(Role.REVIEWER, handling),
        clerk=staff(Role.WINDOW_CLERK, receiving),
        clerk2=staff(Role.WINDOW_CLERK, receiving),
        supervisor=staff(Role.SUPERVISOR, handling),
        other_city_clerk=staff(Role.WINDOW_CLERK, other),
    )


class CaseFactory(factory.django.DjangoModelFactory):
    """A case put straight into `status` (bypassing the services), consistent with it."""

    class Meta:
        model = Case

    number = factory.LazyFunction(
        lambda: case_number_make(city_code="420100", day=dt.date(2026, 3, 2), serial=next(_serials))
    )
    mode = Mode.ONLINE
    status = CaseStatus.SUBMITTED
    channel = "web"
    form_data = factory.LazyFunction(dict)

    @classmethod
    def for_circle(cls, circle: Circle, *, status=CaseStatus.SUBMITTED, mode=Mode.ONLINE, **kwargs) -> Case:
        version = circle.version
        now = timezone.now()
        values = {
            "implementation_version": version,
            "service_item": circle.implementation.service_item,
            "mode": mode,
            "status": status,
            "applicant": circle.applicant,
            "receiving_org": circle.handling_org if mode == Mode.ONLINE else circle.receiving_org,
            "receiving_window": None if mode == Mode.ONLINE else circle.window,
            "handling_org": circle.handling_org,
            "case_type": version.case_type,
            "promised_days": version.promised_days,
            "statutory_days": version.statutory_days,
            "received_at": None if status == CaseStatus.DRAFT else now,
            "consent_at": None if mode == Mode.ONLINE and status != CaseStatus.RECEIVED else now,
            "decision": Decision.APPROVED if status in DECIDED else "",
            "clock_started_on": timezone.localdate() if status in STARTED else None,
            "paused_since": timezone.localdate() if status in PAUSED else None,
        }
        return cls(**(values | kwargs))


def add_steps(case: Case, *statuses) -> list[CaseStep]:
    return [
        CaseStep.objects.create(
            case=case,
            position=i,
            organization=case.handling_org,
            name=f"环节{i}",
            stage=i,
            status=status,
        )
        for i, status in enumerate(statuses, start=1)
    ]


def case_of(implementation: Implementation, applicant: User, **kwargs) -> Case:
    """A submitted online case of the implementation (for tests elsewhere that need any case)."""
    version = implementation.current
    values = {
        "implementation_version": version,
        "service_item": implementation.service_item,
        "applicant": applicant,
        "receiving_org": implementation.organization,
        "handling_org": implementation.organization,
        "case_type": version.case_type,
        "promised_days": version.promised_days,
        "statutory_days": version.statutory_days,
        "received_at": timezone.now(),
    }
    return CaseFactory(**(values | kwargs))
