"""The demo's cases as stories: who applies for which item, in which mode, at which hall, and what happens
to it on which working day (played by cases.py through the cases services).

Days count working days back from the last working day up to today (1: the working day before it). A
story with `due_in` counts its days from the day its clock starts instead, placed so that the promised
limit ends `due_in` working days after that last working day (1: yellow, negative: red). Applicants and
actors are demo usernames; "agent>principal" acts for the principal (an agent under a mandate, a
company's operator, a helper at the window). The items and halls are the demo catalog's, each with the
demo account that handles or receives there.
"""

from dataclasses import dataclass
from typing import Any, NamedTuple

from tongban.cases.choices import DeliveryMethod
from tongban.cases.models import ProcedureKind, ShipmentPurpose, ShipmentStatus
from tongban.catalog.choices import Mode

from .accounts import COMPANY_USERNAME, OPERATOR

ONLINE, PROXY, JOINT = Mode.ONLINE, Mode.PROXY, Mode.JOINT


@dataclass(frozen=True)
class Item:
    """An implementation by its organization and item name, and the demo account that handles it (a
    reviewer, or a clerk: pre-check and acceptance are window work)."""

    organization: str
    name: str
    handler: str


@dataclass(frozen=True)
class Hall:
    """A 圈内通办专窗 by the organization that runs its hall, and the clerk who receives there."""

    organization: str
    clerk: str


HRSS = "{}人力资源和社会保障局"
DONGHU, GEDIAN = "东湖新技术开发区政务服务局", "葛店经济技术开发区政务服务中心"
W_CARD = Item(HRSS.format("武汉市"), "社会保障卡申领", "wuhan-reviewer")
W_CARD_LOST = Item(HRSS.format("武汉市"), "社会保障卡补领", "wuhan-reviewer")
W_CARD_SWAP = Item(HRSS.format("武汉市"), "社会保障卡换领", "wuhan-reviewer")
E_CARD = Item(HRSS.format("鄂州市"), "社会保障卡申领", "ezhou-reviewer")
H_CARD = Item(HRSS.format("黄石市"), "社会保障卡申领", "huangshi-reviewer")
W_HOUSE = Item("武汉市政务服务和大数据管理局", "二手房交易登记“一件事”", "wuhan-clerk")
W_BIRTH = Item("武汉市政务服务和大数据管理局", "新生儿出生“一件事”", "wuhan-clerk")
E_RETIRE = Item("鄂州市政务服务和大数据管理局", "退休“一件事”", "ezhou-clerk")
H_RETIRE = Item("黄石市政务服务和大数据管理局", "退休“一件事”", "huangshi-clerk")
DH_ADDRESS = Item(DONGHU, "企业住所变更登记", "wuhan-clerk")
DH_NAME = Item(DONGHU, "企业名称变更登记", "wuhan-clerk")
DH_FOOD = Item(DONGHU, "食品生产许可证核发", "wuhan-clerk")
GD_SHOP = Item(GEDIAN, "食品经营许可证新办", "ezhou-clerk")
GD_SHOP_CHANGE = Item(GEDIAN, "食品经营许可证变更", "ezhou-clerk")
GD_FOOD = Item(GEDIAN, "食品生产许可证核发", "ezhou-clerk")
GD_SCOPE = Item(GEDIAN, "企业经营范围变更登记", "ezhou-clerk")
GD_REPRESENTATIVE = Item(GEDIAN, "企业法定代表人变更登记", "ezhou-clerk")
GD_CAPITAL = Item(GEDIAN, "企业注册资本变更登记", "ezhou-clerk")

HALLS = {
    "武汉": Hall("武汉市政务服务和大数据管理局", "wuhan-clerk"),
    "鄂州": Hall("鄂州市政务服务和大数据管理局", "ezhou-clerk"),
    "黄石": Hall("黄石市政务服务和大数据管理局", "huangshi-clerk"),
    "东湖": Hall(DONGHU, "wuhan-clerk"),
    "葛店": Hall(GEDIAN, "ezhou-clerk"),
}


class Act(NamedTuple):
    """One act of a story: on the `day`-th working day back, `verb` (see VERBS) with its argument, by
    `by` (a username; "helper>applicant" acts for the applicant) or the verb's usual actor."""

    day: int
    verb: str
    arg: Any = None
    by: str = ""


@dataclass(frozen=True)
class Story:
    """One demo case: who applies (a username; "agent>principal" applies for the principal), for what,
    in which mode, at which hall (none: on the portal), and what happens to it. With `due_in`, the days
    are counted from the day the clock starts (acceptance, or the receipt a deemed acceptance goes back
    to), placed so that the limit ends `due_in` working days after the last working day up to today."""

    applicant: str
    item: Item
    mode: Mode
    acts: tuple[Act, ...]
    hall: str = ""
    due_in: int | None = None


