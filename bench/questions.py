"""The question board (我要提问) as it grows: asking, a near repeat and the public list, beside baselines.

At each board size (questions within the duplicate window) it measures, in the same run and database:
  ask, new          services_ask.question_ask for new, distinct questions: validation, the board lock,
                    triage with its duplicate search, the question, asking, event and audit rows
  insert rows       the same Question + QuestionAsk rows inserted directly in one transaction, no triage
  duplicate_find    triage's duplicate search alone: the exact fingerprint, then the latest candidates of
                    a similar length read and compared
  its SQL, raw      the statements duplicate_find ran (captured once), executed again with a cursor
  similarity ×2000  triage.similarity (rapidfuzz) of one question against 2,000 normalized board texts:
                    the raw comparisons, as many as the candidate bound (triage.MAX_CANDIDATES) allows
  ask, near repeat  question_ask for a repost with small changes of a recent question: each must merge
                    into the question it repeats (checked and counted)
  ask, older repeat the same for questions asked before the oldest candidate: the bound gives them up,
                    and the run counts how many merged all the same (through a merged repeat of theirs)
  board             selectors.questions_board() first page of 20 with public_text and public_name (what
                    the page and the API read) and its count (both paginate), for the list and searches,
                    beside the raw SQL of the same first page executed with a cursor

The board is generated, not asked: believable questions composed from the circle's cities and the kinds
people ask (公积金, 社保, 医保, school places, property certificates, 户口, licences, transport, tax,
wages …), spread over the duplicate window and bulk-inserted with `normalized` and `fingerprint` computed by
triage.normalize / triage.fingerprint, so that the duplicate search sees them as it sees asked ones. Of
them some 60 % are published and answered, 12 % published and waiting, 15 % pending, 3 % test posts held back,
5 % rejected and 5 % merged into an earlier question; one asking each.

Its own database: a temporary SQLite file, or with TONGBAN_DATABASE_URL a database
tongban_bench_questions on that server, created and dropped (see catalog_search.py). The demo is loaded
first (cities, departments, staff). Figures are p50 / p95 in milliseconds after warm-up.

    .venv/bin/python bench/questions.py [--sizes 1000,10000,50000] [--repeat 100] [--board-repeat 20]
"""

import argparse
import contextlib
import datetime as dt
import hashlib
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import catalog_search  # noqa: E402
from catalog_search import _analyze, own_database, p50_p95, timed  # noqa: E402

catalog_search.BENCH_DB = "tongban_bench_questions"  # its own PostgreSQL database, beside the others'
WARMUP = 3
PAGE = 20
SPREAD_DAYS = 170  # the generated board is spread over this many days back (the window is 180)
NEAR_REPEATS = 20  # reposts timed per size, of recent questions and of older ones
BOARD_QUERIES = (
    ("list", ""),
    ("1 word", "公积金"),
    ("2 words", "养老保险 转移"),
    ("rare", "退役军人 驾照"),
    ("no match", "无人机航拍"),
)

# --- Believable questions ---------------------------------------------------------------------------

