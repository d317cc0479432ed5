"""身份码 / 企业码 services: a code identifies its account once within 60 seconds; replayed, expired, forged
and foreign codes are refused with a clear message, recorded, and change nothing."""

import threading

import pytest
from django.core import signing
from django.db import connection

from tongban.core.choices import Channel
from tongban.core.models import AuditEntry
from tongban.identity.access import AccessDenied, Actor
from tongban.identity.choices import AccountKind, Role, TokenScope
from tongban.identity.models import IdentityCode
from tongban.identity.selectors.codes import mask_name
from tongban.identity.services import identity_codes
from tongban.identity.services.identity_codes import (
    EXPIRED,
    INVALID,
    USED,
    CodeRefused,
    identity_code_issue,
    identity_code_qr,
    identity_code_verify,
)

from .factories import CompanyFactory, PersonFactory, make_id_number
from .identity_code_helpers import as_actor, clerk_actor, kiosk_actor, move_clock, staff

pytestmark = pytest.mark.django_db


def issue_for_person(**kwargs):
    person = PersonFactory(**kwargs)
    return person, identity_code_issue(by=as_actor(person.user, Channel.WEB))


def audit_actions() -> list[str]:
    return list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))


def unused_codes() -> int:
    return IdentityCode.objects.filter(used_at=None).count()


def test_a_code_identifies_its_person_once_within_60_seconds():
    person, issued = issue_for_person(real_name="张三丰", id_number=make_id_number(7), phone="15100006702")
    clerk = clerk_actor()

    identified = identity_code_verify(token=issued.token, by=clerk, place="鄂城区政务服务中心 3号窗口")

    assert (identified.account_id, identified.kind, identified.person_id) == (
        person.user_id,
        AccountKind.PERSON,
        person.pk,
    )
    assert identified.name == "张*丰"
    assert identified.id_number == make_id_number(7)[:4] + "*" * 10 + make_id_number(7)[-4:]
    assert identified.phone == "151****6702"
    code = IdentityCode.objects.get()
    assert (code.used_by, code.used_channel, code.used_place) == (
        clerk.user,
        Channel.WINDOW,
        "鄂城区政务服务中心 3号窗口",
    )
    assert code.used_at == identified.verified_at
    assert (code.expires_at - code.issued_at).total_seconds() == 60


def test_a_verification_is_audited_without_the_token():
    person, issued = issue_for_person()
    clerk = clerk_actor()

    identity_code_verify(token=issued.token, by=clerk, place="3号窗口")

    entry = AuditEntry.objects.get(action="identity_code.verified")
    code = IdentityCode.objects.get()
    assert (entry.actor_id, entry.object_type, entry.object_id) == (
        clerk.user_id,
        "identity.user",
        str(person.user_id),
    )
    assert entry.detail == {"code": code.jti, "place": "3号窗口"}
    assert issued.token.split(":")[-1] not in str(entry.detail)


def test_a_company_code_identifies_the_company_by_its_register_data():
    company = CompanyFactory(name="武汉通办科技有限公司", legal_representative="李四")
    issued = identity_code_issue(by=as_actor(company.user, Channel.WEB))

    identified = identity_code_verify(token=issued.token, by=clerk_actor())

    assert issued.kind_label == "企业码"
    assert (identified.kind, identified.name, identified.uscc, identified.legal_representative) == (
        AccountKind.COMPANY,
        "武汉通办科技有限公司",
        company.uscc,
        "李四",
    )
    assert identified.person_id is None


def test_a_replayed_code_is_refused_and_recorded():
    _, issued = issue_for_person()
    clerk = clerk_actor()
    identity_code_verify(token=issued.token, by=clerk)
    first_use = IdentityCode.objects.get().used_at

    with pytest.raises(CodeRefused) as refused:
        identity_code_verify(token=issued.token, by=clerk_actor())

    assert (refused.value.message, refused.value.status) == (USED, 409)
    assert USED == "该身份码已使用，请让申请人刷新后重新出示。"
    assert IdentityCode.objects.get().used_at == first_use
    assert IdentityCode.objects.get().used_by == clerk.user
    entry = AuditEntry.objects.get(action="identity_code.refused")
    assert entry.detail == {"reason": "used", "place": "", "code": IdentityCode.objects.get().jti}


