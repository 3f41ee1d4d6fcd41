"""One error body for every refusal: ``{"error": {"code", "message", "field"}}``."""

from __future__ import annotations

import math
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from locus.common.errors import NotPermitted, ValidationFailed

NOT_FOUND = "Not found"


class ErrorDetail(Schema):
    code: str
    message: str
    field: str | None = None


class ErrorBody(Schema):
    error: ErrorDetail


class RateLimited(Exception):
    """Too many failed token attempts from this address."""


class BadQuery(Exception):
    """A query that parses but means nothing (a to date before the from date)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


# The responses every endpoint may give besides its 200, for the OpenAPI document.
ERRORS: dict[int, Any] = {401: ErrorBody, 404: ErrorBody, 422: ErrorBody, 429: ErrorBody}
CODES = {
    400: "bad_request",
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    422: "invalid",
    429: "too_many_requests",
}


def error_response(
    api: NinjaAPI, request: HttpRequest, status: int, message: str, field: str | None = None
) -> HttpResponse:
    body = {"error": {"code": CODES.get(status, "error"), "message": message, "field": field}}
    response = api.create_response(request, body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="locus"'
    return response


def _field_of(location: Any) -> str | None:
    """ninja's error location ("query", "limit") as the parameter's name."""
    parts = [str(p) for p in location or () if p not in ("query", "path", "body", "header")]
    return ".".join(parts) or None


def install(api: NinjaAPI) -> None:
    """Map every refusal to the one body. A record the caller may not see and one that is not
    there answer the same 404, word for word."""

    @api.exception_handler(NotPermitted)
    def not_permitted(request: HttpRequest, exc: NotPermitted) -> HttpResponse:
        return error_response(api, request, 404, NOT_FOUND)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(api, request, 404, NOT_FOUND)

    @api.exception_handler(AuthenticationError)
    def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(
            api, request, 401, "A valid token is needed: Authorization: Bearer <token>"
        )

    @api.exception_handler(RateLimited)
    def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
        response = error_response(
            api, request, 429, "Too many failed token attempts: try again later"
        )
        response["Retry-After"] = "300"
        return response

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        # ninja adds Retry-After (whole seconds) to this response from the same wait.
        refused = getattr(request, "api_refused", [])
        limits = " and ".join(f"{limit.reads} {limit.period}" for limit in refused)
        message = f"Too many requests with this token (at most {limits or 'its limit'})"
        if exc.wait is not None:
            message += f": try again in {math.ceil(exc.wait)} seconds"
        return error_response(api, request, 429, message)

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        first = exc.errors[0] if exc.errors else {}
        message = str(first.get("msg", "Invalid request"))
        return error_response(api, request, 422, message, _field_of(first.get("loc")))

    @api.exception_handler(BadQuery)
    def bad_query(request: HttpRequest, exc: BadQuery) -> HttpResponse:
        return error_response(api, request, 422, exc.message, exc.field)

    @api.exception_handler(ValidationFailed)
    def failed(request: HttpRequest, exc: ValidationFailed) -> HttpResponse:
        field, messages = next(iter(exc.errors.items()))
        return error_response(api, request, 422, messages[0], None if field == "__all__" else field)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        status = exc.status_code
        message = NOT_FOUND if status == 404 else str(exc.message)
        return error_response(api, request, status, message)
