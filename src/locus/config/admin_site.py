"""The Django admin site, for administrators only, and its one sign-in.

Who may use the admin is :func:`locus.access.policies.is_administrator` (an
active worker with the administrator role and scope "all"), checked on every
request, so a worker whose role changes loses the admin at once, whatever
Django's ``is_staff`` / ``is_superuser`` flags still say.

There is no admin sign-in form: ``/admin/login/`` sends a visitor to the app's
sign-in page (so lockout and the sign-in record cover the admin too), sends a
signed-in administrator to the admin, and answers anyone else "not found", as
the app does for everything a worker may not see.

Imported when the admin app is ready (``locus.config.apps.LocusAdminConfig``).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache

from locus.common.admin import is_admin_user
from locus.web.views import not_found


@never_cache
def admin_sign_in(request: HttpRequest) -> HttpResponse:
    """``/admin/login/``: never a form, never a redirect loop."""
    if not request.user.is_authenticated:
        return redirect_to_login("/admin/", settings.LOGIN_URL)
    if is_admin_user(request):
        return redirect("admin:index")
    return not_found(request)


class LocusAdminSite(admin.AdminSite):
    site_header = "Locus administration"
    site_title = "Locus administration"
    index_title = "Reference data and workers"

    def has_permission(self, request: HttpRequest) -> bool:
        return is_admin_user(request)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        return admin_sign_in(request)

    def password_change(self, request: HttpRequest, extra_context: Any = None) -> TemplateResponse:
        """The administrator's own password (linked at the top of every admin page), changed
        as on the worker's password form: on the record, their API tokens ended."""
        # Imported here: the admin modules register their models on this site when imported.
        from locus.access.admin import password_form_recorded

        own = request.user.pk
        assert own is not None  # the admin's views let in administrators only
        form = partial(super().password_change, request, extra_context)
        return password_form_recorded(request, own, form)