def online(applicant: str, item: Item, *acts: Act, due_in: int | None = None) -> Story:
    return Story(applicant, item, ONLINE, acts, due_in=due_in)


def proxy(hall: str, applicant: str, item: Item, *acts: Act, due_in: int | None = None) -> Story:
    return Story(applicant, item, PROXY, acts, hall=hall, due_in=due_in)


def joint(hall: str, applicant: str, item: Item, *acts: Act, due_in: int | None = None) -> Story:
    return Story(applicant, item, JOINT, acts, hall=hall, due_in=due_in)


A = Act
COMPANY = f"{OPERATOR}>{COMPANY_USERNAME}"  # 李四 acts for the company he operates
PHOTO = "近期免冠一寸彩色照片"
PHOTO_NOTICE = (f"{PHOTO}：背景应为白色，请上传6个月内的证件照",)
FORM_NOTICE = (f"{PHOTO}：照片模糊，无法识别", "社会保障卡申领登记表：缺少申请人签名")
SECOND_NOTICE = {
    "items": ("请补充在本市参加社会保险的缴费证明（近3个月）",),
    "reason": "首次告知时参保信息系统维护，未能核验申请人的参保地；补正后核验发现参保关系尚未转入本市。",
}
REFUSED = ("申请人已持有有效的社会保障卡，依规不能重复申领；如卡片遗失，请申请社会保障卡补领。",)
HOUSE_REFUSED = ("该房屋已被司法查封，不动产登记机构依法不予办理转移登记。",)
DENIED = "经核查，申请人的社会保障卡在有效期内且状态正常，不符合换领条件。"
RETIRE_DENIED = "经核查，申请人尚未达到法定退休年龄，且不符合提前退休条件。"
JOINT_DENIED = "现场核查不合格：经营场所布局与申请材料不符，不予变更。"
OBJECTION = {"agree": False, "opinion": "现场核查发现经营场所的食品处理区布局与平面布局图不符，不同意变更。"}
NOTICE_PERIOD = (ProcedureKind.PUBLIC_NOTICE, 5, "退休审批结果公示")
BY_POST = (DeliveryMethod.POST, "中国邮政EMS")
TO_WINDOW = (DeliveryMethod.WINDOW, "结果寄至收件窗口，由窗口交付申请人")
ELECTRONIC = (DeliveryMethod.ELECTRONIC, "电子证照已签发至申请人账户")
EMS, SF = "中国邮政EMS", "顺丰速运"
ON_THE_WAY = (ShipmentStatus.IN_TRANSIT, "已到达分拨中心，正在派送")
RECEIVED = (ShipmentStatus.DELIVERED, "已签收")
RETURNED = (ShipmentStatus.RETURNED, "收件地址不详，联系不上收件人，已退回")

