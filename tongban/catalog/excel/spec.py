"""The workbook's layout: its sheets and their columns.

One declaration drives the export (headers, widths, drop-down lists, the 说明 sheet) and the import
(header checks, cell parsing with Chinese messages), so the two cannot drift apart.
"""

from dataclasses import dataclass
from typing import Any

from tongban.catalog.choices import (
    Audience,
    CaseType,
    ItemType,
    MaterialForm,
    MaterialSource,
    Mode,
    Necessity,
    ResultType,
    Theme,
)

from .cells import (
    REFERENCE_SUFFIX,
    TEXT,
    Aliases,
    Boolean,
    Choice,
    Code,
    Date,
    Integer,
    Json,
    Reference,
    Text,
)


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    kind: Text = TEXT
    required: bool = False
    default: Any = ""
    width: int = 16
    note: str = ""

    @property
    def ignored(self) -> bool:
        return isinstance(self.kind, Reference)

    def empty(self) -> Any:
        """The value of a blank cell (a fresh list or dict, never a shared one)."""
        if isinstance(self.kind, Aliases):
            return []
        if isinstance(self.kind, Json):
            return {}
        return self.default


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # fields that identify a row; a key may appear once per file
    note: str

    def column(self, field: str) -> Column:
        return next(c for c in self.columns if c.field == field)

    def header_of(self, field: str) -> str:
        found = [c.header for c in self.columns if c.field == field]
        return found[0] if found else ""


def _required(header: str, field: str, kind: Text = TEXT, width: int = 16, note: str = "") -> Column:
    return Column(header, field, kind, required=True, default=None, width=width, note=note)


IMPL_CODE = _required("实施编码", "implementation", Code(), 24)
POSITION = _required("序号", "position", Integer(), 6, "同一实施清单内的排列顺序，不可重复")
ITEM_NAME_REF = Column("事项名称" + REFERENCE_SUFFIX, "item_name_ref", Reference(), width=30)

ITEMS = Sheet(
    "事项",
    (
        _required("基本编码", "basic_code", Code(), 16, "事项在基本目录中的编码，最长12位"),
        _required("事项名称", "name", width=30),
        _required("事项类型", "item_type", Choice(ItemType), 14),
        _required("主题", "theme", Choice(Theme), 10),
        _required("服务对象", "audience", Choice(Audience), 14),
        Column("设定依据", "legal_basis", width=40),
        Column("别名", "aliases", Aliases(), width=24, note="其他常用叫法，如“社保卡”"),
    ),
    ("basic_code",),
    "基本目录中的事项，按基本编码新增或更新。",
)

IMPLEMENTATIONS = Sheet(
    "实施清单",
    (
        _required("实施编码", "code", Code(), 24),
        _required("基本编码", "basic_code", Code(), 16, "所属事项；须在“事项”表或系统中已存在"),
        _required("实施主体统一社会信用代码", "organization", Code("统一社会信用代码"), 22),
        Column("实施主体名称" + REFERENCE_SUFFIX, "organization_name_ref", Reference(), width=24),
        Column(
            "版本号",
            "version_number",
            Integer(),
            default=None,
            width=8,
            note="导出时的现行版本号；若与系统中的现行版本不一致且指南有改动，导入将被拒绝（请重新导出后修改）",
        ),
        _required("事项名称", "name", width=30, note="办事指南上的事项名称"),
        _required("受理条件", "conditions", width=40),
        _required("办件类型", "case_type", Choice(CaseType), 10),
        _required("法定办结时限", "statutory_days", Integer(), 10, "工作日"),
        _required("承诺办结时限", "promised_days", Integer(), 10, "工作日，不超过法定办结时限；即办件为0"),
        Column("到现场次数", "visits", Integer(), default=0, width=10),
        Column("办理流程说明", "handling_process", width=40),
        _required("咨询电话", "consultation_phone"),
        _required("投诉电话", "complaint_phone"),
        Column("支持材料邮寄", "postal_materials", Boolean(), default=False, width=10),
        Column("支持结果邮寄", "postal_results", Boolean(), default=False, width=10),
        Column("审批结果名称", "result_name", width=24),
        Column("审批结果类型", "result_type", Choice(ResultType), default=ResultType.NONE, width=18),
        Column("结果电子证照类型代码", "result_license_type_code", Code(), width=18),
        Column("申请表单定义", "form_schema", Json(), width=40),
    ),
    ("code",),
    "每个部门对事项的实施清单及其现行办事指南。指南有改动时发布新版本（变更说明“Excel导入”），无改动不产生新版本。",
)

MATERIALS = Sheet(
    "申请材料",
    (
        IMPL_CODE,
        POSITION,
        _required("材料名称", "name", width=30),
        Column("必要性", "necessity", Choice(Necessity), default=Necessity.REQUIRED, width=8),
        Column("材料形式", "form", Choice(MaterialForm), default=MaterialForm.ORIGINAL, width=14),
        Column("份数", "copies", Integer(), default=1, width=6),
        Column("来源渠道", "source", Choice(MaterialSource), default=MaterialSource.APPLICANT, width=14),
        Column("可替代的电子证照类型代码", "license_type_code", Code(), width=18),
        Column("可替代的电子证照", "license_type_name", width=20),
        Column("空白表格", "blank_form", width=20),
        Column("示例样表", "sample", width=20),
        Column("受理标准", "acceptance_standard", width=30),
        Column("备注", "note", width=20),
    ),
    ("implementation", "position"),
    "办事指南的申请材料。",
)

