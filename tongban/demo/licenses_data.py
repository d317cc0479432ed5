"""Who holds which demo license, issued by whom and when (played by licenses.py through the licenses
services).

Days count back from today. In a number or a face value, {year} is the year of issue and {issued} the date
of issue. Issuers are demo organizations by name; each has a demo reviewer (tongban.demo.accounts.LICENSING)
who issues and operates its licenses. Addresses are given to the level of a made-up road (示例路), and no
number here belongs to anyone: the licence numbers are record numbers, never the holder's ID number (a
license's number is stored in clear and shown by the public verification; the holder code is encrypted).
"""

from dataclasses import dataclass

from .accounts import COMPANY_USCC, COMPANY_USERNAME


@dataclass(frozen=True)
class Held:
    holder: str  # a demo username
    type: str  # a key of licenses.LICENSE_TYPES
    issuer: str  # the issuing organization's name
    number: str
    face: dict[str, str]
    issued: int  # days before today
    years: int | None = None  # validity; None: the type's (long-term when the type has none)
    suspended: tuple[int, str] | None = None  # (days before today, reason)
    changed: tuple[int, dict[str, str]] | None = None  # (days before today, the face values changed)


YEAR = 365
W_POLICE, E_POLICE, H_POLICE = "武汉市公安局", "鄂州市公安局", "黄石市公安局"
EC_POLICE, HSG_POLICE = "鄂州市公安局鄂城区分局", "黄石市公安局黄石港区分局"
EC_CIVIL = "鄂城区民政局"
HRSS = "{}人力资源和社会保障局"

ZHANGSAN_HOME = "湖北省武汉市江岸区示例路18号示例花园3栋1单元1502室"
LISI_HOME = "湖北省鄂州市鄂城区示例路6号"
WANGWU_HOME = "湖北省黄石市黄石港区示例路9号"
BORN = "2000-01-01"  # every demo citizen's birthday (tongban.demo.accounts)


def person(sex: str, address: str, **more: str) -> dict[str, str]:
    return {"sex": sex, "birth_date": BORN, "address": address, **more}


