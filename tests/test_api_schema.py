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
