"""The API fuzzed from its own OpenAPI document, in process (WSGI), with a valid token on the
small test borough: no server error, and every answer as the document describes it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from locus.api.services import token_create
from tests.factories import World
from tests.sharing.helpers import token_args

app = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def _one_connection() -> Iterator[None]:
    """Keep the test's database connection across requests, as Django's test client does:
    the WSGI handler would close it at each request's end (on PostgreSQL, the connection
    holding the test's transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def secret(world: World) -> str:
    # An administrator sees every record of the borough, so found records are fuzzed too.
    return token_create(**token_args(), actor=world.admin, name="schemathesis").secret


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_answers_as_its_document_says(case: Any, secret: str) -> None:
    # Ids drawn at random are almost never a record: fold most of them onto the borough's
    # few ids, so that found records (and their shapes) are fuzzed as well as missing ones.
    for name, value in (case.path_parameters or {}).items():
        if isinstance(value, int) and not isinstance(value, bool) and value > 0 and value % 3:
            case.path_parameters[name] = value % 10 + 1
    case.call_and_validate(headers={"Authorization": f"Bearer {secret}"}, checks=CHECKS)
