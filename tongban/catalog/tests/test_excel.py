"""The catalog's Excel import and export: layout, round trips, changes, and rejected files.

The helpers at the top (a small catalog using every sheet and column kind, a database snapshot to
prove "nothing changed", workbook editing by sheet and header) are shared with the admin tests."""

from datetime import date
from io import BytesIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from tongban.catalog.choices import (
    Audience,
    ItemType,
    MaterialForm,
    Mode,
    Necessity,
    ResultType,
    Theme,
    VersionStatus,
)
from tongban.catalog.excel import ImportFailed, catalog_export, catalog_import
from tongban.catalog.excel import apply as excel_apply
from tongban.catalog.excel.cells import split_aliases
from tongban.catalog.excel.snapshot import PART_MODELS, part_fields
from tongban.catalog.excel.spec import IMPLEMENTATIONS
from tongban.catalog.models import (
    Agreement,
    AgreementItem,
    AgreementParty,
    Availability,
    BatchEntry,
    GuideFAQ,
    GuideFee,
    GuideLocation,
    GuideMaterial,
    GuideStep,
    Implementation,
    ImplementationVersion,
    SearchEntry,
    ServiceItem,
    TongbanBatch,
)
from tongban.catalog.services import (
    VERSION_CONTENT_FIELDS,
    GuideRows,
    availability_add,
    version_draft_fill,
    version_draft_start,
    version_publish,
)
from tongban.catalog.tests.factories import ServiceItemFactory, guide_values, published_implementation
from tongban.core.errors import NotFound
from tongban.regions.tests.factories import HallFactory, KioskFactory, OrganizationFactory, WindowFactory

CATALOG_MODELS = (
    ServiceItem,
    Implementation,
    ImplementationVersion,
    GuideMaterial,
    GuideStep,
    GuideFee,
    GuideLocation,
    GuideFAQ,
    Availability,
    Agreement,
    AgreementParty,
    AgreementItem,
    TongbanBatch,
    BatchEntry,
    SearchEntry,
)
FORM_SCHEMA = {
    "schema": 1,
    "fields": [{"key": "applicant_name", "label": "申请人姓名", "type": "text", "required": True}],
}


