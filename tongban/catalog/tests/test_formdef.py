import pytest

from tongban.catalog.formdef import (
    FormDefinitionError,
    build_form_class,
    parse_definition,
    validate_submission,
)

DEFINITION = {
    "schema": 1,
    "fields": [
        {"key": "applicant_name", "label": "申请人姓名", "type": "text", "max_length": 20},
        {"key": "id_number", "label": "身份证号码", "type": "id_number"},
        {"key": "phone", "label": "联系电话", "type": "phone"},
        {
            "key": "reason",
            "label": "补领原因",
            "type": "choice",
            "options": [{"value": "lost", "label": "遗失"}, {"value": "damaged", "label": "损坏"}],
        },
        {"key": "move_in", "label": "迁入日期", "type": "date", "required": False},
        {"key": "house_no", "label": "门牌号", "type": "text", "required": False, "pattern": r"\d{1,4}号"},
    ],
}
# A resident ID number with a correct check digit, born 1990-03-07 in 鄂城区.
VALID_ID = "420704199003070016"


def test_a_valid_submission_comes_back_cleaned_and_json_ready():
    definition = parse_definition(DEFINITION)

    cleaned, errors = validate_submission(
        definition,
        {
            "applicant_name": "张三",
            "id_number": VALID_ID,
            "phone": "15107116702",
            "reason": "lost",
            "move_in": "2026-03-01",
        },
    )

    assert errors == {}
    assert cleaned["move_in"] == "2026-03-01"
    assert cleaned["reason"] == "lost"


def test_each_bad_field_is_named_with_a_chinese_message():
    definition = parse_definition(DEFINITION)

    _, errors = validate_submission(
        definition,
        {
            "applicant_name": "",
            "id_number": "420704199003070017",
            "phone": "0271234",
            "reason": "x",
            "house_no": "甲",
        },
    )

    assert errors == {
        "申请人姓名": "这个字段是必填项。",
        "身份证号码": "身份证号码不正确，请核对。",
        "联系电话": "手机号码应为11位数字，以1开头。",
        "补领原因": "选择一个有效的选项。 x 不在可用的选项中。",
        "门牌号": "门牌号格式不正确。",
    }


def test_a_form_class_is_built_with_the_labels_in_order():
    form = build_form_class(parse_definition(DEFINITION))()

    assert [field.label for field in form] == [
        "申请人姓名",
        "身份证号码",
        "联系电话",
        "补领原因",
        "迁入日期",
        "门牌号",
    ]


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ({"schema": 2, "fields": []}, "schema"),
        ({"schema": 1, "fields": [{"key": "A", "label": "甲", "type": "text"}]}, "fields.0.key"),
        ({"schema": 1, "fields": [{"key": "a", "label": "甲", "type": "colour"}]}, "fields.0.type"),
        ({"schema": 1, "fields": [{"key": "a", "label": "甲", "type": "text"}] * 2}, "字段标识重复：a"),
    ],
)
def test_bad_definitions_are_refused_with_the_place_named(raw, fragment):
    with pytest.raises(FormDefinitionError) as caught:
        parse_definition(raw)

    assert fragment in caught.value.message


def test_an_empty_definition_is_a_form_without_fields():
    assert parse_definition({}).fields == []


def test_definition_errors_are_in_chinese():
    with pytest.raises(FormDefinitionError) as caught:
        parse_definition({"schema": 1, "fields": [{"key": "a", "label": "甲", "type": "colour"}]})

    assert caught.value.message == (
        "申请表单定义有误（fields.0.type）：取值无效，可选值："
        "'text'、'textarea'、'integer'、'decimal'、'date'、'choice'、'multichoice'、'boolean'、'id_number'、'uscc'、"
        "'phone'、'email'。"
    )
