"""The JSON API at /api/v1/ (docs/api.md): read endpoints, a bearer token each, one error
body, and the OpenAPI document at /api/v1/openapi.json."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from locus.api import errors
from locus.api.auth import TokenAuth
from locus.api.endpoints import router

api = NinjaAPI(
    title="Locus API",
    version="1",
    description=(
        "Read access to Locus records as the worker a token belongs to: the same people, "
        "fields and names the pages show that worker, every read logged. See docs/api.md."
    ),
    auth=TokenAuth(),
    # Swagger UI from ninja's own static files (no CDN): the page's scripts are files under
    # /static/, which the content security policy allows; it loads no inline script.
    docs=Swagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    urls_namespace="api",
)
errors.install(api)
api.add_router("/", router)

urlpatterns: list[URLPattern | URLResolver] = [path("", api.urls)]