def build_catalog(circle) -> dict[str, Any]:
    """Two cities, a cross-city window and a kiosk, two items, three implementations (one at its second
    version, with every kind of guide row), availability of each scope, an agreement and a batch."""
    wuhan, ezhou, huarong = circle["420100"], circle["420700"], circle["420703"]
    hrss = OrganizationFactory(region=wuhan, name="武汉市人力资源和社会保障局")
    ezhou_hrss = OrganizationFactory(region=ezhou, name="鄂州市人力资源和社会保障局")
    hall = HallFactory(region=huarong, organization=ezhou_hrss, name="华容区政务服务中心")
    window = WindowFactory(hall=hall, number="A08", name="圈内通办专窗", is_cross_city=True)
    kiosk = KioskFactory(region=huarong, hall=hall, serial="HR-KIOSK-01")
    card = ServiceItemFactory(
        basic_code="000000000001",
        name="社会保障卡申领",
        aliases=["社保卡", "社会保障卡（申领、补领）"],
        theme=Theme.HR_SOCIAL,
    )
    license_item = ServiceItemFactory(
        basic_code="000000000002",
        name="人力资源服务许可",
        item_type=ItemType.LICENSE,
        theme=Theme.MARKET_ENTRY,
        audience=Audience.LEGAL,
    )
    rows = GuideRows(
        materials=[
            {"name": "居民身份证", "license_type_code": "11100000000", "license_type_name": "居民身份证"},
            {
                "name": "近期免冠照片",
                "necessity": Necessity.DEFERRABLE,
                "form": MaterialForm.ELECTRONIC,
                "copies": 2,
            },
        ],
        steps=[
            {"name": "受理", "time_limit_days": 1},
            {"name": "审核", "time_limit_days": 3, "organization": ezhou_hrss},
            {"name": "制卡", "time_limit_days": 10, "counts_in_limit": False, "is_special": True},
        ],
        fees=[{"name": "工本费", "standard": "免费", "basis": "鄂价费〔2015〕1号"}],
        locations=[
            {"name": "华容区政务服务中心", "hall": hall, "address": "华容区人民路1号", "hours": "工作日"}
        ],
        faqs=[{"question": "多久能拿到卡？", "answer": "一般5个工作日。\n加急请咨询窗口。"}],
    )
    card_wuhan = published_implementation(
        service_item=card,
        organization=hrss,
        rows=rows,
        form_schema=FORM_SCHEMA,
        postal_results=True,
        result_type=ResultType.PAPER_AND_LICENSE,
        result_name="社会保障卡",
    )
    draft = version_draft_start(implementation=card_wuhan)
    version_draft_fill(
        version=draft, guide=guide_values(name="社会保障卡申领（武汉）", promised_days=4), rows=rows
    )
    version_publish(version=draft, change_note="缩短时限")
    card_ezhou = published_implementation(service_item=card, organization=ezhou_hrss)
    licensing = published_implementation(service_item=license_item, organization=hrss)
    card_wuhan.refresh_from_db()
    availability_add(implementation=card_wuhan, mode=Mode.ONLINE)
    availability_add(implementation=card_wuhan, mode=Mode.PROXY, region=ezhou, note="鄂州全市可代收")
    availability_add(implementation=card_wuhan, mode=Mode.PROXY, window=window)
    availability_add(implementation=card_wuhan, mode=Mode.PROXY, kiosk=kiosk)
    agreement = Agreement.objects.create(
        name="华容区与东湖高新区“跨区通办”合作协议",
        document_number="HR-DH-2023-01",
        signed_on=date(2023, 3, 1),
        effective_from=date(2023, 3, 15),
    )
    AgreementParty.objects.create(agreement=agreement, region=huarong, signatory=ezhou_hrss, position=1)
    AgreementParty.objects.create(agreement=agreement, region=circle["donghu"], position=2)
    for impl in (card_wuhan, card_ezhou):
        AgreementItem.objects.create(agreement=agreement, implementation=impl)
    first = TongbanBatch.objects.create(
        name="第一批", document_number="武汉都市圈办〔2022〕1号", published_on=date(2022, 6, 1)
    )
    TongbanBatch.objects.create(name="第二批", published_on=date(2023, 6, 1), note="扩围")
    BatchEntry.objects.create(batch=first, implementation=card_wuhan)
    return {
        "card_wuhan": card_wuhan,
        "card_ezhou": card_ezhou,
        "licensing": licensing,
        "hrss": hrss,
        "agreement": agreement,
        "hall": hall,
    }


def database_state() -> dict[str, list[dict]]:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in CATALOG_MODELS}


def wipe_catalog() -> None:
    """Delete every catalog row (tests only: bypasses the frozen-version guards on purpose)."""
    Implementation.objects.update(current=None)
    for model in reversed(CATALOG_MODELS[1:]):
        model.objects.all().delete()
    ServiceItem.objects.all().delete()


def workbook_values(data: bytes) -> dict[str, list[tuple]]:
    """Each sheet's rows as tuples, without trailing blank cells."""
    workbook = load_workbook(BytesIO(data), read_only=True)
    values = {}
    for sheet in workbook.worksheets:
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        for row in rows:
            while row and row[-1] is None:
                row.pop()
        values[sheet.title] = [tuple(row) for row in rows]
    workbook.close()
    return values


def edit_workbook(
    data: bytes,
    edits: dict[str, list[tuple[int, str, Any]]] | None = None,
    *,
    delete_rows: dict[str, int] | None = None,
    drop_sheets: tuple[str, ...] = (),
) -> bytes:
    """Change cells by (row number, header) per sheet (a row past the end adds a row), then delete rows,
    then drop whole sheets."""
    workbook = load_workbook(BytesIO(data))
    for title, changes in (edits or {}).items():
        sheet = workbook[title]
        headers = {cell.value: cell.column for cell in sheet[1]}
        for row, header, value in changes:
            sheet.cell(
                row=row, column=headers[header]
            ).value = value  # cell(value=None) would keep the old one
    for title, row in (delete_rows or {}).items():
        workbook[title].delete_rows(row)
    for title in drop_sheets:
        del workbook[title]
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


