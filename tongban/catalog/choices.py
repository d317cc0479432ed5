from django.db import models


class ItemType(models.TextChoices):
    LICENSE = "license", "行政许可"
    CONFIRMATION = "confirmation", "行政确认"
    PAYMENT = "payment", "行政给付"
    RULING = "ruling", "行政裁决"
    REWARD = "reward", "行政奖励"
    LEVY = "levy", "行政征收"
    OTHER_POWER = "other_power", "其他行政权力"
    PUBLIC_SERVICE = "public_service", "公共服务"


class Theme(models.TextChoices):
    HR_SOCIAL = "hr_social", "人社"
    MEDICAL_INSURANCE = "medical_insurance", "医保"
    HOUSING_FUND = "housing_fund", "公积金"
    EDUCATION = "education", "教育"
    HEALTH = "health", "医疗卫生"
    TRANSPORT = "transport", "交通"
    CULTURE_TOURISM = "culture_tourism", "文旅"
    MARKET_ENTRY = "market_entry", "市场开办"
    REAL_ESTATE = "real_estate", "不动产"
    HOUSEHOLD = "household", "户政"
    CIVIL_AFFAIRS = "civil_affairs", "民政"
    UTILITIES = "utilities", "水电气"
    TAX = "tax", "税务"
    OTHER = "other", "其他"


class Audience(models.TextChoices):
    NATURAL = "natural", "自然人"
    LEGAL = "legal", "法人"
    BOTH = "both", "自然人和法人"


class CaseType(models.TextChoices):
    IMMEDIATE = "immediate", "即办件"
    PROMISED = "promised", "承诺件"


class Necessity(models.TextChoices):
    REQUIRED = "required", "必要"
    DEFERRABLE = "deferrable", "容缺"
    OPTIONAL = "optional", "非必要"


class MaterialForm(models.TextChoices):
    ORIGINAL = "original", "原件"
    COPY = "copy", "复印件"
    ORIGINAL_AND_COPY = "original_and_copy", "原件和复印件"
    ELECTRONIC = "electronic", "电子"


class MaterialSource(models.TextChoices):
    APPLICANT = "applicant", "申请人自备"
    GOVERNMENT = "government", "政府部门核发"
    OTHER = "other", "其他"


class ResultType(models.TextChoices):
    PAPER = "paper", "纸质证照/文书"
    LICENSE = "license", "电子证照"
    PAPER_AND_LICENSE = "paper_and_license", "纸质和电子证照"
    NONE = "none", "无证照（办结通知）"


class Mode(models.TextChoices):
    ONLINE = "online", "全程网办"
    PROXY = "proxy", "异地代收代办"
    JOINT = "joint", "多地联办"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "现行"
    SUPERSEDED = "superseded", "已替代"


class AvailabilitySource(models.TextChoices):
    EXPLICIT = "explicit", "单独配置"
    AGREEMENT = "agreement", "合作协议"
