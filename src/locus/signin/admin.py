"""django-otp's own admin pages would let an administrator delete or edit a device with no
reason and no record: a second factor is reset on Locus's page (``second-factor-reset``)."""

from __future__ import annotations

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
