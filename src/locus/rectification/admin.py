"""Disputes and objections are casework, decided on their pages by a manager: the admin site
lists them read-only, each read logged (an administrator never records or decides one)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from locus.common.admin import AccessLoggedAdmin
from locus.rectification.models import Dispute, Objection


class _ReadOnly(AccessLoggedAdmin):
    list_select_related = ("person",)
    date_hierarchy = "received_on"

    def _never(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    has_add_permission = has_change_permission = has_delete_permission = _never


@admin.register(Dispute)
class DisputeAdmin(_ReadOnly):
    list_display = ("received_on", "person", "about", "outcome")
    list_filter = ("outcome", "about")


@admin.register(Objection)
class ObjectionAdmin(_ReadOnly):
    list_display = ("received_on", "person", "decision")
    list_filter = ("decision",)
