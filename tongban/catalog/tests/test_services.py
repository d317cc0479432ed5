import pytest
from django.core.exceptions import ValidationError

from tongban.catalog.choices import Mode, Necessity, VersionStatus
from tongban.catalog.models import Availability, GuideMaterial, Implementation, ImplementationVersion
from tongban.catalog.services import (
    GuideRows,
    availability_add,
    implementation_create,
    version_draft_fill,
    version_draft_start,
    version_publish,
)
from tongban.catalog.tests.factories import (
    ServiceItemFactory,
    guide_rows,
    guide_values,
    published_implementation,
)
from tongban.core.errors import ValidationFailed
from tongban.regions.tests.factories import KioskFactory, OrganizationFactory, WindowFactory


def test_an_implementation_with_a_bad_guide_is_refused_whole(db):
    with pytest.raises(ValidationFailed) as caught:
        implementation_create(
            service_item=ServiceItemFactory(),
            organization=OrganizationFactory(),
            code="A1",
            guide=guide_values(statutory_days=5, promised_days=10),
        )

    assert caught.value.message == "承诺办结时限（工作日）：承诺办结时限不能超过法定办结时限。"
    assert caught.value.errors[0].field == "promised_days"
    assert not Implementation.objects.exists()


def test_a_material_row_with_a_bad_choice_names_its_field(db):
    with pytest.raises(ValidationFailed) as caught:
        implementation_create(
            service_item=ServiceItemFactory(),
            organization=OrganizationFactory(),
            code="A1",
            guide=guide_values(),
            rows=GuideRows(materials=[{"name": "身份证", "necessity": "maybe"}]),
        )

    assert caught.value.errors[0].field == "necessity"
    assert caught.value.message.startswith("必要性：")
    assert not Implementation.objects.exists()


def test_publishing_puts_the_first_version_in_force(db):
    impl = published_implementation()

    assert (impl.current.number, impl.current.status) == (1, VersionStatus.PUBLISHED)
    assert impl.current.published_at is not None


def test_a_draft_without_steps_cannot_be_published_and_stays_a_draft(db):
    draft = implementation_create(
        service_item=ServiceItemFactory(),
        organization=OrganizationFactory(),
        code="A1",
        guide=guide_values(),
        rows=guide_rows(steps=0),
    )

    with pytest.raises(ValidationFailed) as caught:
        version_publish(version=draft)

    assert caught.value.message == "办事指南至少要有一个办理环节。"
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT
    assert Implementation.objects.get().current is None


def test_step_limits_counted_in_the_statutory_limit_cannot_exceed_it(db):
    rows = GuideRows(
        steps=[
            {"name": "受理", "stage": 1, "time_limit_days": 2},
            {"name": "审查", "stage": 2, "time_limit_days": 2},
            {
                "name": "现场核查",
                "stage": 2,
                "time_limit_days": 3,
            },  # parallel with 审查: the longer one counts
            {
                "name": "专家评审",
                "stage": 3,
                "time_limit_days": 30,
                "counts_in_limit": False,
                "is_special": True,
            },
        ]
    )
    draft = implementation_create(
        service_item=ServiceItemFactory(),
        organization=OrganizationFactory(),
        code="A1",
        guide=guide_values(statutory_days=4, promised_days=4),
        rows=rows,
    )

    with pytest.raises(ValidationFailed) as caught:
        version_publish(version=draft)

    assert caught.value.message == "计入法定时限的各环节时限合计 5 个工作日，超过法定办结时限 4 个工作日。"


def test_a_bad_form_definition_blocks_publishing(db):
    draft = implementation_create(
        service_item=ServiceItemFactory(),
        organization=OrganizationFactory(),
        code="A1",
        guide=guide_values(
            form_schema={"schema": 1, "fields": [{"key": "kind", "label": "类别", "type": "choice"}]}
        ),
        rows=guide_rows(),
    )

    with pytest.raises(ValidationFailed) as caught:
        version_publish(version=draft)

    assert caught.value.errors[0].field == "form_schema"
    assert "选择类型，必须提供选项" in caught.value.message


