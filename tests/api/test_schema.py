"""The OpenAPI 3 schema validates without a warning, names every endpoint and the token, and its docs page is
served from the project: Swagger UI's files from static (drf-spectacular-sidecar), no inline script or style."""

import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command

ENDPOINTS = {
    "/api/v1/units/",
    "/api/v1/units/{id}/",
    "/api/v1/criteria-sets/",
    "/api/v1/criteria-sets/{id}/",
    "/api/v1/assessments/",
    "/api/v1/assessments/{id}/",
    "/api/v1/recognitions/",
    "/api/v1/recognitions/{id}/",
    "/api/v1/targets/",
    "/api/v1/targets/{id}/",
    "/api/v1/funding/",
    "/api/v1/report-figures/",
}


def test_the_schema_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == ENDPOINTS
    assert all(set(operations) == {"get"} for operations in schema["paths"].values())
    assert schema["components"]["securitySchemes"]["tokenAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": 'Token-based authentication with required prefix "Token"',
    }
    parameters = {p["name"] for p in schema["paths"]["/api/v1/assessments/"]["get"]["parameters"]}
    assert {"unit", "year", "status", "criteria_set", "page", "page_size"} <= parameters


@pytest.mark.django_db
def test_the_schema_and_the_docs_page_are_served_to_anyone(client):
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200
    assert "/api/v1/assessments/" in schema.content.decode()
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and not [each for each in sources if "//" in each]  # nothing from another site
    assert "<style" not in html and " style=" not in html
    assert re.findall(r"<script[^>]*>[^<]+</script>", html) == []  # no inline script
    assert "/api/v1/docs/?script=" in sources
    for path in sources:
        if path.startswith("/static/"):
            assert finders.find(path.removeprefix("/static/")), path
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in script.content.decode()
