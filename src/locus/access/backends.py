"""Authentication backend that loads a worker's team and agency with the worker.

Every page asks what the worker's agency is; loading it here keeps that to the
one query Django already makes per request.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from locus.access.models import Worker


class WorkerBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Worker | None:
        worker = Worker.objects.select_related("team__agency").filter(pk=user_id).first()
        return worker if worker is not None and self.user_can_authenticate(worker) else None
