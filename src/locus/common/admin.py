"""Django admin that keeps the audit trail: every admin save and delete is recorded.

The admin is for administrators fixing reference data; it bypasses the
services' rules, so it at least leaves the same trace they do.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest

from locus.audit.models import ChangeAction
from locus.audit.services import record_change, snapshot


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        before = snapshot(type(obj)._default_manager.get(pk=obj.pk)) if change and obj.pk else {}
        super().save_model(request, obj, form, change)
        record_change(
            actor=request.user,
            action=ChangeAction.UPDATE if change else ChangeAction.CREATE,
            obj=obj,
            before=before,
            after=self.audit_snapshot(obj),
        )

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        before = self.audit_snapshot(obj)
        record_change(actor=request.user, action=ChangeAction.DELETE, obj=obj, before=before)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        # Django's delete_selected action runs outside a transaction; the audit
        # rows and the deletion must stand or fall together.
        with transaction.atomic():
            for obj in queryset:
                record_change(
                    actor=request.user,
                    action=ChangeAction.DELETE,
                    obj=obj,
                    before=self.audit_snapshot(obj),
                )
            super().delete_queryset(request, queryset)

    def audit_snapshot(self, obj: Model) -> dict[str, Any]:
        return snapshot(obj)
