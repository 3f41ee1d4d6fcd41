"""Writing the change trail from a data migration.

A data migration works on historical models, which have neither the services nor the
trail's sealing ``save``. One that changes what a service would have changed (an old request
routed again, an old token ended) records each change here all the same: as the command
line's account (``access.services.SYSTEM_ACCOUNT``, made as ``system_worker`` makes it when
the database has none yet), at the clock's now, with the fields a service's row holds
(``services.change_fields``), sealed into the chain's change stream as every change row is,
so the auditor reads what the upgrade changed and why, and the chain still verifies.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.hashers import make_password

from locus.access.services import SYSTEM_ACCOUNT
from locus.audit import chain
from locus.audit.models import ChangeAction, seal_rows
from locus.audit.services import Change, change_fields, snapshot
from locus.common import clock


def system_actor(apps: Any) -> Any:
    """The command line's account, in ``apps`` (made, and its making recorded, if the
    database has none yet): who made a change nobody's hand was on."""
    workers = apps.get_model("access", "Worker")
    found = workers.objects.filter(username=SYSTEM_ACCOUNT["username"]).first()
    if found is not None:
        return found
    # An unusable password, as system_worker sets: the account cannot sign in.
    made = workers.objects.create(**SYSTEM_ACCOUNT, password=make_password(None))
    fields = snapshot(made)
    fields.pop("password", None)  # a hash is still a secret; never in the trail
    record_changes(apps, made, [(ChangeAction.CREATE, made, None, fields)])
    return made


def record_changes(apps: Any, actor: Any, changes: Iterable[Change]) -> int:
    """Append ``changes`` to the trail, made by ``actor``, sealed into the chain; run in
    the migration's transaction. Returns how many."""
    events = apps.get_model("audit", "ChangeEvent")
    now = clock.now()
    rows = [events(at=now, **change_fields(actor, change)) for change in changes]
    seal_rows(apps.get_model("audit", "ChainHead"), chain.CHANGE, rows)
    # The plain manager: the rows are sealed already (the model's own would seal them again
    # where the migration runs on today's models, as its tests do).
    events._base_manager.bulk_create(rows)
    return len(rows)
