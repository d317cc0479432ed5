"""The role × action matrix: every registered action, for every kind of actor, on objects of their own
and of another city, another applicant — and every refused action, taken through its service, changes
nothing.

The table below is the specification. A new action that is not in it fails
`test_every_registered_action_is_in_the_matrix`, so whoever adds an action decides here who may take it.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from tongban.cases.tests.factories import CaseFactory
from tongban.catalog.models import Agreement, AgreementParty, Implementation, ImplementationVersion
from tongban.catalog.services import version_draft_start, version_publish
from tongban.catalog.tests.factories import ServiceItemFactory, published_implementation
from tongban.core.audit import AuditContext, audit_record
from tongban.core.choices import Channel
from tongban.core.models import AuditEntry
from tongban.identity import access
from tongban.identity.access import AccessDenied, ActionRefused, Actor, actor_for, actor_for_token
from tongban.identity.choices import AccountKind, Role, TokenScope
from tongban.identity.models import (
    ApiToken,
    Company,
    CompanyOperator,
    IdentityCode,
    Mandate,
    Person,
    StaffRole,
    User,
)
from tongban.identity.services.accounts import company_operator_add
from tongban.identity.services.identity_codes import identity_code_issue, identity_code_verify
from tongban.identity.services.mandates import mandate_create, mandate_revoke
from tongban.identity.services.reveal import person_reveal
from tongban.identity.services.staff import staff_role_grant
from tongban.identity.services.tokens import api_token_create
from tongban.notifications.models import Notification
from tongban.notifications.services import notification_mark_read
from tongban.regions.tests.factories import CityFactory, HallFactory, OrganizationFactory, WindowFactory

from .factories import CompanyFactory, PersonFactory, StaffRoleFactory, make_id_number

ROLES = [role.value for role in Role]
ACCOUNTS = ["alice", "bob", "carol", "acme"]  # alice mandated bob; carol operates the company acme
SUBJECTS = ["anonymous", *ACCOUNTS, *ROLES, "kiosk", "reader_token"]

# (action, object) → who may take it. Roles are held at an organization of city A; "B" objects belong to
# another city. The window clerk identified bob with his identity code ten minutes ago.
MATRIX: dict[tuple[str, str], set[str]] = {
    ("person.view", "alice"): {"alice", Role.PLATFORM_ADMIN},
    ("person.view", "bob"): {"bob", Role.PLATFORM_ADMIN},
    ("person.reveal", "alice"): {"alice", Role.PLATFORM_ADMIN},
    ("person.reveal", "bob"): {"bob", Role.WINDOW_CLERK, Role.PLATFORM_ADMIN},
    ("company.view", "acme"): {"acme", "carol", Role.PLATFORM_ADMIN},
    ("company.manage_operators", "acme"): {"acme", Role.PLATFORM_ADMIN},
    ("mandate.view", "mandate"): {"alice", "bob", Role.PLATFORM_ADMIN},
    ("mandate.create", "none"): set(ACCOUNTS),
    ("mandate.revoke", "mandate"): {"alice", Role.PLATFORM_ADMIN},
    ("staff_role.manage", "staff_role"): {Role.PLATFORM_ADMIN},
    ("identity_code.issue", "none"): set(ACCOUNTS),
    ("identity_code.verify", "none"): {Role.WINDOW_CLERK, Role.HELPER, "kiosk"},
    ("api_token.manage", "none"): {Role.PLATFORM_ADMIN},
    ("audit.view", "entry_A"): {Role.SUPERVISOR, Role.PLATFORM_ADMIN},
    ("audit.view", "entry_B"): {Role.PLATFORM_ADMIN},
    ("audit.verify", "none"): {Role.PLATFORM_ADMIN},
    ("workbench.enter", "none"): set(ROLES),
    ("catalog.item.change", "item"): {Role.PLATFORM_ADMIN},
    ("catalog.batch.change", "none"): {Role.PLATFORM_ADMIN},
    ("catalog.implementation.change", "implementation_A"): {Role.CATALOG_ADMIN, Role.PLATFORM_ADMIN},
    ("catalog.implementation.change", "implementation_B"): {Role.PLATFORM_ADMIN},
    ("catalog.implementation.publish", "implementation_A"): {Role.CATALOG_ADMIN, Role.PLATFORM_ADMIN},
    ("catalog.implementation.publish", "implementation_B"): {Role.PLATFORM_ADMIN},
    ("catalog.availability.change", "implementation_A"): {Role.CATALOG_ADMIN, Role.PLATFORM_ADMIN},
    ("catalog.availability.change", "implementation_B"): {Role.PLATFORM_ADMIN},
    ("catalog.agreement.change", "agreement_A"): {Role.CATALOG_ADMIN, Role.PLATFORM_ADMIN},
    ("catalog.agreement.change", "agreement_B"): {Role.PLATFORM_ADMIN},
    ("notification.view", "notification_alice"): {"alice"},
    ("notification.read", "notification_alice"): {"alice"},
    ("notification_delivery.view", "none"): {Role.PLATFORM_ADMIN},
    # Cases: alice's case handled in city A (bob holds her mandate); another handled in city B.
    ("case.view", "case_A"): {
        "alice",
        "bob",
        Role.WINDOW_CLERK,
        Role.REVIEWER,
        Role.HELPER,
        Role.CHIEF_SERVICE_OFFICER,
        Role.SUPERVISOR,
        Role.PLATFORM_ADMIN,
    },
    ("case.view", "case_B"): {"alice", "bob", Role.PLATFORM_ADMIN},
    ("case.act", "case_A"): {"alice", "bob", Role.WINDOW_CLERK, Role.REVIEWER, Role.SUPERVISOR},
    ("case.act", "case_B"): {"alice", "bob"},
    ("case.start", "none"): set(ACCOUNTS),
    ("case.receive", "window_A"): {Role.WINDOW_CLERK, Role.HELPER},
    # Licenses: alice's license issued by org A; seals are rotated by platform and catalog admins.
    ("license.view", "license_alice"): {"alice", Role.REVIEWER, Role.PLATFORM_ADMIN},
    ("license.issue", "org_A"): {Role.REVIEWER},
    ("license.operate", "license_alice"): {Role.REVIEWER},
    ("seal.rotate", "org_A"): {Role.CATALOG_ADMIN, Role.PLATFORM_ADMIN},
    # 亮证: only alice shows or withdraws her license (not bob with her mandate, not its issuer); any staff
    # member verifies, and a system only with a licenses:verify token (the kiosk here has identity:verify).
    ("presentation.create", "license_alice"): {"alice"},
    ("presentation.cancel", "license_alice"): {"alice"},
    ("presentation.redeem", "none"): set(ROLES),
    # 我要提问: one board for the circle, moderated by question moderators; a question routed to org A is
    # answered by its reviewers, chief service officers and helpers, and watched by A's supervisors.
    ("question.moderate", "none"): {Role.QUESTION_MODERATOR, Role.PLATFORM_ADMIN},
    ("question.answer", "question_A"): {Role.REVIEWER, Role.CHIEF_SERVICE_OFFICER, Role.HELPER},
    ("question.answer", "question_B"): set(),
    ("question.view", "question_A"): {
        Role.REVIEWER,
        Role.CHIEF_SERVICE_OFFICER,
        Role.HELPER,
        Role.SUPERVISOR,
        Role.QUESTION_MODERATOR,
        Role.PLATFORM_ADMIN,
    },
    ("question.view", "question_B"): {Role.QUESTION_MODERATOR, Role.PLATFORM_ADMIN},
    ("question.stats", "none"): {Role.SUPERVISOR, Role.QUESTION_MODERATOR, Role.PLATFORM_ADMIN},
}


@dataclass
class World:
    actors: dict[str, Actor]
    objects: dict[str, object]


def _agreement(city, number: str) -> Agreement:
    today = timezone.localdate()
    agreement = Agreement.objects.create(
        name=f"{city.name}合作协议", document_number=number, signed_on=today, effective_from=today
    )
    AgreementParty.objects.create(agreement=agreement, region=city)
    return agreement


@pytest.fixture
def world(db) -> World:
    city_a, city_b = CityFactory(name="甲市"), CityFactory(name="乙市")
    org_a, org_b = OrganizationFactory(region=city_a), OrganizationFactory(region=city_b)
    alice = PersonFactory(real_name="王丽", id_number=make_id_number(101))
    bob = PersonFactory(real_name="李波", id_number=make_id_number(102))
    carol = PersonFactory(real_name="陈可", id_number=make_id_number(103))
    acme = CompanyFactory()
    CompanyOperator.objects.create(company=acme, person=carol)
    today = timezone.localdate()
    mandate = Mandate.objects.create(
        principal=alice.user,
        agent=bob,
        all_items=True,
        starts_on=today,
        expires_on=today + datetime.timedelta(days=30),
    )
    staff = {role: StaffRoleFactory(role=role, organization=org_a).user for role in ROLES}
    now = timezone.now()
    IdentityCode.objects.create(
        jti="identified-bob",
        user=bob.user,
        issued_at=now - datetime.timedelta(minutes=11),
        expires_at=now - datetime.timedelta(minutes=10),
        used_at=now - datetime.timedelta(minutes=10),
        used_by=staff[Role.WINDOW_CLERK],
    )
    kiosk = ApiToken.objects.create(
        name="自助终端",
        organization=org_a,
        scopes=[TokenScope.IDENTITY_VERIFY],
        prefix="tb_k",
        token_hash="k" * 64,
    )
    reader = ApiToken.objects.create(
        name="目录读取",
        organization=org_a,
        scopes=[TokenScope.CATALOG_READ],
        prefix="tb_r",
        token_hash="r" * 64,
    )
    implementation_b = published_implementation(organization=org_b)
    version_draft_start(implementation=implementation_b)  # a draft someone might try to publish
    actors = {
        "anonymous": actor_for(None),
        **{
            name: actor_for(person.user)
            for name, person in [("alice", alice), ("bob", bob), ("carol", carol)]
        },
        "acme": actor_for(acme.user),
        **{role: actor_for(user) for role, user in staff.items()},
        "kiosk": actor_for_token(kiosk),
        "reader_token": actor_for_token(reader),
    }
    objects = {
        "none": None,
        "alice": alice,
        "bob": bob,
        "acme": acme,
        "mandate": mandate,
        "staff_role": StaffRole.objects.get(user=staff[Role.REVIEWER]),
        "entry_A": audit_record(action="test.a", context=AuditContext(organization_id=org_a.pk)),
        "entry_B": audit_record(action="test.b", context=AuditContext(organization_id=org_b.pk)),
        "item": ServiceItemFactory(),
        "implementation_A": published_implementation(organization=org_a),
        "implementation_B": implementation_b,
        "agreement_A": _agreement(city_a, "甲-001"),
        "agreement_B": _agreement(city_b, "乙-001"),
        "org_A": org_a,
        "notification_alice": Notification.objects.create(
            recipient=alice.user, kind="case.accepted", title="您的办件已受理", dedupe_key="matrix"
        ),
    }
    for city, org in (("A", org_a), ("B", org_b)):
        implementation = published_implementation(organization=org)
        objects[f"case_{city}"] = CaseFactory(
            implementation_version=implementation.current,
            service_item=implementation.service_item,
            applicant=alice.user,
            receiving_org=org,
            handling_org=org,
            case_type=implementation.current.case_type,
            promised_days=implementation.current.promised_days,
            statutory_days=implementation.current.statutory_days,
        )
    from tongban.licenses.services import license_issue
    from tongban.licenses.tests.factories import property_issue

    objects["license_alice"] = license_issue(
        issuer=org_a, data=property_issue(alice.user), by=actor_for(staff[Role.REVIEWER])
    )
    from tongban.consult.models import Question

    for city, org in (("A", org_a), ("B", org_b)):
        objects[f"question_{city}"] = Question.objects.create(
            text="异地办理社保卡需要什么材料？",
            normalized="异地办理社保卡需要什么材料",
            fingerprint=f"matrix-{city}",
            department=org,
        )
    objects["window_A"] = WindowFactory(
        hall=HallFactory(region=city_a, organization=org_a), is_cross_city=True
    )
    return World(actors, objects)


def test_every_registered_action_is_in_the_matrix():
    assert set(access.RULES) == {action for action, _ in MATRIX}


def test_every_role_and_account_kind_is_a_subject():
    assert set(ROLES) == {role.value for role in Role}
    assert {AccountKind.PERSON, AccountKind.COMPANY} <= {
        AccountKind.PERSON if name != "acme" else AccountKind.COMPANY for name in ACCOUNTS
    }


@pytest.mark.parametrize(("action", "target"), list(MATRIX))
def test_the_matrix_holds_for_every_subject(world, action, target):
    obj = world.objects[target]
    allowed = {subject for subject in SUBJECTS if access.check(world.actors[subject], action, obj)}

    assert allowed == MATRIX[(action, target)]


# --- Refused actions, taken through their services, change nothing --------------------------------------

SNAPSHOT_MODELS = [
    User,
    Person,
    Company,
    CompanyOperator,
    Mandate,
    StaffRole,
    ApiToken,
    IdentityCode,
    AuditEntry,
    Implementation,
    ImplementationVersion,
    Notification,
]


def snapshot() -> dict[str, list[tuple]]:
    return {model._meta.label: list(model.objects.order_by("pk").values_list()) for model in SNAPSHOT_MODELS}


def _fresh_code_of_alice(world: World) -> str:
    return identity_code_issue(by=world.actors["alice"]).token


ATTEMPTS = {
    "mandate.create": lambda w, by: mandate_create(
        by=by,
        agent_name="李波",
        agent_id_number=make_id_number(102),
        all_items=True,
        item_codes=[],
        starts_on=timezone.localdate(),
        expires_on=timezone.localdate() + datetime.timedelta(days=30),
    ),
    "mandate.revoke": lambda w, by: mandate_revoke(mandate=w.objects["mandate"], by=by),
    "company.manage_operators": lambda w, by: company_operator_add(
        company=w.objects["acme"], real_name="李波", id_number=make_id_number(102), by=by
    ),
    "staff_role.manage": lambda w, by: staff_role_grant(
        user=w.objects["alice"].user, organization=w.objects["org_A"], role=Role.WINDOW_CLERK, by=by
    ),
    "api_token.manage": lambda w, by: api_token_create(
        name="新令牌", organization=w.objects["org_A"], scopes=[TokenScope.CATALOG_READ], by=by
    ),
    "person.reveal": lambda w, by: person_reveal(
        person=w.objects["alice"], field="id_number", by=by, reason="核对"
    ),
    "identity_code.issue": lambda w, by: identity_code_issue(by=by),
    "catalog.implementation.change": lambda w, by: version_draft_start(
        implementation=w.objects["implementation_B"], by=by
    ),
    "catalog.implementation.publish": lambda w, by: version_publish(
        version=w.objects["implementation_B"].versions.get(status="draft"), by=by
    ),
    "notification.read": lambda w, by: notification_mark_read(
        notification=w.objects["notification_alice"], by=by
    ),
}
TARGET = {
    "mandate.revoke": "mandate",
    "staff_role.manage": "staff_role",
    "company.manage_operators": "acme",
    "person.reveal": "alice",
    "catalog.implementation.change": "implementation_B",
    "catalog.implementation.publish": "implementation_B",
    "notification.read": "notification_alice",
}


@pytest.mark.parametrize("action", sorted(ATTEMPTS))
def test_each_refused_action_changes_nothing(world, action):
    refused = [s for s in SUBJECTS if s not in MATRIX[(action, TARGET.get(action, "none"))]]
    assert refused, f"everyone may {action}: nothing to refuse"

    for subject in refused:
        before = snapshot()
        with pytest.raises((AccessDenied, ActionRefused)):
            ATTEMPTS[action](world, world.actors[subject])
        assert snapshot() == before, f"{subject} was refused {action} but something changed"


def test_a_refused_identity_code_verification_changes_nothing(world):
    token = _fresh_code_of_alice(world)
    for subject in [s for s in SUBJECTS if s not in MATRIX[("identity_code.verify", "none")]]:
        before = snapshot()
        with pytest.raises((AccessDenied, ActionRefused)):
            identity_code_verify(token=token, by=world.actors[subject])
        assert snapshot() == before, f"{subject} was refused identity_code.verify but something changed"

    identity_code_verify(token=token, by=world.actors[Role.WINDOW_CLERK])  # still unused, so it works


@pytest.mark.parametrize("action", ["audit.verify", "staff_role.manage"])
def test_the_command_line_may_verify_the_audit_chain_and_make_staff(action):
    """Someone with a shell on the server: the first platform admin of an installation comes from it."""
    assert access.check(Actor.system(channel=Channel.CLI), action)
    assert not access.check(Actor.system(channel=Channel.WEB), action)
    assert not access.check(Actor.system(channel=Channel.API), action)
