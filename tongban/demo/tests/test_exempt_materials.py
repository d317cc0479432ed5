"""The seed's four 免证明 services, shown with the demo's data: 水务用水报装, 医保登记, 公共资源交易 and
不动产查询. In each, the guide names a license type that replaces a required material; a demo applicant
holds a valid license of that type issued in one city of the circle, applies online in another, and the
license stands in for the material — nothing is uploaded, and each use is audited.

The demo is loaded once for the module (it takes seconds) in a transaction rolled back afterwards; tests
that change it run inside their own, which pytest-django rolls back.
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import override_settings

from tongban.cases.choices import CaseStatus
from tongban.cases.models import Case, MaterialKind
from tongban.cases.services import case_material_from_wallet, case_start_online, case_submit
from tongban.catalog.choices import Audience, Necessity, VersionStatus
from tongban.catalog.formdef import parse_definition
from tongban.catalog.models import GuideMaterial, Implementation
from tongban.catalog.selectors import implementation_applies_online
from tongban.core.audit import AuditEntry
from tongban.demo import demo_load
from tongban.demo.licenses import LICENSE_TYPES
from tongban.demo.licenses_data import HOLDINGS
from tongban.identity.access import actor_for
from tongban.licenses.models import License
from tongban.licenses.selectors import licenses_usable

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TYPE_KEYS = {code: key for key, (code, _name) in LICENSE_TYPES.items()}


@dataclass(frozen=True)
class Service:
    name: str  # as the seed names it
    item: str  # the demo item that shows it
    applicant: str  # the demo username who applies (and holds the licenses)
    operator: str = ""  # for a company: the person who applies for it


SERVICES = {
    "water": Service("水务用水报装", "用水报装", "zhangsan"),
    "medical-insurance": Service("医保登记", "城乡居民基本医疗保险参保登记", "lisi"),
    "public-resources": Service(
        "公共资源交易", "公共资源交易市场主体信息登记", "demo-company", operator="lisi"
    ),
    "real-estate-query": Service("不动产查询", "不动产登记资料查询（权利人）", "wangwu"),
}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    module = transaction.atomic()
    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER, MEDIA_ROOT=media):
        module.__enter__()
        summary = demo_load()
    with override_settings(MEDIA_ROOT=media):
        yield summary
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        module.__exit__(None, None, None)


def user(username: str):
    return get_user_model().objects.get(username=username)


@dataclass(frozen=True)
class Offer:
    """An implementation applied for online, and the license that stands in for each required material."""

    implementation: Implementation
    uses: tuple[tuple[GuideMaterial, License], ...]


def _required(implementation: Implementation) -> list[GuideMaterial]:
    return [m for m in implementation.current.materials.all() if m.necessity == Necessity.REQUIRED]


def _usable_holding(holder, license_type_code: str) -> License | None:
    """The holder's demo license of this type (licenses_data.HOLDINGS), if it may stand in today."""
    issuers = {
        h.issuer for h in HOLDINGS if h.holder == holder.username and h.type == TYPE_KEYS[license_type_code]
    }
    usable = licenses_usable([holder.pk], [license_type_code]).get(license_type_code, [])
    found = [license_ for license_ in usable if license_.issuer.name in issuers]
    return found[0] if len(found) == 1 else None


def _offer(service: Service) -> Offer:
    """Where the applicant can show 免证明 best: an implementation in force, applied for online, in a city
    none of the licenses comes from, whose every required material one of the applicant's licenses
    replaces — the one with the most such materials, then the first by code."""
    holder = user(service.applicant)
    offers = []
    implementations = (
        Implementation.objects.filter(
            service_item__name=service.item, current__status=VersionStatus.PUBLISHED
        )
        .select_related("organization__region", "current")
        .order_by("code")
    )
    for implementation in implementations:
        required = _required(implementation)
        if not implementation_applies_online(implementation) or not required:
            continue
        licenses = [
            _usable_holding(holder, m.license_type_code) if m.license_type_code else None for m in required
        ]
        if None in licenses:
            continue  # a material only an upload gives
        issuer_cities = {license_.issuer.region.city_id for license_ in licenses}
        if implementation.organization.region.city_id not in issuer_cities:
            offers.append(Offer(implementation, tuple(zip(required, licenses, strict=True))))
    assert offers, (
        f"{service.name}（{service.item}）：没有可在线申请、以异地电子证照代替全部必要材料的实施清单"
    )
    return max(offers, key=lambda offer: len(offer.uses))


