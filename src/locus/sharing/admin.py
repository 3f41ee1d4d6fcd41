from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from locus.sharing.models import Share


@admin.register(Share)
class ShareAdmin(admin.ModelAdmin):
    """Read-only: the register is written by the services that share, never by hand."""

    list_display = ("at", "kind", "by", "record_ref", "article6", "until")
    list_filter = ("kind", "article6")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False
