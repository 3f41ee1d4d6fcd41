from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

from locus.access.models import Agency, Team, Worker
from locus.audit.models import ChangeAction
from locus.audit.services import record_change, snapshot
from locus.common.admin import AuditedAdmin


@admin.register(Agency)
class AgencyAdmin(AuditedAdmin):
    list_display = ("name", "kind")
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(Team)
class TeamAdmin(AuditedAdmin):
    list_display = ("name", "agency")
    list_filter = ("agency",)
    search_fields = ("name",)


@admin.register(Worker)
class WorkerAdmin(AuditedAdmin, UserAdmin):
    list_display = ("username", "first_name", "last_name", "team", "role", "scope", "is_active")
    list_filter = ("role", "scope", "is_active", "team__agency")
    list_select_related = ("team__agency",)
    fieldsets = (
        *UserAdmin.fieldsets,  # type: ignore[misc]
        ("Locus", {"fields": ("team", "role", "scope", "job_title", "phone")}),
    )

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        # Django saves the new password straight from its form, past save_model;
        # record it here the way worker_set_password does (never the hash).
        with transaction.atomic():
            old_hash = Worker.objects.filter(pk=id).values_list("password", flat=True).first()
            response = super().user_change_password(request, id, form_url)
            new_hash = Worker.objects.filter(pk=id).values_list("password", flat=True).first()
            # Django also redirects when it saved nothing; only a changed hash is a change.
            if request.method == "POST" and new_hash != old_hash:
                record_change(
                    actor=request.user,
                    action=ChangeAction.UPDATE,
                    obj=Worker.objects.get(pk=id),
                    before={"password": "(previous)"},
                    after={"password": "(changed)"},
                )
        return response

    def audit_snapshot(self, obj: Model) -> dict[str, Any]:
        data = snapshot(obj)
        data.pop("password", None)
        return data
