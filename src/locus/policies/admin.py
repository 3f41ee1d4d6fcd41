from django.contrib import admin

from locus.common.admin import ReadOnlyAdmin
from locus.policies.models import PolicyVersion


@admin.register(PolicyVersion)
class PolicyVersionAdmin(ReadOnlyAdmin):
    """Read-only: a policy changes on its own page, each change a new version."""

    list_display = ("kind", "number", "title", "by", "at")
    list_filter = ("kind",)
    list_select_related = ("by",)
