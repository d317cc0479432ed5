"""Demo cases: some fifty applications of the demo accounts, in every status and mode, across 武汉, 鄂州,
黄石 and the two development zones 东湖高新区 and 葛店经开区, so that a person trying the platform finds
their "my cases" and the workbench inboxes filled — cases to receive, to accept, to review, corrections
awaited, parcels on their way, and red and yellow lights.

Every case is played through the cases services (tongban.cases.services), acting as the demo accounts,
on items that really are offered in its mode at its place, so that its events, steps, notices, deadlines
and notifications are exactly what the platform makes. Each act happens on a working day of the last
weeks: the services read the time from django.utils.timezone, and `_at` sets that clock for the act (the
demo loads before any server or worker starts, in one thread, and the clock is put back after each act).
A story's days count working days back from the last working day up to today; a story with a light
(`due_in`) is placed so that its promised limit ends that many working days after that day (1: yellow,
negative: red), whatever the day of the week the demo is loaded. Last, the sweep's light refresh runs
as of today, as the worker would, and tells the owners and supervisors of the yellow and red cases.

What is not here, because the demo catalog does not have it: a 多地联办 guide whose steps belong to
organizations of several cities (every demo guide's steps are at the handling organization; the joint
cases are received in one city and handled in the other, 葛店经开区 ↔ 东湖高新区).
"""

import datetime as dt
import itertools
import struct
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.core.files.base import ContentFile
from django.utils import timezone

from tongban.cases import services
from tongban.cases.models import Case, CaseStep, ProcedureKind, ShipmentPurpose, ShipmentStatus
from tongban.cases.services import Deficiency
from tongban.cases.sweep import lights_refresh
from tongban.catalog.choices import Mode, Necessity
from tongban.catalog.formdef import parse_definition
from tongban.catalog.models import Implementation, ImplementationVersion
from tongban.core.calendar import calendar_snapshot
from tongban.core.choices import Channel
from tongban.identity.access import Actor, actor_for
from tongban.identity.models import User
from tongban.regions.models import Window

from .accounts import CITIZENS, COMPANY_NAME, COMPANY_USCC, COMPANY_USERNAME, EMAIL_DOMAIN, OPERATOR

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
BY_POST = "邮寄送达（中国邮政EMS）"
TO_WINDOW = "寄至收件窗口，由窗口交付申请人"
ELECTRONIC = "电子证照已签发至申请人账户"
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


# --- Playing the stories -----------------------------------------------------------------------------


def demo_cases_create() -> list[Case]:
    """Play every story (nothing when the database already holds cases); then refresh the lights as of
    today, as the sweep does. The cases, in the order of STORIES."""
    if Case.objects.exists():
        return []
    director = Director()
    cases = [director.play(story) for story in STORIES]
    lights_refresh()
    return cases


@contextmanager
def _at(moment: dt.datetime) -> Iterator[None]:
    """The services' clock (django.utils.timezone.now, which localdate() and auto_now read too) stands at
    `moment` until the block ends."""
    real = timezone.now
    timezone.now = lambda: moment
    try:
        yield
    finally:
        timezone.now = real


