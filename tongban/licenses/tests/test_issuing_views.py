"""The issuing workbench: the reviewers of an issuing organization list what it issued, open a license, take
the operations its status allows (each one an event) and make new versions, and issue new licenses (新发)
through a form whose every error names its field; nobody else sees or touches those licenses, and a double
submit issues once."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tongban.core.audit import AuditEntry
from tongban.identity.choices import Role
from tongban.identity.tests.factories import CompanyFactory, StaffRoleFactory, make_id_number
from tongban.regions.tests.factories import OrganizationFactory
from tongban.tests.test_csp import problems

from ..choices import HolderKind, LicenseOperation, LicenseStatus
from ..models import License, LicenseEvent
from ..selectors_issuing import NOT_AN_ISSUER
from ..services import license_issue, license_operate
from .factories import LicenseTypeFactory, make_office, property_issue

pytestmark = pytest.mark.django_db

LIST = reverse("licenses:wb_issued")
ISSUE = reverse("licenses:wb_issue")
FACE = {"face_location": "江岸区沿江大道1号", "face_area": "89.5", "face_registered_on": "2026-03-02"}


@pytest.fixture
def office():
    return make_office()


@pytest.fixture
def issued(office):
    return license_issue(
        issuer=office.issuer, data=property_issue(office.holder), by=office.actor(office.reviewer)
    )


def page_of(license_: License) -> str:
    return reverse("licenses:wb_license", args=[license_.identifier])


def other_citys_reviewer():
    return StaffRoleFactory(
        role=Role.REVIEWER, organization=OrganizationFactory(name="鄂州市自然资源和规划局")
    ).user


def issue_post(office, **changes) -> dict:
    return {
        "type": LicenseTypeFactory().code,
        "issuer": office.issuer.pk,
        "holder_code": office.holder.person.id_number,
        "number": "鄂（2026）武汉市不动产权第0000009号",
        "valid_from": "2026-03-02",
        "valid_until": "",
        "level": "A",
        **FACE,
        **changes,
    }


def snapshot(license_: License) -> tuple:
    license_.refresh_from_db()
    return license_.status, LicenseEvent.objects.filter(license=license_).count(), License.objects.count()


# --- The list ---------------------------------------------------------------------------------------


def test_the_reviewer_lists_the_issued_licenses_and_finds_one_by_number_or_identifier(client, office, issued):
    second = license_issue(
        issuer=office.issuer,
        data=property_issue(office.stranger, number="鄂（2026）武汉市不动产权第0000002号"),
        by=office.actor(office.reviewer),
    )
    client.force_login(office.reviewer)

    everything = client.get(LIST).content.decode()
    by_number = client.get(LIST, {"q": "0000002"}).content.decode()
    by_identifier = client.get(LIST, {"q": issued.identifier}).content.decode()
    by_code = client.get(LIST, {"q": office.stranger.person.id_number}).content.decode()

    assert issued.number in everything and second.number in everything and "共 2 张" in everything
    assert office.holder.person.id_number not in everything
    assert office.holder.person.id_number[:4] + "**********" in everything
    assert second.number in by_number and issued.number not in by_number
    assert issued.number in by_identifier and second.number not in by_identifier
    assert second.number in by_code and issued.number not in by_code


def test_the_list_filters_by_status(client, office, issued):
    license_operate(
        license_=issued, operation=LicenseOperation.SUSPEND, by=office.actor(office.reviewer), reason="核查"
    )
    client.force_login(office.reviewer)

    suspended = client.get(LIST, {"status": LicenseStatus.SUSPENDED}).content.decode()
    valid = client.get(LIST, {"status": LicenseStatus.VALID}).content.decode()

    assert issued.number in suspended and "没有找到相符的证照" in valid


def test_the_list_pages_by_twenty(client, office):
    for n in range(21):
        license_issue(
            issuer=office.issuer,
            data=property_issue(office.holder, number=f"鄂（2026）武汉市不动产权第{n:07d}号"),
            by=office.actor(office.reviewer),
        )
    client.force_login(office.reviewer)

    first = client.get(LIST).content.decode()
    second = client.get(LIST, {"page": 2}).content.decode()

    assert first.count("不动产权第") == 20 and "第 1 页，共 2 页" in first
    assert second.count("不动产权第") == 1 and "第0000000号" in second


def test_another_citys_reviewer_neither_lists_nor_opens_nor_operates_the_license(client, issued):
    client.force_login(other_citys_reviewer())
    before = snapshot(issued)

    listed = client.get(LIST).content.decode()
    opened = client.get(page_of(issued))
    operated = client.post(
        reverse("licenses:wb_operate", args=[issued.identifier]),
        {"operation": "suspend", "reason": "试图暂扣"},
    )
    versioned = client.post(reverse("licenses:wb_new_version", args=[issued.identifier]), {"kind": "change"})

    assert issued.number not in listed and "尚未签发电子证照" in listed
    assert (opened.status_code, operated.status_code, versioned.status_code) == (404, 404, 404)
    assert snapshot(issued) == before
    assert AuditEntry.objects.filter(action="access.denied", detail__answer=404).count() == 3


def test_a_citizen_is_refused_and_an_anonymous_visitor_is_sent_to_the_staff_login(client, office, issued):
    before = snapshot(issued)
    anonymous = client.get(LIST)
    client.force_login(office.holder)

    assert anonymous.status_code == 302 and reverse("identity:workbench_login") in anonymous["Location"]
    assert client.get(LIST).status_code == 403
    assert client.get(page_of(issued)).status_code == 403
    assert client.get(ISSUE).status_code == 403
    refused = client.post(
        reverse("licenses:wb_operate", args=[issued.identifier]),
        {"operation": "cancel", "reason": "不想要了"},
    )
    assert refused.status_code == 403
    assert snapshot(issued) == before


def test_a_window_clerk_of_the_issuer_is_told_only_reviewers_issue(client, office, issued):
    clerk = StaffRoleFactory(role=Role.WINDOW_CLERK, organization=office.issuer).user
    client.force_login(clerk)

    listed = client.get(LIST)
    opened = client.get(page_of(issued))
    issuing = client.post(ISSUE, issue_post(office))

    assert listed.status_code == 403 and NOT_AN_ISSUER in listed.content.decode()
    assert opened.status_code == 404 and issuing.status_code == 403
    assert License.objects.count() == 1


# --- One license and its operations ------------------------------------------------------------------


def test_the_page_offers_only_what_the_status_allows(client, office, issued):
    client.force_login(office.reviewer)
    operate = reverse("licenses:wb_operate", args=[issued.identifier])

    valid = client.get(page_of(issued)).content.decode()
    client.post(operate, {"operation": "suspend", "reason": "涉嫌违法建设，暂扣待查"})
    suspended = client.get(page_of(issued)).content.decode()

    assert "江岸区沿江大道1号" in valid and "张三" in valid and "签名验证通过" in valid
    for operation in ("suspend", "cancel", "revoke", "withdraw"):
        assert f'value="{operation}"' in valid
    assert 'value="return"' not in valid and "签发新版本" in valid
    assert 'value="return"' in suspended and 'value="suspend"' not in suspended
    assert "签发新版本" not in suspended and "涉嫌违法建设，暂扣待查" in suspended


@pytest.mark.parametrize(
    ("steps", "status"),
    [
        (["suspend"], LicenseStatus.SUSPENDED),
        (["suspend", "return"], LicenseStatus.VALID),
        (["cancel"], LicenseStatus.CANCELLED),
        (["suspend", "revoke"], LicenseStatus.REVOKED),
        (["withdraw"], LicenseStatus.WITHDRAWN),
    ],
)
def test_each_operation_changes_the_status_adds_an_event_and_is_audited(
    client, office, issued, steps, status
):
    client.force_login(office.reviewer)
    operate = reverse("licenses:wb_operate", args=[issued.identifier])

    for step in steps:
        response = client.post(operate, {"operation": step, "reason": f"理由：{step}"})
        assert response.status_code == 302 and response["Location"] == page_of(issued)

    issued.refresh_from_db()
    assert issued.status == status
    events = list(issued.events.order_by("at", "id").values_list("operation", "to_status", "reason", "actor"))
    assert events[1:] == [
        (step, to, f"理由：{step}", office.reviewer.pk)
        for step, to in zip(steps, _statuses_after(steps), strict=True)
    ]
    assert list(
        AuditEntry.objects.filter(object_id=str(issued.pk), action__startswith="license.").values_list(
            "action", flat=True
        )
    ) == ["license.issue", *(f"license.{step}" for step in steps)]
    page = client.get(page_of(issued)).content.decode()
    assert f"已{LicenseOperation(steps[-1]).label}。" in page


def _statuses_after(steps: list[str]) -> list[str]:
    to = {
        "suspend": LicenseStatus.SUSPENDED,
        "return": LicenseStatus.VALID,
        "cancel": LicenseStatus.CANCELLED,
        "revoke": LicenseStatus.REVOKED,
        "withdraw": LicenseStatus.WITHDRAWN,
    }
    return [to[step] for step in steps]


def test_an_operation_without_its_reason_names_the_field_and_changes_nothing(client, office, issued):
    client.force_login(office.reviewer)
    before = snapshot(issued)

    response = client.post(reverse("licenses:wb_operate", args=[issued.identifier]), {"operation": "revoke"})

    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_reason_revoke_error">撤销须说明理由。' in html
    assert snapshot(issued) == before


def test_an_operation_the_status_does_not_allow_is_refused_409_and_changes_nothing(client, office, issued):
    client.force_login(office.reviewer)
    before = snapshot(issued)

    response = client.post(reverse("licenses:wb_operate", args=[issued.identifier]), {"operation": "return"})
    unknown = client.post(reverse("licenses:wb_operate", args=[issued.identifier]), {"operation": "expire"})

    assert response.status_code == 409 and "证照当前状态为「有效」，不能发还。" in response.content.decode()
    assert unknown.status_code == 400 and "请选择证照操作。" in unknown.content.decode()
    assert snapshot(issued) == before


def test_a_change_issues_version_2_and_the_first_expires(client, office, issued):
    client.force_login(office.reviewer)
    posted = {
        "kind": "change",
        "number": issued.number,
        "valid_from": "2026-03-02",
        "valid_until": "",
        "level": "A",
        **FACE,
        "face_location": "江岸区沿江大道2号",
    }

    response = client.post(reverse("licenses:wb_new_version", args=[issued.identifier]), posted)

    new = License.objects.get(previous=issued)
    issued.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == page_of(new)
    assert (new.version, new.status, new.face_data["location"]) == (
        2,
        LicenseStatus.VALID,
        "江岸区沿江大道2号",
    )
    assert issued.status == LicenseStatus.EXPIRED
    assert list(new.events.values_list("operation", flat=True)) == [LicenseOperation.CHANGE]
    page = client.get(page_of(new)).content.decode()
    assert "已变更：第2版已签发" in page and "第1版" in page


def test_a_renewal_of_an_expired_license_is_prefilled_from_today_and_recorded_as_renewal(client, office):
    license_type = LicenseTypeFactory()
    license_type.validity_years = 5
    license_type.save()
    old = license_issue(
        issuer=office.issuer,
        data=property_issue(office.holder, valid_from=dt.date(2020, 1, 1), valid_until=dt.date(2024, 12, 31)),
        by=office.actor(office.reviewer),
    )
    License.objects.filter(pk=old.pk).update(status=LicenseStatus.EXPIRED)
    client.force_login(office.reviewer)
    today = timezone.localdate()

    form = client.get(page_of(old)).content.decode()
    response = client.post(
        reverse("licenses:wb_new_version", args=[old.identifier]),
        {
            "kind": "renew",
            "number": old.number,
            "valid_from": today.isoformat(),
            "valid_until": "2031-01-01",
            "level": "A",
            **FACE,
        },
    )

    assert re.search(r'value="renew"[^>]* checked', form) and not re.search(
        r'value="change"[^>]* checked', form
    )
    assert f'value="{today.isoformat()}"' in form
    new = License.objects.get(previous=old)
    assert response.status_code == 302
    assert (new.valid_from, new.valid_until) == (today, dt.date(2031, 1, 1))
    assert list(new.events.values_list("operation", flat=True)) == [LicenseOperation.RENEW]


def test_a_new_version_with_a_bad_field_names_it_and_changes_nothing(client, office, issued):
    client.force_login(office.reviewer)
    before = snapshot(issued)
    posted = {"kind": "change", "number": issued.number, "valid_from": "2026-03-02", "level": "A", **FACE}

    bad_area = client.post(
        reverse("licenses:wb_new_version", args=[issued.identifier]), posted | {"face_area": "八十九"}
    )
    bad_date = client.post(
        reverse("licenses:wb_new_version", args=[issued.identifier]), posted | {"valid_from": "2026-13-01"}
    )
    no_kind = client.post(reverse("licenses:wb_new_version", args=[issued.identifier]), posted | {"kind": ""})

    assert bad_area.status_code == 400
    assert 'id="id_face_area_error">建筑面积（平方米）应为数字。' in bad_area.content.decode()
    assert bad_date.status_code == 400
    assert 'id="id_valid_from_error">有效期起始日期：请输入日期，如 2026-01-31。' in bad_date.content.decode()
    assert no_kind.status_code == 400 and "请选择变更或延续。" in no_kind.content.decode()
    assert snapshot(issued) == before


def test_a_second_change_of_the_same_version_is_refused_409(client, office, issued):
    client.force_login(office.reviewer)
    posted = {"kind": "change", "number": issued.number, "valid_from": "2026-03-02", "level": "A", **FACE}
    url = reverse("licenses:wb_new_version", args=[issued.identifier])

    first = client.post(url, posted)
    second = client.post(url, posted)

    assert first.status_code == 302 and second.status_code == 409
    assert "只有最新版本的有效或到期证照可以变更或延续。" in second.content.decode()
    assert License.objects.count() == 2


# --- 新发 --------------------------------------------------------------------------------------------


def test_the_issue_page_asks_for_the_type_then_shows_its_face_fields(client, office):
    license_type = LicenseTypeFactory()
    client.force_login(office.reviewer)

    first = client.get(ISSUE).content.decode()
    second = client.get(ISSUE, {"type": license_type.code}).content.decode()
    unknown = client.get(ISSUE, {"type": "nope"})

    assert license_type.name in first and 'name="holder_code"' not in first
    assert 'name="holder_code"' in second and 'name="face_location"' in second and "附记（选填）" in second
    assert office.issuer.name in second
    assert unknown.status_code == 400 and "没有该证照类型" in unknown.content.decode()


def test_a_reviewer_issues_a_license_and_lands_on_its_page(client, office):
    client.force_login(office.reviewer)

    response = client.post(ISSUE, issue_post(office))

    license_ = License.objects.get()
    assert response.status_code == 302 and response["Location"] == page_of(license_)
    assert (license_.holder, license_.issuer, license_.number) == (
        office.holder,
        office.issuer,
        "鄂（2026）武汉市不动产权第0000009号",
    )
    assert license_.face_data == {
        "location": "江岸区沿江大道1号",
        "area": "89.5",
        "registered_on": "2026-03-02",
    }
    assert license_.valid_until is None and license_.issued_on == timezone.localdate()
    assert AuditEntry.objects.filter(action="license.issue", object_id=str(license_.pk)).count() == 1
    assert "已签发不动产权证书" in client.get(page_of(license_)).content.decode()


def test_a_company_license_is_issued_to_the_company_found_by_its_uscc(client, office):
    license_type = LicenseTypeFactory(
        code="111000000000000099",
        name="食品经营许可证",
        holder_kind=HolderKind.ORGANIZATION,
        face_fields=[{"key": "scope", "label": "经营项目", "type": "text", "required": True}],
    )
    company = CompanyFactory()
    client.force_login(office.reviewer)
    posted = issue_post(
        office, type=license_type.code, holder_code=company.uscc.lower(), number="JY14201000001"
    )

    response = client.post(ISSUE, posted | {"face_scope": "预包装食品销售"})

    license_ = License.objects.get()
    assert (
        response.status_code == 302
        and license_.holder == company.user
        and license_.holder_code == company.uscc
    )


def test_an_unregistered_holder_is_named_on_the_holder_field_and_nothing_is_issued(client, office):
    client.force_login(office.reviewer)
    unregistered = make_id_number(1, birth=dt.date(1995, 5, 5))

    response = client.post(ISSUE, issue_post(office, holder_code=unregistered))
    malformed = client.post(ISSUE, issue_post(office, holder_code="420102199003071234"))
    company_code = client.post(ISSUE, issue_post(office, holder_code=CompanyFactory().uscc))

    assert response.status_code == 400
    assert (
        'id="id_holder_code_error">持证主体代码：没有以该公民身份号码注册的个人账号'
        in response.content.decode()
    )
    assert "持证主体代码：公民身份号码应为18位且校验位正确" in malformed.content.decode()
    assert "持证主体代码：公民身份号码应为18位且校验位正确" in company_code.content.decode()
    assert License.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"number": ""}, "number", "请填写证照编号（不超过100个字符）。"),
        ({"face_location": ""}, "face_location", "请填写坐落。"),
        ({"face_registered_on": "3月2日"}, "face_registered_on", "登记日期应为日期，如 2026-01-31。"),
        ({"valid_until": "2026-01-01"}, "valid_until", "有效期截止日期不能早于起始日期。"),
        ({"valid_from": ""}, "valid_from", "请填写有效期起始日期。"),
        ({"level": "C"}, "level", "请选择证照级别。"),
    ],
)
def test_a_bad_issue_field_is_named_beside_it_and_nothing_is_issued(client, office, changes, field, message):
    client.force_login(office.reviewer)

    response = client.post(ISSUE, issue_post(office, **changes))

    html = response.content.decode()
    assert response.status_code == 400
    assert f'id="id_{field}_error">{message}' in html
    assert License.objects.count() == 0
    assert 'value="鄂（2026）武汉市不动产权第0000009号"' in html or field == "number"  # typed values stay


def test_only_the_reviewers_own_organizations_may_be_chosen_as_issuer(client, office):
    elsewhere = OrganizationFactory(name="鄂州市自然资源和规划局")
    client.force_login(office.reviewer)

    response = client.post(ISSUE, issue_post(office, issuer=elsewhere.pk))

    assert response.status_code == 400
    assert 'id="id_issuer_error">请选择您所在的颁发机构。' in response.content.decode()
    assert License.objects.count() == 0


def test_a_double_submit_issues_once(client, office):
    client.force_login(office.reviewer)

    first = client.post(ISSUE, issue_post(office))
    second = client.post(ISSUE, issue_post(office))

    license_ = License.objects.get()
    assert first["Location"] == second["Location"] == page_of(license_)
    assert "该证照此前已签发" in client.get(page_of(license_)).content.decode()
    assert license_.events.count() == 1
    assert AuditEntry.objects.filter(action="license.issue").count() == 1


def test_a_number_the_issuer_used_for_another_license_is_refused_on_the_number(client, office):
    client.force_login(office.reviewer)
    client.post(ISSUE, issue_post(office))

    response = client.post(ISSUE, issue_post(office, holder_code=office.stranger.person.id_number))

    assert response.status_code == 400
    assert (
        "本机构已签发过编号为「鄂（2026）武汉市不动产权第0000009号」的不动产权证书"
        in response.content.decode()
    )
    assert License.objects.count() == 1


# --- The pages themselves -----------------------------------------------------------------------------


def test_the_workbench_links_here_and_the_pages_pass_the_csp_and_csrf_checks(client, office, issued):
    client.force_login(office.reviewer)
    license_type = LicenseTypeFactory()

    home = client.get(reverse("identity:workbench")).content.decode()
    answers = [
        client.get(LIST),
        client.get(page_of(issued)),
        client.get(ISSUE),
        client.get(ISSUE, {"type": license_type.code}),
        client.post(ISSUE, issue_post(office, number="")),
    ]

    assert LIST in home
    assert [problems(answer) for answer in answers] == [[]] * len(answers)