SHEET_NAMES = [
    "说明",
    "事项",
    "实施清单",
    "申请材料",
    "办理环节",
    "收费",
    "办理地点",
    "常见问题",
    "通办范围",
    "合作协议",
    "协议签约方",
    "协议事项",
    "清单批次",
    "批次事项",
]


@pytest.fixture
def catalog(circle):
    return build_catalog(circle)


def export_bytes(**filters) -> bytes:
    out = BytesIO()
    catalog_export(out, **filters)
    return out.getvalue()


@pytest.fixture
def exported(catalog) -> bytes:
    return export_bytes()


def import_bytes(data: bytes, **options):
    return catalog_import(BytesIO(data), **options)


def import_errors(data: bytes) -> list[str]:
    with pytest.raises(ImportFailed) as failure:
        import_bytes(data)
    return [str(error) for error in failure.value.errors]


# --- Export -------------------------------------------------------------------------------------------


def test_export_has_the_readme_and_every_sheet_in_order(exported):
    assert list(workbook_values(exported)) == SHEET_NAMES


def test_export_writes_labels_natural_keys_booleans_and_json(catalog, exported):
    sheets = workbook_values(exported)
    hrss = catalog["hrss"].uscc

    assert sheets["事项"][1] == (
        "000000000001",
        "社会保障卡申领",
        "公共服务",
        "人社",
        "自然人",
        "《测试条例》第一条",
        "社保卡、社会保障卡（申领、补领）",
    )
    assert sheets["实施清单"][1][:11] == (
        catalog["card_wuhan"].code,
        "000000000001",
        hrss,
        "武汉市人力资源和社会保障局",
        2,
        "社会保障卡申领（武汉）",
        "本市户籍或持有本市居住证的居民。",
        "承诺件",
        20,
        4,
        0,
    )
    assert sheets["实施清单"][1][14:] == (
        "否",
        "是",
        "社会保障卡",
        "纸质和电子证照",
        None,
        '{"fields": [{"key": "applicant_name", "label": "申请人姓名", "required": true, "type": "text"}], '
        '"schema": 1}',
    )
    code = catalog["card_wuhan"].code
    assert sheets["通办范围"][1:] == [
        (code, "社会保障卡申领（武汉）", "全程网办"),
        (code, "社会保障卡申领（武汉）", "异地代收代办", None, None, None, "HR-KIOSK-01"),
        (code, "社会保障卡申领（武汉）", "异地代收代办", None, "华容区政务服务中心", "A08"),
        (code, "社会保障卡申领（武汉）", "异地代收代办", "420700", None, None, None, "鄂州全市可代收"),
    ]
    assert sheets["协议签约方"][1:] == [
        ("HR-DH-2023-01", 1, "420703", catalog["card_ezhou"].organization.uscc),
        ("HR-DH-2023-01", 2, "donghu"),
    ]


def test_export_freezes_the_header_and_offers_lists_for_choices(exported):
    workbook = load_workbook(BytesIO(exported))
    sheet = workbook["事项"]

    assert sheet.freeze_panes == "A2"
    lists = {str(rule.sqref): rule.formula1 for rule in sheet.data_validations.dataValidation}
    assert (
        lists["C2:C1048576"]
        == '"行政许可,行政确认,行政给付,行政裁决,行政奖励,行政征收,其他行政权力,公共服务"'
    )
    assert lists["E2:E1048576"] == '"自然人,法人,自然人和法人"'
    assert sheet.column_dimensions["B"].width == 30


def test_export_can_be_narrowed_to_an_organization_or_a_region(catalog):
    by_org = workbook_values(export_bytes(organization=catalog["card_ezhou"].organization.uscc))
    by_city = workbook_values(export_bytes(city="420100"))

    assert [row[0] for row in by_org["实施清单"][1:]] == [catalog["card_ezhou"].code]
    assert [row[0] for row in by_org["事项"][1:]] == ["000000000001"]
    assert len(by_org["协议事项"]) == 3  # the agreement travels whole: header + both of its items
    assert by_org["清单批次"] == [("批次名称", "发布文号", "发布日期", "说明")]
    assert [row[0] for row in by_city["实施清单"][1:]] == [
        catalog["card_wuhan"].code,
        catalog["licensing"].code,
    ]