class Director:
    """Plays stories: finds the items, halls and accounts once, and knows the working days."""

    def __init__(self):
        self.users = {u.username: u for u in User.objects.filter(username__in=_usernames())}
        self.actors: dict[tuple[str, str], Actor] = {}
        self.versions: dict[Item, ImplementationVersion] = {}
        self.windows = {key: _window(hall) for key, hall in HALLS.items()}
        self.calendar = calendar_snapshot()
        self.anchor = timezone.localdate()
        while not self.calendar.is_working_day(self.anchor):
            self.anchor -= dt.timedelta(days=1)
        self.parcels = itertools.count(1)

    def day(self, back: int) -> dt.date:
        """The `back`-th working day before the anchor (the last working day up to today)."""
        if back < 1:
            raise ValueError(f"a demo act must lie in the past, not {back} working days back")
        day = self.anchor
        for _ in range(back):
            day -= dt.timedelta(days=1)
            while not self.calendar.is_working_day(day):
                day -= dt.timedelta(days=1)
        return day

    def play(self, story: Story) -> Case:
        version = self.version(story.item)
        pivot = 0 if story.due_in is None else version.promised_days - story.due_in
        case, on_day, last = None, Counter(), None
        for act in story.acts:
            day = self.day(pivot + act.day)
            if last is not None and day < last:
                raise ValueError(f"the acts of a story go forward in time: {act} comes after {last}")
            moment = timezone.make_aware(
                dt.datetime.combine(day, dt.time(9)) + dt.timedelta(minutes=17 * on_day[day])
            )
            on_day[day] += 1
            last = day
            with _at(moment):
                case = VERBS[act.verb](self, Scene(story, version, case, act, day))
        return case

    def version(self, item: Item) -> ImplementationVersion:
        if item not in self.versions:
            implementation = Implementation.objects.select_related(
                "current__implementation__organization"
            ).get(organization__name=item.organization, service_item__name=item.name)
            self.versions[item] = implementation.current
        return self.versions[item]

    def actor(self, who: str, channel: str = Channel.WEB) -> Actor:
        """The actor for "username" or "username>principal" (acting for the principal)."""
        if (who, channel) not in self.actors:
            name, _, principal = who.partition(">")
            behalf = self.users[principal] if principal else None
            self.actors[(who, channel)] = actor_for(self.users[name], channel=channel, on_behalf_of=behalf)
        return self.actors[(who, channel)]

    def tracking_number(self, carrier: str) -> str:
        serial = next(self.parcels)
        return f"SF14{serial:010d}" if carrier == SF else f"EA9{serial:08d}CN"


@dataclass
class Scene:
    """What a verb needs: the story, its guide version, the case so far, the act and its day."""

    story: Story
    version: ImplementationVersion
    case: Case | None
    act: Act
    day: dt.date

    @property
    def applicant(self) -> str:
        return self.act.by or self.story.applicant

    @property
    def applicant_user(self) -> str:
        return self.story.applicant.rpartition(">")[2]

    @property
    def handler(self) -> str:
        return self.act.by or self.story.item.handler

    @property
    def clerk(self) -> str:
        return self.act.by or HALLS[self.story.hall].clerk

    @property
    def remedies(self) -> str:
        city = self.case.handling_org.region.city or self.case.handling_org.region
        return (
            f"如对本决定不服，可以自收到本决定之日起六十日内向{city.name}人民政府申请行政复议，"
            "或者自收到本决定之日起六个月内依法向人民法院提起行政诉讼。"
        )


def _window(hall: Hall) -> Window:
    return Window.objects.select_related("hall__organization", "hall__region__city").get(
        hall__organization__name=hall.organization, is_cross_city=True
    )


def _usernames() -> set[str]:
    names = {COMPANY_USERNAME, *(c.username for c in CITIZENS)}
    for story in STORIES:
        names |= {story.item.handler, *story.applicant.split(">")}
        names |= {part for act in story.acts for part in act.by.split(">") if part}
        names |= {act.arg[0] for act in story.acts if act.verb == "hand_over"}
    return names | {hall.clerk for hall in HALLS.values()}


# --- The verbs ----------------------------------------------------------------------------------------


def _start(d: Director, s: Scene) -> Case:
    by = d.actor(s.applicant)
    case = services.case_start_online(
        by=by, implementation_version=s.version, form_data=_form(s), mode=s.story.mode
    )
    _materials_attach(d, case, by)
    return case


def _receive(d: Director, s: Scene) -> Case:
    by = d.actor(s.clerk, Channel.WINDOW)
    case = services.case_receive_at_window(
        by=by,
        window=d.windows[s.story.hall],
        implementation_version=s.version,
        applicant=d.users[s.applicant_user],
        consent=True,
        form_data=_form(s),
        mode=s.story.mode,
    )
    _materials_attach(d, case, by)  # the clerk scans what the applicant brought
    return case


