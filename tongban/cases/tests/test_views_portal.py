"""The applicant's pages through the client: the applicant, an agent with a mandate, a stranger (404),
anonymous (to the login page); the actions the page offers and what they change."""

import re
import threading

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from tongban.catalog.choices import Mode
from tongban.catalog.models import Availability
from tongban.identity.tests.factories import MandateFactory, PersonFactory

from ..choices import Action, CaseStatus, Record
from ..models import Case, CaseEvent, CaseMaterial
from ..services import case_accept, case_material_upload, correction_notice_issue, shipment_create
from .factories import FORM, CaseFactory, Circle, add_steps, make_circle

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n" + b"0" * 100
ID_OR_PHONE = re.compile(r"(?<![\d*])(\d{17}[\dXx]|1[3-9]\d{9})(?![\d*])")


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


@pytest.fixture
def circle(settings, tmp_path) -> Circle:
    settings.MEDIA_ROOT = tmp_path
    return make_circle(form=FORM)


def page(client, user, url, **kwargs):
    client.force_login(user)
    return client.get(url, **kwargs)


def no_clear_personal_data(response, *people) -> None:
    html = response.content.decode()
    for person in people:
        assert person.person.id_number not in html
        assert person.person.phone not in html


def test_the_applicant_sees_the_case_in_plain_chinese(client, circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)

    response = page(client, circle.applicant, reverse("cases:case", args=[case.number]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "已提交，待受理" in html and case.number_display in html and "全程网办" in html
    assert circle.handling_org.name in html
    assert (
        'name="csrfmiddlewaretoken"' in html
    )  # the withdraw link leads to a form; the page has the logout form
    no_clear_personal_data(response, circle.applicant)


def test_a_case_number_typed_with_spaces_finds_the_case(client, circle):
    case = CaseFactory.for_circle(circle)

    response = page(client, circle.applicant, f"/cases/{case.number_display.replace(' ', '%20')}/")

    assert response.status_code == 200


def test_a_stranger_is_told_the_case_does_not_exist(client, circle):
    case = CaseFactory.for_circle(circle)
    stranger = PersonFactory().user

    assert page(client, stranger, reverse("cases:case", args=[case.number])).status_code == 404
    assert page(client, stranger, "/cases/12345/").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, circle):
    case = CaseFactory.for_circle(circle)

    response = client.get(reverse("cases:case", args=[case.number]))

    assert response.status_code == 302 and response["Location"].startswith(reverse("identity:login"))
    assert client.get(reverse("cases:my_cases")).status_code == 302


def test_an_agent_with_a_mandate_sees_the_principals_case_and_may_withdraw_it(client, circle):
    agent = PersonFactory(real_name="李四").user
    MandateFactory(principal=circle.applicant, agent=agent.person)
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)

    response = page(client, agent, reverse("cases:case", args=[case.number]))

    assert response.status_code == 200
    assert reverse("cases:withdraw", args=[case.number]) in response.content.decode()
    no_clear_personal_data(response, circle.applicant, agent)


def test_staff_appear_by_organization_and_masked_name(client, circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)
    circle.reviewer.display_name = "王小明"
    circle.reviewer.save()
    case_accept(case=case, by=circle.actor(circle.reviewer))

    html = page(client, circle.applicant, reverse("cases:case", args=[case.number])).content.decode()

    assert f"{circle.handling_org.name} 工作人员王**" in html
    assert "王小明" not in html
    assert "已受理" in html and "剩余" in html  # the light's sentence


def test_joint_steps_show_one_progress_view(client, circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.IN_REVIEW, mode=Mode.JOINT)
    add_steps(case, "done", "active")

    html = page(client, circle.applicant, reverse("cases:case", args=[case.number])).content.decode()

    assert "办理进度" in html and "环节1" in html and "环节2" in html and "已完成" in html


def test_withdraw_asks_then_withdraws_and_writes_an_event(client, circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)
    url = reverse("cases:withdraw", args=[case.number])

    confirm = page(client, circle.applicant, url)
    response = client.post(url, {"version": case.version, "reason": "不办了"})

    assert confirm.status_code == 200 and "确认撤回" in confirm.content.decode()
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.WITHDRAWN
    event = case.events.get(action=Action.WITHDRAW)
    assert (event.actor_id, event.reason) == (circle.applicant.pk, "不办了")


def test_a_stale_withdraw_is_refused_and_changes_nothing(client, circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)
    client.force_login(circle.applicant)

    response = client.post(reverse("cases:withdraw", args=[case.number]), {"version": case.version + 5})

    assert response.status_code == 409
    assert "页面内容已过期" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    assert not case.events.filter(action=Action.WITHDRAW).exists()


