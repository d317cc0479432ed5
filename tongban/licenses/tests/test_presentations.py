"""亮证: a presentation shows its license once within its window, to a staff member or a system with the
licenses:verify scope who states a purpose; replayed, expired, cancelled, forged and guessed codes are
refused (a typed code without telling whether it exists for someone else), guessing is rate-limited, and
every use is kept for the holder and audited."""

import datetime as dt

import pytest
from django.core import signing
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse

from tongban.core.audit import AuditEntry
from tongban.core.choices import Channel
from tongban.core.errors import Conflict, ValidationFailed
from tongban.core.tests.concurrency import run_together
from tongban.identity.access import AccessDenied, ActionRefused, actor_for, actor_for_token
from tongban.identity.choices import Role, TokenScope
from tongban.identity.models import CompanyOperator
from tongban.identity.tests.factories import CompanyFactory, PersonFactory, StaffRoleFactory
from tongban.identity.tests.identity_code_helpers import kiosk_token

from .. import presentation_codes, presentations
from ..choices import PresentationState
from ..models import License, Presentation
from ..presentation_codes import presentation_code, presentation_token
from ..presentations import (
    CANCELLED,
    EXPIRED,
    FAILURE_RATE,
    INVALID,
    USED,
    USED_BY_YOU,
    WRONG_CODE,
    PresentationRefused,
    presentation_cancel,
    presentation_create,
    presentation_state,
    presentation_verify,
    presentations_of,
)
from ..services import license_issue, license_operate
from .factories import LicenseTypeFactory, make_office, property_issue

API = "/api/v1/licenses/presentations"
PURPOSE = "办理不动产登记，查验不动产权证书"
FAILURES_ALLOWED = int(FAILURE_RATE.split("/")[0])


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def office(db):
    return make_office()


@pytest.fixture
def license_(office) -> License:
    return license_issue(
        issuer=office.issuer, data=property_issue(office.holder), by=office.actor(office.reviewer)
    )


def holder_of(license_: License):
    return actor_for(license_.holder, channel=Channel.WEB)


def clerk(name: str = "王窗口"):
    role = StaffRoleFactory(role=Role.WINDOW_CLERK, organization__name="鄂州市政务服务中心")
    role.user.display_name = name
    role.user.save()
    return actor_for(role.user, channel=Channel.WINDOW)


def kiosk(*scopes: str):
    return actor_for_token(kiosk_token(*scopes)[0], channel=Channel.API)


def move_clock(monkeypatch, **delta) -> None:
    """Let the presentation services see a time `delta` from now (as identity's code tests do)."""
    real_now = presentations.timezone.now
    monkeypatch.setattr(presentations, "_now", lambda: real_now() + dt.timedelta(**delta))


