"""The catalog back office through the admin client: drafts, publishing, read-only versions, the Excel
page, and the forms that keep the search index in step."""

from io import BytesIO

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.forms.models import model_to_dict
from django.urls import reverse

from tongban.catalog.choices import Mode, VersionStatus
from tongban.catalog.excel import catalog_export
from tongban.catalog.models import (
    Availability,
    GuideStep,
    Implementation,
    ImplementationVersion,
    SearchEntry,
    ServiceItem,
)
from tongban.catalog.services import availability_add, version_draft_start
from tongban.catalog.tests.factories import ServiceItemFactory, published_implementation
from tongban.catalog.tests.test_excel import build_catalog, database_state, edit_workbook
from tongban.identity.choices import AccountKind, Role
from tongban.identity.services.staff import staff_access_sync
from tongban.identity.tests.factories import StaffRoleFactory
from tongban.regions.tests.factories import OrganizationFactory

INLINES = {  # formset prefix → fields the admin shows
    "materials": [
        "position",
        "name",
        "necessity",
        "form",
        "copies",
        "source",
        "license_type_code",
        "license_type_name",
        "blank_form",
        "sample",
        "acceptance_standard",
        "note",
    ],
    "steps": [
        "position",
        "name",
        "stage",
        "organization",
        "actor",
        "time_limit_days",
        "counts_in_limit",
        "is_special",
        "description",
    ],
    "fees": ["position", "name", "standard", "basis"],
    "locations": ["position", "name", "hall", "address", "hours", "phone"],
    "faqs": ["position", "question", "answer"],
}
VERSION_FIELDS = [
    "change_note",
    "name",
    "conditions",
    "case_type",
    "statutory_days",
    "promised_days",
    "visits",
    "handling_process",
    "consultation_phone",
    "complaint_phone",
    "postal_materials",
    "postal_results",
    "result_name",
    "result_type",
    "result_license_type_code",
    "form_schema",
]


@pytest.fixture
def maintainer(client, db):
    """A platform administrator: keeps the whole circle's catalog."""
    client.force_login(staff_user(Role.PLATFORM_ADMIN, username="catalog-admin"))
    return client


def staff_user(role: str, organization=None, **user):
    """A staff account holding one role, with the back office in step (as staff_role_grant leaves it)."""
    staff_role = StaffRoleFactory(
        role=role,
        user__kind=AccountKind.STAFF,
        **({"organization": organization} if organization else {}),
        **{f"user__{name}": value for name, value in user.items()},
    )
    staff_access_sync(staff_role.user)
    return staff_role.user


