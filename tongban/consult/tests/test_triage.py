"""Triage's rules on their own: what is junk or abuse and why, which texts read as the same, and which
personal data is found and masked (and which numbers are not personal data at all)."""

import pytest
from stdnum import luhn

from tongban.identity.tests.factories import make_id_number

from ..models import Question, TriageThresholds, TriageWord
from ..triage import (
    abusive_phrases,
    fingerprint,
    junk_reasons,
    name_public,
    normalize,
    personal_data_find,
    personal_data_mask,
    public_name,
    public_text,
    similarity,
    triage,
)

THRESHOLDS = TriageThresholds(near_duplicate_percent=85, duplicate_days=180, min_chars=6)
ID_NUMBER = make_id_number(7)  # 420102199003070075-like: valid check digit


def words(*junk: str, abusive: tuple[str, ...] = ()) -> list[TriageWord]:
    return [TriageWord(kind="junk", phrase=p, whole=True) for p in junk] + [
        TriageWord(kind="abusive", phrase=p) for p in abusive
    ]


DEFAULT_JUNK = words("测试", "测试一下", "123", "111", "1111", "666", "asdf", "。。。", "你好")


def card(prefix: str, length: int) -> str:
    """A card number passing the Luhn check."""
    body = prefix + "0" * (length - len(prefix) - 2) + "7"
    return body + luhn.calc_check_digit(body)


UNIONPAY = card("622202", 19)
VISA = card("4367", 16)
VISA_GROUPED = " ".join(VISA[i : i + 4] for i in range(0, 16, 4))


# --- normalize --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("测试", "测试"),
        ("测试测试测试", "测试"),
        ("测试，测试！", "测试"),
        (" 测 试 。。。", "测试"),
        ("1111111", "1"),
        ("ＴＥＳＴ　test", "test"),
        ("哈哈哈哈，社保卡怎么办？？？", "哈社保卡怎么办"),
        ("。。。！", ""),
        ("办理 身份证，需要 什么材料？", "办理身份证需要什么材料"),
    ],
)
def test_normalize_drops_spaces_punctuation_width_case_and_repetition(text, expected):
    assert normalize(text) == expected


def test_the_same_post_typed_differently_has_one_fingerprint():
    prints = {
        fingerprint(normalize(t))
        for t in ["社保怎么转移？", "社保 怎么 转移", "社保怎么转移!!!", "社保怎么转移"]
    }

    assert len(prints) == 1
    assert fingerprint(normalize("社保怎么转出")) not in prints


# --- junk -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("测试", "整条就是无效内容词「测试」"),
        ("123", "整条就是无效内容词「123」"),
        ("111", "整条就是无效内容词「111」"),
        ("测试测试测试", "整条就是无效内容词「测试」"),
        ("测试一下！", "整条就是无效内容词「测试一下」"),
        ("1111111", "整条就是无效内容词「111」"),
        ("。。。。。", "没有文字，只有空格或标点"),
        ("哈哈哈哈哈哈", "全文是同一个字符「哈」的重复"),
        ("13579", "只有数字，没有文字"),
        ("hello world", "不含汉字，且只有10个字母或数字（少于18个）"),
        ("请问怎么办", "去掉空格、标点和重复后只有5个不同的字（少于阈值6个）"),
    ],
)
def test_test_posts_and_empty_posts_are_junk_and_say_which_rule(text, why):
    reasons = junk_reasons(text, THRESHOLDS, DEFAULT_JUNK)

    assert why in reasons


@pytest.mark.parametrize(
    "text",
    [
        "我想测试一下公积金提取的网上流程，请问在哪里办理？",  # 测试 inside a real question
        "How do I transfer my social insurance from Wuhan to Ezhou?",
        "社保怎么转移？",
        "12345热线打不通，请问还有别的投诉渠道吗？",
    ],
)
def test_real_questions_are_not_junk(text):
    assert junk_reasons(text, THRESHOLDS, DEFAULT_JUNK) == []


def test_an_inactive_word_decides_nothing():
    word = TriageWord(kind="junk", phrase="这是一条演示数据", whole=True, active=False)

    assert junk_reasons("这是一条演示数据。", THRESHOLDS, [word]) == []
    word.active = True
    assert junk_reasons("这是一条演示数据。", THRESHOLDS, [word]) == [
        "整条就是无效内容词「这是一条演示数据」"
    ]


def test_a_junk_word_not_whole_matches_anywhere():
    word = TriageWord(kind="junk", phrase="加微信", whole=False)

    assert junk_reasons("办证找我，加微信，包过！", THRESHOLDS, [word]) == ["含无效内容词「加微信」"]


# --- abuse ------------------------------------------------------------------------------------------


