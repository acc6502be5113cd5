"""OpenAPI schema: generates without warnings, documents bodies; Swagger UI is served offline."""

import yaml
from django.core.management import call_command
from rest_framework.test import APIClient


def test_schema_validates_without_warnings(tmp_path, db):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    paths = schema["paths"]
    assert "/api/articles/{article_id}/spans/bulk-decision/" in paths
    for path, operations in paths.items():
        for method, operation in operations.items():
            if method in ("post", "put", "patch"):
                assert "requestBody" in operation, (method, path)
            ok = [code for code in operation["responses"] if code.startswith("2")]
            assert ok, (method, path)
    decision = paths["/api/spans/{span_id}/decision/"]["post"]
    assert "409" in decision["responses"]
    assert decision["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/SpanOut"
    )


def test_docs_page_uses_bundled_swagger(owner):
    client = APIClient()
    client.force_authenticate(owner)
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn.jsdelivr" not in html and "unpkg" not in html
    assert (
        client.get(
            "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"
        ).status_code
        == 200
    )


def _schema(tmp_path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--file", str(target))
    return yaml.safe_load(target.read_text())


def _ref(schema, ref):
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]


def test_paginated_lists_are_documented_as_their_envelope(tmp_path, db):
    schema = _schema(tmp_path)
    lists = [
        "/api/projects/",
        "/api/articles/",
        "/api/spans/",
        "/api/projects/{project_id}/members/",
        "/api/projects/{project_id}/snapshots/",
    ]
    for path in lists:
        operation = schema["paths"][path]["get"]
        body = operation["responses"]["200"]["content"]["application/json"]["schema"]
        page = _ref(schema, body["$ref"])
        assert set(page["properties"]) == {"next", "previous", "results"}, path
        assert page["properties"]["results"]["type"] == "array", path
        parameters = {p["name"] for p in operation["parameters"] if p["in"] == "query"}
        assert {"cursor", "page_size"} <= parameters, path


def test_error_statuses_are_documented(tmp_path, db):
    schema = _schema(tmp_path)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"400", "401", "403", "404", "414"} <= codes, (method, path)
            if "requestBody" in operation:
                assert {"413", "415"} <= codes, (method, path)
                assert list(operation["requestBody"]["content"]) in (
                    ["application/json"],
                    ["multipart/form-data", "application/json"],
                    # An import's file may also come as the raw JSON Lines body.
                    ["multipart/form-data", "application/json", "application/x-ndjson"],
                ), (method, path)
    for path, method in [
        ("/api/projects/", "post"),
        ("/api/projects/{project_id}/labels/", "post"),
        ("/api/labels/{label_id}/", "patch"),
        ("/api/spans/{span_id}/", "patch"),
        ("/api/spans/{span_id}/", "delete"),
        ("/api/projects/{project_id}/articles/", "post"),
    ]:
        assert "409" in schema["paths"][path][method]["responses"], (method, path)


def test_review_state_enums_match_what_the_api_takes(tmp_path, db):
    schema = _schema(tmp_path)
    components = schema["components"]["schemas"]
    review_in = components["ReviewInRequest"]["properties"]["state"]
    assert _ref(schema, review_in["$ref"])["enum"] == ["in_progress", "done"]
    listed = components["ArticleListOut"]["properties"]["review_state"]
    assert _ref(schema, listed["allOf"][0]["$ref"])["enum"] == ["new", "in_progress", "done"]
    article_filter = next(
        p
        for p in schema["paths"]["/api/articles/"]["get"]["parameters"]
        if p["name"] == "review_state"
    )
    assert article_filter["schema"]["enum"] == ["new", "in_progress", "done"]


def test_source_url_is_not_documented_as_a_uri(tmp_path, db):
    components = _schema(tmp_path)["components"]["schemas"]
    for name in ("ArticleListOut", "ArticleOut"):
        assert "format" not in components[name]["properties"]["source_url"], name