def test_a_stranger_cannot_withdraw(client, circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)
    client.force_login(PersonFactory().user)

    response = client.post(reverse("cases:withdraw", args=[case.number]), {"version": case.version})

    assert response.status_code == 404
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED


def test_a_correction_notice_is_shown_answered_and_printable(client, circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED, form_data={"purpose": "就业"})
    correction_notice_issue(case=case, by=circle.actor(circle.reviewer), items=["身份证复印件不清晰"])
    material = circle.version.materials.get(name="身份证")
    client.force_login(circle.applicant)
    case_url = reverse("cases:case", args=[case.number])

    html = client.get(case_url).content.decode()
    printable = client.get(reverse("cases:notice", args=[case.number, 1])).content.decode()
    upload = client.post(
        reverse("cases:material_upload", args=[case.number]),
        {"guide_material": material.pk, "file": SimpleUploadedFile("id.pdf", PDF)},
    )
    case.refresh_from_db()
    resubmit = client.post(reverse("cases:resubmit", args=[case.number]), {"version": case.version})

    assert "待补正材料" in html and "身份证复印件不清晰" in html
    assert "补正材料一次性告知书" in printable and "第三十二条" in printable
    assert upload.status_code == 302
    assert CaseMaterial.objects.get(case=case).name == "身份证"
    assert resubmit.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    assert case.correction_notices.get().answered_at is not None


def test_a_wrong_upload_is_named_beside_the_field_and_adds_nothing(client, circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.DRAFT)
    material = circle.version.materials.get(name="身份证")
    client.force_login(circle.applicant)

    response = client.post(
        reverse("cases:material_upload", args=[case.number]),
        {"guide_material": material.pk, "file": SimpleUploadedFile("a.pdf", b"MZ\x90\x00evil")},
    )

    assert response.status_code == 400
    assert '<p class="field-error" id="id_file-error">只能上传PDF、JPG或PNG格式的文件。</p>' in (
        response.content.decode()
    )
    assert not CaseMaterial.objects.exists()


def test_shipments_show_their_tracking_numbers(client, circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.DECIDED)
    shipment_create(
        case=case,
        by=circle.actor(circle.reviewer),
        purpose="result_to_applicant",
        carrier="中国邮政EMS",
        tracking_number="EA123456789CN",
    )

    html = page(client, circle.applicant, reverse("cases:case", args=[case.number])).content.decode()

    assert "中国邮政EMS" in html and "EA123456789CN" in html and "办理结果寄给申请人" in html


def test_my_cases_lists_mine_and_those_i_act_for_newest_first(client, circle):
    agent = PersonFactory().user
    MandateFactory(principal=circle.applicant, agent=agent.person)
    own = CaseFactory.for_circle(circle, applicant=agent)
    principals = CaseFactory.for_circle(circle)
    CaseFactory.for_circle(circle, applicant=PersonFactory().user)  # someone else's

    response = page(client, agent, reverse("cases:my_cases"))

    html = response.content.decode()
    assert response.status_code == 200
    numbers = re.findall(r"/cases/(\d{16})/", html)
    assert numbers == [principals.number, own.number]
    no_clear_personal_data(response, circle.applicant, agent)


def test_my_cases_are_paginated(client, circle):
    for _ in range(21):
        CaseFactory.for_circle(circle)

    first = page(client, circle.applicant, reverse("cases:my_cases")).content.decode()
    second = client.get(reverse("cases:my_cases"), {"page": 2}).content.decode()

    assert len(re.findall(r"/cases/(\d{16})/", first)) == 20
    assert len(re.findall(r"/cases/(\d{16})/", second)) == 1
    assert Case.objects.count() == 21 and CaseEvent.objects.count() == 0


def window_case(circle, **kwargs) -> Case:
    return CaseFactory.for_circle(circle, status=CaseStatus.ACCEPTED, mode=Mode.PROXY, **kwargs)


