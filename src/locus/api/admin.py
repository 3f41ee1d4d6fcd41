"""Tokens in the admin: seen (to find one by its prefix), never made, changed or shown.

The secret is not stored anywhere, and its hash is left out too. A worker revokes their own
token on their tokens page; an administrator revokes anyone's, with a reason, on the live
tokens page (/data/api-tokens/), which tells the worker. Reading them here is in the access
trail, as that page's read is."""

from __future__ import annotations

from django.contrib import admin

from locus.api.models import ApiToken
from locus.common.admin import ReadOnlyAdmin


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("name", "prefix", "worker", "created_at", "last_used_at", "revoked_at")
    fields = ("worker", "name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at")
    readonly_fields = fields
    search_fields = ("prefix", "name")
    list_select_related = ("worker",)
