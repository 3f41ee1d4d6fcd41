"""A leaver whose account was closed while they held children, added to a generated borough.

Call :func:`add_demo_leaver` after ``generate_borough``. A practitioner in ``team.manager``'s
team, allocated a few of the team's children months ago, left this week: an administrator
closed her account on the admin site, through the admin site's own save, so its managers
(``team.manager``, ``practice.manager``) are told "Cases to pass on" and their My work lists
those children under "Held by someone whose account is closed", each to transfer or end.
The leaver cannot sign in. Made through the services, as the personas and the administrator;
choices follow names, never ids; safe to call again.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import admin
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import transaction
from django.http import HttpRequest

from locus.access.admin import WorkerAdmin
from locus.access.models import Role, Worker
from locus.access.services import system_worker, worker_create
from locus.common import clock
from locus.demo.accounts import demo_email
from locus.demo.caseload import held_by
from locus.people.models import Person
from locus.people.services import allocation_create

#: The leaver: invented, as every demo worker is.
LEAVER_USERNAME = "erin.holloway"
LEAVER_FIRST_NAME = "Erin"
LEAVER_LAST_NAME = "Holloway"
LEAVER_JOB = "Social worker, Contextual Safeguarding Team (CSC); left this week"
#: How many of the team's children she held when she left.
LEAVER_HOLDS = 3
#: She was given them this many days before she left.
HELD_FOR_DAYS = 120


def _persona(username: str) -> Worker | None:
    return Worker.objects.filter(username=username, is_active=True).first()


def _children(manager: Worker, sw: Worker | None) -> list[Person]:
    """The last children (by name) on the team's caseload whom ``social.worker`` does not hold:
    the first ones are the other demo stories', and hers are her own stories'."""
    hers = set(held_by(sw).values_list("id", flat=True)) if sw is not None else set()
    team = [p for p in held_by(manager, team=True) if p.pk not in hers]
    return team[-LEAVER_HOLDS:]


@transaction.atomic
def add_demo_leaver() -> Worker | None:
    """The leaver, her account closed; None when the borough has no place for her or she is
    there already."""
    manager, admin_worker = _persona("team.manager"), _persona("admin")
    if manager is None or manager.team is None or admin_worker is None:
        return None
    if Worker.objects.filter(username=LEAVER_USERNAME).exists():
        return None
    children = _children(manager, _persona("social.worker"))
    if len(children) < 2:
        return None
    with clock.running_from(clock.now() - dt.timedelta(days=HELD_FOR_DAYS)):
        leaver = worker_create(
            actor=system_worker(),
            username=LEAVER_USERNAME,
            first_name=LEAVER_FIRST_NAME,
            last_name=LEAVER_LAST_NAME,
            team=manager.team,
            role=Role.PRACTITIONER,
            email=demo_email(LEAVER_USERNAME),
            job_title=LEAVER_JOB,
        )
        for child in children:
            allocation_create(actor=manager, person=child, worker=leaver, start=clock.today())
    close_on_the_admin_site(actor=admin_worker, worker=leaver)
    return leaver


def close_on_the_admin_site(*, actor: Worker, worker: Worker) -> None:
    """Close ``worker``'s account as an administrator does on the admin site: its change form,
    with "Active" unticked, saved by the admin's own save (the change trail, the tokens and
    sessions ended, the managers told of the cases left)."""
    request = HttpRequest()
    request.method = "POST"
    request.user = actor
    request._messages = CookieStorage(request)  # type: ignore[attr-defined]
    model_admin = WorkerAdmin(Worker, admin.site)
    form_class = model_admin.get_form(request, worker, change=True)
    shown = form_class(instance=worker)
    data = {
        name: shown[name].value()
        for name in shown.fields
        if name != "is_active" and shown[name].value() not in (None, False)
    }
    form = form_class(data, instance=worker)
    if not form.is_valid():
        raise ValueError(f"the demo could not close {worker}'s account: {form.errors.as_text()}")
    model_admin.save_model(request, form.save(commit=False), form, change=True)
