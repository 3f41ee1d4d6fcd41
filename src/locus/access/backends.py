"""Authentication backend that loads a worker's team and agency with the worker.

Every page asks what the worker's agency is, and shows how many of their notifications
are unread; loading both here keeps that to the one query Django already makes per request.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from locus.access.models import Worker
from locus.notifications.counts import unread_notifications


class WorkerBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Worker | None:
        worker = (
            Worker.objects.select_related("team__agency")
            .annotate(unread_notifications=unread_notifications())
            .filter(pk=user_id)
            .first()
        )
        return worker if worker is not None and self.user_can_authenticate(worker) else None
