"""What every endpoint shares: UTF-8 Chinese, the Chinese error body, the docs page, the OpenAPI file."""

import json

import pytest

from tongban.openapi import DOCUMENT_PATH, openapi_check, openapi_document, render

pytestmark = pytest.mark.django_db


def test_chinese_is_sent_as_utf8_not_as_escapes(client, circle):
    response = client.get("/api/v1/regions/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "武汉市".encode() in response.content
    assert b"\\u" not in response.content


def test_an_unknown_enumeration_value_is_a_400_naming_the_parameter(client):
    response = client.get("/api/v1/catalog/items", {"mode": "teleport"})

    message = "参数 mode：取值无效，可选值：'online'、'proxy'、'joint'。"
    assert response.status_code == 400
    assert response.json() == {"detail": message, "errors": [{"field": "mode", "message": message}]}
    assert message.encode() in response.content


def test_ninja_validation_errors_come_back_as_400_in_chinese_one_per_parameter(client):
    response = client.get("/api/v1/regions/windows", {"cross_city": "maybe", "page": "0"})

    assert response.status_code == 400
    assert response.json() == {
        "detail": "参数 cross_city：应为 true 或 false。",
        "errors": [
            {"field": "cross_city", "message": "参数 cross_city：应为 true 或 false。"},
            {"field": "page", "message": "参数 page：不能小于 1。"},
        ],
    }


def test_a_path_parameter_of_the_wrong_type_is_named_too(client):
    response = client.get("/api/v1/catalog/agreements/abc")

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "agreement_id", "message": "参数 agreement_id：应为整数。"}
    ]


def test_an_unknown_object_is_a_404_in_chinese(client):
    response = client.get("/api/v1/catalog/implementations/NO-SUCH-CODE")

    assert response.status_code == 404
    assert response.json() == {"detail": "未找到该事项的办事指南。", "errors": []}


def test_the_docs_page_loads_swagger_ui_from_our_own_static_files(client):
    response = client.get("/api/docs")
    page = response.content.decode()

    assert response.status_code == 200
    assert '<script src="/static/ninja/swagger-ui-bundle.js" nonce="' in page  # CSP: see test_csp.py
    assert 'href="/static/ninja/swagger-ui.css"' in page
    assert "cdn" not in page
    assert "unpkg" not in page
    assert "//" not in page.replace("://www.w3.org", "")
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200


def test_the_committed_openapi_document_is_the_served_one(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert json.loads(DOCUMENT_PATH.read_text(encoding="utf-8")) == response.json(), (
        "docs/openapi.json is stale: run `tongban openapi --write`"
    )
    assert response.content.decode() == DOCUMENT_PATH.read_text(encoding="utf-8")
    assert openapi_check() == []


def test_the_document_is_openapi_3_1_with_chinese_as_chinese():
    text = openapi_document()

    assert json.loads(text)["openapi"] == "3.1.0"
    assert "通办 API" in text
    assert "\\u" not in text
    assert text == openapi_document()


def test_the_check_names_each_difference_by_json_pointer(tmp_path):
    document = json.loads(openapi_document())
    document["info"]["title"] = "旧标题"
    del document["paths"]["/api/v1/catalog/stats"]
    document["paths"]["/api/v1/gone"] = {}
    stale = tmp_path / "openapi.json"
    stale.write_text(render(document), encoding="utf-8")

    assert openapi_check(stale) == [
        '/info/title：已提交 "旧标题"，接口为 "通办 API"',
        "/paths/~1api~1v1~1catalog~1stats：接口中有，已提交的文档中没有",
        "/paths/~1api~1v1~1gone：已提交的文档中有，接口中已没有",
    ]


def test_the_check_reports_a_missing_file_and_a_reformatted_one(tmp_path):
    missing = tmp_path / "missing.json"
    reformatted = tmp_path / "reformatted.json"
    reformatted.write_text(json.dumps(json.loads(openapi_document())), encoding="utf-8")

    assert openapi_check(missing) == [f"{missing} 不存在，请运行 tongban openapi --write 重新生成。"]
    assert openapi_check(reformatted) == [
        f"{reformatted} 内容一致但格式不同，请运行 tongban openapi --write 重新生成。"
    ]
