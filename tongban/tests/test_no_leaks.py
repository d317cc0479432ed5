"""No page or endpoint gives anyone another person's personal data.

Every page in the URL resolver (as test_csp finds them) and the identity API are requested by each kind
of actor — every staff role of another city, an unrelated citizen, a company, its operator, a visitor,
and API tokens — with the ids of one applicant's objects (her mandate, her company operator grant, her
account and person rows in the admin). No answer may contain any clear ID or phone number of anyone
(clear values leave the server only through an audited reveal, which is a POST), and her name appears
only to those DESIGN.md lets see her: herself, her agent, and platform administrators.
"""

from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from tongban.identity.api_auth import token_digest, token_generate
from tongban.identity.choices import AccountKind, Role, TokenScope
from tongban.identity.models import ApiToken, CompanyOperator, Mandate, Person
from tongban.identity.tests.factories import (
    CompanyFactory,
    MandateFactory,
    PersonFactory,
    StaffRoleFactory,
    UserFactory,
    make_id_number,
)
from tongban.regions.tests.factories import CityFactory, OrganizationFactory

from .test_csp import Route, not_requested, routes

pytestmark = pytest.mark.django_db

HER_NAME = "欧阳明珠"  # distinctive, so it cannot appear on a page by chance


@dataclass
class Site:
    her: Person
    mandate: Mandate
    operator: CompanyOperator
    clients: dict[str, Client]  # who → a signed-in client (or a token client)
    secrets: list[str]  # every clear ID and phone number in the database


def _bearer(organization, scopes) -> Client:
    plaintext = token_generate()
    ApiToken.objects.create(
        name="测试令牌",
        organization=organization,
        scopes=scopes,
        prefix=plaintext[:8],
        token_hash=token_digest(plaintext),
    )
    return Client(headers={"Authorization": f"Bearer {plaintext}"})


@pytest.fixture
def site() -> Site:
    city_a, city_b = CityFactory(name="甲市"), CityFactory(name="乙市")
    org_a, org_b = OrganizationFactory(region=city_a), OrganizationFactory(region=city_b)
    her = PersonFactory(real_name=HER_NAME, id_number=make_id_number(201), phone="15100006702")
    agent = PersonFactory(real_name="司马青", id_number=make_id_number(202), phone="15100006703")
    stranger = PersonFactory(real_name="东方白", id_number=make_id_number(203), phone="15100006704")
    operator_person = PersonFactory(real_name="上官云", id_number=make_id_number(204), phone="15100006705")
    her_company = CompanyFactory(legal_representative_id_number=make_id_number(205), phone="15100006706")
    other_company = CompanyFactory(legal_representative_id_number=make_id_number(206))
    operator = CompanyOperator.objects.create(company=her_company, person=her)
    CompanyOperator.objects.create(company=other_company, person=operator_person)
    mandate = MandateFactory(principal=her.user, agent=agent)
    people = {"stranger": stranger.user, "operator": operator_person.user, "company": other_company.user}
    for role in Role:
        if role == Role.PLATFORM_ADMIN:
            continue  # may see everyone (DESIGN.md); masked values only, tested below
        staff = StaffRoleFactory(role=role, organization=org_b).user
        if role == Role.CATALOG_ADMIN:
            staff.is_staff = True  # the back office is open to catalog administrators
            staff.save()
        people[role.value] = staff
    clients = {"anonymous": Client()}
    for who, user in people.items():
        clients[who] = Client()
        clients[who].force_login(user)
    clients["kiosk_token"] = _bearer(org_b, [TokenScope.IDENTITY_VERIFY])
    clients["reader_token"] = _bearer(org_a, [TokenScope.CATALOG_READ])
    secrets = [
        value for person in Person.objects.all() for value in (person.id_number, person.phone) if value
    ] + [make_id_number(205), "15100006706", make_id_number(206)]
    return Site(her, mandate, operator, clients, secrets)


def _her_objects(site: Site) -> dict[str, object]:
    return {
        "identity:mandate_detail": {"pk": site.mandate.pk},
        "identity:mandate_revoke": {"pk": site.mandate.pk},
        "identity:operator_revoke": {"pk": site.operator.pk},
    }


def _admin_object_id(route: Route, site: Site) -> str | None:
    """Her row (or her account's) for the admin's object pages; any row for other models."""
    for model in admin.site._registry:
        if route.name.startswith(f"admin:{model._meta.app_label}_{model._meta.model_name}_"):
            mine = {"person": site.her.pk, "user": site.her.user_id, "mandate": site.mandate.pk}
            if model._meta.model_name in mine:
                return str(mine[model._meta.model_name])
            row = model._default_manager.order_by("pk").first()
            return str(row.pk) if row else None
    return None


def _addresses(site: Site) -> list[str]:
    addresses = []
    for route in routes():
        if not_requested(route) or "token" in route.arguments or "uidb64" in route.arguments:
            continue
        values = _her_objects(site).get(route.name, {})
        if route.is_admin and "object_id" in route.arguments:
            values = {"object_id": _admin_object_id(route, site)}
        if route.is_admin and "app_label" in route.arguments:
            values = {"app_label": "identity"}
        if any(values.get(name) is None for name in route.arguments):
            continue  # a page about something else (a guide, a kiosk): no personal data to find by id
        addresses.append(reverse(route.name, kwargs={name: values[name] for name in route.arguments}))
    api = ["/api/v1/identity/me", "/api/v1/identity/mandates", f"/api/v1/identity/mandates/{site.mandate.pk}"]
    return addresses + api


def test_no_answer_to_anyone_else_holds_her_data_or_any_clear_number(site):
    addresses = _addresses(site)
    assert len(addresses) > 40  # the portal, the workbench, the admin and the API were all found

    leaks = []
    for who, client in site.clients.items():
        for address in addresses:
            text = client.get(address).content.decode(errors="replace")
            leaks += [f"{who} {address}: a clear number" for secret in site.secrets if secret in text]
            if HER_NAME in text:
                leaks.append(f"{who} {address}: her name")
    assert leaks == []


def test_her_mandate_is_unknown_to_everyone_but_its_parties(site):
    for who, client in site.clients.items():
        page = client.get(reverse("identity:mandate_detail", kwargs={"pk": site.mandate.pk}))
        api = client.get(f"/api/v1/identity/mandates/{site.mandate.pk}")
        assert page.status_code in {302, 404}, who  # a visitor is sent to log in first
        assert api.status_code in {401, 403, 404}, who


def test_she_and_a_platform_admin_see_her_data_masked_only(site):
    admin_user = UserFactory(kind=AccountKind.STAFF, is_staff=True, is_superuser=True)
    StaffRoleFactory(user=admin_user, role=Role.PLATFORM_ADMIN)
    her_client, admin_client = Client(), Client()
    her_client.force_login(site.her.user)
    admin_client.force_login(admin_user)

    pages = [
        (her_client, reverse("identity:account")),
        (her_client, "/api/v1/identity/me"),
        (admin_client, reverse("admin:identity_user_change", args=[site.her.user_id])),
    ]
    for client, address in pages:
        text = client.get(address).content.decode()
        assert HER_NAME in text or "欧阳" in text, address
        assert make_id_number(201) not in text and "15100006702" not in text, address
        assert "4201" in text and "6702" in text, address  # masked: the ends only