def test_lookup_shows_a_window_cases_public_progress_without_personal_data(client, circle):
    case = window_case(circle)
    circle.reviewer.display_name = "王小明"
    circle.reviewer.save()
    case_accept(case=CaseFactory.for_circle(circle), by=circle.actor(circle.reviewer))  # unrelated
    CaseEvent.objects.create(
        case=case,
        seq=1,
        action=Action.ACCEPT,
        from_status="submitted",
        to_status="accepted",
        actor=circle.reviewer,
        actor_label="王小明",
        organization=circle.handling_org,
        party="handler",
        channel="web",
        reason="材料齐全",
        at=case.created_at,
    )

    response = client.post(
        reverse("cases:lookup"), {"number": case.number_display, "phone": circle.applicant.person.phone}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "已受理" in html and case.number_display in html and circle.handling_org.name in html
    assert "王" not in html.split("办理记录")[1]  # staff unnamed
    assert "材料齐全" not in html and "张三" not in html
    no_clear_personal_data(response, circle.applicant)


def test_lookup_says_the_same_for_a_wrong_phone_and_no_such_case(client, circle):
    case = window_case(circle)
    online = CaseFactory.for_circle(circle)
    phone = circle.applicant.person.phone

    wrong_phone = client.post(reverse("cases:lookup"), {"number": case.number, "phone": "13900000000"})
    not_a_window_case = client.post(reverse("cases:lookup"), {"number": online.number, "phone": phone})

    for response in (wrong_phone, not_a_window_case):
        assert response.status_code == 400
        html = response.content.decode()
        assert "没有找到与该办件编号和手机号码相符的窗口办件" in html
        assert "已受理" not in html and phone not in html and "13900000000" not in html


def test_lookup_names_a_mistyped_number_beside_the_field(client, circle):
    response = client.post(reverse("cases:lookup"), {"number": "1234", "phone": "1381234567"})

    html = response.content.decode()
    assert response.status_code == 400
    assert "办件编号应为16位数字，您输入了4位，请核对。" in html
    assert "请填写11位手机号码。" in html


@pytest.mark.usefixtures("circle")
def test_lookup_is_rate_limited(client, settings):
    settings.RATELIMIT_ENABLE = True
    data = {"number": "1234", "phone": "13812345678"}
    answers = [client.post(reverse("cases:lookup"), data).status_code for _ in range(11)]

    assert answers[:10] == [400] * 10 and answers[10] == 429


def test_lookup_needs_no_account(client):
    response = client.get(reverse("cases:lookup"))

    assert response.status_code == 200 and 'name="csrfmiddlewaretoken"' in response.content.decode()


# --- Applying online ---------------------------------------------------------------------------------


@pytest.fixture
def online(circle) -> Circle:
    Availability.objects.create(implementation=circle.implementation, mode=Mode.ONLINE)
    return circle


def apply_url(circle) -> str:
    return reverse("cases:apply", args=[circle.implementation.code])


def apply_data(circle, key="k-1", **overrides) -> dict:
    materials = {m.name: m.pk for m in circle.version.materials.all()}
    data = {
        "idempotency_key": key,
        "f-purpose": "异地就业",
        f"material_{materials['身份证']}": SimpleUploadedFile("id.pdf", PDF),
        f"license_{materials['居住证明']}": "420100-JZZ-0001",
    }
    return data | overrides


def test_the_apply_page_shows_the_form_the_materials_and_a_fresh_key(client, online):
    response = page(client, online.applicant, apply_url(online))

    html = response.content.decode()
    assert response.status_code == 200
    assert "申请事由" in html and "身份证" in html and "可用电子证照" not in html
    assert "或填写居住证编号" in html
    assert 'name="csrfmiddlewaretoken"' in html
    key = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', html).group(1)
    again = client.get(apply_url(online)).content.decode()
    assert key not in again


def test_applying_online_submits_one_case_with_its_form_and_materials(client, online):
    client.force_login(online.applicant)

    response = client.post(apply_url(online), apply_data(online))

    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.number}/"
    assert (case.status, case.mode, case.applicant, case.form_data["purpose"]) == (
        CaseStatus.SUBMITTED,
        Mode.ONLINE,
        online.applicant,
        "异地就业",
    )
    assert sorted(case.materials.values_list("name", "kind")) == [
        ("居住证明", "license"),
        ("身份证", "upload"),
    ]
    assert list(case.events.values_list("action", flat=True)) == [
        Action.START_APPLICATION,
        Record.MATERIAL_ADDED,
        Record.MATERIAL_ADDED,
        Action.SUBMIT,
    ]
    assert case.implementation_version == online.version


def test_a_double_click_or_a_retried_post_creates_one_case(client, online):
    client.force_login(online.applicant)

    first = client.post(apply_url(online), apply_data(online, key="same"))
    second = client.post(apply_url(online), apply_data(online, key="same"))

    assert first["Location"] == second["Location"]
    case = Case.objects.get()
    assert case.materials.count() == 2 and case.events.count() == 4  # started, two materials, submitted


