"""Second-factor reads."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from locus.access.models import Worker
from locus.access.policies import can_manage_workers
from locus.common.errors import NotPermitted
from locus.signin.models import RecoveryCodeDevice


def workers_with_second_factor(*, viewer: Worker) -> QuerySet[Worker]:
    """The workers whose second factor an administrator could reset (set up or half set up)."""
    if not can_manage_workers(viewer):
        raise NotPermitted("Only an administrator can reset a second factor.")
    return Worker.objects.filter(
        Q(pk__in=TOTPDevice.objects.values("user"))
        | Q(pk__in=RecoveryCodeDevice.objects.values("user"))
    ).order_by("last_name", "first_name", "username")
