"""Factories for licenses: a license type with its face fields, an issuer with a reviewer, holders."""

import datetime as dt
from dataclasses import dataclass

import factory

from tongban.identity.access import Actor, actor_for
from tongban.identity.choices import Role
from tongban.identity.models import User
from tongban.identity.tests.factories import CompanyFactory, PersonFactory, StaffRoleFactory
from tongban.regions.models import Organization
from tongban.regions.tests.factories import OrganizationFactory

from ..choices import HolderKind
from ..models import LicenseType
from ..services import Issue

PROPERTY_FIELDS = [
    {"key": "location", "label": "坐落", "type": "text", "required": True},
    {"key": "area", "label": "建筑面积（平方米）", "type": "number", "required": True},
    {"key": "registered_on", "label": "登记日期", "type": "date", "required": True},
    {"key": "note", "label": "附记", "type": "text", "required": False},
]


class LicenseTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LicenseType
        django_get_or_create = ("code",)

    code = "111000000000000005"
    name = "不动产权证书"
    holder_kind = HolderKind.PERSON
    face_fields = factory.LazyFunction(lambda: [dict(f) for f in PROPERTY_FIELDS])


@dataclass
class Office:
    """An issuing organization with a reviewer, a holder and a stranger."""

    issuer: Organization
    reviewer: User
    holder: User
    stranger: User

    def actor(self, user: User) -> Actor:
        return actor_for(user)


def make_office() -> Office:
    issuer = OrganizationFactory(name="武汉市自然资源和规划局")
    return Office(
        issuer=issuer,
        reviewer=StaffRoleFactory(role=Role.REVIEWER, organization=issuer).user,
        holder=PersonFactory(real_name="张三").user,
        stranger=PersonFactory(real_name="李四").user,
    )


def property_issue(holder: User, **changes) -> Issue:
    values = {
        "license_type": LicenseTypeFactory(),
        "holder": holder,
        "number": "鄂（2026）武汉市不动产权第0000001号",
        "face_data": {"location": "江岸区沿江大道1号", "area": "89.5", "registered_on": "2026-03-02"},
        "issued_on": dt.date(2026, 3, 2),
        "valid_from": dt.date(2026, 3, 2),
    }
    return Issue(**(values | changes))


def company_holder() -> User:
    return CompanyFactory().user
