"""Reminders of what falls due: a context plan's review, a plan's or a panel's action, a
mapping meeting's intervention, a panel's review. Time makes these, not a write, so they
are sent by ``locus notify-due`` (run daily by a scheduler; the demo runs it as it starts).

Each is sent once for its record, kind and due date, however often the reminders run
(and again if the date moves). The words name the kind of thing and the date, never a
child (a context plan's action: its plan's place only where its owner may see the case,
never its own words, ``casework.selectors.action_told``); the link opens the record's page
through its own access check. A reminder goes only to a worker who still works cases: an
owner, lead or chair made the information governance lead or the IT administrator since is
refused by the page it would link to (and by My work), so they are not sent there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.urls import reverse

from locus.access.context_cases import works_cases
from locus.access.models import Worker
from locus.access.services import system_worker
from locus.audit.services import record_type_of
from locus.casework.models import OPEN_CASE_STATUSES, PlanAction, PlanReview, ReviewStatus
from locus.casework.selectors import (
    LIVE_PLANS,
    PANEL_REVIEW_NOTICE,
    action_told,
    case_url,
    own_action_url,
)
from locus.common import clock
from locus.forums.models import FINISHED_ACTION_STATUSES
from locus.mapping.models import Intervention
from locus.notifications.models import Notification, NotificationKind
from locus.notifications.services import notify, on_day
from locus.panels.models import PanelAction, PanelKind, PanelMeeting, PanelStatus

# How long before its date a reminder is sent (and every overdue one not yet sent).
NOTICE = dt.timedelta(days=7)


@dataclass(frozen=True)
class Reminder:
    recipient: Worker
    kind: str
    about: models.Model
    url: str
    text: str
    due_on: dt.date

    @property
    def key(self) -> tuple[int, str, str, int, dt.date]:
        return (
            self.recipient.pk,
            self.kind,
            record_type_of(self.about),
            self.about.pk,
            self.due_on,
        )


def _open_actions(model: type[Any], by: dt.date, **where: Any) -> Any:
    return (
        model.objects.filter(owner__isnull=False, due_on__lte=by, **where)
        .exclude(status__in=FINISHED_ACTION_STATUSES)
        .select_related("owner")
    )


def _actions(
    rows: Iterable[Any], what: str | Callable[[Any], str], url: Callable[[Any], str]
) -> Iterator[Reminder]:
    """``what``: the words for every row ("An action from a panel"), or for each (a context
    plan's action, named to its owner as far as they may see it)."""
    for row in rows:
        words = what(row) if callable(what) else what
        yield Reminder(
            row.owner,
            NotificationKind.ACTION_DUE,
            row,
            url(row),
            f"{words} is due on {on_day(row.due_on)}",
            row.due_on,
        )


def due_reminders(today: dt.date) -> Iterator[Reminder]:
    """Every reminder that is due now (sent or not): one query per kind of record."""
    by = today + NOTICE
    reviews = PlanReview.objects.filter(
        status=ReviewStatus.DUE,
        due_on__lte=by,
        plan__case__status__in=OPEN_CASE_STATUSES,
        plan__case__lead__isnull=False,
    ).select_related("plan__case__lead")
    for review in reviews:
        yield Reminder(
            review.plan.case.lead,
            NotificationKind.REVIEW_DUE,
            review,
            case_url(review.plan.case_id, "review/"),
            f"A context plan review is due on {on_day(review.due_on)}",
            review.due_on,
        )
    yield from _actions(
        _open_actions(PlanAction, by, plan__status__in=LIVE_PLANS).select_related("plan"),
        # Which action and plan, as far as its owner may see them (a query an action).
        lambda a: action_told(a, a.owner),
        # Its own page: the owner may not see the case (the page links the plan if they do).
        lambda a: own_action_url(a.pk),
    )
    yield from _actions(
        _open_actions(PanelAction, by, plan_action__isnull=True, meeting__status=PanelStatus.HELD),
        "An action from a panel",
        lambda a: reverse("panel", args=[a.meeting_id]),
    )
    yield from _actions(
        _open_actions(Intervention, by),
        "An intervention from a mapping meeting",
        lambda i: reverse("meeting", args=[i.meeting_id]),
    )
    panels = PanelMeeting.objects.filter(
        status=PanelStatus.HELD, review_on__lte=today + PANEL_REVIEW_NOTICE
    ).select_related("chair")
    for panel in panels:
        label = PanelKind(panel.kind).label
        yield Reminder(
            panel.chair,
            NotificationKind.REVIEW_DUE,
            panel,
            reverse("panel", args=[panel.pk]),
            f"The {label}'s review is due on {on_day(panel.review_on)}",
            panel.review_on,
        )


@transaction.atomic
def send_due_reminders(today: dt.date | None = None) -> int:
    """Send the reminders due today not sent before; how many were sent."""
    today = today or clock.today()
    due = list(due_reminders(today))
    # Those already sent, among the reminders for the same dates (one query).
    sent = set(
        Notification.objects.filter(due_on__in={r.due_on for r in due}).values_list(
            "recipient_id", "kind", "record_type", "record_id", "due_on"
        )
    )
    actor = system_worker()
    count = 0
    for reminder in due:
        if reminder.key in sent or not works_cases(reminder.recipient):
            continue
        sent.add(reminder.key)
        made = notify(
            reminder.recipient,
            reminder.kind,
            actor=actor,
            about=reminder.about,
            url=reminder.url,
            text=reminder.text,
            due_on=reminder.due_on,
        )
        count += made is not None
    return count