def test_export_with_an_unknown_filter_says_so(catalog):
    with pytest.raises(NotFound) as unknown:
        export_bytes(organization="91420100MA4KXXXX0X")

    assert unknown.value.message == "未找到统一社会信用代码为 91420100MA4KXXXX0X 的部门/机构。"


def test_text_that_looks_like_a_formula_stays_text(db):
    published_implementation(conditions="=1+1 不是公式")

    data = export_bytes()

    cell = load_workbook(BytesIO(data))["实施清单"]["G2"]
    assert (cell.value, cell.data_type) == ("=1+1 不是公式", "s")
    assert import_bytes(data).changed is False


def test_aliases_are_split_on_the_separator_outside_brackets():
    assert split_aliases("社保卡、公积金提取（离休、退休）、 市民卡、") == [
        "社保卡",
        "公积金提取（离休、退休）",
        "市民卡",
    ]


def test_every_guide_field_has_a_column():
    guide_columns = {c.field for c in IMPLEMENTATIONS.columns} - {
        "code",
        "basic_code",
        "organization",
        "organization_name_ref",
        "version_number",
    }
    assert guide_columns == set(VERSION_CONTENT_FIELDS)
    for sheet, model, _attr in PART_MODELS.values():
        editable = {
            f.name for f in model._meta.concrete_fields if f.name not in {"id", "version", "position"}
        }
        assert set(part_fields(sheet)) == editable, sheet.name


# --- Round trips --------------------------------------------------------------------------------------


def test_importing_an_export_changes_nothing(exported):
    before = database_state()

    summary = import_bytes(exported)

    assert database_state() == before
    assert summary.changed is False
    assert summary.versions_published == 0
    assert str(summary.sheets["实施清单"]) == "新增 0，更新 0，未变 3"


def test_export_wipe_import_export_gives_the_same_workbook(exported):
    wipe_catalog()

    summary = import_bytes(exported)

    assert workbook_values(export_bytes()) == workbook_values(exported)
    assert str(summary.sheets["实施清单"]) == "新增 3，更新 0，未变 0"
    assert summary.versions_published == 3
    assert SearchEntry.objects.count() == 3


def test_restored_catalog_keeps_version_numbers_and_search(catalog, exported):
    wipe_catalog()

    import_bytes(exported)

    restored = Implementation.objects.get(code=catalog["card_wuhan"].code)
    assert (restored.current.number, restored.current.status) == (2, VersionStatus.PUBLISHED)
    assert restored.current.change_note == "Excel导入"
    entry = SearchEntry.objects.get(implementation=restored)
    assert (entry.is_tongban, entry.modes) == (True, ",online,proxy,")


# --- Changes ------------------------------------------------------------------------------------------


def test_a_changed_guide_is_published_as_a_new_version(catalog, exported):
    edited = edit_workbook(exported, {"实施清单": [(2, "承诺办结时限", 3)], "申请材料": [(3, "份数", 3)]})

    summary = import_bytes(edited)

    impl = Implementation.objects.get(pk=catalog["card_wuhan"].pk)
    assert (impl.current.number, impl.current.promised_days, impl.current.change_note) == (3, 3, "Excel导入")
    assert [m.copies for m in impl.current.materials.all()] == [1, 3]
    assert impl.versions.get(number=2).status == VersionStatus.SUPERSEDED
    assert [f.name for f in impl.current.fees.all()] == ["工本费"]
    assert summary.versions_published == 1
    assert str(summary.sheets["实施清单"]) == "新增 0，更新 1，未变 2"
    assert str(summary.sheets["申请材料"]) == "新增 0，更新 1，未变 5"
    assert ImplementationVersion.objects.count() == 5