def test_abuse_is_found_through_spaces_punctuation_and_case():
    listed = words(abusive=("狗官", "傻B", "垃圾政府"))

    assert abusive_phrases("你们这些狗 官，办事太慢", listed) == ["狗官"]
    assert abusive_phrases("真是傻b一样的规定", listed) == ["傻B"]
    assert abusive_phrases("垃圾分类的投放时间是怎么规定的？", listed) == []
    assert abusive_phrases("他妈妈的社保卡丢了，能代办吗？", words(abusive=("他妈的",))) == []


# --- similarity --------------------------------------------------------------------------------------

BASE = "公司拖欠了我两个月工资，老板一直说下个月发，请问应该去哪个部门投诉？需要准备什么材料？"


@pytest.mark.parametrize(
    "variant",
    [
        "公司拖欠了我两个月工资，老板一直说下个月发，请问我应该去哪个部门投诉？需要准备什么材料？",  # a word
        "公司拖欠了我两个月工资 老板一直说下个月发 请问应该去哪个部门投诉 需要准备什么材料!!",  # punctuation
        "公司拖欠了我两个月工资，老板一直说下个月发，请问应该去哪个部门投拆？需要准备什么材料？",  # a typo
        BASE + "已经等了好久了",  # a sentence added
    ],
)
def test_small_changes_keep_a_text_above_the_near_duplicate_bar(variant):
    assert similarity(normalize(BASE), normalize(variant)) >= 85


def test_a_complaint_posted_again_with_a_clause_dropped_and_words_moved_is_above_the_bar():
    first = (
        "我在黄石一家工厂上班，老板已经拖欠了我们二十多个人四个月工资，一直说下个月发。"
        "请问该找哪个部门投诉？我们人在鄂州，能在鄂州反映吗？"
    )
    again = (
        "黄石一家工厂拖欠我们二十多个人四个月工资，老板一直说下个月发。请问该找哪个部门投诉？在鄂州能反映吗？"
    )

    assert 85 <= similarity(normalize(first), normalize(again)) < 100


def test_different_questions_stay_below_the_bar():
    other = "公司拖欠了我三个月的社保，没有给我缴纳，请问应该去哪个部门投诉？需要准备什么材料？"

    assert similarity(normalize(BASE), normalize(other)) < 75


def test_a_short_question_inside_a_long_one_is_no_repeat():
    short, long = (
        normalize("公积金怎么提取"),
        normalize("我想问一下异地购房以后，公积金怎么提取，需要什么手续"),
    )

    assert similarity(short, long) < 75


# --- personal data -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "masked"),
    [
        ("我的电话13812345678", "mobile", "我的电话138****5678"),
        ("电话：138 1234 5678", "mobile", "电话：138****5678"),
        ("手机+86 139-0000-1111", "mobile", "手机139****1111"),
        ("手机１３８１２３４５６７８", "mobile", "手机138****5678"),
        ("座机027-87654321", "landline", "座机027-******21"),
        ("(0711)3214567找张科长", "landline", "0711-*****67找张科长"),
        ("办公电话87654321", "landline", "办公电话******21"),
        ("拨打 8765 4321", "landline", "拨打 ******21"),
        (
            f"身份证号{ID_NUMBER}，请核查",
            "id_number",
            f"身份证号{ID_NUMBER[:4]}**********{ID_NUMBER[-4:]}，请核查",
        ),
        ("我是420102199003071", "id_number", None),  # 17 digits: no ID number, nothing else either
        ("老身份证420102750307123还能用吗", "id_number", "老身份证4201*******7123还能用吗"),
        ("邮箱zhangsan@qq.com", "email", "邮箱z***@qq.com"),
        ("发到 Li.Ming+gov@whu.edu.cn 谢谢", "email", "发到 L***@whu.edu.cn 谢谢"),
        (f"工资卡{UNIONPAY}被冻结", "bank_card", f"工资卡****{UNIONPAY[-4:]}被冻结"),
        (f"卡号 {VISA_GROUPED} 谢谢", "bank_card", f"卡号 ****{VISA[-4:]} 谢谢"),
        ("住在幸福小区12栋3单元501室", "house_number", "住在幸福小区**栋*单元***室"),
        ("5号楼2单元302", "house_number", "**号楼*单元***"),
        ("楼上301室天天装修", "house_number", "楼上***室天天装修"),
        ("中山路88号的小区", "house_number", "中山路**号的小区"),
        ("光谷大道77-1号", "house_number", "光谷大道**号"),
    ],
)
def test_each_kind_of_personal_data_is_found_and_masked(text, kind, masked):
    if masked is None:
        assert personal_data_find(text) == []
        return
    assert personal_data_find(text) == [kind]
    assert personal_data_mask(text) == masked