def _accept(d: Director, s: Scene) -> Case:
    deficiency = ()
    if s.act.arg == "容缺":  # 容缺受理: the first material the guide lets come later, in three working days
        material = (
            s.version.materials.filter(necessity=Necessity.DEFERRABLE).order_by("position", "id").first()
        )
        deficiency = (Deficiency(material.pk, d.calendar.add(max(s.day, d.anchor), 3).date),)
    return services.case_accept(case=s.case, by=d.actor(s.handler), with_deficiency=deficiency)


def _notice(d: Director, s: Scene) -> Case:
    services.correction_notice_issue(
        case=s.case, by=d.actor(s.handler), items=s.act.arg["items"], reason=s.act.arg.get("reason", "")
    )
    return _fresh(s.case)


def _upload(d: Director, s: Scene) -> Case:
    material = s.version.materials.get(name=s.act.arg)
    services.case_material_upload(
        case=s.case, by=d.actor(s.applicant), file=_file(material.name), guide_material_id=material.pk
    )
    return s.case


def _special(d: Director, s: Scene) -> Case:
    kind, days, description = s.act.arg
    services.special_procedure_start(
        case=s.case, by=d.actor(s.handler), kind=kind, expected_days=days, description=description
    )
    return _fresh(s.case)


def _steps(d: Director, s: Scene) -> Case:
    """The active steps are finished by their organizations (agreeing, unless the act says otherwise)."""
    arg = s.act.arg or {"agree": True, "opinion": "同意。"}
    for step in CaseStep.objects.filter(case=s.case, status="active").order_by("position"):
        services.case_step_finish(
            step=step, by=d.actor(s.handler), agree=arg["agree"], opinion=arg["opinion"]
        )
    return _fresh(s.case)


def _hand_over(d: Director, s: Scene) -> Case:
    recipient, reason = s.act.arg
    by = d.actor(s.clerk, Channel.WINDOW)
    return services.case_hand_over(case=s.case, by=by, to=d.users[recipient], reason=reason)


def _ship(d: Director, s: Scene) -> Case:
    purpose, carrier = s.act.arg
    sender = s.clerk if services.SHIPMENT_SENDERS[purpose] == "receiving_clerk" else s.handler
    services.shipment_create(
        case=s.case,
        by=d.actor(sender),
        purpose=purpose,
        carrier=carrier,
        tracking_number=d.tracking_number(carrier),
    )
    return _fresh(s.case)


def _parcel(d: Director, s: Scene) -> Case:
    """News of the case's latest parcel, entered by the side that sent it."""
    status, text = s.act.arg
    shipment = s.case.shipments.order_by("-created_at", "-id").first()
    sender = s.clerk if services.SHIPMENT_SENDERS[shipment.purpose] == "receiving_clerk" else s.handler
    services.shipment_update(shipment=shipment, by=d.actor(sender), status=status, text=text)
    return _fresh(s.case)


def _complete(d: Director, s: Scene) -> Case:
    by = d.actor(s.act.by, Channel.WINDOW) if s.act.by else d.actor(s.applicant)
    return services.case_complete(case=s.case, by=by)


def _fresh(case: Case) -> Case:
    case.refresh_from_db()
    return case