def test_a_new_implementation_in_the_file_is_created_and_published(catalog, exported):
    ezhou = catalog["card_ezhou"].organization.uscc
    row = [
        (5, "实施编码", "EZ-LICENSE-1"),
        (5, "基本编码", "000000000002"),
        (5, "实施主体统一社会信用代码", ezhou),
        (5, "事项名称", "人力资源服务许可"),
        (5, "受理条件", "依法设立的企业。"),
        (5, "办件类型", "承诺件"),
        (5, "法定办结时限", 20),
        (5, "承诺办结时限", 10),
        (5, "咨询电话", "0711-1234567"),
        (5, "投诉电话", "12345"),
    ]
    step = [(9, "实施编码", "EZ-LICENSE-1"), (9, "序号", 1), (9, "环节名称", "审批"), (9, "环节时限", 10)]
    edited = edit_workbook(exported, {"实施清单": row, "办理环节": step})

    summary = import_bytes(edited)

    impl = Implementation.objects.get(code="EZ-LICENSE-1")
    assert (impl.current.number, impl.current.visits, impl.current.postal_results) == (1, 0, False)
    assert [(s.name, s.counts_in_limit, s.stage) for s in impl.current.steps.all()] == [("审批", True, 1)]
    assert SearchEntry.objects.filter(implementation=impl).exists()
    assert str(summary.sheets["实施清单"]) == "新增 1，更新 0，未变 3"


def test_a_sheet_left_out_of_the_file_keeps_the_stored_rows(catalog, exported):
    edited = edit_workbook(
        exported, {"实施清单": [(2, "承诺办结时限", 3)]}, drop_sheets=("申请材料", "通办范围")
    )

    summary = import_bytes(edited)

    impl = Implementation.objects.get(pk=catalog["card_wuhan"].pk)
    assert [m.name for m in impl.current.materials.all()] == ["居民身份证", "近期免冠照片"]
    assert impl.availability.count() == 4
    assert "申请材料" not in summary.sheets


def test_rows_removed_from_the_file_are_removed_from_their_parent(catalog, exported):
    edited = edit_workbook(
        exported,
        {
            "批次事项": [
                (2, "批次名称", "第二批"),
                (3, "批次名称", "第二批"),
                (3, "实施编码", catalog["card_ezhou"].code),
            ]
        },
        delete_rows={"通办范围": 3, "协议事项": 3},
    )

    summary = import_bytes(edited)

    assert catalog["card_wuhan"].availability.filter(kiosk__isnull=False).exists() is False
    assert list(catalog["agreement"].item_rows.values_list("implementation__code", flat=True)) == [
        catalog["card_wuhan"].code
    ]
    assert sorted(BatchEntry.objects.values_list("batch__name", "implementation__code")) == [
        ("第二批", catalog["card_wuhan"].code),
        ("第二批", catalog["card_ezhou"].code),
    ]
    assert str(summary.sheets["通办范围"]) == "新增 0，更新 0，未变 3，删除 1"
    assert str(summary.sheets["批次事项"]) == "新增 1，更新 1，未变 0"
    assert summary.versions_published == 0
    assert SearchEntry.objects.get(implementation=catalog["card_ezhou"]).is_tongban is False


def test_changed_aliases_reach_the_search_index(catalog, exported):
    edited = edit_workbook(exported, {"事项": [(2, "别名", "社保卡、市民卡")]})

    import_bytes(edited)

    assert ServiceItem.objects.get(basic_code="000000000001").aliases == ["社保卡", "市民卡"]
    assert "市民卡" in SearchEntry.objects.get(implementation=catalog["card_ezhou"]).names


# --- Rejected files -----------------------------------------------------------------------------------

DUPLICATE_ITEM = [
    ("基本编码", "000000000002"),
    ("事项名称", "重复"),
    ("事项类型", "公共服务"),
    ("主题", "人社"),
    ("服务对象", "法人"),
]