def test_an_id_number_with_a_wrong_check_digit_counts_only_when_it_is_called_one():
    wrong = ID_NUMBER[:17] + ("1" if ID_NUMBER[17] != "1" else "2")

    assert personal_data_find(f"身份证号码：{wrong}") == ["id_number"]
    assert personal_data_find(f"订单号{wrong}") == []


@pytest.mark.parametrize(
    "text",
    [
        "办件编号2026112700012345一直在审核",  # 16 digits, no card prefix, no Luhn
        "办件编号 0126 1127 0001 2345",  # a case number in its groups of four
        "办件编号 9526 1127 0001 2345",  # 潜江's cities start with 9
        "2026-11-27提交的，2026年11月27日受理",
        "20261127",
        "拨打12345热线",
        "补贴12,345.00元，共15000000000元",
        "事项编码420001001001",
        "依据鄂政办发〔2024〕12号文件",
        "到5号窗口办理，政务中心3楼",
        "两室一厅，1室1厅也行",
        "房租3000元",
        "营业执照注册号420100000123456",
        "电话费87654321元",  # not "电话" followed by a number
    ],
)
def test_numbers_that_are_not_personal_data_are_left_alone(text):
    assert personal_data_find(text) == []
    assert personal_data_mask(text) == text


def test_every_kind_in_one_text_is_masked_and_none_remains():
    number = card("622848", 19)
    text = (
        f"我叫李四，身份证{ID_NUMBER}，手机13812345678，座机027-87654321，邮箱lisi@163.com，"
        f"银行卡{number}，住光谷大道77号5栋2单元1203室。"
    )

    masked = personal_data_mask(text)

    assert personal_data_find(text) == [
        "mobile",
        "landline",
        "id_number",
        "email",
        "bank_card",
        "house_number",
    ]
    for secret in (ID_NUMBER, "13812345678", "87654321", "lisi@", number, "77号", "1203"):
        assert secret not in masked
    assert personal_data_find(masked) == []


# --- public name and text ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "anonymous", "shown"),
    [
        ("张三", False, "张*"),
        ("欧阳锋", False, "欧*锋"),
        ("王女士", True, "匿名网友"),
        ("", False, "匿名网友"),
        ("13812345678", False, "匿名网友"),
        ("张三 138-1234-5678", False, "匿名网友"),
        (ID_NUMBER, False, "匿名网友"),
        ("李四1381234", False, "匿名网友"),  # half a phone number
        ("lisi@qq.com", False, "匿名网友"),
    ],
)
def test_the_public_name_never_shows_personal_data(name, anonymous, shown):
    assert name_public(name, anonymous) == shown
    assert public_name(Question(name=name, anonymous=anonymous)) == shown


def test_public_text_masks_the_original_or_the_moderators_wording():
    original = Question(text=f"我的身份证{ID_NUMBER}办不了社保卡")
    edited = Question(text=original.text, public_text="电话13812345678的市民反映办不了社保卡")

    assert public_text(original) == f"我的身份证{ID_NUMBER[:4]}**********{ID_NUMBER[-4:]}办不了社保卡"
    assert public_text(edited) == "电话138****5678的市民反映办不了社保卡"


# --- the decision --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_decision_holds_junk_and_abuse_but_not_personal_data_and_says_why():
    listed = [*DEFAULT_JUNK, *words(abusive=("狗官",))]

    junk = triage("测试", thresholds=THRESHOLDS, words=listed)
    abusive = triage(
        "办个证跑了三趟，你们这些狗官就知道推", name="气愤的市民", thresholds=THRESHOLDS, words=listed
    )
    named = triage("医保卡丢了怎么补办？", name="狗官克星", thresholds=THRESHOLDS, words=listed)
    personal = triage(f"我的身份证号{ID_NUMBER}，社保卡补办要多久？", name="13812345678", words=listed)

    assert (junk.held, [f["flag"] for f in junk.flags]) == (True, ["junk"])
    assert abusive.held and abusive.flags == [{"flag": "abusive", "why": "提问内容含不文明用语「狗官」"}]
    assert named.held and named.flags == [{"flag": "abusive", "why": "称呼含不文明用语「狗官」"}]
    assert not personal.held
    assert personal.flags == [
        {
            "flag": "personal_data",
            "why": "称呼中有手机号码；提问内容中有身份证号码，公开时已遮盖",
        }
    ]


@pytest.mark.django_db
def test_triage_reads_the_lists_and_thresholds_from_the_database_by_default():
    TriageWord.objects.update_or_create(kind="junk", phrase="这是一条演示数据", defaults={"whole": True})

    assert triage("这是一条演示数据！").held
    assert [f["flag"] for f in triage("测试").flags] == ["junk"]  # from the data migration