# The circle's cities with some of their districts, zones and county-level cities: triage does not merge
# two texts that name different places of the circle.
PLACES = {
    "武汉": (
        "江岸区",
        "江汉区",
        "硚口区",
        "汉阳区",
        "武昌区",
        "青山区",
        "洪山区",
        "东西湖区",
        "江夏区",
        "黄陂区",
        "新洲区",
        "蔡甸区",
        "东湖高新区",
    ),
    "鄂州": ("鄂城区", "华容区", "梁子湖区", "葛店经开区"),
    "黄石": ("黄石港区", "西塞山区", "下陆区", "铁山区", "大冶", "阳新县"),
    "黄冈": ("黄州区", "团风县", "红安县", "麻城", "武穴", "浠水县", "蕲春县"),
    "孝感": ("孝南区", "汉川", "应城", "安陆", "云梦县", "孝昌县", "大悟县"),
    "咸宁": ("咸安区", "赤壁", "嘉鱼县", "通城县", "崇阳县", "通山县"),
    "仙桃": (),
    "天门": (),
    "潜江": (),
}
CITIES = tuple(PLACES)
NUMBERS = ("两", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
TITLES = ("先生", "女士", "女士", "先生", "同学", "师傅", "老师")
OPENERS = ("", "", "你好，", "您好！", "请问一下，", "领导好，", "麻烦问一下：", "咨询个问题，", "想问下，")
DETAILS = (
    "",
    "",
    "",
    "之前打过电话，没人说得清楚。",
    "网上查了很多说法都不一样。",
    "窗口说要等通知，一直没有消息。",
    "我平时上班请不了假，",
    "已经跑了两趟了，",
    "这事拖了{n}个月了，",
    "家里老人不会用手机，",
    "朋友说要回原籍办，",
    "看了政务服务网的指南还是不太明白，",
)
WHO = (
    "",
    "",
    "",
    "我今年{age}岁，",
    "我是外地来{b}务工的，",
    "我们是双职工，",
    "我爱人在{a}上班，",
    "我是退役军人，",
    "家里有两个孩子，",
    "我在{b}做点小生意，",
    "我刚毕业，",
    "我是残疾人，",
    "我们家是低保户，",
)
ALSO = (  # a second question anyone may add
    "要带哪些材料？",
    "在网上能办吗？",
    "多长时间能办好？",
    "要不要本人到场？",
    "可以委托家人代办吗？",
    "收费吗？",
    "在哪个窗口办？",
    "有没有办事指南？",
    "周末能办吗？",
    "能不能邮寄？",
)
CLOSERS = ("", "", "谢谢！", "麻烦尽快回复，谢谢。", "急！", "望答复。", "辛苦了！", "盼回复。", "感谢！")

# (topic, situations, questions, answers); {a} and {b} are two cities of the circle, {n} a number.
FAMILIES = (
    (
        "housing_fund",
        (
            "我在{a}缴存住房公积金{n}年了，现在在{b}买了房",
            "我和爱人都在{a}交公积金，打算在{b}贷款买二手房",
            "之前在{a}上班交了{n}年公积金，去年换工作到了{b}",
            "我在{b}租房住，公积金账户在{a}",
            "单位在{a}，给我交的公积金基数一直是最低标准",
        ),
        (
            "异地购房能不能提取{a}的公积金？",
            "{b}的公积金贷款额度能按两地缴存年限合并计算吗？",
            "公积金账户怎么从{a}转到{b}，要本人跑两趟吗？",
            "租房提取每年能提几次，网上能办吗？",
            "需要准备购房合同、发票还是别的材料？",
        ),
        (
            "您好！都市圈内异地购房可提取住房公积金，在本平台“公积金提取”事项网上申请，上传购房合同和发票即可，"
            "一般三个工作日到账。",
            "您好！公积金转移接续已实现圈内通办，由转入地受理，无需回转出地，办结后缴存年限连续计算。",
        ),
    ),
    (
        "hr_social",
        (
            "我的养老保险在{a}交了{n}年，现在到{b}工作",
            "父亲今年退休，社保在{a}和{b}各交过几年",
            "我是灵活就业人员，之前在{a}参保，现在户口迁到了{b}",
            "公司把我的社保从{a}停了，新单位在{b}还没给交",
            "我在{a}领失业金，现在在{b}找到了工作",
        ),
        (
            "养老保险关系怎么转移？要不要回{a}开参保缴费凭证？",
            "退休待遇在哪里领，按哪个地方的标准算？",
            "断缴的这{n}个月能补缴吗？",
            "在{b}能直接申请转入吗，大概多长时间办好？",
            "社保卡要不要换成{b}的？",
        ),
        (
            "您好！养老保险关系转移由转入地社保经办机构受理，您在本平台提交申请即可，无需回原参保地开具凭证，"
            "一般十五个工作日内办结。",
            "您好！退休待遇由最后参保地或户籍地按规定核定，缴费年限合并计算，具体可到圈内通办专窗咨询。",
        ),
    ),
    (
        "medical_insurance",
        (
            "我母亲的医保在{a}，长期住在{b}我家",
            "孩子的城乡居民医保在{a}交的，现在跟我们在{b}上学",
            "我在{b}住院花了{n}万多，医保是{a}的",
            "父亲有高血压和糖尿病，医保在{a}，人在{b}养老",
        ),
        (
            "在{b}看病能直接刷卡结算吗，要不要先备案？",
            "异地就医备案在手机上怎么办？",
            "回{a}报销需要带哪些票据？",
            "门诊慢特病在{b}能不能报销？",
        ),
        (
            "您好！都市圈内异地就医已实现直接结算，先在国家医保服务平台或本平台办理备案，之后持医保卡或医保码"
            "在定点医院就医即可。",
        ),
    ),
    (
        "education",
        (
            "孩子今年{n}岁，户口在{a}，我们在{b}租房住，有居住证",
            "我们一家在{b}买了房，孩子户口还在{a}老家",
            "孩子在{a}读初二，明年跟我们到{b}",
            "我在{b}的工厂上班{n}年了，孩子一直在{a}跟着爷爷奶奶",
        ),
        (
            "能不能在{b}就近入学，需要提前多久准备材料？",
            "转学手续先在哪边办？学籍怎么转？",
            "随迁子女入学怎么算分，社保年限有要求吗？",
            "中考能不能在{b}报名？",
        ),
        (
            "您好！随迁子女可凭居住证和父母一方的社保缴纳证明申请就近入学，每年四月至五月网上报名，"
            "具体以当地教育局公布的招生方案为准。",
        ),
    ),
    (
        "real_estate",
        (
            "我在{a}买的二手房，过户已经{n}个月了，不动产权证书还没拿到",
            "父母在{a}有一套老房子，想过户到我名下，我人在{b}",
            "在{b}买的新房交房{n}年了，开发商一直没办产权证",
            "我在{a}的房子要抵押贷款，人在{b}上班",
        ),
        (
            "在{b}能不能查询办理进度？",
            "能不能在{b}的圈内通办窗口办理，不用回{a}？",
            "赠与和买卖哪种过户税费低？",
            "电子不动产权证书能用来办贷款吗？",
        ),
        (
            "您好！不动产登记进度可在本平台“我的办件”中查询，圈内通办专窗也可代为查询；已生成电子证照的可在"
            "“我的证照”中查看使用。",
        ),
    ),
    (
        "household",
        (
            "我在{b}工作{n}年了，想把户口从{a}迁过来",
            "孩子在{b}出生，想落户到{a}爷爷奶奶家",
            "身份证在{b}丢了，户口在{a}",
            "结婚后想把爱人的户口从{a}迁到{b}",
        ),
        (
            "跨市迁户口现在能一次办好吗，要不要回{a}开准迁证？",
            "在{b}能补办身份证吗，多久能拿到？",
            "新生儿落户需要出生医学证明原件吗？",
            "户口迁移能在网上申请吗？",
        ),
        ("您好！都市圈内户口迁移实行“一站式”办理，由迁入地派出所受理，无需回迁出地开具准迁证。",),
    ),
    (
        "market_entry",
        (
            "我想在{b}开一家小餐馆，户口在{a}",
            "公司注册在{a}，想在{b}开个分公司",
            "个体户营业执照在{a}办的，店搬到了{b}",
            "朋友和我合伙在{b}开网店，我们都是{a}人",
        ),
        (
            "营业执照和食品经营许可证能一起办吗？",
            "异地迁移要先在{a}注销吗？",
            "网上办理的话几天能拿到执照？",
            "住宅能不能登记为经营场所？",
        ),
        ("您好！市场主体登记已实现圈内通办，可在本平台“开办企业”一网通办，营业执照一般一个工作日办结。",),
    ),
    (
        "transport",
        (
            "我在{a}考的驾照，今年到期要换证，人在{b}",
            "每天从{b}到{a}上班，坐城际铁路",
            "鄂州花湖机场离我们{b}不远",
            "车是{a}的牌照，在{b}违章了",
        ),
        (
            "驾照能在{b}直接换吗，体检在哪做？",
            "城际公交卡能不能和{a}的地铁互通？",
            "花湖机场什么时候开通到北京、上海的客运航班？",
            "违章能在{b}处理吗，要不要回{a}？",
        ),
        ("您好！机动车驾驶证期满换证、违法处理均可全国通办，可在交管12123或就近车管所办理。",),
    ),
    (
        "tax",
        (
            "我在{a}有{n}套房子出租",
            "去年在{a}和{b}两家单位都发过工资",
            "我在{b}开了个体店，税务登记在{a}",
        ),
        (
            "个税汇算要补多少税，怎么申报？",
            "出租房要交哪些税，能在{b}代开发票吗？",
            "税务登记要不要迁到{b}？",
        ),
        ("您好！个人所得税综合所得汇算可在个人所得税APP办理，两处取得工资的需合并申报。",),
    ),
    (
        "civil_affairs",
        (
            "我和对象户口一个在{a}一个在{b}",
            "家里老人在{a}吃低保，现在跟我到{b}住",
            "想给{n}十多岁的父亲申请高龄补贴，户口在{a}，人在{b}",
        ),
        (
            "结婚登记能在{b}办吗？",
            "低保能不能转到{b}？",
            "需要哪些证明，能不能网上办？",
        ),
        ("您好！婚姻登记已实现跨省通办，一方户籍地或经常居住地均可办理；低保等救助由户籍地审核。",),
    ),
    (
        "hr_social",
        (
            "我在{a}一家工厂上班，老板拖欠我们二十多个人{n}个月工资",
            "我在{b}的工地干活，包工头是{a}的，工钱一直拖着不给",
            "公司在{a}，没签劳动合同就把我辞退了，我人在{b}",
        ),
        (
            "该找哪个部门投诉？",
            "能在{b}反映吗？",
            "劳动仲裁需要准备什么材料？",
        ),
        (
            "您好！欠薪问题可拨打12345热线或到用人单位所在地劳动保障监察机构投诉，也可在圈内通办专窗提交材料"
            "转交受理。",
        ),
    ),
    (
        "utilities",
        (
            "在{b}新租的房子要把水电气过户",
            "{a}的老房子没人住了，燃气想报停",
            "我在{b}买的新房一直没通天然气",
        ),
        (
            "能在网上办吗，要带房产证吗？",
            "需要本人去营业厅吗？",
            "报装要多长时间？",
        ),
        ("您好！水电气过户、报装已实现联合办理，可在本平台“水电气联办”一次申请。",),
    ),
)
JUNK = ("测试", "123", "111", "test", "测试测试", "aaaa", "？？？", "哈哈哈哈")


@dataclass(frozen=True)
class Draft:
    text: str
    public: str  # a moderator's shorter wording
    topic: str
    name: str
    anonymous: bool
    contact: str
    answer: str


class Writer:
    """Composes questions from the vocabularies above, and reposts of them with small changes."""

    def __init__(self, seed: int = 6):
        self.rng = random.Random(seed)

    def question(self) -> Draft:
        rng = self.rng
        topic, situations, questions, answers = rng.choice(FAMILIES)
        a, b = rng.sample(CITIES, 2)
        slots = {"a": a, "b": b, "n": rng.choice(NUMBERS), "age": rng.randrange(22, 70)}
        places = {name: city + rng.choice(PLACES[city] or ("",)) for name, city in (("a", a), ("b", b))}
        situation = rng.choice(situations).format(**(slots | places))
        asks = [rng.choice(questions)] + ([rng.choice(ALSO)] if rng.random() < 0.5 else [])
        who, detail = rng.choice(WHO).format(**slots), rng.choice(DETAILS).format(**slots)
        body = "".join(q.format(**slots) for q in asks)
        text = f"{rng.choice(OPENERS)}{who}{situation}，{detail}{body}{rng.choice(CLOSERS)}"
        return Draft(
            text=text,
            public=f"{situation}，{body}",
            topic=topic if rng.random() < 0.7 else "",
            anonymous=rng.random() < 0.2,
            name="" if rng.random() < 0.1 else rng.choice(SURNAMES) + rng.choice(TITLES),
            contact=f"1{rng.choice('3578')}{rng.randrange(10**9):09d}" if rng.random() < 0.15 else "",
            answer=rng.choice(answers),
        )

    def repost(self, text: str) -> str:
        """The same question posted again: a particle dropped, other punctuation, 请问 in front or 急 at
        the end."""
        for particle in ("了", "的", "在"):
            if particle in text:
                text = text.replace(particle, "", 1)
                break
        text = text.replace("？", "?").replace("，", " ").replace("。", " ")
        return self.rng.choice(("请问" + text, text + "急急急！", "再问一下：" + text))

    def junk(self) -> str:
        return self.rng.choice(JUNK)


# --- The board ------------------------------------------------------------------------------------


@contextlib.contextmanager
def dates_as_given(*models) -> Iterator[None]:
    """created_at as generated (spread over the window) rather than now, for bulk inserts."""
    fields = [model._meta.get_field("created_at") for model in models]
    for field in fields:
        field.auto_now_add = False
    try:
        yield
    finally:
        for field in fields:
            field.auto_now_add = True


class Board:
    """Grows the board to a number of questions in the duplicate window, by bulk insert."""

    def __init__(self, writer: Writer):
        from tongban.identity.models import User
        from tongban.regions.models import Organization

        self.writer = writer
        self.rng = random.Random(61)
        self.departments = list(Organization.objects.filter(kind="department").order_by("pk"))
        self.author = User.objects.get(username="wuhan-reviewer")
        self.serial = 0

    def in_window(self) -> int:
        from tongban.consult.models import Question, TriageThresholds

        since = _now() - dt.timedelta(days=TriageThresholds.current().duplicate_days)
        return Question.objects.filter(created_at__gte=since).count()

    def grow_to(self, size: int) -> float:
        from tongban.consult.models import Answer, Question, QuestionAsk

        started = time.perf_counter()
        need = size - self.in_window()
        if need <= 0:
            return 0.0
        now = _now()
        rows = [self._question(now) for _ in range(need)]
        merged = [q for q in rows if q.status == "merged"]
        with dates_as_given(Question, QuestionAsk, Answer):
            Question.objects.bulk_create([q for q in rows if q.status != "merged"], batch_size=1000)
            targets = [q for q in rows if q.status in ("pending", "published") and not q.held]
            for question in merged:
                target = self.rng.choice(targets)
                question.merged_into = target
                question.text = self.writer.repost(target.text)
                later = max(target.created_at + dt.timedelta(hours=2), question.created_at)
                question.created_at = min(later, now)
            Question.objects.bulk_create(self._normalized(merged), batch_size=1000)
            QuestionAsk.objects.bulk_create([self._asking(q) for q in rows], batch_size=1000)
            answered = [q for q in rows if q.answered_at is not None]
            Answer.objects.bulk_create([self._answer(q) for q in answered], batch_size=1000)
        _analyze()
        return time.perf_counter() - started

    def _question(self, now: dt.datetime):
        from tongban.consult.models import Question
        from tongban.consult.triage import fingerprint, normalize

        rng = self.rng
        draft = self.writer.question()
        created = now - dt.timedelta(seconds=rng.randrange(3600, SPREAD_DAYS * 86400))
        kind = rng.random()
        question = Question(
            text=draft.text,
            name=draft.name,
            anonymous=draft.anonymous,
            contact=draft.contact,
            topic=draft.topic,
            created_at=created,
        )
        question._draft = draft
        if kind < 0.72:  # published: 60 % answered, 12 % waiting
            published = min(created + dt.timedelta(hours=rng.randrange(2, 72)), now)
            answered = published + dt.timedelta(hours=rng.randrange(4, 24 * 12))
            question.status, question.published_at = "published", published
            question.department = rng.choice(self.departments)
            question.routed_on = published.date()
            question.due_on = question.routed_on + dt.timedelta(days=14)
            question.public_text = draft.public if rng.random() < 0.1 else ""
            question.answered_at = answered if kind < 0.60 and answered < now else None
        elif kind < 0.87:
            question.status = "pending"
        elif kind < 0.90:  # a test post, held back
            question.text, question.status, question.held = self.writer.junk(), "pending", True
            question.flags = [{"flag": "junk", "why": "整条就是无效内容词"}]
        elif kind < 0.95:
            question.status, question.rejected_reason = "rejected", "与政务服务无关"
        else:
            question.status = "merged"  # its target and text are chosen once the others have their keys
        question.normalized = normalize(question.text)
        question.fingerprint = fingerprint(question.normalized)
        return question

    @staticmethod
    def _normalized(questions: list) -> list:
        from tongban.consult.triage import fingerprint, normalize

        for question in questions:
            question.normalized = normalize(question.text)
            question.fingerprint = fingerprint(question.normalized)
        return questions

    def _asking(self, question):
        from tongban.consult.models import QuestionAsk

        self.serial += 1
        rated = question.answered_at is not None and self.rng.random() < 0.2
        return QuestionAsk(
            question=question,
            text=question.text,
            name=question.name,
            contact=question.contact,
            follow_token_hash=hashlib.sha256(f"bench-{self.serial}".encode()).hexdigest(),
            rating=self.rng.choice((3, 4, 5, 5, 2)) if rated else None,
            created_at=question.created_at,
        )

    def _answer(self, question):
        from tongban.consult.models import Answer

        return Answer(
            question=question,
            revision=1,
            text=question._draft.answer,
            organization=question.department,
            author=self.author,
            created_at=question.answered_at,
        )


def _now() -> dt.datetime:
    from django.utils import timezone

    return timezone.now()


# --- Measurements ---------------------------------------------------------------------------------


@dataclass
class Figure:
    name: str
    samples: list[float]
    baseline_name: str
    baseline: list[float]
    note: str = ""

    def line(self, size: str) -> str:
        (p50, p95), (b50, b95) = p50_p95(self.samples), p50_p95(self.baseline)
        return (
            f"{size:>7}  {self.name:<17} {p50:7.2f} / {p95:7.2f} {_rate(self.samples):>7}   "
            f"{self.baseline_name:<16} {b50:7.2f} / {b95:7.2f} {_rate(self.baseline):>7}   "
            f"×{p50 / b50:5.1f}  {self.note}"
        )


def _rate(samples: list[float]) -> str:
    return f"{1000 * len(samples) / sum(samples):,.0f}"


FIGURE_HEADER = (
    f"{'size':>7}  {'':<17} {'p50 / p95 ms':>17} {'per s':>7}   {'baseline':<16} {'p50 / p95 ms':>17} "
    f"{'per s':>7}   {'p50 ×':>6}"
)


def captured_sql(fn: Callable[[], object]) -> list[str]:
    """The statements `fn` runs, with their parameters, in order."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        fn()
    return [q["sql"] for q in context.captured_queries]


def run_sql(statements: list[str]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
            cursor.fetchall()


def _clock(fn: Callable[[], object]) -> tuple[object, float]:
    started = time.perf_counter()
    result = fn()
    return result, (time.perf_counter() - started) * 1000


class Asking:
    """question_ask beside its baselines, on drafts of new questions and on reposts of old ones."""

    def __init__(self, writer: Writer):
        from tongban.consult.models import TriageThresholds
        from tongban.identity.access import actor_for

        self.writer = writer
        self.visitor = actor_for(None)
        self.thresholds = TriageThresholds.current()

    def ask(self, text: str, draft: Draft):
        from tongban.consult.services_ask import question_ask

        return question_ask(
            by=self.visitor,
            text=text,
            name=draft.name,
            anonymous=draft.anonymous,
            contact=draft.contact,
            topic=draft.topic,
        )

    def insert(self, draft: Draft) -> int:
        """The rows question_ask writes for a new question, inserted as they stand: no triage."""
        import secrets

        from django.db import transaction

        from tongban.consult.models import Question, QuestionAsk
        from tongban.consult.services_ask import follow_token_hash
        from tongban.consult.triage import fingerprint, normalize

        normalized = normalize(draft.text)
        with transaction.atomic():
            question = Question.objects.create(
                text=draft.text,
                name=draft.name,
                anonymous=draft.anonymous,
                contact=draft.contact,
                topic=draft.topic,
                normalized=normalized,
                fingerprint=fingerprint(normalized),
            )
            QuestionAsk.objects.create(
                question=question,
                text=draft.text,
                name=draft.name,
                contact=draft.contact,
                follow_token_hash=follow_token_hash(secrets.token_urlsafe(24)),
            )
        return question.pk

    def new(self, repeat: int) -> list[Figure]:
        """Drafts the duplicate search finds nothing for (timed: duplicate_find), compared raw with 2,000
        board texts (similarity ×2000), then asked, each followed by its rows inserted directly (removed
        afterwards, so that the board stays as it was plus the askings)."""
        from tongban.consult.models import Question
        from tongban.consult.triage import duplicate_find, normalize, similarity

        drafts, search_ms = [], []
        while len(drafts) < repeat + WARMUP:
            draft = self.writer.question()
            found, ms = _clock(
                lambda d=draft: duplicate_find(
                    normalize(d.text),
                    held=False,
                    asker_id=None,
                    contact=d.contact,
                    thresholds=self.thresholds,
                )
            )
            if found is None:  # one the board already has (nearly) is no new question
                drafts.append(draft)
                search_ms.append(ms)
        first = normalize(drafts[0].text)
        statements = captured_sql(
            lambda: duplicate_find(first, held=False, asker_id=None, contact="", thresholds=self.thresholds)
        )
        sql_ms = timed(lambda: run_sql(statements), repeat)
        strings = self.latest_normalized()
        queries = iter([normalize(d.text) for d in drafts])

        def compare() -> None:
            query = next(queries)
            for text in strings:
                similarity(query, text)

        raw_ms = timed(compare, repeat)
        ask_ms, insert_ms, copies, merged = [], [], [], 0
        for number, draft in enumerate(drafts):
            asked, ms = _clock(lambda d=draft: self.ask(d.text, d))
            copy, baseline_ms = _clock(lambda d=draft: self.insert(d))
            merged += asked.merged
            copies.append(copy)
            if number >= WARMUP:
                ask_ms.append(ms)
                insert_ms.append(baseline_ms)
        Question.objects.filter(pk__in=copies).delete()
        return [
            Figure("ask, new", ask_ms, "insert rows", insert_ms, f"merged {merged} of {len(drafts)}"),
            Figure(
                "duplicate_find",
                search_ms[WARMUP:],
                f"similarity ×{len(strings)}",
                raw_ms,
                "triage's search alone vs. its comparisons alone",
            ),
            Figure(
                "its SQL, raw",
                sql_ms,
                f"similarity ×{len(strings)}",
                raw_ms,
                f"the {len(statements)} statements it ran, executed again with a cursor",
            ),
        ]

    def latest_normalized(self) -> list[str]:
        from tongban.consult.models import Question
        from tongban.consult.triage import MAX_CANDIDATES

        latest = Question.objects.exclude(status="rejected").order_by("-created_at", "-pk")
        return list(latest.values_list("normalized", flat=True)[:MAX_CANDIDATES])

    def repeats(self, targets: list, name: str, insert_ms: list[float]) -> tuple[Figure, int]:
        """Reposts of these questions asked; how many merged into the question they repeat."""
        from tongban.consult.selectors import question_final

        ask_ms, into = [], 0
        for number, target in enumerate(targets):
            asked, ms = _clock(lambda t=target: self.ask(self.writer.repost(t.text), t._draft))
            into += asked.merged and question_final(asked.question).pk == target.pk
            if number >= WARMUP:
                ask_ms.append(ms)
        return Figure(name, ask_ms, "insert rows", insert_ms), into


def repeat_targets(count: int, before: dt.datetime, newest: bool) -> list:
    """Clean questions (waiting or published, not held) asked before `before`: the latest, or a random
    choice of the older ones."""
    from tongban.consult.models import Question

    clean = Question.objects.filter(status__in=("pending", "published"), held=False, created_at__lt=before)
    rows = list(clean.order_by("-created_at", "-pk")[:500]) if newest else list(clean.order_by("?")[:count])
    rows = random.Random(count).sample(rows, min(count, len(rows))) if newest else rows
    for row in rows:  # what the repost is asked with (name, contact …): the original asker's, as typed
        row._draft = Draft(row.text, "", row.topic, row.name, row.anonymous, row.contact, "")
    return rows


def candidates_reach(length: int) -> tuple[int, float]:
    """For a question of this many normalized characters: how many candidates the near-duplicate search
    reads (at most the bound) and how many days back the oldest of them was asked."""
    from django.db.models.functions import Length

    from tongban.consult.models import Question, TriageThresholds
    from tongban.consult.triage import MAX_CANDIDATES

    now = _now()
    since = now - dt.timedelta(days=TriageThresholds.current().duplicate_days)
    window = Question.objects.filter(created_at__gte=since).exclude(status="rejected")
    share = 0.6  # triage's length window at the default bar (85, 75 for the same person)
    near = window.annotate(n=Length("normalized")).filter(
        n__gte=int(length * share), n__lte=length / share + 1
    )
    dates = list(near.order_by("-created_at", "-pk").values_list("created_at", flat=True)[:MAX_CANDIDATES])
    return len(dates), (now - dates[-1]).total_seconds() / 86400 if dates else 0.0


def board_rows(size: str, repeat: int) -> list[str]:
    from django.db import connection

    from tongban.consult.selectors import questions_board
    from tongban.consult.triage import public_name, public_text

    rows = []
    for kind, query in BOARD_QUERIES:
        sql, params = questions_board(query=query)[:PAGE].query.sql_with_params()

        def raw(sql=sql, params=params):
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()

        def page(query=query):
            return [(public_text(q), public_name(q)) for q in questions_board(query=query)[:PAGE]]

        figures = [
            p50_p95(timed(raw, repeat)),
            p50_p95(timed(page, repeat)),
            p50_p95(timed(lambda query=query: questions_board(query=query).count(), repeat)),
        ]
        cells = "  ".join(f"{p50:7.1f} /{p95:7.1f}" for p50, p95 in figures)
        matches = questions_board(query=query).count()
        rows.append(
            f"{size:>7}  {kind:<9} {matches:>7}  {cells}  ×{figures[1][0] / figures[0][0]:5.1f}  {query}"
        )
    return rows


BOARD_HEADER = (
    f"{'size':>7}  {'query':<9} {'matches':>7}  {'raw SQL p50/p95':>16}  {'page p50/p95':>16}  "
    f"{'count p50/p95':>16}  {'page ×':>6}"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000", help="questions in the duplicate window")
    parser.add_argument("--repeat", type=int, default=100, help="new questions asked per size")
    parser.add_argument("--board-repeat", type=int, default=20, help="runs per board query and column")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    with own_database([]) as label:
        import django

        django.setup()
        from django.core.management import call_command

        from tongban.demo import demo_load

        call_command("migrate", verbosity=0)
        print(f"database: {label}; load average at start {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        demo_load()
        writer = Writer()
        board, asking = Board(writer), Asking(writer)
        figures, boards = [], []
        for size in sizes:
            seconds = board.grow_to(size)
            shown = f"{board.in_window():,}"
            length = int(statistics.median(len(t) for t in asking.latest_normalized()))
            count, days = candidates_reach(length)
            print(
                f"board of {shown} questions in the window (bulk insert {seconds:.1f} s); a question of "
                f"{length} characters is compared with {count:,} candidates, the oldest {days:.1f} days old"
            )
            started = _now()
            new = asking.new(args.repeat)
            insert_ms = new[0].baseline
            recent, into = asking.repeats(
                repeat_targets(NEAR_REPEATS + WARMUP, started, newest=True), "ask, near repeat", insert_ms
            )
            recent.note = f"merged into the question it repeats: {into} of {NEAR_REPEATS + WARMUP}"
            figures += [f.line(shown) for f in new] + [recent.line(shown)]
            older = repeat_targets(NEAR_REPEATS + WARMUP, _now() - dt.timedelta(days=days + 1), newest=False)
            if len(older) > WARMUP + 1:
                figure, into = asking.repeats(older, "ask, older repeat", insert_ms)
                figure.note = f"asked more than {days + 1:.0f} days ago: merged {into} of {len(older)}"
                figures.append(figure.line(shown))
            _analyze()
            boards += board_rows(shown, args.board_repeat)
        print(f"\nasking; load average at end {os.getloadavg()[0]:.1f}\n{FIGURE_HEADER}")
        print("\n".join(figures))
        print(f"\nthe public list, first page of {PAGE}; milliseconds\n{BOARD_HEADER}")
        print("\n".join(boards))
    return 0


if __name__ == "__main__":
    sys.exit(main())
