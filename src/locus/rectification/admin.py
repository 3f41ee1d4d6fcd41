"""Disputes and objections are casework, decided on their pages by a manager: the admin site
lists them read-only, each read logged (an administrator never records or decides one)."""

from __future__ import annotations

from django.contrib import admin

from locus.common.admin import ReadOnlyAdmin
from locus.rectification.models import Dispute, Objection


class _ReadOnly(ReadOnlyAdmin):
    list_select_related = ("person",)
    date_hierarchy = "received_on"


@admin.register(Dispute)
class DisputeAdmin(_ReadOnly):
    list_display = ("received_on", "person", "about", "outcome")
    list_filter = ("outcome", "about")


@admin.register(Objection)
class ObjectionAdmin(_ReadOnly):
    list_display = ("received_on", "person", "decision")
    list_filter = ("decision",)