def test_every_bad_row_of_every_sheet_is_reported_and_nothing_changes(catalog, exported):
    before = database_state()
    edited = edit_workbook(
        exported,
        {
            "事项": [(2, "事项类型", "许可")] + [(4, h, v) for h, v in DUPLICATE_ITEM],
            "实施清单": [(2, "承诺办结时限", 30), (3, "法定办结时限", "二十"), (4, "办件类型", None)],
            "申请材料": [(3, "必要性", "需要")],
            "办理环节": [(2, "环节时限", -1), (3, "办理单位统一社会信用代码", "11420100MB99999999")],
            "通办范围": [(5, "受理地区标识", "nowhere")],
            "合作协议": [(2, "终止日期", "2020-01-01")],
            "协议签约方": [(3, "签约地区标识", "nowhere")],
            "协议事项": [(4, "协议编号", "HR-DH-2023-01"), (4, "实施编码", "NO-SUCH-CODE")],
            "清单批次": [(3, "发布日期", "明年")],
            "批次事项": [(3, "批次名称", "第九批"), (3, "实施编码", catalog["card_ezhou"].code)],
        },
    )

    errors = import_errors(edited)

    assert errors == [
        "事项 第2行「事项类型」：“许可”不是可选的值，应为：行政许可、行政确认、行政给付、行政裁决、行政奖励、"
        "行政征收、其他行政权力、公共服务。",
        "事项 第4行「基本编码」：与第3行重复（基本编码相同），同一记录只能出现一次。",
        "实施清单 第2行「承诺办结时限」：承诺办结时限不能超过法定办结时限。",
        "实施清单 第3行「法定办结时限」：应为不小于0的整数，实际为“二十”。",
        "实施清单 第4行「办件类型」：不能为空。",
        "申请材料 第3行「必要性」：“需要”不是可选的值，应为：必要、容缺、非必要。",
        "办理环节 第2行「环节时限」：应为不小于0的整数，实际为“-1”。",
        "办理环节 第3行「办理单位统一社会信用代码」："
        "未找到统一社会信用代码为 11420100MB99999999 的部门/机构。",
        "通办范围 第5行「受理地区标识」：未找到标识为 nowhere 的行政区划。",
        "合作协议 第2行「终止日期」：终止日期不能早于生效日期。",
        "协议签约方 第3行「签约地区标识」：未找到标识为 nowhere 的行政区划。",
        "协议事项 第4行「实施编码」：未找到实施编码为 NO-SUCH-CODE 的实施清单。",
        "清单批次 第3行「发布日期」：应为日期（如 2024-03-01），实际为“明年”。",
        "批次事项 第3行「批次名称」：不在“清单批次”表中：批次事项须与其清单批次在同一文件中导入。",
    ]
    assert database_state() == before


def test_publishing_rules_are_checked_before_anything_is_written(catalog, exported):
    before = database_state()
    edited = edit_workbook(
        exported,
        {
            "实施清单": [
                (2, "办件类型", "即办件"),
                (3, "法定办结时限", 0),
                (3, "承诺办结时限", 0),
                (4, "申请表单定义", '{"schema": 1, "fields": [{"key": "名字"}]}'),
            ]
        },
    )

    errors = import_errors(edited)

    assert errors == [
        "实施清单 第2行「承诺办结时限」：即办件的承诺办结时限应为0个工作日（当场办结）。",
        "实施清单 第3行「办理环节」：计入法定时限的各环节时限合计 1 个工作日，超过法定办结时限 0 个工作日。",
        "实施清单 第4行「申请表单定义」：申请表单定义有误（fields.0.key）："
        "字段标识“名字”只能由小写字母、数字和下划线组成，以字母开头，最长40个字符。",
    ]
    assert database_state() == before


def test_form_definition_that_is_not_json_is_reported(exported):
    edited = edit_workbook(exported, {"实施清单": [(3, "申请表单定义", '{"schema": 1,')]})

    assert import_errors(edited) == [
        "实施清单 第3行「申请表单定义」：不是有效的 JSON：第1行第14个字符附近有语法错误。"
    ]


def test_a_file_exported_from_an_older_version_cannot_overwrite_a_newer_one(exported):
    edited = edit_workbook(exported, {"实施清单": [(2, "版本号", 1), (2, "承诺办结时限", 3)]})

    assert import_errors(edited) == [
        "实施清单 第2行「版本号」：系统中的现行版本已是第2版，而文件基于第1版：请重新导出后再修改。"
    ]


