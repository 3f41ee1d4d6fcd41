"""Django admin that keeps the audit trail: every admin read, save and delete is recorded.

The admin is for administrators fixing reference data; it bypasses the
services' rules, so it at least leaves the same trace they do:

* every record shown (its form, its history, its delete confirmation) is an
  ``AccessEvent`` VIEW, and every list or search an ``AccessEvent`` SEARCH, found by the
  people its rows name;
* every save, many-to-many change and delete is a ``ChangeEvent``.

Who may use it is decided by :func:`locus.access.policies.is_administrator`
(role and scope), never by ``is_staff`` / ``is_superuser`` alone.

Case records are never deleted here: a deletion cascades to rows the trail
would not see (an incident takes its involvements, a person their episodes).
Everything else may be deleted only when the deletion takes nothing with it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import NestedObjects
from django.db import router, transaction
from django.db.models import Model, QuerySet, URLField
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from locus.access.policies import is_administrator
from locus.audit.models import AccessAction, ChangeAction
from locus.audit.services import (
    PERSON,
    diff,
    person_fields,
    points_at,
    record_access,
    record_change,
    snapshot,
)


def is_admin_user(request: HttpRequest) -> bool:
    """The signed-in worker is an administrator (by role and scope, and active)."""
    user = request.user
    return bool(user.is_authenticated) and is_administrator(user)  # type: ignore[arg-type]


def deletion_takes_more(obj: Model) -> bool:
    """Deleting ``obj`` would delete or change other rows (a cascade, a SET_NULL, m2m links).

    A deletion stopped by PROTECT takes nothing: Django refuses it and says why.
    """
    collector = NestedObjects(using=router.db_for_write(type(obj)))
    collector.collect([obj])
    for objs in collector.model_objs.values():
        for other in objs:
            if type(other) is not type(obj) or other.pk != obj.pk:
                return True
    for updates in collector.field_updates.values():
        for rows in updates:
            if rows.exists() if isinstance(rows, QuerySet) else rows:
                return True
    return False


def _context_of(response: HttpResponse) -> dict[str, Any]:
    if isinstance(response, TemplateResponse) and response.status_code == 200:
        return dict(response.context_data or {})
    return {}


def _people_on_form(context: dict[str, Any], obj: Model | None) -> list[object]:
    """The people a record's page names beside those its own foreign keys do: the children a
    case note names (a many-to-many field), and the people of its inline rows (an incident's
    involvements). The page shows each, so its read is found by each in the trail."""
    found: list[object] = []
    if obj is not None:
        for m2m in obj._meta.many_to_many:
            if points_at(m2m, PERSON):
                found.extend(getattr(obj, m2m.name).values_list("pk", flat=True))
    for inline in context.get("inline_admin_formsets", ()):
        fields = person_fields(inline.formset.model)
        for form in inline.formset.initial_forms:
            found.extend(getattr(form.instance, name) for name in fields)
    return found


class AccessLoggedAdmin(admin.ModelAdmin):
    """Logs every read the admin makes, as the app's own pages do, for administrators only."""

    # A web address typed without its scheme is read as https, as the app's own forms ask
    # for it (and as Django 6 will by default); said here, Django does not warn of the change.
    formfield_overrides = {URLField: {"assume_scheme": "https"}}

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_admin_user(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_admin_user(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_admin_user(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_admin_user(request)

    def log_view(
        self, request: HttpRequest, obj: Model | None, view: str, people: Iterable[object] = ()
    ) -> None:
        if obj is not None and request.user.is_authenticated:
            record_access(
                actor=request.user, obj=obj, detail={"via": f"admin {view}"}, people=people
            )

    def _log_shown(
        self, request: HttpRequest, response: HttpResponse, key: str, view: str
    ) -> HttpResponse:
        """Logs the record a page showed (its context's ``key``) and the people it names
        (``_people_on_form``), then hands the page on."""
        context = _context_of(response)
        obj = context.get(key)
        self.log_view(request, obj, view, _people_on_form(context, obj))
        return response

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().changeform_view(request, object_id, form_url, extra_context)
        # Only when the form is shown (not after a save, which the change trail records).
        return self._log_shown(request, response, "original", "form")

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().history_view(request, object_id, extra_context)
        return self._log_shown(request, response, "object", "history")

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().delete_view(request, object_id, extra_context)
        # The confirmation page shows the record (a completed delete is a ChangeEvent).
        return self._log_shown(request, response, "object", "delete confirmation")

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        changelist = _context_of(response).get("cl")
        if changelist is not None and request.user.is_authenticated:
            rows = list(changelist.result_list)
            # The people the rows name (an allocation's child, an association's two), read
            # from the rows' own columns: a list of a child's records is found by the child
            # in the trail, as every page that names them is.
            model: type[Model] = self.model
            fields = person_fields(model)
            record_access(
                actor=request.user,
                record_type=self.model._meta.label_lower,
                action=AccessAction.SEARCH,
                detail={
                    "via": "admin list",
                    "query": request.GET.urlencode(),
                    "results": changelist.result_count,
                    "shown": [str(row.pk) for row in rows],
                },
                people=[getattr(row, name) for row in rows for name in fields],
            )
        return response


class ReadOnlyAdmin(AccessLoggedAdmin):
    """A record written only by its own services (a register row, a policy version): the admin
    reads it, logged, and never adds, changes or deletes it."""

    def _never(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    has_add_permission = has_change_permission = has_delete_permission = _never


class AuditedAdmin(AccessLoggedAdmin):
    #: False for case records: deleting them cascades, and retention is a service's job.
    deletable = True

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not (self.deletable and is_admin_user(request)):
            return False
        return obj is None or not deletion_takes_more(obj)

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        before = (
            self.audit_snapshot(type(obj)._default_manager.get(pk=obj.pk))
            if change and obj.pk
            else {}
        )
        super().save_model(request, obj, form, change)
        record_change(
            actor=request.user,
            action=ChangeAction.UPDATE if change else ChangeAction.CREATE,
            obj=obj,
            before=before,
            after=self.audit_snapshot(obj),
        )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # Many-to-many values are saved after the record, past save_model: audit them here.
        obj = form.instance
        fields = [f for f in obj._meta.many_to_many if f.name in form.fields]
        before = self._m2m_ids(obj, fields)
        super().save_related(request, form, formsets, change)
        after = self._m2m_ids(obj, fields)
        if diff(before, after)[1]:
            record_change(
                actor=request.user, action=ChangeAction.UPDATE, obj=obj, before=before, after=after
            )

    @staticmethod
    def _m2m_ids(obj: Model, fields: list[Any]) -> dict[str, list[Any]]:
        return {f.name: sorted(getattr(obj, f.name).values_list("pk", flat=True)) for f in fields}

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


class CaseRecordAdmin(AuditedAdmin):
    """A record about a child or adult: never deleted in the admin.

    Deleting one takes other case records with it (an incident its
    involvements, a person their episodes and associations); a retention
    service, with its own audit, will do that.
    """

    deletable = False


def register_case_records(
    options: dict[type[Model], tuple[str, str, str, str]], *, read_only: bool = False
) -> None:
    """Registers each model with a :class:`CaseRecordAdmin` built from its four options
    (:class:`ReadOnlyCaseRecordAdmin` with ``read_only``).

    ``options`` gives each model its list_display, list_filter, list_select_related and
    raw_id_fields, each as field names separated by spaces (an empty string for none).
    """
    base = ReadOnlyCaseRecordAdmin if read_only else CaseRecordAdmin
    for model, (display, filters, related, raw) in options.items():
        admin.site.register(
            model,
            base,
            list_display=tuple(display.split()),
            list_filter=tuple(filters.split()),
            list_select_related=tuple(related.split()),
            raw_id_fields=tuple(raw.split()),
        )


# For an admin that only reads: the three write permissions refused, whatever its base.
class NeverWritten:
    """Mixed in before the admin's base: the admin never adds, changes or deletes a record."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyCaseRecordAdmin(NeverWritten, CaseRecordAdmin):
    """A case record written only through its services, whose rules an edit here would skip:
    casework's decisions and sign-offs (the IT administrator never signs off casework, nor
    routes a sign-off, nor moves a case on), and who holds a child's case (allocated and
    ended with a reason, or moved by a transfer). Read here, logged; never written."""