def test_a_code_still_works_59_seconds_after_it_was_issued(monkeypatch):
    _, issued = issue_for_person()
    move_clock(monkeypatch, 59)

    identified = identity_code_verify(token=issued.token, by=clerk_actor())

    assert identified.kind == AccountKind.PERSON


def test_an_expired_code_is_refused_and_stays_unused(monkeypatch):
    _, issued = issue_for_person()
    move_clock(monkeypatch, 61)

    with pytest.raises(CodeRefused) as refused:
        identity_code_verify(token=issued.token, by=clerk_actor())

    assert (refused.value.message, refused.value.status) == (EXPIRED, 410)
    assert EXPIRED == "身份码已过期，请让申请人刷新后重新出示。"
    assert unused_codes() == 1
    assert AuditEntry.objects.get(action="identity_code.refused").detail["reason"] == "expired"


def _other_salt_token(token: str) -> str:
    return signing.Signer(salt="tongban.licenses.presentation").sign(token.rsplit(":", 1)[0])


def _other_account_token(token: str) -> str:
    payload, signature = token.rsplit(":", 1)
    kind_and_account, rest = payload.split(".", 1)
    return f"{kind_and_account}9.{rest}:{signature}"


def _tampered_signature(token: str) -> str:
    return token[:-1] + ("A" if token[-1] != "A" else "B")


@pytest.mark.parametrize(
    "forge",
    [
        _tampered_signature,
        _other_account_token,
        _other_salt_token,
        lambda token: token.rsplit(":", 1)[0],  # no signature
        lambda token: "4201021990030712" + "34",  # an ID number typed into the field
        lambda token: "垃圾数据：" + token,
        lambda token: "",
        lambda token: token * 3,  # too long
    ],
    ids=["tampered", "other-account", "other-salt", "unsigned", "id-number", "garbage", "empty", "too-long"],
)
def test_a_forged_or_malformed_code_is_refused_as_invalid(forge):
    _, issued = issue_for_person()

    with pytest.raises(CodeRefused) as refused:
        identity_code_verify(token=forge(issued.token), by=clerk_actor())

    assert (refused.value.message, refused.value.status) == (INVALID, 400)
    assert INVALID == "身份码无效。"
    assert unused_codes() == 1
    entry = AuditEntry.objects.get(action="identity_code.refused")
    assert (entry.detail, entry.object_id) == ({"reason": "invalid", "place": ""}, "")


def test_a_validly_signed_code_that_was_never_issued_is_invalid():
    person = PersonFactory()
    token = identity_codes._sign(
        user=person.user, jti="A" * 16, expires_at=identity_codes._now() + identity_codes.CODE_LIFETIME
    )

    with pytest.raises(CodeRefused) as refused:
        identity_code_verify(token=token, by=clerk_actor())

    assert refused.value.message == INVALID


def test_the_code_of_an_account_deactivated_since_is_invalid():
    person, issued = issue_for_person()
    person.user.is_active = False
    person.user.save()

    with pytest.raises(CodeRefused) as refused:
        identity_code_verify(token=issued.token, by=clerk_actor())

    assert refused.value.message == INVALID
    assert unused_codes() == 1


@pytest.mark.parametrize(
    "verifier",
    [
        lambda: as_actor(PersonFactory().user, Channel.WEB),
        lambda: as_actor(staff(Role.REVIEWER)),
        lambda: as_actor(staff(Role.SUPERVISOR)),
        lambda: kiosk_actor(TokenScope.CATALOG_READ),
        lambda: Actor(channel=Channel.WEB),
    ],
    ids=["citizen", "reviewer", "supervisor", "token-without-scope", "anonymous"],
)
def test_who_may_not_verify_is_denied_and_nothing_is_used(verifier):
    _, issued = issue_for_person()
    actor = verifier()

    with pytest.raises(AccessDenied):
        identity_code_verify(token=issued.token, by=actor)

    assert unused_codes() == 1
    assert not [a for a in audit_actions() if a.startswith("identity_code.")]