def test_a_new_draft_copies_the_guide_and_leaves_the_version_in_force_untouched(db):
    impl = published_implementation(promised_days=5)
    v1 = impl.current

    draft = version_draft_start(implementation=impl)
    version_draft_fill(
        version=draft,
        guide={"promised_days": 3},
        rows=GuideRows(materials=[{"name": "身份证明"}], steps=[{"name": "受理", "time_limit_days": 1}]),
    )

    v1.refresh_from_db()
    assert (draft.number, draft.status) == (2, VersionStatus.DRAFT)
    assert (v1.promised_days, [m.name for m in v1.materials.all()]) == (5, ["材料1", "材料2"])
    assert version_draft_start(implementation=impl) == draft


def test_publishing_a_second_version_supersedes_the_first(db):
    impl = published_implementation(promised_days=5)
    v1 = impl.current
    draft = version_draft_start(implementation=impl)
    version_draft_fill(version=draft, guide={"promised_days": 2}, rows=guide_rows())

    version_publish(version=draft, change_note="压缩承诺时限")

    impl.refresh_from_db()
    v1.refresh_from_db()
    assert (impl.current.number, impl.current.promised_days, impl.current.change_note) == (
        2,
        2,
        "压缩承诺时限",
    )
    assert v1.status == VersionStatus.SUPERSEDED
    assert v1.promised_days == 5


def test_published_versions_and_their_rows_are_frozen(db):
    impl = published_implementation()
    version = ImplementationVersion.objects.get(pk=impl.current_id)
    material = version.materials.first()

    version.promised_days = 1
    with pytest.raises(ValidationError):
        version.save()
    material.name = "改过的材料"
    with pytest.raises(ValidationError):
        material.save()
    with pytest.raises(ValidationError):
        material.delete()
    with pytest.raises(ValidationError):
        GuideMaterial(version=version, name="新材料", necessity=Necessity.REQUIRED).save()

    assert list(version.materials.values_list("name", flat=True)) == ["材料1", "材料2"]
    assert ImplementationVersion.objects.get(pk=version.pk).promised_days == 5


def test_a_published_version_cannot_be_published_again(db):
    impl = published_implementation()

    with pytest.raises(ValidationFailed) as caught:
        version_publish(version=impl.current)

    assert caught.value.message == "只有草稿版本可以发布。"


def test_adding_the_same_availability_twice_creates_one_row(db):
    impl = published_implementation()
    window = WindowFactory(is_cross_city=True)

    first = availability_add(implementation=impl, mode=Mode.PROXY, window=window)
    second = availability_add(implementation=impl, mode=Mode.PROXY, window=window)

    assert first == second
    assert Availability.objects.count() == 1


def test_online_availability_at_a_window_is_refused(db):
    impl = published_implementation()

    with pytest.raises(ValidationFailed) as caught:
        availability_add(implementation=impl, mode=Mode.ONLINE, window=WindowFactory())

    assert caught.value.message == "可受理窗口：全程网办无需指定受理窗口。"
    assert not Availability.objects.exists()


def test_proxy_availability_needs_a_place(db):
    impl = published_implementation()

    with pytest.raises(ValidationFailed) as caught:
        availability_add(implementation=impl, mode=Mode.PROXY)

    assert caught.value.message == "可受理地区：异地代收代办和多地联办必须指定受理地区、窗口或自助终端。"


def test_availability_may_name_only_one_place(db):
    impl = published_implementation()
    kiosk = KioskFactory()

    with pytest.raises(ValidationFailed) as caught:
        availability_add(implementation=impl, mode=Mode.ONLINE, region=kiosk.region, kiosk=kiosk)

    assert caught.value.message == "地区、窗口、自助终端只能选择其中一项。"
