"""Demo catalog: other items (其他), and the cross-department “一件事” services."""

from tongban.catalog.choices import Audience, ItemType, MaterialForm, Necessity, Theme

from ..spec import (
    BIRTH_CERT,
    BIZ_LICENSE,
    HUKOU,
    ID_CARD,
    MARRIAGE_CERT,
    PHOTO,
    POWER_OF_ATTORNEY,
    Family,
    Material,
    form,
)

HOUSEHOLD = Theme.HOUSEHOLD
OTHER = Theme.OTHER
PS = ItemType.PUBLIC_SERVICE
LIC = ItemType.LICENSE
PAY = ItemType.PAYMENT
LEGAL = Audience.LEGAL
BOTH = Audience.BOTH
COPY = MaterialForm.COPY
OPTIONAL = Necessity.OPTIONAL

OTHER_FAMILIES = (
    Family(
        "无犯罪记录证明开具",
        OTHER,
        PS,
        "police",
        "《公安机关办理无犯罪记录证明工作规定》",
        "中国公民因就业、出国（境）等需要证明本人无犯罪记录的。",
        (ID_CARD, POWER_OF_ATTORNEY),
        statutory=10,
        promised=(1, 3),
        online=True,
        visits=0,
        result="无犯罪记录证明",
        result_license="no_record",
        choice=("purpose", "证明用途", ("就业", "出国（境）", "入学", "其他")),
    ),
    Family(
        "残疾人证",
        OTHER,
        PS,
        "disabled",
        "《中华人民共和国残疾人保障法》；《中华人民共和国残疾人证管理办法》",
        "符合残疾标准的本市户籍残疾人。",
        (ID_CARD, HUKOU, PHOTO, form("残疾人证申请表")),
        subs=("残疾人证申领", "残疾人证换领", "残疾人证补领", "残疾人证迁移", "残疾人证等级变更"),
        statutory=30,
        promised=(5, 20),
        special="残疾评定",
        result="中华人民共和国残疾人证",
        result_license="disability",
        choice=("category", "残疾类别", ("视力", "听力", "言语", "肢体", "智力", "精神")),
    ),
    Family(
        "法律援助申请",
        OTHER,
        PS,
        "justice",
        "《中华人民共和国法律援助法》第三十一条、第四十三条",
        "因经济困难没有委托代理人的当事人，事项属于法律援助范围。",
        (ID_CARD, form("法律援助申请表"), Material("经济困难状况说明表")),
        statutory=7,
        promised=(1, 5),
        online=True,
        result="给予法律援助决定书",
        choice=("matter", "案件类型", ("劳动争议", "请求支付赡养费、抚养费", "请求给予社会保险待遇", "其他")),
    ),
    # A family's place is its items' basic code (catalog._items_create), and the code decides where an
    # item is implemented and what reach.py offers where: here 鄂州市 implements this one and offers it
    # online (its kiosk), so the demo company, whose 营业执照 is 武汉's, shows 免证明 in another city.
    Family(
        "公共资源交易市场主体信息登记",
        OTHER,
        PS,
        "gov",  # the city's 公共资源交易中心 sits under its 政务服务和大数据管理局
        "《中华人民共和国招标投标法实施条例》；《公共资源交易平台管理暂行办法》",
        "拟参加本市工程建设项目招标投标、政府采购、国有产权交易、土地使用权和矿业权出让等公共资源交易活动的"
        "法人和非法人组织。",
        (
            BIZ_LICENSE,
            POWER_OF_ATTORNEY,
            Material(
                "资质证书、安全生产许可证等资格证明（参加相应交易时提供）", necessity=OPTIONAL, form=COPY
            ),
        ),
        audience=LEGAL,
        statutory=5,
        instant=True,
        online=True,
        visits=0,
        city_only=True,
        choice=(
            "trade",
            "拟参加的交易",
            ("工程建设", "政府采购", "国有产权交易", "土地和矿业权出让", "其他"),
        ),
        faq=(
            (
                "还要上传营业执照扫描件吗？",
                "不需要。在线申请时同意共享本单位的电子营业执照即可，系统自动核验；登记信息变化的，请及时更新。",
            ),
        ),
        aliases=("投标人注册", "供应商注册", "公共资源交易主体注册"),
    ),
    Family(
        "退役军人优待证申领",
        OTHER,
        PS,
        "veterans",
        "《中华人民共和国退役军人保障法》；《退役军人、其他优抚对象优待证管理办法》",
        "本市户籍退役军人和其他优抚对象。",
        (ID_CARD, Material("退役证件", form=COPY), PHOTO),
        statutory=30,
        promised=(10, 20),
        online=True,
        result="退役军人优待证",
        result_license="veteran",
        choice=("kind", "人员类别", ("退役军人", "烈士遗属", "因公牺牲军人遗属", "病故军人遗属")),
    ),
    Family(
        "伤残抚恤关系接收、转移",
        OTHER,
        PAY,
        "veterans",
        "《伤残抚恤管理办法》第十九条",
        "户籍迁移的残疾军人、伤残人民警察等伤残抚恤对象。",
        (ID_CARD, HUKOU, Material("残疾军人证或伤残人民警察证")),
        statutory=20,
        promised=(5, 15),
        choice=("direction", "转移方向", ("转入本市", "转出本市")),
    ),
    Family(
        "建筑工程施工许可证核发",
        OTHER,
        LIC,
        "housing",
        "《中华人民共和国建筑法》第七条；《建筑工程施工许可管理办法》",
        "已办理用地和规划许可、确定施工企业、有满足施工需要的资金安排和施工图纸的建设单位。",
        (
            form("建筑工程施工许可申请表"),
            Material("建设工程规划许可证", form=COPY),
            Material("中标通知书或直接发包批准文件", form=COPY),
        ),
        audience=LEGAL,
        statutory=7,
        promised=(1, 5),
        online=True,
        result="建筑工程施工许可证",
        result_license="construction",
        choice=("kind", "工程类别", ("房屋建筑", "市政基础设施")),
    ),
    Family(
        "新生儿出生“一件事”",
        HOUSEHOLD,
        PS,
        "gov",
        "《国务院关于进一步优化政务服务提升行政效能推动“高效办成一件事”的指导意见》",
        "新生儿父母，一次申请出生医学证明、预防接种证、户口登记、医保参保和社会保障卡。",
        (BIRTH_CERT, HUKOU, ID_CARD, MARRIAGE_CERT),
        statutory=10,
        promised=(1, 5),
        online=True,
        visits=0,
        result="居民户口簿、社会保障卡",
        choice=("parent", "随父或随母落户", ("随父", "随母")),
    ),
    Family(
        "退休“一件事”",
        Theme.HR_SOCIAL,
        PS,
        "gov",
        "《国务院关于进一步优化政务服务提升行政效能推动“高效办成一件事”的指导意见》",
        "达到法定退休年龄的参保职工，一次申请养老金核定、医保待遇、公积金提取。",
        (ID_CARD, Material("本人银行账户", form=COPY)),
        statutory=30,
        promised=(5, 20),
        online=True,
        special="退休审批公示",
        choice=("pension_type", "退休类别", ("正常退休", "特殊工种提前退休", "病退")),
    ),
    # After the “一件事” services only so that their codes, which the demo's stories use, stay put.
    Family(
        "城建档案查询利用",
        OTHER,
        PS,
        "housing",
        "《城市建设档案管理规定》",
        "需要查阅城市建设档案的单位和个人。",
        (ID_CARD, Material("单位介绍信（单位查询时提供）", necessity=OPTIONAL)),
        audience=BOTH,
        instant=True,
        online=True,
        choice=("purpose", "查询用途", ("工程建设", "产权登记", "诉讼", "其他")),
    ),
)
