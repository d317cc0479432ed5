"""The e-license types the demo guides refer to: materials they can replace and results they produce.

One table, one code scheme. Codes are 18 digits shaped like the national catalog's type codes (leading
"111" for types issued under central ministries' rules); they are demo placeholders, numeric so that they
fit the numeric arcs of a GB/T 36904 license identifier, and never change once published.
"""

LICENSE_TYPES: dict[str, tuple[str, str]] = {
    # key: (type code, name)
    "idcard": ("111000000000000001", "居民身份证"),
    "hukou": ("111000000000000002", "居民户口簿"),
    "sscard": ("111000000000000003", "社会保障卡"),
    "bizlic": ("111000000000000004", "营业执照"),
    "property": ("111000000000000005", "不动产权证书"),
    "marriage": ("111000000000000006", "结婚证"),
    "divorce": ("111000000000000007", "离婚证"),
    "driving": ("111000000000000008", "机动车驾驶证"),
    "vehicle": ("111000000000000009", "机动车行驶证"),
    "birth": ("111000000000000010", "出生医学证明"),
    "residence": ("111000000000000011", "居住证"),
    "food": ("111000000000000012", "食品经营许可证"),
    "transport_qual": ("111000000000000013", "道路运输从业资格证"),
    "physician": ("111000000000000014", "医师执业证书"),
    "nurse": ("111000000000000015", "护士执业证书"),
    "travel_agency": ("111000000000000016", "旅行社业务经营许可证"),
    "teacher": ("111000000000000017", "教师资格证书"),
    "disability": ("111000000000000018", "中华人民共和国残疾人证"),
    "employment": ("111000000000000019", "就业创业证"),
    "graduation": ("111000000000000020", "学历证书"),
    "road_transport": ("111000000000000021", "道路运输经营许可证"),
    "public_health": ("111000000000000022", "公共场所卫生许可证"),
    "medical_org": ("111000000000000023", "医疗机构执业许可证"),
    "drug_retail": ("111000000000000024", "药品经营许可证"),
    "tobacco": ("111000000000000025", "烟草专卖零售许可证"),
    "veteran": ("111000000000000026", "退役军人优待证"),
    "no_record": ("111000000000000027", "无犯罪记录证明"),
    "hr_service": ("111000000000000028", "人力资源服务许可证"),
    "labor_dispatch": ("111000000000000029", "劳务派遣经营许可证"),
    "school": ("111000000000000030", "民办学校办学许可证"),
    "entertainment": ("111000000000000031", "娱乐经营许可证"),
    "internet_cafe": ("111000000000000032", "网络文化经营许可证"),
    "food_production": ("111000000000000033", "食品生产许可证"),
    "social_org": ("111000000000000034", "社会团体法人登记证书"),
    "private_nonprofit": ("111000000000000035", "民办非企业单位登记证书"),
    "medical_device": ("111000000000000036", "第三类医疗器械经营许可证"),
    "construction": ("111000000000000037", "建筑工程施工许可证"),
    "presale": ("111000000000000038", "商品房预售许可证"),
    "publication": ("111000000000000039", "出版物经营许可证"),
    "drainage": ("111000000000000040", "城镇污水排入排水管网许可证"),
}


def license_code(key: str) -> str:
    return LICENSE_TYPES[key][0] if key else ""


def license_name(key: str) -> str:
    return LICENSE_TYPES[key][1] if key else ""