def form_data(version: ImplementationVersion, **changes) -> dict:
    """What the browser posts for the version's change page, unchanged except for `changes`."""
    data = _values(model_to_dict(version, fields=VERSION_FIELDS))
    data["form_schema"] = '{"schema": 1, "fields": []}'
    for prefix, fields in INLINES.items():
        rows = list(getattr(version, prefix).all())
        data |= {f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": len(rows)}
        data |= {f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000}
        for index, row in enumerate(rows):
            values = _values(model_to_dict(row, fields=fields)) | {"id": row.pk, "version": version.pk}
            data |= {f"{prefix}-{index}-{name}": value for name, value in values.items()}
    return data | changes


def _values(values: dict) -> dict:
    """Form encoding: booleans as "on" or absent, None as empty."""
    encoded = {}
    for name, value in values.items():
        if value is True:
            encoded[name] = "on"
        elif value is not False and value is not None:
            encoded[name] = value
    return encoded


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- Drafts and publishing ----------------------------------------------------------------------------


def test_create_new_draft_copies_the_version_in_force(maintainer):
    impl = published_implementation()

    response = maintainer.post(reverse("admin:catalog_implementation_draft", args=[impl.pk]))

    draft = impl.versions.get(status=VersionStatus.DRAFT)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:catalog_implementationversion_change", args=[draft.pk])
    assert (draft.number, draft.materials.count(), draft.steps.count()) == (2, 2, 2)
    assert messages_of(response) == [f"{impl.code}：第2版草稿可以编辑了。"]


def test_a_draft_and_its_rows_are_edited_in_the_admin(maintainer):
    impl = published_implementation()
    draft = version_draft_start(implementation=impl)
    url = reverse("admin:catalog_implementationversion_change", args=[draft.pk])

    response = maintainer.post(url, form_data(draft, name="社会保障卡补领", **{"materials-1-name": "户口簿"}))

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.name == "社会保障卡补领"
    assert [m.name for m in draft.materials.all()] == ["材料1", "户口簿"]


def test_publishing_a_draft_puts_it_in_force(maintainer):
    impl = published_implementation()
    draft = version_draft_start(implementation=impl)

    response = maintainer.post(reverse("admin:catalog_implementationversion_publish", args=[draft.pk]))

    impl.refresh_from_db()
    draft.refresh_from_db()
    assert response.status_code == 302
    assert impl.current_id == draft.pk
    assert draft.status == VersionStatus.PUBLISHED
    assert draft.published_by.username == "catalog-admin"
    assert impl.versions.get(number=1).status == VersionStatus.SUPERSEDED
    assert messages_of(response) == [f"{draft.name} 第2版已发布，现为现行版本。"]


def test_publishing_an_invalid_draft_shows_every_problem_and_changes_nothing(maintainer):
    impl = published_implementation()
    draft = version_draft_start(implementation=impl)
    GuideStep.objects.filter(version=draft).delete()
    ImplementationVersion.objects.filter(pk=draft.pk).update(form_schema={"schema": 2})
    before = list(ImplementationVersion.objects.order_by("pk").values())

    response = maintainer.post(
        reverse("admin:catalog_implementationversion_publish", args=[draft.pk]), follow=True
    )

    assert [str(m) for m in response.context["messages"]] == [
        f"{draft.name} 第2版未发布：办事指南至少要有一个办理环节。",
        f"{draft.name} 第2版未发布：申请表单定义有误（schema）：取值无效，可选值：1。",
    ]
    assert list(ImplementationVersion.objects.order_by("pk").values()) == before
    assert Implementation.objects.get(pk=impl.pk).current.number == 1
    assert "发布此版本" in response.content.decode()


def test_a_published_version_cannot_be_changed_through_the_admin(maintainer):
    impl = published_implementation()
    version = impl.current
    url = reverse("admin:catalog_implementationversion_change", args=[version.pk])
    before = list(ImplementationVersion.objects.order_by("pk").values())

    page = maintainer.get(url)
    response = maintainer.post(
        url, form_data(version, name="改过的名称", **{"materials-0-name": "改过的材料"})
    )
    publish = maintainer.post(reverse("admin:catalog_implementationversion_publish", args=[version.pk]))
    delete = maintainer.post(
        reverse("admin:catalog_implementationversion_delete", args=[version.pk]), {"post": "yes"}
    )

    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="name"' not in html
    assert 'name="materials-0-name"' not in html
    assert "发布此版本" not in html
    assert (response.status_code, publish.status_code, delete.status_code) == (403, 403, 403)
    assert list(ImplementationVersion.objects.order_by("pk").values()) == before
    assert [m.name for m in version.materials.all()] == ["材料1", "材料2"]


def test_published_versions_are_skipped_by_the_publish_action(maintainer):
    impl = published_implementation()
    draft = version_draft_start(implementation=impl)
    url = reverse("admin:catalog_implementationversion_changelist")

    response = maintainer.post(
        url, {"action": "publish_selected", "_selected_action": [impl.current_id, draft.pk]}, follow=True
    )

    assert Implementation.objects.get(pk=impl.pk).current_id == draft.pk
    assert [str(m) for m in response.context["messages"]] == [
        f"{draft.name} 第2版已发布，现为现行版本。",
        f"{impl.current.name} 第1版（现行）：不是草稿，未发布。",  # as it stood when the action began
    ]


def test_a_new_implementation_starts_as_a_draft(maintainer):
    item = ServiceItemFactory(name="出生医学证明办理")
    organization = OrganizationFactory()
    data = {
        "code": "WH-BIRTH-1",
        "service_item": item.pk,
        "organization": organization.pk,
        "name": "出生医学证明首次签发",
        "conditions": "在本市助产机构出生的新生儿。",
        "case_type": "promised",
        "statutory_days": 10,
        "promised_days": 3,
        "consultation_phone": "027-1",
        "complaint_phone": "12345",
    }

    refused = maintainer.post(reverse("admin:catalog_implementation_add"), data | {"promised_days": 30})
    response = maintainer.post(reverse("admin:catalog_implementation_add"), data)

    assert "承诺办结时限不能超过法定办结时限。" in refused.content.decode()
    draft = ImplementationVersion.objects.get(implementation__code="WH-BIRTH-1")
    assert response["Location"] == reverse("admin:catalog_implementationversion_change", args=[draft.pk])
    assert (draft.number, draft.status, draft.promised_days) == (1, VersionStatus.DRAFT, 3)


def test_implementations_list_their_version_in_force_and_are_searched_by_code(maintainer):
    impl = published_implementation(name="居民养老保险登记")
    version_draft_start(implementation=impl)

    response = maintainer.get(reverse("admin:catalog_implementation_changelist"), {"q": impl.code})

    assert [i.pk for i in response.context["cl"].result_list] == [impl.pk]
    assert "第1版" in response.content.decode()


# --- Forms that keep the search index in step ---------------------------------------------------------


def test_changed_aliases_reach_the_search_index(maintainer):
    impl = published_implementation()
    item = impl.service_item
    data = model_to_dict(item, fields=["basic_code", "name", "item_type", "theme", "audience", "legal_basis"])
    inline = {"implementations-TOTAL_FORMS": 1, "implementations-INITIAL_FORMS": 1}
    inline |= {"implementations-MIN_NUM_FORMS": 0, "implementations-MAX_NUM_FORMS": 1000}
    inline |= {"implementations-0-id": impl.pk, "implementations-0-service_item": item.pk}

    response = maintainer.post(
        reverse("admin:catalog_serviceitem_change", args=[item.pk]),
        data | inline | {"aliases": "社保卡、 市民卡"},
    )

    assert response.status_code == 302
    assert ServiceItem.objects.get(pk=item.pk).aliases == ["社保卡", "市民卡"]
    assert "市民卡" in SearchEntry.objects.get(pk=impl.pk).names


def test_an_availability_entry_twice_is_refused_and_a_new_one_is_indexed(maintainer, circle):
    impl = published_implementation()
    availability_add(implementation=impl, mode=Mode.ONLINE)
    url = reverse("admin:catalog_availability_add")

    twice = maintainer.post(url, {"implementation": impl.pk, "mode": Mode.ONLINE})
    added = maintainer.post(
        url, {"implementation": impl.pk, "mode": Mode.PROXY, "region": circle["420700"].pk}
    )

    assert "该实施清单已有相同办理模式和受理范围的通办范围。" in twice.content.decode()
    assert added.status_code == 302
    assert Availability.objects.filter(implementation=impl).count() == 2
    assert SearchEntry.objects.get(pk=impl.pk).modes == ",online,proxy,"


def test_every_catalog_page_opens(maintainer, circle):
    catalog = build_catalog(circle)
    impl = catalog["card_wuhan"]
    pages = [
        reverse("admin:catalog_implementation_add"),
        reverse("admin:catalog_implementation_change", args=[impl.pk]),
        reverse("admin:catalog_serviceitem_change", args=[impl.service_item_id]),
        reverse("admin:catalog_agreement_change", args=[catalog["agreement"].pk]),
        reverse("admin:catalog_excel"),
    ]

    for model in ("serviceitem", "implementation", "implementationversion", "availability", "agreement"):
        assert maintainer.get(reverse(f"admin:catalog_{model}_changelist"), {"q": "社保"}).status_code == 200
    assert maintainer.get(reverse("admin:catalog_tongbanbatch_changelist")).status_code == 200
    for url in pages:
        assert maintainer.get(url).status_code == 200, url
    assert "创建新草稿" in maintainer.get(pages[1]).content.decode()


# --- The Excel page -----------------------------------------------------------------------------------


@pytest.fixture
def exported(circle) -> bytes:
    build_catalog(circle)
    out = BytesIO()
    catalog_export(out)
    return out.getvalue()


def upload(client, data: bytes, **extra):
    file = BytesIO(data)
    file.name = "目录.xlsx"
    return client.post(reverse("admin:catalog_excel"), {"file": file, **extra})


def test_an_upload_with_errors_lists_every_one_and_changes_nothing(maintainer, exported):
    before = database_state()
    bad = edit_workbook(exported, {"实施清单": [(2, "承诺办结时限", 30)], "申请材料": [(3, "份数", "两份")]})

    response = upload(maintainer, bad)

    html = response.content.decode()
    assert response.status_code == 200
    assert [e.message for e in response.context["errors"]] == [
        "承诺办结时限不能超过法定办结时限。",
        "应为不小于0的整数，实际为“两份”。",
    ]
    assert (
        "<td>实施清单</td><td>2</td><td>承诺办结时限</td><td>承诺办结时限不能超过法定办结时限。</td>" in html
    )
    assert messages_of(response) == ["导入失败：发现 2 处错误，数据库未做任何修改。"]
    assert database_state() == before


def test_an_upload_shows_the_summary(maintainer, exported):
    changed = edit_workbook(exported, {"实施清单": [(2, "承诺办结时限", 3)]})

    response = upload(maintainer, changed)

    summary = response.context["summary"]
    assert (summary.versions_published, str(summary.sheets["实施清单"])) == (1, "新增 0，更新 1，未变 2")
    assert "发布新版本办事指南 1 个。" in response.content.decode()
    assert (
        ImplementationVersion.objects.filter(change_note="Excel导入").get().published_by.username
        == "catalog-admin"
    )


def test_a_file_that_is_not_xlsx_is_refused_by_the_form(maintainer, exported):
    file = BytesIO(b"a,b")
    file.name = "目录.csv"

    response = maintainer.post(reverse("admin:catalog_excel"), {"file": file})

    assert "请上传 .xlsx 格式的工作簿。" in response.content.decode()


def test_the_export_downloads_a_workbook(maintainer, circle):
    build_catalog(circle)

    response = maintainer.get(reverse("admin:catalog_excel_export"), {"city": "420100"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "filename*=utf-8''%E9%80%9A%E5%8A%9E" in response["Content-Disposition"]
    assert b"".join(response.streaming_content)[:2] == b"PK"


def test_staff_without_catalog_permissions_cannot_import(client, django_user_model, exported):
    clerk = django_user_model.objects.create_user("clerk", password="x-Very-Secret-1", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_implementation"))
    client.force_login(clerk)
    before = database_state()

    page = client.get(reverse("admin:catalog_excel"))
    response = upload(client, exported)

    assert page.status_code == 200
    assert "上传并导入" not in page.content.decode()
    assert response.status_code == 403
    assert database_state() == before