def other_code(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def refusal(call) -> PresentationRefused:
    with pytest.raises(PresentationRefused) as caught:
        call()
    return caught.value


# --- Once, within the window --------------------------------------------------------------------------


def test_a_typed_code_shows_the_license_once_and_the_use_is_kept_for_the_holder(license_):
    presentation = presentation_create(license_=license_, by=holder_of(license_))
    verifier = clerk()

    presented = presentation_verify(
        code=presentation_code(presentation), purpose=f"  {PURPOSE} ", by=verifier
    )

    assert presented.license == license_ and presented.result.ok
    assert presented.holder_code == license_.holder_code[:4] + "*" * 10 + license_.holder_code[-4:]
    assert dict(presented.face)["坐落"] == "江岸区沿江大道1号"
    used = Presentation.objects.get()
    assert (used.used_by, used.used_by_label, used.used_organization, used.used_channel, used.purpose) == (
        verifier.user,
        "王窗口",
        verifier.user.staff_roles.get().organization,
        Channel.WINDOW,
        PURPOSE,
    )
    assert used.used_at == presented.verified_at and used.live_code is None
    assert list(presentations_of(holder_of(license_))) == [used]
    assert presentation_state(used) == PresentationState.USED
    entry = AuditEntry.objects.get(action="license_presentation.used")
    assert (entry.actor_id, entry.object_id, entry.detail["purpose"]) == (
        verifier.user_id,
        str(license_.pk),
        PURPOSE,
    )


def test_a_scanned_token_shows_the_license_once(license_):
    presentation = presentation_create(license_=license_, by=holder_of(license_))

    presented = presentation_verify(code=presentation_token(presentation), purpose=PURPOSE, by=clerk())

    assert presented.presentation.pk == presentation.pk and presented.result.ok


def test_a_code_works_until_the_last_second_of_its_window(license_, monkeypatch):
    presentation = presentation_create(license_=license_, by=holder_of(license_))
    move_clock(monkeypatch, minutes=4, seconds=59)

    presented = presentation_verify(code=presentation_code(presentation), purpose=PURPOSE, by=clerk())

    assert (presentation.expires_at - presentation.created_at) == dt.timedelta(minutes=5)
    assert presented.verified_at < presentation.expires_at


# --- Replayed, expired, cancelled, forged, guessed ------------------------------------------------------


def test_a_replayed_code_is_refused_and_the_first_use_stands(license_):
    presentation = presentation_create(license_=license_, by=holder_of(license_))
    code, token = presentation_code(presentation), presentation_token(presentation)
    first, second = clerk(), clerk("李窗口")
    presentation_verify(code=code, purpose=PURPOSE, by=first)

    by_another_typed = refusal(lambda: presentation_verify(code=code, purpose=PURPOSE, by=second))
    by_another_scanned = refusal(lambda: presentation_verify(code=token, purpose=PURPOSE, by=second))
    by_the_same = refusal(lambda: presentation_verify(code=code, purpose=PURPOSE, by=first))

    assert (by_another_typed.status, by_another_typed.message) == (400, WRONG_CODE)
    assert (by_another_scanned.status, by_another_scanned.message) == (409, USED)
    assert (by_the_same.status, by_the_same.message) == (409, USED_BY_YOU)
    used = Presentation.objects.get()
    assert (used.used_by, used.purpose) == (first.user, PURPOSE)
    reasons = AuditEntry.objects.filter(action="license_presentation.refused").values_list(
        "detail", flat=True
    )
    assert [r["reason"] for r in reasons] == ["used", "used", "used"]


def test_an_expired_code_is_refused(license_, monkeypatch):
    presentation = presentation_create(license_=license_, by=holder_of(license_))
    move_clock(monkeypatch, minutes=5)

    typed = refusal(
        lambda: presentation_verify(code=presentation_code(presentation), purpose=PURPOSE, by=clerk())
    )
    scanned = refusal(
        lambda: presentation_verify(code=presentation_token(presentation), purpose=PURPOSE, by=clerk())
    )

    assert (typed.status, typed.message, typed.reason) == (400, WRONG_CODE, "expired")
    assert (scanned.status, scanned.message) == (410, EXPIRED)
    assert Presentation.objects.get().used_at is None


def test_a_cancelled_presentation_is_refused_and_cannot_be_cancelled_after_use(license_):
    holder = holder_of(license_)
    cancelled = presentation_create(license_=license_, by=holder)
    presentation_cancel(presentation=cancelled, by=holder)
    presentation_cancel(presentation=cancelled, by=holder)  # twice: harmless

    scanned = refusal(
        lambda: presentation_verify(code=presentation_token(cancelled), purpose=PURPOSE, by=clerk())
    )
    typed = refusal(
        lambda: presentation_verify(code=presentation_code(cancelled), purpose=PURPOSE, by=clerk())
    )
    used = presentation_create(license_=license_, by=holder)
    presentation_verify(code=presentation_code(used), purpose=PURPOSE, by=clerk())

    assert (scanned.status, scanned.message, typed.message) == (410, CANCELLED, WRONG_CODE)
    with pytest.raises(Conflict, match="已被核验，不能取消"):
        presentation_cancel(presentation=used, by=holder)
    assert AuditEntry.objects.filter(action="license_presentation.cancelled").count() == 1


def test_a_wrong_code_is_refused_and_the_presentation_stays_usable(license_):
    presentation = presentation_create(license_=license_, by=holder_of(license_))
    code = presentation_code(presentation)

    wrong = refusal(lambda: presentation_verify(code=other_code(code), purpose=PURPOSE, by=clerk()))

    assert (wrong.status, wrong.message, wrong.reason, wrong.presentation) == (
        400,
        WRONG_CODE,
        "invalid",
        None,
    )
    assert presentation_verify(code=code, purpose=PURPOSE, by=clerk()).result.ok


def test_a_guess_that_hits_someone_elses_used_code_is_answered_like_a_wrong_one(license_, office):
    presentation = presentation_create(license_=license_, by=holder_of(license_))
    code = presentation_code(presentation)
    presentation_verify(code=code, purpose=PURPOSE, by=clerk())
    guesser = clerk("猜码人")

    hit = refusal(lambda: presentation_verify(code=code, purpose="随便看看", by=guesser))
    miss = refusal(lambda: presentation_verify(code=other_code(code), purpose="随便看看", by=guesser))

    assert (hit.status, hit.message) == (miss.status, miss.message) == (400, WRONG_CODE)


def test_a_forged_or_foreign_token_is_invalid(license_):
    presentation = presentation_create(license_=license_, by=holder_of(license_))
    token = presentation_token(presentation)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    foreign = signing.Signer(salt="tongban.identity.identity-code", algorithm="sha256").sign(
        token.split(":")[0]
    )

    for text in (forged, foreign, "L" + "x" * 300, "123 45"):
        refused = refusal(lambda text=text: presentation_verify(code=text, purpose=PURPOSE, by=clerk()))
        assert (refused.status, refused.message) == (400, INVALID)
    assert Presentation.objects.get().used_at is None


# --- Who may present, who may verify --------------------------------------------------------------------


@pytest.mark.parametrize("operation", ["suspend", "revoke", "cancel"])
def test_a_license_that_is_not_valid_cannot_be_presented(license_, office, operation):
    license_operate(
        license_=license_, operation=operation, by=office.actor(office.reviewer), reason="依法处理"
    )
    license_.refresh_from_db()

    with pytest.raises(Conflict, match="不能亮证"):
        presentation_create(license_=license_, by=holder_of(license_))
    assert not Presentation.objects.exists()


def test_a_license_past_its_validity_cannot_be_presented(office):
    old = license_issue(
        issuer=office.issuer,
        data=property_issue(office.holder, valid_until=dt.date(2026, 3, 31)),
        by=office.actor(office.reviewer),
    )

    with pytest.raises(Conflict, match="已超过有效期"):
        presentation_create(license_=old, by=holder_of(old))


def test_only_the_holder_presents_the_license(license_, office):
    with pytest.raises(AccessDenied) as unseen:
        presentation_create(license_=license_, by=actor_for(office.stranger))
    with pytest.raises(ActionRefused, match="只有持证人本人") as refused:
        presentation_create(license_=license_, by=actor_for(office.reviewer))  # the issuer sees it

    assert (unseen.value.action, refused.value.action) == ("presentation.create", "presentation.create")
    assert not Presentation.objects.exists()


def test_only_the_holder_cancels_and_the_presentation_stays_usable(license_, office):
    presentation = presentation_create(license_=license_, by=holder_of(license_))

    with pytest.raises(AccessDenied) as unseen:
        presentation_cancel(presentation=presentation, by=actor_for(office.stranger))
    with pytest.raises(ActionRefused, match="只有持证人本人") as refused:
        presentation_cancel(presentation=presentation, by=actor_for(office.reviewer))

    assert (unseen.value.action, refused.value.action) == ("presentation.cancel", "presentation.cancel")
    presentation.refresh_from_db()
    assert presentation_state(presentation) == PresentationState.OPEN
    assert presentation.live_code == presentation.code_index


def test_an_operator_presents_the_companys_license(office):
    company = CompanyFactory()
    operator = PersonFactory()
    CompanyOperator.objects.create(company=company, person=operator)
    business = LicenseTypeFactory(code="111000000000000009", name="营业执照", holder_kind="organization")
    company_license = license_issue(
        issuer=office.issuer,
        data=property_issue(company.user, license_type=business),
        by=office.actor(office.reviewer),
    )

    presentation = presentation_create(license_=company_license, by=actor_for(operator.user))
    presented = presentation_verify(code=presentation_code(presentation), purpose=PURPOSE, by=clerk())

    assert presented.holder_code == company.uscc
    assert list(presentations_of(actor_for(company.user))) == [Presentation.objects.get()]


def test_a_verifier_states_a_purpose_and_nothing_is_used_without_it(license_):
    presentation = presentation_create(license_=license_, by=holder_of(license_))

    with pytest.raises(ValidationFailed) as caught:
        presentation_verify(code=presentation_code(presentation), purpose="   ", by=clerk())

    assert caught.value.errors[0].field == "purpose" and "核验事由" in caught.value.message
    assert Presentation.objects.get().used_at is None


def test_a_token_needs_the_licenses_verify_scope_and_a_citizen_may_not_verify(license_, office):
    presentation = presentation_create(license_=license_, by=holder_of(license_))
    code = presentation_code(presentation)

    for stranger in (kiosk(TokenScope.IDENTITY_VERIFY), actor_for(office.stranger)):
        with pytest.raises(ActionRefused, match="licenses:verify") as refused:
            presentation_verify(code=code, purpose=PURPOSE, by=stranger)
        assert refused.value.action == "presentation.redeem"
    assert Presentation.objects.get().used_at is None

    system = kiosk(TokenScope.LICENSES_VERIFY)
    presentation_verify(code=code, purpose=PURPOSE, by=system)
    used = Presentation.objects.get()
    assert (used.used_by, used.used_by_token, used.used_organization) == (
        None,
        system.token,
        system.token.organization,
    )


def test_a_staff_member_verifies_for_one_of_their_organizations(license_, office):
    verifier = clerk()
    second = StaffRoleFactory(user=verifier.user, role=Role.HELPER).organization
    verifier = actor_for(verifier.user, channel=Channel.WINDOW)
    presentation = presentation_create(license_=license_, by=holder_of(license_))
    code = presentation_code(presentation)

    with pytest.raises(ValidationFailed, match="所在的单位"):
        presentation_verify(code=code, purpose=PURPOSE, by=verifier, organization_id=office.issuer.pk)
    presentation_verify(code=code, purpose=PURPOSE, by=verifier, organization_id=second.pk)

    assert Presentation.objects.get().used_organization == second


# --- Codes in use -------------------------------------------------------------------------------------


def test_a_new_presentation_supersedes_the_open_one(license_):
    holder = holder_of(license_)
    first = presentation_create(license_=license_, by=holder)
    second = presentation_create(license_=license_, by=holder)

    first.refresh_from_db()
    assert presentation_state(first) == PresentationState.CANCELLED and first.live_code is None
    assert presentation_state(second) == PresentationState.OPEN


def test_two_open_presentations_never_share_a_code_but_an_expired_one_lets_go(license_, office, monkeypatch):
    other = license_issue(
        issuer=office.issuer,
        data=property_issue(office.holder, number="第0000002号"),
        by=office.actor(office.reviewer),
    )
    draws = iter(["123456", "123456", "654321", "123456"])
    monkeypatch.setattr(presentation_codes, "check_code", lambda jti: next(draws))
    first = presentation_create(license_=license_, by=holder_of(license_))
    second = presentation_create(license_=other, by=holder_of(other))
    move_clock(monkeypatch, minutes=6)
    third = presentation_create(license_=other, by=holder_of(other))

    assert (first.code_index == third.code_index) and first.code_index != second.code_index
    first.refresh_from_db()
    assert first.live_code is None and third.live_code == third.code_index


# --- The API ------------------------------------------------------------------------------------------


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def bearer(*scopes: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {kiosk_token(*scopes)[1]}"}


def test_the_api_paths_resolve_before_the_licenses_identifier(license_):
    client = signed_in(license_.holder)

    listed = client.get(API)

    assert listed.status_code == 200 and listed.json() == {"items": [], "count": 0}


def test_over_the_api_the_holder_presents_a_kiosk_verifies_once_and_the_holder_sees_the_use(license_):
    holder = signed_in(license_.holder)
    shown = holder.post(API, {"identifier": license_.identifier}, content_type="application/json")
    body = shown.json()
    kiosk_headers = bearer(TokenScope.LICENSES_VERIFY)

    verified = Client().post(
        f"{API}/verify",
        {"code": body["code"], "purpose": PURPOSE},
        content_type="application/json",
        **kiosk_headers,
    )
    replayed = Client().post(
        f"{API}/verify",
        {"code": body["token"], "purpose": PURPOSE},
        content_type="application/json",
        **kiosk_headers,
    )
    listed = holder.get(API, {"identifier": license_.identifier}).json()

    assert shown.status_code == 201 and len(body["code"]) == 6 and body["qr_svg"].startswith("<svg")
    assert body["state"]["value"] == "open"
    assert verified.status_code == 200
    result = verified.json()
    assert (result["verdict"], result["license"]["number"], result["purpose"]) == (
        "valid",
        license_.number,
        PURPOSE,
    )
    assert license_.holder_code not in verified.content.decode()
    assert replayed.status_code == 409 and replayed.json()["detail"] == USED_BY_YOU
    assert listed["count"] == 1
    use = listed["items"][0]
    assert (use["state"]["value"], use["purpose"]) == ("used", PURPOSE)
    assert use["verifier"].startswith("自助终端 1 号") and use["verifier_organization"] and use["used_at"]


def test_over_the_api_the_holder_cancels_and_others_neither_present_nor_cancel(license_, office):
    holder = signed_in(license_.holder)
    stranger = signed_in(office.stranger)
    body = holder.post(API, {"identifier": license_.identifier}, content_type="application/json").json()

    foreign = stranger.post(API, {"identifier": license_.identifier}, content_type="application/json")
    foreign_cancel = stranger.post(f"{API}/{body['id']}/cancel")
    cancelled = holder.post(f"{API}/{body['id']}/cancel")

    assert (foreign.status_code, foreign_cancel.status_code) == (404, 404)
    assert cancelled.status_code == 200 and cancelled.json()["state"]["value"] == "cancelled"


def test_over_the_api_a_suspended_license_is_not_presented(license_, office):
    license_operate(
        license_=license_, operation="suspend", by=office.actor(office.reviewer), reason="依法暂扣"
    )

    answer = signed_in(license_.holder).post(
        API, {"identifier": license_.identifier}, content_type="application/json"
    )

    assert answer.status_code == 409 and answer.json()["detail"] == "证照当前状态为「暂扣」，不能亮证。"


def test_over_the_api_a_token_without_the_scope_and_a_missing_purpose_are_refused(license_):
    presentation = presentation_create(license_=license_, by=holder_of(license_))
    code = presentation_code(presentation)

    unscoped = Client().post(
        f"{API}/verify",
        {"code": code, "purpose": PURPOSE},
        content_type="application/json",
        **bearer(TokenScope.IDENTITY_VERIFY),
    )
    no_purpose = Client().post(
        f"{API}/verify",
        {"code": code, "purpose": ""},
        content_type="application/json",
        **bearer(TokenScope.LICENSES_VERIFY),
    )

    assert unscoped.status_code == 403 and "licenses:verify" in unscoped.json()["detail"]
    assert no_purpose.status_code == 400 and no_purpose.json()["errors"][0]["field"] == "purpose"
    assert Presentation.objects.get().used_at is None


def test_over_the_api_guessing_is_stopped_even_for_the_right_code(license_):
    presentation = presentation_create(license_=license_, by=holder_of(license_))
    code = presentation_code(presentation)
    headers = bearer(TokenScope.LICENSES_VERIFY)

    def attempt(text):
        return Client().post(
            f"{API}/verify", {"code": text, "purpose": PURPOSE}, content_type="application/json", **headers
        )

    wrong = [c for c in (f"{n:06d}" for n in range(FAILURES_ALLOWED + 1)) if c != code][:FAILURES_ALLOWED]
    guesses = [attempt(guess).status_code for guess in wrong]
    stopped = attempt(code)
    other_kiosk = Client().post(
        f"{API}/verify",
        {"code": code, "purpose": PURPOSE},
        content_type="application/json",
        **bearer(TokenScope.LICENSES_VERIFY),
    )

    assert guesses == [400] * FAILURES_ALLOWED
    assert stopped.status_code == 429 and "失败次数过多" in stopped.json()["detail"]
    assert other_kiosk.status_code == 200  # per verifier


# --- The pages ----------------------------------------------------------------------------------------


def test_the_holder_shows_the_license_on_the_page_and_watches_it_used(license_):
    holder = signed_in(license_.holder)
    page_url = reverse("licenses:present", args=[license_.identifier])

    created = holder.post(page_url)
    page = holder.get(page_url)
    presentation = Presentation.objects.get()
    state_url = reverse("licenses:present_state", args=[license_.identifier]) + f"?p={presentation.pk}"
    open_state = holder.get(state_url)
    presentation_verify(code=presentation_code(presentation), purpose=PURPOSE, by=clerk())
    used_state = holder.get(state_url)
    after = holder.get(page_url).content.decode()

    assert created.status_code == 302 and created["Location"] == page_url
    html = page.content.decode()
    assert 'src="data:image/svg+xml' in html
    code = presentation_code(presentation)
    assert f"{code[:3]} {code[3:]}" in html and "剩余 4 分" in html
    assert open_state.status_code == 200
    assert used_state.status_code == 286 and "鄂州市政务服务中心" in used_state.content.decode()
    assert PURPOSE in after and "已核验" in after and "王窗口" in after


def test_the_holder_cancels_on_the_page(license_):
    holder = signed_in(license_.holder)
    holder.post(reverse("licenses:present", args=[license_.identifier]))
    presentation = Presentation.objects.get()

    answer = holder.post(
        reverse("licenses:present_cancel", args=[license_.identifier]), {"presentation": presentation.pk}
    )

    assert answer.status_code == 302
    presentation.refresh_from_db()
    assert presentation_state(presentation) == PresentationState.CANCELLED


def test_someone_else_gets_no_presentation_page(license_, office):
    url = reverse("licenses:present", args=[license_.identifier])

    assert signed_in(office.stranger).get(url).status_code == 404
    assert signed_in(office.stranger).post(url).status_code == 404
    assert signed_in(office.reviewer).get(url).status_code == 403
    assert not Presentation.objects.exists()


def test_a_clerk_verifies_in_the_workbench_once(license_):
    presentation = presentation_create(license_=license_, by=holder_of(license_))
    verifier = clerk()
    client = signed_in(verifier.user)
    url = reverse("licenses:wb_present")

    form = client.get(url)
    shown = client.post(url, {"code": presentation_code(presentation), "purpose": PURPOSE})
    again = client.post(url, {"code": presentation_code(presentation), "purpose": PURPOSE})

    assert form.status_code == 200 and 'name="purpose"' in form.content.decode()
    html = shown.content.decode()
    assert shown.status_code == 200 and "有效：签名验证通过" in html and "江岸区沿江大道1号" in html
    assert license_.holder_code not in html and license_.holder_code[-4:] in html
    assert again.status_code == 409 and USED_BY_YOU in again.content.decode()


def test_the_workbench_asks_for_a_purpose_and_stops_guessers(license_):
    presentation = presentation_create(license_=license_, by=holder_of(license_))
    code = presentation_code(presentation)
    client = signed_in(clerk().user)
    url = reverse("licenses:wb_present")

    no_purpose = client.post(url, {"code": code, "purpose": ""})
    guesses = [
        client.post(url, {"code": other_code(code), "purpose": PURPOSE}).status_code
        for _ in range(FAILURES_ALLOWED)
    ]
    stopped = client.post(url, {"code": code, "purpose": PURPOSE})

    assert no_purpose.status_code == 400 and "请填写核验事由" in no_purpose.content.decode()
    assert guesses == [400] * FAILURES_ALLOWED
    assert stopped.status_code == 429 and "失败次数过多" in stopped.content.decode()
    assert Presentation.objects.get().used_at is None


def test_the_workbench_is_for_staff(license_, office):
    url = reverse("licenses:wb_present")

    assert Client().get(url).status_code == 302
    assert signed_in(office.holder).get(url).status_code == 403


# --- Concurrency ----------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.parametrize("entered", [presentation_code, presentation_token])
def test_two_verifiers_at_once_exactly_one_sees_the_license(entered):
    office = make_office()
    license_ = license_issue(
        issuer=office.issuer, data=property_issue(office.holder), by=office.actor(office.reviewer)
    )
    presentation = presentation_create(license_=license_, by=holder_of(license_))
    text, first, second = entered(presentation), clerk(), clerk("李窗口")

    results = run_together(
        lambda: presentation_verify(code=text, purpose=PURPOSE, by=first),
        lambda: presentation_verify(code=text, purpose=PURPOSE, by=second),
    )

    won = [r for r in results if isinstance(r, presentations.Presented)]
    lost = [r for r in results if isinstance(r, PresentationRefused)]
    assert (len(won), len(lost)) == (1, 1), results
    assert lost[0].reason == "used"
    used = Presentation.objects.get()
    assert used.used_by == won[0].presentation.used_by
    assert AuditEntry.objects.filter(action="license_presentation.used").count() == 1
