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
