"""The second factor in Django's admin: its record, read-only, for administrators.

django-otp's own device pages are taken away: they would let an administrator delete or
edit a device with no reason and no record. A second factor is reset on Locus's page
(``second-factor-reset``), which asks for a reason and audits it. Locus's own recovery-code
models are not registered at all: a page of salts and hashes would help nobody but someone
trying to guess the codes.
"""

from __future__ import annotations

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from locus.audit.admin import ReadOnlyAdmin
from locus.signin.models import SecondFactorEvent

for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(SecondFactorEvent)
class SecondFactorEventAdmin(ReadOnlyAdmin):
    # Both joined: the list shows the worker and, for a reset, the administrator.
    list_select_related = ("worker", "actor")  # type: ignore[assignment]
    list_display = ("at", "worker", "kind", "actor", "ip_address")
    list_filter = ("kind",)
    search_fields = ("worker__username", "reason")
