import json
import logging
import logging.config

import structlog

from tongban.core.logging import logging_config


def test_json_format_writes_one_object_per_line_with_chinese_unescaped(capsys):
    logging.config.dictConfig(logging_config(fmt="json", level="INFO"))

    structlog.get_logger("tongban.test").info("catalog_published", item="社会保障卡申领")

    line = capsys.readouterr().err.strip().splitlines()[-1]
    record = json.loads(line)
    assert (record["event"], record["item"], record["level"], record["logger"]) == (
        "catalog_published",
        "社会保障卡申领",
        "info",
        "tongban.test",
    )
    assert "社会保障卡申领" in line


def test_every_response_carries_a_request_id(client):
    response = client.get("/api/v1/openapi.json", headers={"X-Request-ID": "abc123"})

    assert response["X-Request-ID"] == "abc123"


def test_an_unsafe_request_id_is_replaced(client):
    response = client.get("/api/v1/openapi.json", headers={"X-Request-ID": "x\nforged=1"})

    assert len(response["X-Request-ID"]) == 32
    assert "\n" not in response["X-Request-ID"]


# --- Personal data never reaches a log line in clear --------------------------------------------------

ID_NUMBER, PHONE = "420102199003071232", "15100006702"


def last_line(capsys) -> str:
    return capsys.readouterr().err.strip().splitlines()[-1]


def test_our_events_are_masked_in_the_message_and_every_value(capsys):
    logging.config.dictConfig(logging_config(fmt="json", level="INFO"))
    structlog.contextvars.clear_contextvars()  # a request id left by an earlier test

    structlog.get_logger("tongban.test").warning(
        f"lookup {ID_NUMBER}", phone=PHONE, nested={"who": [f"身份证{ID_NUMBER}"]}, mobile=int(PHONE), count=3
    )

    line = last_line(capsys)
    assert ID_NUMBER not in line and PHONE not in line
    assert json.loads(line) | {"timestamp": ""} == {
        "event": "lookup 4201**********1232",
        "phone": "151****6702",
        "nested": {"who": ["身份证4201**********1232"]},
        "mobile": "151****6702",
        "count": 3,
        "level": "warning",
        "logger": "tongban.test",
        "timestamp": "",
    }


def test_django_records_are_masked_too(capsys):
    logging.config.dictConfig(logging_config(fmt="json", level="INFO"))

    logging.getLogger("django.request").warning("Bad Request: /search/?q=%s&tel=%s", ID_NUMBER, PHONE)

    record = json.loads(last_line(capsys))
    assert record["event"] == "Bad Request: /search/?q=4201**********1232&tel=151****6702"
    assert record["logger"] == "django.request"


def test_exception_text_is_masked(capsys):
    logging.config.dictConfig(logging_config(fmt="console", level="INFO"))

    try:
        raise ValueError(f"无效的号码 {ID_NUMBER} / {PHONE}")
    except ValueError:
        logging.getLogger("django.request").exception("Internal Server Error")

    output = capsys.readouterr().err
    assert "Internal Server Error" in output
    assert "ValueError: 无效的号码 4201**********1232 / 151****6702" in output
    assert ID_NUMBER not in output and PHONE not in output


def test_a_request_id_is_never_mistaken_for_a_phone_number(capsys):
    logging.config.dictConfig(logging_config(fmt="json", level="INFO"))
    structlog.contextvars.bind_contextvars(request_id="a8cad72d68d14852195219caf4796687")
    try:
        structlog.get_logger("tongban.test").info("request", path="/")
    finally:
        structlog.contextvars.clear_contextvars()

    assert json.loads(last_line(capsys))["request_id"] == "a8cad72d68d14852195219caf4796687"
