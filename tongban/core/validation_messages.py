"""pydantic's error messages in Chinese, for the error types our API parameters and JSON definitions
(such as application forms) can produce. pydantic-i18n would add a dependency and a translation file
for these few lines."""

MESSAGES = {
    "missing": "为必填项",
    "extra_forbidden": "不是可用的字段",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "decimal_parsing": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "string_type": "应为文本",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "greater_than_equal": "不能小于 {ge}",
    "greater_than": "应大于 {gt}",
    "less_than_equal": "不能大于 {le}",
    "less_than": "应小于 {lt}",
    "string_too_short": "至少 {min_length} 个字符",
    "string_too_long": "最多 {max_length} 个字符",
    "string_pattern_mismatch": "格式不正确",
    "enum": "取值无效，可选值：{expected}",
    "literal_error": "取值无效，可选值：{expected}",
    "json_invalid": "不是有效的 JSON",
}


def pydantic_message(error: dict) -> str:
    """The Chinese text of one entry of pydantic's `errors()`; our own validators raise Chinese
    ValueErrors, whose text is kept."""
    if error["type"] == "value_error":
        return str(error.get("ctx", {}).get("error", "取值无效"))
    context = dict(error.get("ctx") or {})
    if "expected" in context:  # "'a', 'b' or 'c'" → "'a'、'b'、'c'"
        context["expected"] = str(context["expected"]).replace(" or ", ", ").replace(", ", "、")
    return MESSAGES.get(error["type"], "取值无效").format_map(context)