def test_a_wrong_form_names_each_field_and_creates_nothing(client, online):
    client.force_login(online.applicant)
    materials = {m.name: m.pk for m in online.version.materials.all()}

    response = client.post(
        apply_url(online),
        apply_data(online, **{"f-purpose": "", f"material_{materials['身份证']}": ""}),
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert '<p class="field-error" id="id_f-purpose-error">这个字段是必填项。</p>' in html
    assert "「身份证」是必要材料，请上传文件。" in html
    assert not Case.objects.exists()


def test_a_file_of_the_wrong_kind_is_named_beside_its_material_and_creates_nothing(client, online):
    client.force_login(online.applicant)
    materials = {m.name: m.pk for m in online.version.materials.all()}
    field = f"material_{materials['身份证']}"

    response = client.post(
        apply_url(online), apply_data(online, **{field: SimpleUploadedFile("x.pdf", b"MZ\x90\x00")})
    )

    assert response.status_code == 400
    assert f'id="id_{field}-error">只能上传PDF、JPG或PNG格式的文件。' in response.content.decode()
    assert not Case.objects.exists() and not CaseMaterial.objects.exists()


def test_a_fault_midway_through_applying_leaves_no_case_and_no_file(client, online, monkeypatch, tmp_path):
    def fault(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("tongban.cases.views.portal.case_submit", fault)
    client.force_login(online.applicant)

    with pytest.raises(RuntimeError):
        client.post(apply_url(online), apply_data(online))

    assert not Case.objects.exists() and not CaseMaterial.objects.exists()
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []


def test_an_agent_applies_for_the_principal_under_a_mandate(client, online):
    agent = PersonFactory().user
    MandateFactory(principal=online.applicant, agent=agent.person)
    client.force_login(agent)

    form_page = client.get(apply_url(online)).content.decode()
    response = client.post(apply_url(online), apply_data(online, on_behalf=str(online.applicant.pk)))

    assert "（受委托）" in form_page
    case = Case.objects.get()
    assert response.status_code == 302
    assert (case.applicant, case.agent) == (online.applicant, agent)
    no_clear_personal_data(client.get(f"/cases/{case.number}/"), online.applicant, agent)


def test_an_item_without_online_service_cannot_be_applied_for(client, circle):
    circle.implementation.availability.all().delete()

    response = page(client, circle.applicant, apply_url(circle))

    assert response.status_code == 404 and "暂未开通网上申请" in response.content.decode()


def test_the_joint_mode_is_used_when_it_is_the_one_offered(client, circle):
    client.force_login(circle.applicant)

    client.post(apply_url(circle), apply_data(circle))

    assert Case.objects.get().mode == Mode.JOINT


def test_anonymous_visitors_sign_in_before_applying(client, online):
    response = client.get(apply_url(online))

    assert response.status_code == 302 and response["Location"].startswith(reverse("identity:login"))


def test_a_draft_is_submitted_from_its_page(client, circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.DRAFT, form_data={"purpose": "就业"})
    client.force_login(circle.applicant)

    html = client.get(reverse("cases:case", args=[case.number])).content.decode()
    response = client.post(reverse("cases:submit", args=[case.number]), {"version": case.version})

    assert "提交申请" in html and "上传材料" in html
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    assert case.events.get().action == Action.SUBMIT


def test_a_draft_with_an_incomplete_form_is_not_submitted_and_says_why(client, circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.DRAFT, form_data={})
    client.force_login(circle.applicant)

    response = client.post(reverse("cases:submit", args=[case.number]), {"version": case.version})

    assert response.status_code == 400
    assert "申请表填写有误" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT and not case.events.exists()


def test_the_application_form_is_shown_with_numbers_masked(client, circle):
    case = CaseFactory.for_circle(
        circle, form_data={"purpose": "联系电话13812345678", "start_on": "2026-12-01"}
    )

    html = page(client, circle.applicant, reverse("cases:case", args=[case.number])).content.decode()

    assert "申请事由" in html and "联系电话138****5678" in html and "13812345678" not in html
    assert "2026-12-01" in html


def test_a_strangers_notice_and_a_missing_notice_are_not_found(client, circle):
    case = CaseFactory.for_circle(circle)
    correction_notice_issue(case=case, by=circle.actor(circle.reviewer), items=["缺少居住证明"])

    stranger = page(client, PersonFactory().user, reverse("cases:notice", args=[case.number, 1]))
    missing = page(client, circle.applicant, reverse("cases:notice", args=[case.number, 2]))

    assert (stranger.status_code, missing.status_code) == (404, 404)
    assert "缺少居住证明" not in stranger.content.decode()


def test_an_action_without_the_csrf_token_is_refused(circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)
    client = Client(enforce_csrf_checks=True)
    client.force_login(circle.applicant)

    response = client.post(reverse("cases:withdraw", args=[case.number]), {"version": case.version})

    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED


def test_a_closed_case_offers_no_actions(client, circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.WITHDRAWN)

    html = page(client, circle.applicant, reverse("cases:case", args=[case.number])).content.decode()

    assert "已撤回" in html and "您现在可以" not in html
    assert reverse("cases:withdraw", args=[case.number]) not in html


def test_the_applicant_downloads_an_uploaded_material_and_a_stranger_cannot(client, circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.DRAFT)
    material = case_material_upload(
        case=case, by=circle.actor(circle.applicant), file=SimpleUploadedFile("id.pdf", PDF), name="身份证"
    )
    url = reverse("cases:material", args=[case.number, material.pk])

    mine = page(client, circle.applicant, url)
    theirs = page(client, PersonFactory().user, url)

    assert mine.status_code == 200 and b"".join(mine.streaming_content) == PDF
    assert mine["Content-Disposition"].startswith("attachment")
    assert mine["X-Content-Type-Options"] == "nosniff"
    assert theirs.status_code == 404


def test_staff_see_the_case_page_without_the_applicants_buttons(client, circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.CORRECTION_REQUIRED)

    html = page(client, circle.reviewer, reverse("cases:case", args=[case.number])).content.decode()

    assert "待补正材料" in html and "您现在可以" not in html and "上传材料" not in html


def test_applying_is_rate_limited_per_account(client, online):
    client.force_login(online.applicant)

    answers = [client.post(apply_url(online), {"idempotency_key": "x"}).status_code for _ in range(21)]

    assert answers[:20] == [400] * 20 and answers[20] == 429
    assert not Case.objects.exists()


def test_a_post_without_the_pages_key_is_refused_in_chinese(client, online):
    client.force_login(online.applicant)

    response = client.post(apply_url(online), apply_data(online, idempotency_key=""))

    assert response.status_code == 400
    assert "页面已过期，请刷新后重新填写。" in response.content.decode()
    assert not Case.objects.exists()


def test_a_paused_case_says_which_pause_and_that_the_clock_stands_still(client, circle):
    suspended = CaseFactory.for_circle(circle, status=CaseStatus.SUSPENDED)
    special = CaseFactory.for_circle(circle, status=CaseStatus.SPECIAL_PROCEDURE, pause_expected_days=10)
    client.force_login(circle.applicant)

    suspended_html = client.get(reverse("cases:case", args=[suspended.number])).content.decode()
    special_html = client.get(reverse("cases:case", args=[special.number])).content.decode()

    assert "暂停办理中，时限暂停（恢复后剩余5个工作日）" in suspended_html
    assert "特别程序中，时限暂停，预计需10个工作日（恢复后剩余5个工作日）" in special_html


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent transactions need PostgreSQL")
def test_a_double_click_arriving_at_once_creates_one_case(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    circle = make_circle(form=FORM)
    Availability.objects.create(implementation=circle.implementation, mode=Mode.ONLINE)
    clients = [Client(), Client()]
    for each in clients:
        each.force_login(circle.applicant)
    barrier = threading.Barrier(2)
    answers: list = [None, None]

    def post(i):
        try:
            barrier.wait()
            answers[i] = clients[i].post(apply_url(circle), apply_data(circle, key="clicked-twice"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    case = Case.objects.get()
    assert [a.status_code for a in answers] == [302, 302]
    assert {a["Location"] for a in answers} == {f"/cases/{case.number}/"}
    assert case.materials.count() == 2 and case.events.count() == 4  # started, two materials, submitted


def test_a_helper_acting_for_the_applicant_appears_by_organization_and_masked_name(client, circle):
    case = CaseFactory.for_circle(circle, status=CaseStatus.SUBMITTED)
    CaseEvent.objects.create(
        case=case,
        seq=1,
        action=Action.SUBMIT,
        from_status="draft",
        to_status="submitted",
        actor_label="赵帮办",
        on_behalf_of=circle.applicant,
        on_behalf_of_label="张三",
        organization=circle.receiving_org,
        party="applicant",
        channel="window",
        at=case.created_at,
    )

    html = page(client, circle.applicant, reverse("cases:case", args=[case.number])).content.decode()

    assert f"{circle.receiving_org.name} 帮办代办员赵**（代申请人办理）" in html
    assert "赵帮办" not in html
