"""A notice that a context plan's action is the worker's, or falls due, says which plan, by its
place, only where the owner may see the case and is told of its place; never a home's address,
to anyone (a notice outlasts the owner's sight of the case), and never the action's own words,
which may name a child."""

from __future__ import annotations

import datetime as dt

from locus.common.clock import today
from locus.notifications.models import NotificationKind
from locus.notifications.reminders import send_due_reminders
from tests.casework.helpers import add_action, home_plan
from tests.factories import World
from tests.notifications.helpers import new_notifications

WORDS = "Visit the family with the youth worker and agree who collects him after school"


def test_an_actions_notices_name_the_action_and_the_plan_as_far_as_the_owner_sees(
    world: World,
) -> None:
    plan = home_plan(world)
    address = plan.case.context.name
    due = today() + dt.timedelta(days=3)
    with new_notifications() as made:
        add_action(
            world, plan, owner=world.teammate, agency=world.csc, description=WORDS, due_on=due
        )
        add_action(
            world, plan, owner=world.yjs_worker, agency=world.yjs, description=WORDS, due_on=due
        )
    cut = "An action"
    told = {n.recipient_id: n.text for n in made}
    # The teammate sees the family's case, and is still not given its address: the notice
    # stays in their list after they no longer see the case.
    assert told[world.teammate.pk] == f"{cut} on a context plan is yours, due by " + (
        f"{due.day} {due:%B %Y}"
    )
    # Youth justice is not told the home's address: the plan is "a context plan".
    assert told[world.yjs_worker.pk].startswith(f"{cut} on a context plan is yours")
    assert address not in told[world.yjs_worker.pk]
    assert not any("collects him" in text for text in told.values())
    # A reminder as it falls due says the same.
    with new_notifications() as reminded:
        send_due_reminders(today())
    due_words = {n.recipient_id: n.text for n in reminded if n.kind == NotificationKind.ACTION_DUE}
    assert due_words[world.teammate.pk].startswith(f"{cut} on a context plan is due on")
    assert not any(address in text for text in due_words.values())
    assert due_words[world.yjs_worker.pk].startswith(f"{cut} on a context plan is due on")