STEPS = Sheet(
    "办理环节",
    (
        IMPL_CODE,
        POSITION,
        _required("环节名称", "name", width=16),
        Column("阶段", "stage", Integer(), default=1, width=6, note="同一阶段的环节并行办理"),
        Column(
            "办理单位统一社会信用代码",
            "organization",
            Code("统一社会信用代码"),
            width=22,
            note="留空表示实施主体本身",
        ),
        Column("办理人员", "actor"),
        Column("环节时限", "time_limit_days", Integer(), default=0, width=8, note="工作日"),
        Column("是否计算在法定办结时限内", "counts_in_limit", Boolean(), default=True, width=12),
        Column("特殊环节", "is_special", Boolean(), default=False, width=8),
        Column("办理标准", "description", width=30),
    ),
    ("implementation", "position"),
    "办事指南的办理环节；计入法定时限的各阶段时限之和不能超过法定办结时限。",
)

FEES = Sheet(
    "收费",
    (
        IMPL_CODE,
        POSITION,
        _required("收费项目", "name", width=20),
        _required("收费标准", "standard", width=30),
        Column("收费依据", "basis", width=30),
    ),
    ("implementation", "position"),
    "办事指南的收费项目；不收费的事项没有行。",
)

LOCATIONS = Sheet(
    "办理地点",
    (
        IMPL_CODE,
        POSITION,
        _required("办理地点", "name", width=20),
        Column("大厅名称", "hall", Code("政务服务大厅名称"), width=24, note="须与系统中的大厅名称一致"),
        _required("地址", "address", width=30),
        _required("办理时间", "hours", width=30),
        Column("电话", "phone"),
    ),
    ("implementation", "position"),
    "办事指南的办理地点和时间。",
)

FAQS = Sheet(
    "常见问题",
    (IMPL_CODE, POSITION, _required("问题", "question", width=40), _required("解答", "answer", width=60)),
    ("implementation", "position"),
    "办事指南的常见问题。",
)

AVAILABILITY = Sheet(
    "通办范围",
    (
        IMPL_CODE,
        ITEM_NAME_REF,
        _required("办理模式", "mode", Choice(Mode), 14),
        Column("受理地区标识", "region", Code("行政区划标识"), width=14, note="行政区划代码或开发区标识"),
        Column("受理大厅名称", "hall", Code("政务服务大厅名称"), width=24, note="与“窗口号”一起指定受理窗口"),
        Column("窗口号", "window", Code("窗口号"), width=8),
        Column("自助终端编号", "kiosk", Code("设备编号"), width=16),
        Column("说明", "note", width=24),
    ),
    ("implementation", "mode", "region", "hall", "window", "kiosk"),
    "实施清单单独配置的受理范围。地区、窗口（大厅名称+窗口号）、自助终端至多填一项；"
    "都不填表示都市圈内均可办理（仅限全程网办）。合作协议带来的范围不在此表。",
)

AGREEMENTS = Sheet(
    "合作协议",
    (
        _required("协议编号", "document_number", Code(), 20),
        _required("协议名称", "name", width=40),
        Column("主要内容", "summary", width=40),
        _required("签署日期", "signed_on", Date(), 12),
        _required("生效日期", "effective_from", Date(), 12),
        Column("终止日期", "effective_until", Date(), default=None, width=12, note="留空表示长期有效"),
    ),
    ("document_number",),
    "地区之间的“圈内通办”合作协议。",
)

PARTIES = Sheet(
    "协议签约方",
    (
        _required("协议编号", "agreement", Code(), 20),
        _required("序号", "position", Integer(), 6),
        _required("签约地区标识", "region", Code("行政区划标识"), 14),
        Column("签约单位统一社会信用代码", "signatory", Code("统一社会信用代码"), width=22),
    ),
    ("agreement", "region"),
    "每份协议的签约地区，文件中列出的即为该协议的全部签约方。",
)

AGREEMENT_ITEMS = Sheet(
    "协议事项",
    (_required("协议编号", "agreement", Code(), 20), IMPL_CODE, ITEM_NAME_REF),
    ("agreement", "implementation"),
    "每份协议包含的实施清单，文件中列出的即为该协议的全部事项（尚无现行版本的实施清单除外）。",
)

BATCHES = Sheet(
    "清单批次",
    (
        _required("批次名称", "name", Code(), 30),
        Column("发布文号", "document_number", width=20),
        _required("发布日期", "published_on", Date(), 12),
        Column("说明", "note", width=40),
    ),
    ("name",),
    "“圈内通办”清单的发布批次（清单的历史）。",
)

BATCH_ENTRIES = Sheet(
    "批次事项",
    (_required("批次名称", "batch", Code(), 30), IMPL_CODE, ITEM_NAME_REF),
    ("implementation",),
    "每个批次列入清单的实施清单；一个实施清单只属于一个批次。文件中列出的即为该批次的全部事项"
    "（尚无现行版本的实施清单除外）。",
)

GUIDE_SHEETS = (MATERIALS, STEPS, FEES, LOCATIONS, FAQS)
SHEETS = (
    ITEMS,
    IMPLEMENTATIONS,
    *GUIDE_SHEETS,
    AVAILABILITY,
    AGREEMENTS,
    PARTIES,
    AGREEMENT_ITEMS,
    BATCHES,
    BATCH_ENTRIES,
)
README = "说明"
