"""Retention in the admin: read only. Rules, holds and runs change on their own pages, which
ask for a reason and audit it; an edit here would change them silently."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from locus.common.admin import AccessLoggedAdmin
from locus.retention.models import LegalHold, PurgeRun, RetentionRule


class ReadOnlyAdmin(AccessLoggedAdmin):
    def _never(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    has_add_permission = has_change_permission = has_delete_permission = _never


admin.site.register(RetentionRule, ReadOnlyAdmin)
admin.site.register(LegalHold, ReadOnlyAdmin)
admin.site.register(PurgeRun, ReadOnlyAdmin)
