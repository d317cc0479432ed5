"""The demo's question board (我要提问): believable questions of the kinds people ask such boards — housing
certificates, unpaid wages, school places, flight routes, social insurance — written for the demo, not copied
from anyone. Some are answered, some wait past their deadline, some were held back on arrival (test posts,
abuse), one complaint was posted four times with small changes, and one asker typed a phone number into the
name field. Days are working days back from the demo's anchor day."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Asked:
    name: str  # as typed (a phone number in it is masked in public)
    text: str
    asked: int  # working days ago
    topic: str = ""
    contact: str = ""
    anonymous: bool = False
    username: str = ""  # asked signed in as this demo account


@dataclass(frozen=True)
class Story:
    """One question: its askings (repeats merge into the first), and what the board did with it."""

    askings: tuple[Asked, ...]
    department: str = ""  # routed to (and published) when given
    routed: int | None = None  # working days ago
    public_text: str = ""  # a moderator's wording
    answer: str = ""
    answered: int | None = None  # working days ago
    answerer: str = ""  # demo account
    revision: tuple[str, str, int] | None = None  # (text, reason, working days ago)
    reject: str = ""  # the moderator's reason
    rating: tuple[int, str] | None = None
    tags: tuple[str, ...] = field(default=())


STORIES: tuple[Story, ...] = (
    Story(
        (
            Asked(
                "王先生",
                "我在武汉买的二手房，过户已经办完三个月了，不动产权证书还没拿到，请问在鄂州能不能查询办理进度？"
                "需要带什么材料？",
                24,
                "real_estate",
                contact="13900001111",
            ),
        ),
        department="武汉市自然资源和规划局",
        routed=22,
        answer="您好！二手房转移登记办结后，不动产权证书可在“圈内通办”专窗或网上查询进度：登录本平台“我的办件”即可查看；"
        "在鄂州的圈内通办专窗出示身份证件也可代为查询。证书已生成电子证照的，可在“我的证照”中直接查看和亮证使用，"
        "纸质证书可选择邮寄到家。",
        answered=18,
        answerer="wuhan-reviewer",
        rating=(5, "回复很清楚，已经在我的证照里看到了。"),
    ),
    Story(
        (
            Asked(
                "李女士",
                "我在黄石一家工厂上班，老板已经拖欠了我们二十多个人四个月工资，一直说下个月发。请问该找哪个部门投诉？"
                "我们人在鄂州，能在鄂州反映吗？",
                15,
                "hr_social",
            ),
            Asked(
                "李女士",
                "我在黄石一家工厂上班，老板已经拖欠我们二十多个人四个月的工资了，一直说下个月发，请问找哪个部门投诉？"
                "人在鄂州能反映吗",
                15,
                "hr_social",
            ),
            Asked(
                "",
                "黄石一家工厂拖欠我们二十多个人四个月工资，老板一直说下个月发。请问该找哪个部门投诉？在鄂州能反映吗？？",
                14,
                anonymous=True,
            ),
            Asked(
                "李女士",
                "我在黄石一家工厂上班，老板已经拖欠了我们二十多个人四个月工资！！一直说下个月发。请问该找哪个部门投诉？"
                "我们人在鄂州，能在鄂州反映吗？",
                13,
                "hr_social",
            ),
        ),
        department="黄石市人力资源和社会保障局",
        routed=12,
        public_text="在黄石务工被拖欠工资四个月，人在鄂州，能否在鄂州投诉？应找哪个部门？",
        answer="您好！您反映的欠薪问题，可通过以下方式投诉：一是拨打12345热线或本平台“我要提问”留言；二是到用人单位所在地"
        "黄石市劳动保障监察支队现场投诉；三是在鄂州的圈内通办专窗提交投诉材料，由专窗转交黄石市人社局受理。"
        "请准备好劳动合同、考勤记录、工资条等能证明劳动关系和欠薪事实的材料。我局已将您反映的情况转劳动保障监察"
        "部门核查。",
        answered=9,
        answerer="huangshi-reviewer",
        revision=(
            "您好！您反映的欠薪问题，可通过以下方式投诉：一是拨打12345热线；二是到用人单位所在地黄石市劳动保障监察支队"
            "现场投诉；三是在鄂州的圈内通办专窗提交投诉材料，由专窗转交黄石市人社局受理。请准备好劳动合同、考勤记录、"
            "工资条等能证明劳动关系和欠薪事实的材料。经劳动保障监察部门核查，该企业已于本月分两批补发拖欠工资，"
            "如仍有未足额发放的，请直接联系监察支队。",
            "补充核查结果",
            4,
        ),
    ),
    Story(
        (
            Asked(
                "13800138000",
                "孩子今年要上小学，户口在鄂州华容区，我们在武汉东湖高新区租房住，有居住证，孩子能不能在武汉就近入学？"
                "需要提前多久准备材料？",
                14,
                "education",
            ),
        ),
        department="武汉市教育局",
        routed=13,
    ),
    Story(
        (
            Asked(
                "张先生",
                "鄂州花湖机场现在有没有客运航班？从鄂州飞北京、上海的航线什么时候开通？武汉的朋友过来坐飞机方便吗？",
                16,
                "transport",
            ),
        ),
        department="鄂州市交通运输局",
        routed=15,
    ),
    Story(
        (
            Asked(
                "赵女士",
                "我的社保一直在鄂州交，现在到武汉工作了，养老保险关系怎么转？在武汉能直接办理转入吗，还要不要回鄂州开证明？",
                11,
                "hr_social",
                username="lisi",
            ),
        ),
        department="武汉市人力资源和社会保障局",
        routed=10,
        answer="您好！养老保险关系在湖北省内转移无需回鄂州开具参保缴费凭证：您在武汉新单位参保后，可在本平台或武汉任一"
        "人社窗口申请“基本养老保险关系转移接续”，系统会向鄂州发起联系函并自动转移，一般20个工作日内办结，"
        "进度可在“我的办件”中查看。",
        answered=7,
        answerer="wuhan-cso",
        rating=(4, ""),
    ),
    Story(
        (
            Asked(
                "黄先生",
                "社保卡丢了，人在黄石出差，能不能在黄石补办武汉的社保卡？补办期间看病怎么结算？",
                6,
                "hr_social",
            ),
        ),
        department="武汉市人力资源和社会保障局",
        routed=5,
    ),
    Story(
        (
            Asked(
                "陈女士",
                "我和爱人在鄂州办的结婚证，想在武汉给孩子上户口，电子结婚证可以用吗？还需要纸质的复印件吗？",
                8,
                "household",
            ),
        ),
        department="武汉市公安局",
        routed=7,
        answer="您好！在武汉办理新生儿入户，可以使用“我的证照”中的电子结婚证，申请时选择以电子证照代替即可，无需提交纸质"
        "复印件；出生医学证明如已生成电子证照，同样可以免提交。",
        answered=6,
        answerer="wuhan-reviewer",
    ),
    Story(
        (
            Asked(
                "刘先生",
                "在葛店开了一家小公司，营业执照是东湖高新区发的，想在鄂州的政务中心办税务登记，能不能办？",
                3,
                "market_entry",
            ),
        ),
        department="鄂州市政务服务和大数据管理局",
        routed=2,
    ),
    Story(
        (
            Asked(
                "孙女士",
                "请问鄂州的不动产登记中心周六上班吗？在哪里可以查询自己名下有几套房？",
                4,
                "real_estate",
            ),
        ),
    ),
    # Held back on arrival, and what moderators did with them.
    Story((Asked("测试", "测试一下，测试", 9),), reject="测试内容，不予公开。"),
    Story((Asked("", "123123123", 8, anonymous=True),)),
    Story((Asked("", "1111111", 8, anonymous=True), Asked("", "111111111", 7, anonymous=True))),
    Story(
        (Asked("气愤的市民", "办个证跑了三趟都没办成，你们这些狗官就知道推来推去，垃圾！", 5, "other"),),
    ),
)
