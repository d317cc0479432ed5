"""Demo catalog: water, power and gas (水电气)."""

from tongban.catalog.choices import Audience, ItemType, MaterialForm, Theme

from ..spec import (
    BIZ_LICENSE,
    ID_CARD,
    PROPERTY_CERT,
    Family,
    Material,
    Sub,
    form,
)

UTILITIES = Theme.UTILITIES
PS = ItemType.PUBLIC_SERVICE
LIC = ItemType.LICENSE
LEGAL = Audience.LEGAL
BOTH = Audience.BOTH
COPY = MaterialForm.COPY

UTILITY_FAMILIES = (
    Family(
        "用水报装",
        UTILITIES,
        PS,
        "water_co",
        "《城市供水条例》第二十条；《湖北省城市供水条例》",
        "本市供水管网覆盖范围内的用水单位和个人。",
        (ID_CARD, PROPERTY_CERT),
        subs=(
            "用水报装",
            Sub("用水过户", instant=True, online=True),
            Sub("用水销户", instant=True),
            "水表迁移",
        ),
        audience=BOTH,
        statutory=10,
        promised=(2, 7),
        online=True,
        special="现场勘察与施工",
        city_only=True,
        result="供用水合同",
        choice=("user", "用户类型", ("居民用户", "非居民用户")),
    ),
    Family(
        "城镇污水排入排水管网许可",
        UTILITIES,
        LIC,
        "water",
        "《城镇排水与污水处理条例》第二十一条；《城镇污水排入排水管网许可管理办法》",
        "向城镇排水设施排放污水的工业、建筑、餐饮、医疗等排水户。",
        (form("城镇污水排入排水管网许可申请表"), BIZ_LICENSE, Material("排水检测报告", form=COPY)),
        audience=LEGAL,
        statutory=20,
        promised=(5, 15),
        special="现场核查",
        result="城镇污水排入排水管网许可证",
        result_license="drainage",
        choice=("kind", "排水户类型", ("餐饮", "工业", "建筑施工", "医疗", "洗车")),
    ),
    Family(
        "用电报装",
        UTILITIES,
        PS,
        "power",
        "《电力供应与使用条例》第九条；《供电营业规则》",
        "本市供电范围内需要新装、增容或变更用电的单位和个人。",
        (ID_CARD, PROPERTY_CERT),
        subs=(
            "低压居民用电报装",
            "低压非居民用电报装",
            "高压用电报装",
            Sub("用电更名过户", instant=True, online=True),
            Sub("用电销户", instant=True),
        ),
        audience=BOTH,
        statutory=15,
        promised=(1, 10),
        online=True,
        special="现场勘查与装表接电",
        city_only=True,
        result="供用电合同",
        choice=("capacity", "用电容量", ("8千瓦及以下", "8—160千瓦", "160千瓦以上")),
    ),
    Family(
        "燃气报装",
        UTILITIES,
        PS,
        "gas",
        "《城镇燃气管理条例》第十七条；《湖北省燃气管理条例》",
        "本市管道燃气覆盖范围内的用户。",
        (ID_CARD, PROPERTY_CERT),
        subs=(
            "居民用户燃气报装",
            "非居民用户燃气报装",
            Sub("燃气过户", instant=True, online=True),
            Sub("燃气停用（销户）", instant=True),
        ),
        audience=BOTH,
        statutory=15,
        promised=(3, 10),
        online=True,
        special="现场勘察与通气点火",
        city_only=True,
        result="供用气合同",
        choice=("user", "用户类型", ("居民用户", "非居民用户")),
    ),
)