def test_a_kiosk_token_with_the_verify_scope_identifies_the_person():
    person, issued = issue_for_person()
    kiosk = kiosk_actor()

    identified = identity_code_verify(token=issued.token, by=kiosk, place="华容区自助终端 1 号")

    code = IdentityCode.objects.get()
    assert identified.account_id == person.user_id
    assert (code.used_by, code.used_channel, code.used_place) == (None, Channel.KIOSK, "华容区自助终端 1 号")
    assert (
        AuditEntry.objects.get(action="identity_code.verified").organization_id == kiosk.token.organization_id
    )


@pytest.mark.parametrize(
    "issuer",
    [lambda: as_actor(staff()), lambda: kiosk_actor(), lambda: Actor(channel=Channel.WEB)],
    ids=["staff", "kiosk-token", "anonymous"],
)
def test_only_person_and_company_accounts_get_a_code(issuer):
    with pytest.raises(AccessDenied):
        identity_code_issue(by=issuer())

    assert IdentityCode.objects.count() == 0


def test_each_code_is_new_and_short_enough_for_a_real_qr_code():
    person = PersonFactory()
    first = identity_code_issue(by=as_actor(person.user, Channel.WEB))
    second = identity_code_issue(by=as_actor(person.user, Channel.WEB))

    qr = identity_code_qr(token=first.token)

    assert first.token != second.token
    assert len(first.token) <= 90
    assert qr.is_micro is False
    assert 1 <= qr.version <= 6
    assert qr.error == "M"


def test_of_two_verifications_racing_for_one_code_exactly_one_succeeds(monkeypatch):
    """The rival verifies between our read of the row and our UPDATE: the conditional UPDATE loses."""
    _, issued = issue_for_person()
    ours, rival = clerk_actor(), clerk_actor()
    raced, rival_result = [], []
    real_filter = IdentityCode.objects.filter

    def filter_then_let_the_rival_win(*args, **kwargs):
        if kwargs.get("used_at", "unset") is None and not raced:  # our conditional UPDATE is next
            raced.append(True)
            rival_result.append(identity_code_verify(token=issued.token, by=rival))
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(IdentityCode.objects, "filter", filter_then_let_the_rival_win)

    with pytest.raises(CodeRefused) as refused:
        identity_code_verify(token=issued.token, by=ours)

    assert refused.value.message == USED
    assert len(rival_result) == 1
    assert IdentityCode.objects.get().used_by == rival.user
    assert audit_actions().count("identity_code.verified") == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's test database serializes writers")
@pytest.mark.django_db(transaction=True)
def test_of_two_threads_verifying_one_code_at_once_exactly_one_succeeds():
    _, issued = issue_for_person()
    clerks = [clerk_actor(), clerk_actor()]
    start, outcomes = threading.Barrier(2), []

    def verify(actor):
        from django.db import connections

        start.wait()
        try:
            outcomes.append(identity_code_verify(token=issued.token, by=actor).kind)
        except CodeRefused as exc:
            outcomes.append(exc.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=verify, args=(actor,)) for actor in clerks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == sorted([AccountKind.PERSON, USED])
    assert IdentityCode.objects.get().used_by in [clerk.user for clerk in clerks]


@pytest.mark.parametrize(
    ("name", "masked"), [("张三", "张*"), ("张三丰", "张*丰"), ("欧阳春雪", "欧**雪"), ("李", "李"), ("", "")]
)
def test_a_persons_name_is_shown_with_its_middle_hidden(name, masked):
    assert mask_name(name) == masked