# fmt: off
STORIES: tuple[Story, ...] = (
    # 全程网办: applied on the portal, handled by the item's own organization.
    online("zhangsan", W_CARD_SWAP, A(1, "start")),
    online("wangwu", H_CARD, A(2, "start")),
    online("lisi", E_CARD, A(1, "start"), A(1, "submit")),
    online("zhangsan", W_CARD, A(2, "start"), A(2, "submit")),
    online("wangwu", H_CARD, A(1, "start"), A(1, "submit")),
    online("zhangsan", W_CARD_LOST, A(4, "start"), A(4, "submit"), A(3, "notice", {"items": FORM_NOTICE})),
    online(
        "lisi", E_CARD, A(8, "start"), A(8, "submit"), A(7, "notice", {"items": PHOTO_NOTICE}),
        A(6, "upload", PHOTO), A(6, "resubmit"), A(4, "notice", SECOND_NOTICE),
    ),
    online("wangwu", H_CARD, A(3, "start"), A(3, "submit"), A(1, "accept")),
    online("zhangsan", W_CARD, A(0, "start"), A(0, "submit"), A(-6, "deem"), due_in=1),
    online("lisi", E_CARD, A(4, "start"), A(4, "submit"), A(3, "accept"), A(2, "review")),
    online("zhangsan", W_CARD, A(1, "start"), A(1, "submit"), A(0, "accept"), A(-1, "review"), due_in=-3),
    online(
        "wangwu", H_CARD, A(1, "start"), A(1, "submit"), A(0, "accept", "容缺"), A(-1, "review"), due_in=1,
    ),
    online(
        "lisi", E_RETIRE, A(9, "start"), A(9, "submit"), A(8, "accept"), A(7, "review"),
        A(6, "special", NOTICE_PERIOD),
    ),
    online(
        "wangwu", H_RETIRE, A(7, "start"), A(7, "submit"), A(6, "accept"), A(5, "review"),
        A(3, "suspend", "申请人申请暂缓办理：待补缴2026年10月的社会保险费后恢复。"),
    ),
    online("lisi", E_CARD, A(6, "start"), A(6, "submit"), A(5, "accept"), A(4, "review"), A(2, "approve")),
    online(
        "zhangsan", W_CARD_SWAP, A(9, "start"), A(9, "submit"), A(8, "accept"), A(7, "review"),
        A(5, "deny", DENIED),
    ),
    online(
        "wangwu", H_CARD, A(10, "start"), A(10, "submit"), A(9, "accept"), A(8, "review"), A(5, "approve"),
        A(4, "ship", (ShipmentPurpose.RESULT_TO_APPLICANT, EMS)), A(4, "deliver", BY_POST),
        A(3, "parcel", ON_THE_WAY),
    ),
    online(
        "zhangsan", W_CARD, A(15, "start"), A(15, "submit"), A(14, "accept"), A(13, "review"),
        A(9, "approve"), A(8, "ship", (ShipmentPurpose.RESULT_TO_APPLICANT, EMS)), A(8, "deliver", BY_POST),
        A(6, "parcel", RECEIVED), A(5, "complete"),
    ),
    online(  # decided after its limit: the light it stopped with stays red (超过时限办结)
        "lisi", E_CARD, A(14, "start"), A(14, "submit"), A(13, "accept"), A(12, "review"), A(6, "approve"),
        A(5, "deliver", ELECTRONIC), A(4, "complete"),
    ),
    online("wangwu", W_CARD, A(5, "start"), A(5, "submit"), A(4, "refuse", REFUSED)),
    online("lisi", H_CARD, A(6, "start"), A(6, "submit"), A(5, "withdraw", "已在鄂州市申领，无需重复申请。")),
    online(
        "zhangsan", W_CARD_SWAP, A(8, "start"), A(8, "submit"), A(7, "accept"), A(6, "review"),
        A(4, "withdraw", "原卡已能正常使用，暂不换领。"),
    ),
    online(  # 王五 applies for 张三 under his mandate
        "wangwu>zhangsan", W_CARD_LOST, A(5, "start"), A(5, "submit"), A(4, "accept"), A(3, "review"),
    ),
    # 异地代收代办: received at another city's 圈内通办专窗, handled by the item's city.
    proxy("鄂州", "lisi", W_CARD, A(1, "receive")),
    proxy("黄石", "wangwu", W_HOUSE, A(1, "receive", by="huangshi-helper")),
    proxy("武汉", "zhangsan", E_RETIRE, A(1, "receive")),
    proxy(
        "鄂州", "lisi", H_RETIRE, A(2, "receive"),
        A(2, "hand_over", ("ezhou-helper", "收件员参加业务培训，移交帮办代办员跟进转办。")),
    ),
    proxy(
        "鄂州", "lisi", W_CARD_LOST, A(2, "receive"), A(2, "forward"),
        A(2, "ship", (ShipmentPurpose.MATERIALS_TO_HANDLER, EMS)), A(1, "parcel", ON_THE_WAY),
    ),
    proxy("武汉", "zhangsan", H_RETIRE, A(1, "receive"), A(1, "forward")),
    proxy("黄石", "wangwu", W_CARD, A(4, "receive"), A(4, "forward"), A(3, "notice", {"items": FORM_NOTICE})),
    proxy(  # 帮办代办: the helper answers the notice for 李四 at the window
        "鄂州", "lisi", W_CARD_SWAP, A(9, "receive"), A(9, "forward"),
        A(8, "notice", {"items": PHOTO_NOTICE}),
        A(7, "upload", PHOTO, by="ezhou-helper>lisi"), A(7, "resubmit", by="ezhou-helper>lisi"),
        A(6, "accept"), A(5, "review"),
    ),
    proxy("黄石", "wangwu", W_CARD_SWAP, A(3, "receive"), A(3, "forward"), A(2, "accept")),
    proxy(
        "鄂州", "lisi", W_CARD, A(1, "receive"), A(1, "forward"), A(0, "accept"), A(-1, "review"), due_in=1,
    ),
    proxy(
        "武汉", "zhangsan", E_RETIRE, A(1, "receive"), A(1, "forward"), A(0, "accept", "容缺"),
        A(-1, "review"), due_in=-2,
    ),
    proxy(
        "黄石", "wangwu", E_RETIRE, A(8, "receive"), A(8, "forward"), A(7, "accept"), A(6, "review"),
        A(4, "special", NOTICE_PERIOD),
    ),
    proxy(
        "鄂州", "lisi", W_HOUSE, A(6, "receive"), A(6, "forward"), A(5, "accept"), A(4, "review"),
        A(3, "suspend", "买卖双方申请暂缓过户：网签合同备案信息待更正。"),
    ),
    proxy(
        "鄂州", "lisi", W_BIRTH, A(7, "receive"), A(7, "forward"), A(6, "accept"), A(5, "review"),
        A(2, "approve"), A(1, "ship", (ShipmentPurpose.RESULT_TO_WINDOW, EMS)),
    ),
    proxy(
        "武汉", "zhangsan", H_RETIRE, A(7, "receive"), A(7, "forward"), A(6, "accept"), A(5, "review"),
        A(3, "deny", RETIRE_DENIED),
    ),
    proxy(
        "黄石", "wangwu", W_CARD, A(12, "receive"), A(12, "forward"), A(11, "accept"), A(10, "review"),
        A(6, "approve"), A(5, "ship", (ShipmentPurpose.RESULT_TO_WINDOW, EMS)), A(5, "deliver", TO_WINDOW),
        A(3, "parcel", RECEIVED),
    ),
    proxy(
        "鄂州", "lisi", W_CARD_LOST, A(16, "receive"), A(16, "forward"),
        A(16, "ship", (ShipmentPurpose.MATERIALS_TO_HANDLER, EMS)), A(15, "accept"),
        A(14, "parcel", RECEIVED),
        A(13, "review"), A(9, "approve"), A(8, "ship", (ShipmentPurpose.RESULT_TO_WINDOW, EMS)),
        A(8, "deliver", TO_WINDOW), A(6, "parcel", RECEIVED), A(5, "complete", by="ezhou-clerk"),
    ),
    proxy(
        "武汉", "zhangsan", E_RETIRE, A(20, "receive"), A(20, "forward"), A(19, "accept"), A(18, "review"),
        A(16, "special", NOTICE_PERIOD), A(11, "special_end"), A(9, "approve"), A(8, "deliver", ELECTRONIC),
        A(8, "complete", by="ezhou-clerk"),
    ),
    proxy("黄石", "wangwu", W_HOUSE, A(5, "receive"), A(5, "forward"), A(4, "refuse", HOUSE_REFUSED)),
    proxy(
        "武汉", "zhangsan", H_RETIRE, A(3, "receive"), A(2, "withdraw", "已通过网上申请办理，撤回窗口申请。"),
    ),
    proxy(  # the first parcel came back; the second is on its way
        "黄石", "wangwu", W_CARD_LOST, A(11, "receive"), A(11, "forward"), A(10, "accept"), A(9, "review"),
        A(6, "approve"), A(5, "ship", (ShipmentPurpose.RESULT_TO_APPLICANT, SF)), A(5, "deliver", BY_POST),
        A(3, "parcel", RETURNED), A(2, "ship", (ShipmentPurpose.RESULT_TO_APPLICANT, EMS)),
        A(1, "parcel", ON_THE_WAY),
    ),
    # 多地联办: 葛店经开区 and 东湖高新区 receive each other's market-entry items; the company applies.
    joint("葛店", COMPANY, DH_ADDRESS, A(1, "receive")),
    joint("东湖", COMPANY, GD_SHOP, A(1, "receive"), A(1, "forward")),
    joint(
        "葛店", COMPANY, DH_FOOD, A(4, "receive"), A(4, "forward"), A(3, "accept"), A(3, "review"),
        A(2, "steps"),
    ),
    joint(
        "东湖", COMPANY, GD_FOOD, A(1, "receive"), A(1, "forward"), A(0, "accept"), A(0, "review"),
        A(-1, "steps"), due_in=-2,
    ),
    joint(
        "", COMPANY, GD_SHOP_CHANGE, A(9, "start"), A(9, "submit"), A(8, "accept"), A(8, "review"),
        A(7, "steps"), A(6, "steps"), A(4, "steps", OBJECTION), A(3, "deny", JOINT_DENIED),
    ),
    joint(
        "葛店", COMPANY, DH_NAME, A(8, "receive"), A(8, "forward"), A(7, "accept"), A(7, "review"),
        A(7, "steps"), A(6, "steps"), A(6, "steps"), A(6, "steps"), A(6, "approve"),
        A(5, "deliver", ELECTRONIC),
        A(4, "complete", by="ezhou-clerk"),
    ),
    joint("", COMPANY, GD_SCOPE, A(2, "start")),
    joint(
        "", COMPANY, GD_REPRESENTATIVE, A(3, "start"), A(3, "submit"),
        A(2, "notice", {"items": ("变更决议或决定：缺少全体股东签字页",)}),
    ),
    joint(
        "东湖", COMPANY, GD_CAPITAL, A(3, "receive"), A(3, "forward"),
        A(2, "withdraw", "注册资本方案调整，撤回申请。"),
    ),
)
# fmt: on