Verb = Callable[[Director, Scene], Case]
VERBS: dict[str, Verb] = {
    "start": _start,
    "receive": _receive,
    "submit": lambda d, s: services.case_submit(case=s.case, by=d.actor(s.applicant)),
    "forward": lambda d, s: services.case_forward(case=s.case, by=d.actor(s.clerk, Channel.WINDOW)),
    "accept": _accept,
    "notice": _notice,
    "upload": _upload,
    "resubmit": lambda d, s: services.case_resubmit(case=s.case, by=d.actor(s.applicant)),
    "refuse": lambda d, s: services.case_refuse(
        case=s.case, by=d.actor(s.handler), reason=s.act.arg[0], remedies=s.remedies
    ),
    "deem": lambda d, s: services.case_deem_accepted(case=s.case),
    "review": lambda d, s: services.case_start_review(case=s.case, by=d.actor(s.handler)),
    "special": _special,
    "special_end": lambda d, s: services.special_procedure_end(case=s.case, by=d.actor(s.handler)),
    "suspend": lambda d, s: services.case_suspend(case=s.case, by=d.actor(s.handler), reason=s.act.arg),
    "approve": lambda d, s: services.case_decide(case=s.case, by=d.actor(s.handler), approve=True),
    "deny": lambda d, s: services.case_decide(
        case=s.case, by=d.actor(s.handler), approve=False, reason=s.act.arg, remedies=s.remedies
    ),
    "steps": _steps,
    "deliver": lambda d, s: services.case_deliver(
        case=s.case, by=d.actor(s.handler), detail={"how": s.act.arg}
    ),
    "complete": _complete,
    "withdraw": lambda d, s: services.case_withdraw(case=s.case, by=d.actor(s.applicant), reason=s.act.arg),
    "hand_over": _hand_over,
    "ship": _ship,
    "parcel": _parcel,
}


# --- Forms and materials ------------------------------------------------------------------------------


def _form(s: Scene) -> dict[str, Any]:
    """The application form filled in with the applicant's own details (the company's, with its operator
    as the contact), each field as its definition asks."""
    person = next(
        c
        for c in CITIZENS
        if c.username == (OPERATOR if s.applicant_user == COMPANY_USERNAME else s.applicant_user)
    )
    values = {
        "applicant_name": person.name,
        "contact_name": person.name,
        "company_name": COMPANY_NAME,
        "id_number": person.id_number,
        "uscc": COMPANY_USCC,
        "phone": person.phone,
        "email": f"{person.username}@{EMAIL_DOMAIN}",
    }
    form = {}
    for spec in parse_definition(s.version.form_schema).fields:
        if spec.key in values:
            form[spec.key] = values[spec.key]
        elif spec.type in values:
            form[spec.key] = values[spec.type]
        elif spec.options:
            first = spec.options[0].value
            form[spec.key] = [first] if spec.type == "multichoice" else first
        elif spec.required:
            form[spec.key] = _typed_value(spec, s.day)
    return form


def _typed_value(spec, day: dt.date) -> Any:
    match spec.type:
        case "integer" | "decimal":
            return str(spec.min_value if spec.min_value is not None else 1)
        case "date":
            return day.isoformat()
        case "boolean":
            return True
        case _:
            return "演示数据"[: spec.max_length or None].ljust(spec.min_length or 0, "。")


def _materials_attach(d: Director, case: Case, by: Actor) -> None:
    """The guide's required materials: an e-license where the guide accepts one, else a scan."""
    for material in case.implementation_version.materials.filter(necessity=Necessity.REQUIRED).order_by(
        "position", "id"
    ):
        if material.license_type_code:
            reference = f"1.2.156.3005.2.{material.license_type_code}.DEMO.{case.number}"
            services.case_material_license(
                case=case, by=by, guide_material_id=material.pk, license_reference=reference
            )
        else:
            services.case_material_upload(
                case=case, by=by, file=_file(material.name), guide_material_id=material.pk
            )


def _file(name: str) -> ContentFile:
    """A small scan: a photo as PNG, any other material as a one-page PDF."""
    return ContentFile(PNG if "照片" in name else PDF, name="scan.png" if "照片" in name else "scan.pdf")


def _png() -> bytes:
    """A 1×1 white PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0\xff\xff\xff"))
        + chunk(b"IEND", b"")
    )


def _pdf() -> bytes:
    """A one-page PDF that says it is a demo scan."""
    text = b"BT /F1 18 Tf 72 760 Td (Tongban demo scan) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


PNG, PDF = _png(), _pdf()
