"""Questions for tests, asked through question_ask so that they are triaged like real ones.

`question_asked(text, **kw)` returns the Question (a new one, or the one a repeat merged into);
`asked(text, **kw)` the whole Asked (with the follow token). Keyword arguments are question_ask's; `by`
defaults to an anonymous visitor. Two texts that read alike are merged into one question: take distinct
questions from `QUESTIONS` (or `question_text(n)`) when a test needs several.
"""

from tongban.identity.access import Actor

from ..models import Question
from ..services_ask import Asked, question_ask

VISITOR = Actor(label="访客")

# Believable questions, each unlike the others (no two merge as near duplicates).
QUESTIONS = (
    "我在武汉买的二手房过户三个月了，不动产权证书还没拿到，请问能在鄂州查询办理进度吗？",
    "公司拖欠了我两个月工资，老板一直说下个月发，请问应该去哪个部门投诉？需要准备什么材料？",
    "孩子明年上小学，户口在黄冈、父母在武汉工作有居住证，能不能在武汉报名入学？",
    "鄂州花湖机场什么时候开通到成都的客运航线？现在只能去武汉坐飞机，很不方便。",
    "我在黄石交了五年社保，现在到咸宁工作，养老保险关系怎么转移？可以网上办理吗？",
    "异地就医备案以后，在孝感住院的费用能直接结算吗？报销比例和本地一样吗？",
    "住房公积金可以用来支付武汉的房租吗？每年最多能提取多少钱？",
    "个体工商户营业执照上的经营范围想增加一项，能不能在网上直接变更？",
    "身份证丢了在外地能补办吗？需要回户籍所在地吗？临时身份证多久能拿到？",
    "医保卡里的个人账户余额可以给父母买药用吗？需要去哪里办理家庭共济绑定？",
    "电动自行车上牌需要带哪些材料？旧车没有合格证还能上牌吗？",
    "新生儿出生后办理户口登记和医保参保，能不能一次办完？需要去几个地方？",
)


def question_text(n: int) -> str:
    """A distinct believable question for each n below len(QUESTIONS)."""
    return QUESTIONS[n % len(QUESTIONS)]


def asked(text: str, *, by: Actor | None = None, **kw) -> Asked:
    return question_ask(by=by or VISITOR, text=text, **kw)


def question_asked(text: str, *, by: Actor | None = None, **kw) -> Question:
    return asked(text, by=by, **kw).question