def test_a_draft_in_progress_is_not_overwritten(catalog, exported):
    version_draft_start(implementation=catalog["card_ezhou"])
    edited = edit_workbook(exported, {"实施清单": [(3, "承诺办结时限", 3)]})

    assert import_errors(edited) == [
        "实施清单 第3行「实施编码」："
        "该实施清单有尚未发布的草稿（第2版），请先在管理后台发布或删除该草稿，再导入。"
    ]


def test_an_implementation_keeps_its_item_and_organization(catalog, exported):
    edited = edit_workbook(exported, {"实施清单": [(2, "基本编码", "000000000002")]})

    assert import_errors(edited) == [
        "实施清单 第2行「基本编码」：该实施清单属于基本编码为 000000000001 的事项，不能改为其他事项。"
    ]


def test_unknown_sheets_missing_columns_and_unreadable_files_are_reported(exported):
    workbook = load_workbook(BytesIO(exported))
    workbook.create_sheet("备忘")
    workbook["收费"]["E1"] = "收费依据X"
    out = BytesIO()
    workbook.save(out)

    assert import_errors(out.getvalue()) == [
        "备忘：无法识别的工作表，可用的工作表为：事项、实施清单、申请材料、办理环节、收费、办理地点、常见问题、通办范围、"
        "合作协议、协议签约方、协议事项、清单批次、批次事项。",
        "收费 第1行「收费依据」：缺少此列。",
        "收费 第1行「收费依据X」：无法识别的列。",
    ]
    assert import_errors(b"not a workbook") == [
        "文件：无法读取：请上传 Excel 2007 及以上版本保存的 .xlsx 工作簿。"
    ]


def test_a_fault_in_the_middle_of_writing_leaves_the_database_unchanged(catalog, exported, monkeypatch):
    before = database_state()
    edited = edit_workbook(
        exported, {"实施清单": [(2, "承诺办结时限", 3)], "事项": [(3, "事项名称", "新名称")]}
    )

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(excel_apply, "_apply_batches", fail)
    with pytest.raises(RuntimeError):
        import_bytes(edited)

    assert database_state() == before


def test_a_dry_run_reports_what_would_change_and_changes_nothing(exported):
    before = database_state()
    edited = edit_workbook(exported, {"实施清单": [(2, "承诺办结时限", 3)]})

    summary = import_bytes(edited, dry_run=True)

    assert database_state() == before
    assert summary.versions_published == 1
    assert str(summary).splitlines()[:3] == [
        "检查通过（试运行，未写入数据库）：",
        "事项：新增 0，更新 0，未变 2",
        "实施清单：新增 0，更新 1，未变 2",
    ]


# --- Commands -----------------------------------------------------------------------------------------


def test_the_commands_export_and_import_a_file(catalog, tmp_path, capsys):
    path = tmp_path / "目录.xlsx"

    call_command("catalog_export", str(path), "--city", "420100")
    call_command("catalog_import", str(path))

    output = capsys.readouterr().out
    assert f"已导出到 {path}：事项 2 行，实施清单 2 行" in output
    assert "实施清单：新增 0，更新 0，未变 2" in output


def test_the_import_command_prints_every_error_and_fails(exported, tmp_path, capsys):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(
        edit_workbook(exported, {"实施清单": [(2, "承诺办结时限", 30), (3, "到现场次数", "两次")]})
    )
    agreements = Agreement.objects.count()

    with pytest.raises(CommandError) as failure:
        call_command("catalog_import", str(path))

    assert str(failure.value) == "导入失败：发现 2 处错误，数据库未做任何修改。"
    assert capsys.readouterr().err.splitlines() == [
        "实施清单 第2行「承诺办结时限」：承诺办结时限不能超过法定办结时限。",
        "实施清单 第3行「到现场次数」：应为不小于0的整数，实际为“两次”。",
    ]
    assert Agreement.objects.count() == agreements
    assert Availability.objects.count() == 4
