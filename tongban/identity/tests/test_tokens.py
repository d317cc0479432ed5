"""API tokens through their service: shown once, stored as a hash, accepted as a bearer token by the
API until revoked or expired; only platform administrators manage them."""

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from tongban.core.choices import Channel
from tongban.core.errors import ValidationFailed
from tongban.core.models import AuditEntry
from tongban.identity.access import AccessDenied, Actor
from tongban.identity.choices import Role, TokenScope
from tongban.identity.models import ApiToken
from tongban.identity.services.tokens import api_token_create, api_token_revoke
from tongban.regions.tests.factories import OrganizationFactory

from .test_staff import field_errors, staff_actor

pytestmark = pytest.mark.django_db

ME = "/api/v1/identity/me"  # behind the API's authentication (session or bearer token)


def kiosk_token(admin: Actor, **kwargs) -> tuple[ApiToken, str]:
    values = {
        "name": "华容区政务服务中心自助终端",
        "organization": OrganizationFactory(name="鄂州市华容区政务服务和大数据管理局"),
        "scopes": [TokenScope.IDENTITY_VERIFY],
        "by": admin,
    }
    return api_token_create(**values | kwargs)


def test_a_token_is_returned_once_and_only_its_hash_is_kept():
    admin = staff_actor()

    api_token, plaintext = kiosk_token(admin, scopes=[TokenScope.MANDATES_READ, TokenScope.IDENTITY_VERIFY])

    stored = ApiToken.objects.filter(pk=api_token.pk).values().get()
    assert plaintext.startswith("tb_") and len(plaintext) > 40
    assert stored["token_hash"] == hashlib.sha256(plaintext.encode()).hexdigest()
    assert stored["prefix"] == plaintext[:12]
    assert plaintext not in str(stored)
    assert stored["scopes"] == [TokenScope.IDENTITY_VERIFY, TokenScope.MANDATES_READ]
    assert stored["created_by_id"] == admin.user_id
    entry = AuditEntry.objects.get(action="api_token.created")
    assert plaintext not in str(entry.detail) and plaintext[12:] not in entry.object_label
    assert entry.detail["scopes"] == [TokenScope.IDENTITY_VERIFY, TokenScope.MANDATES_READ]


def test_the_token_works_as_a_bearer_token_until_revoked(client):
    admin = staff_actor()
    api_token, plaintext = kiosk_token(admin)
    bearer = {"Authorization": f"Bearer {plaintext}"}

    accepted = client.get(ME, headers=bearer)
    api_token_revoke(api_token=api_token, by=admin)
    refused = client.get(ME, headers=bearer)

    assert accepted.status_code == 200
    assert (accepted.json()["kind"], accepted.json()["display_name"]) == (
        "system",
        "华容区政务服务中心自助终端",
    )
    assert accepted.json()["token"]["scopes"] == [{"value": "identity:verify", "label": "核验身份码"}]
    assert refused.status_code == 401
    assert ApiToken.objects.get(pk=api_token.pk).revoked_at is not None
    assert [e.action for e in AuditEntry.objects.order_by("seq")][-2:] == [
        "api_token.created",
        "api_token.revoked",
    ]


def test_an_expired_or_unknown_token_is_refused(client):
    admin = staff_actor()
    api_token, plaintext = kiosk_token(admin, expires_at=timezone.now() + timedelta(days=1))
    ApiToken.objects.filter(pk=api_token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    expired = client.get(ME, headers={"Authorization": f"Bearer {plaintext}"})
    forged = client.get(ME, headers={"Authorization": f"Bearer {plaintext[:-2]}xx"})

    assert (expired.status_code, forged.status_code) == (401, 401)


def test_bad_input_names_every_field_and_creates_nothing():
    admin = staff_actor()

    with pytest.raises(ValidationFailed) as exc:
        kiosk_token(admin, name=" ", scopes=["cases:write"], expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ValidationFailed) as empty:
        kiosk_token(admin, scopes=[])

    assert field_errors(exc) == [
        ("name", "名称：请填写，如“华容区政务服务中心自助终端”。"),
        ("scopes", "权限范围：未知的权限“cases:write”。"),
        ("expires_at", "到期时间须晚于当前时间。"),
    ]
    assert field_errors(empty) == [("scopes", "权限范围：请至少选择一项。")]
    assert not ApiToken.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="api_token").exists()


def test_revoking_twice_is_refused():
    admin = staff_actor()
    api_token, _ = kiosk_token(admin)
    api_token_revoke(api_token=api_token, by=admin)

    with pytest.raises(ValidationFailed) as exc:
        api_token_revoke(api_token=api_token, by=admin)

    assert field_errors(exc) == [("api_token", "该令牌已经撤销。")]


@pytest.mark.parametrize("role", [Role.CATALOG_ADMIN, Role.SUPERVISOR, Role.WINDOW_CLERK, None])
def test_only_platform_admins_manage_tokens_and_a_refusal_changes_nothing(role):
    api_token, _ = kiosk_token(staff_actor())
    actor = staff_actor(role) if role else Actor(channel=Channel.WEB)
    before = (list(ApiToken.objects.values()), AuditEntry.objects.count())

    with pytest.raises(AccessDenied):
        kiosk_token(actor)
    with pytest.raises(AccessDenied):
        api_token_revoke(api_token=api_token, by=actor)

    assert (list(ApiToken.objects.values()), AuditEntry.objects.count()) == before