HOLDINGS: tuple[Held, ...] = (
    # 张三, 武汉: his papers from 武汉, his flat, a driving licence from 鄂州 and a marriage registered there
    Held(
        "zhangsan",
        "idcard",
        W_POLICE,
        "420100-{year}-000101",
        person("男", ZHANGSAN_HOME, ethnicity="汉"),
        3 * YEAR + 50,
        years=10,
    ),
    Held(
        "zhangsan",
        "hukou",
        W_POLICE,
        "420102000123",
        {
            "household_type": "家庭户",
            "head_name": "张三",
            "relation": "户主",
            "birthplace": "湖北省武汉市",
        }
        | person("男", ZHANGSAN_HOME),
        8 * YEAR + 20,
    ),
    Held(
        "zhangsan",
        "sscard",
        HRSS.format("武汉市"),
        "A01000001",
        {"sex": "男", "bank": "中国建设银行", "card_kind": "第三代社会保障卡"},
        2 * YEAR + 100,
    ),
    Held(
        "zhangsan",
        "property",
        "武汉市自然资源和规划局",
        "鄂（{year}）武汉市不动产权第0012345号",
        {
            "co_ownership": "单独所有",
            "location": "江岸区示例路18号示例花园3栋1单元15层1502室",
            "unit_number": "420102003005GB00012F00031502",
            "right_type": "国有建设用地使用权/房屋所有权",
            "right_nature": "出让/市场化商品房",
            "usage": "城镇住宅用地/住宅",
            "area": "89.52",
            "term": "国有建设用地使用权 2010年05月01日起 2080年04月30日止",
        },
        YEAR + 200,
    ),
    Held(
        "zhangsan",
        "driving",
        E_POLICE,
        "420700100101",
        person("男", ZHANGSAN_HOME, nationality="中国", first_issued_on="{issued}", vehicle_class="C1"),
        5 * YEAR + 30,
    ),
    Held(
        "zhangsan",
        "marriage",
        EC_CIVIL,
        "J420704-{year}-000123",
        {"registered_on": "{issued}", "spouse_name": "李四", "spouse_nationality": "中国"},
        YEAR + 35,
    ),
    # 李四, 鄂州: her papers from 鄂城区, the marriage, and a 居住证 from 武汉 that ran out
    Held(
        "lisi",
        "idcard",
        EC_POLICE,
        "420704-{year}-000102",
        person("女", LISI_HOME, ethnicity="汉"),
        4 * YEAR + 10,
        years=10,
    ),
    Held(
        "lisi",
        "hukou",
        EC_POLICE,
        "420704000456",
        {
            "household_type": "家庭户",
            "head_name": "李四",
            "relation": "户主",
            "birthplace": "湖北省鄂州市",
        }
        | person("女", LISI_HOME),
        6 * YEAR + 90,
    ),
    Held(
        "lisi",
        "sscard",
        HRSS.format("鄂州市"),
        "A07000002",
        {"sex": "女", "bank": "中国农业银行", "card_kind": "第三代社会保障卡"},
        3 * YEAR + 15,
    ),
    Held(
        "lisi",
        "marriage",
        EC_CIVIL,
        "J420704-{year}-000123",
        {"registered_on": "{issued}", "spouse_name": "张三", "spouse_nationality": "中国"},
        YEAR + 35,
    ),
    Held(
        "lisi",
        "residence",
        W_POLICE,
        "420100-JZ-{year}-000456",
        {
            "sex": "女",
            "birth_date": BORN,
            "domicile": LISI_HOME,
            "residence": "湖北省武汉市东湖新技术开发区示例路3号",
        },
        YEAR + 60,  # valid one year: it ran out two months ago
    ),
    # 王五, 黄石: his papers from 黄石港区, a suspended driving licence, and a flat in 葛店 (鄂州)
    Held(
        "wangwu",
        "idcard",
        HSG_POLICE,
        "420202-{year}-000103",
        person("男", WANGWU_HOME, ethnicity="汉"),
        2 * YEAR + 200,
        years=10,
    ),
    Held(
        "wangwu",
        "hukou",
        HSG_POLICE,
        "420202000789",
        {
            "household_type": "家庭户",
            "head_name": "王五",
            "relation": "户主",
            "birthplace": "湖北省黄石市",
        }
        | person("男", WANGWU_HOME),
        7 * YEAR + 150,
    ),
    Held(
        "wangwu",
        "sscard",
        HRSS.format("黄石市"),
        "A02000003",
        {"sex": "男", "bank": "中国工商银行", "card_kind": "第三代社会保障卡"},
        YEAR + 300,
    ),
    Held(
        "wangwu",
        "driving",
        H_POLICE,
        "420200300103",
        person("男", WANGWU_HOME, nationality="中国", first_issued_on="{issued}", vehicle_class="C1"),
        3 * YEAR + 100,
        suspended=(20, "一个记分周期内累积记分达到12分，依法暂扣机动车驾驶证，待学习考试合格后发还。"),
    ),
    Held(
        "wangwu",
        "property",
        "鄂州市不动产登记中心",
        "鄂（{year}）鄂州市不动产权第0004567号",
        {
            "co_ownership": "单独所有",
            "location": "鄂州市葛店经济技术开发区示例大道6号示例小区2栋801室",
            "unit_number": "420703005001GB00345F00020801",
            "right_type": "国有建设用地使用权/房屋所有权",
            "right_nature": "出让/市场化商品房",
            "usage": "城镇住宅用地/住宅",
            "area": "105.3",
            "term": "国有建设用地使用权 2015年08月01日起 2085年07月31日止",
        },
        2 * YEAR + 40,
    ),
    # The demo company: its 营业执照 from 东湖高新区, changed (注册资本) three months ago
    Held(
        COMPANY_USERNAME,
        "bizlic",
        "东湖新技术开发区市场监督管理局",
        COMPANY_USCC,
        {
            "company_type": "有限责任公司（自然人投资或控股）",
            "legal_representative": "李四",
            "registered_capital": "100",
            "established_on": "{issued}",
            "business_term": "长期",
            "domicile": "湖北省武汉市东湖新技术开发区示例路1号",
            "business_scope": "软件开发；信息系统集成服务；信息技术咨询服务。"
            "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）",
        },
        2 * YEAR + 90,
        changed=(90, {"registered_capital": "500"}),
    ),
)