def _form(version, applicant, operator) -> dict:
    """The application form filled in with the applicant's details (a company's, with its operator as
    the contact); each choice takes its first option."""
    person = operator.person
    company = getattr(applicant, "company", None)
    values = {
        "applicant_name": person.real_name,
        "contact_name": person.real_name,
        "id_number": person.id_number,
        "phone": person.phone,
        "company_name": company.name if company else "",
        "uscc": company.uscc if company else "",
    }
    form = {}
    for spec in parse_definition(version.form_schema).fields:
        if spec.key in values:
            form[spec.key] = values[spec.key]
        elif spec.options:
            form[spec.key] = spec.options[0].value
    return form


@pytest.mark.parametrize("service", SERVICES.values(), ids=SERVICES.keys())
def test_every_guide_of_the_service_names_a_license_that_replaces_a_required_material(db, demo, service):
    implementations = Implementation.objects.filter(
        service_item__name=service.item, current__status=VersionStatus.PUBLISHED
    ).select_related("current")

    assert implementations.exists()
    for implementation in implementations:
        replaceable = [m for m in _required(implementation) if m.license_type_code]
        assert replaceable, implementation.code
        assert all(
            m.license_type_name == LICENSE_TYPES[TYPE_KEYS[m.license_type_code]][1] for m in replaceable
        )


@pytest.mark.parametrize("service", SERVICES.values(), ids=SERVICES.keys())
def test_a_license_from_another_city_stands_in_for_every_required_material_online(db, demo, service):
    offer = _offer(service)
    applicant = user(service.applicant)
    operator = user(service.operator or service.applicant)
    by = actor_for(operator, on_behalf_of=applicant if service.operator else None)
    version = offer.implementation.current

    case = case_start_online(
        by=by, implementation_version=version, form_data=_form(version, applicant, operator)
    )
    for material, license_ in offer.uses:
        case_material_from_wallet(
            case=case, by=by, guide_material_id=material.pk, license_=license_, consent=True
        )
    case = case_submit(case=case, by=by)

    case = Case.objects.get(pk=case.pk)
    handling_city = offer.implementation.organization.region.city_id
    assert (case.status, case.applicant, case.agent) == (CaseStatus.SUBMITTED, applicant, None)
    assert all(license_.issuer.region.city_id != handling_city for _, license_ in offer.uses)
    assert not case.materials.exclude(file="").exists()
    assert not case.materials.filter(kind=MaterialKind.UPLOAD).exists()
    assert {
        (m.guide_material_id, m.kind, m.license_id, m.license_reference) for m in case.materials.all()
    } == {
        (material.pk, MaterialKind.LICENSE, license_.pk, license_.identifier)
        for material, license_ in offer.uses
    }
    # The log keeps the identifier whole (its 18-digit type code is no ID number).
    used = AuditEntry.objects.filter(
        action="case.license_used", object_type="cases.case", object_id=str(case.pk)
    )
    assert sorted((e.detail["license"], e.detail["material"], e.detail["purpose"]) for e in used) == sorted(
        (license_.identifier, material.name, "免证明") for material, license_ in offer.uses
    )


def test_the_company_shares_its_changed_business_licence_issued_in_wuhan(db, demo):
    offer = _offer(SERVICES["public-resources"])

    [(material, license_)] = offer.uses
    assert (material.name, license_.version, license_.issuer.name) == (
        "营业执照",
        2,
        "东湖新技术开发区市场监督管理局",
    )
    assert license_.issuer.region.city.name == "武汉市"
    assert offer.implementation.organization.name.endswith("政务服务和大数据管理局")
    assert offer.implementation.organization.region.city.name != "武汉市"


def test_public_resource_trading_registration_is_a_city_item_for_legal_persons_done_online(db, demo):
    implementations = Implementation.objects.filter(
        service_item__name="公共资源交易市场主体信息登记"
    ).select_related("service_item", "organization__region", "current")

    assert implementations.exists()
    for implementation in implementations:
        assert implementation.service_item.audience == Audience.LEGAL
        assert implementation.organization.region.parent_id is None  # a city's, not a district's
        assert implementation.organization.name.endswith("政务服务和大数据管理局")
        required = _required(implementation)
        assert [(m.name, m.license_type_code) for m in required] == [("营业执照", LICENSE_TYPES["bizlic"][0])]
    assert any(implementation_applies_online(i) for i in implementations)


def test_the_owners_query_needs_no_application_form_but_an_interested_partys_does(db, demo):
    def required_names(item: str) -> list[set[str]]:
        implementations = Implementation.objects.filter(service_item__name=item).select_related("current")
        return [{m.name for m in _required(i)} for i in implementations]

    owners, interested = (
        required_names("不动产登记资料查询（权利人）"),
        required_names("不动产登记资料查询（利害关系人）"),
    )

    assert owners and interested
    assert all(names == {"申请人居民身份证"} for names in owners)
    assert all("不动产登记资料查询申请书" in names for names in interested)
