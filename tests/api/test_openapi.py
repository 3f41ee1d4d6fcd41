"""The OpenAPI document: served, committed, and the docs page under the site's CSP."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.test import Client

from locus.api.openapi import document
from locus.web.middleware import CSP

pytestmark = pytest.mark.django_db

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def test_the_committed_document_is_the_generated_one() -> None:
    """Regenerate with: PYTHONPATH=src python -m locus.api.openapi > docs/openapi.json"""
    assert COMMITTED.read_text(encoding="utf-8") == document()


def test_the_document_is_served_and_names_every_endpoint_and_the_bearer_scheme() -> None:
    served = Client().get("/api/v1/openapi.json")
    assert served.status_code == 200
    schema = served.json()
    assert schema == json.loads(document())
    assert set(schema["paths"]) >= {
        "/api/v1/people",
        "/api/v1/people/{person_id}",
        "/api/v1/people/{person_id}/associations",
        "/api/v1/people/{person_id}/associations/{association_id}",
        "/api/v1/people/{person_id}/peer-map",
        "/api/v1/contexts",
        "/api/v1/contexts/{context_id}",
        "/api/v1/groups",
        "/api/v1/groups/{group_id}",
        "/api/v1/incidents",
        "/api/v1/incidents/{incident_id}",
        "/api/v1/context-cases",
        "/api/v1/context-cases/{case_id}",
        "/api/v1/linked-cases",
    }
    schemes = schema["components"]["securitySchemes"]
    assert [s["scheme"] for s in schemes.values()] == ["bearer"]


def test_the_docs_page_loads_only_files_from_static_under_the_csp() -> None:
    page = Client().get("/api/v1/docs")
    assert page.status_code == 200
    assert page["Content-Security-Policy"] == CSP
    html = page.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    assert scripts
    for attrs, _body in scripts:
        # Either a file from /static/ or a JSON data block (which no browser runs).
        assert 'src="/static/' in attrs or 'type="application/json"' in attrs, attrs
    assert "cdn" not in html.lower() and "http://" not in html and "https://" not in html
