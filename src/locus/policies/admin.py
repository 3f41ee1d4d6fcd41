from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from locus.policies.models import PolicyVersion


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    """Read-only: a policy changes on its own page, each change a new version."""

    list_display = ("kind", "number", "title", "by", "at")
    list_filter = ("kind",)
    list_select_related = ("by",)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False
