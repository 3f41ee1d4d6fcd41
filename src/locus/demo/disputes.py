"""The demo's disputed accuracy and ended association, added to a generated borough.

Call :func:`add_demo_disputes` after ``generate_borough``. Among ``social.worker``'s children (by
name), the first with a peer she sees disputes that association: "I don't know him", recorded by
her in the child's words, decided "not corrected" by ``team.manager`` with the reason, so the
child's page carries the banner and the tag beside the association for good. The next child's
first open association she may end is ended by her, with a reason, so it shows in the person
page's Ended table and on no map. The last child (another than the first) disputes their whole
record, by email three weeks ago, and it waits for ``team.manager``'s decision, on their My
work with its deadline. Made through the services as the personas; choices follow names,
never ids; safe to call again.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q

from locus.access import policies
from locus.access.models import Worker
from locus.access.selectors import visible_person_ids
from locus.common.clock import today
from locus.demo.caseload import held_by
from locus.peers.models import Association
from locus.peers.services import association_end
from locus.people.models import Person
from locus.rectification.models import About, Dispute, Outcome, ReceivedHow
from locus.rectification.services import dispute_decide, dispute_record

ACCOUNT = (
    "I don't know him. I have never met him and I wasn't at the park that night; "
    "I was at my nan's. Whoever said I was with him has got me mixed up with someone else."
)
REASON = (
    "Two separate police reports, a month apart, place them together at the park, and the "
    "school saw them leave together. The record stays; the child's statement stays with it."
)
WAITING_ACCOUNT = (
    "My mum emailed for me. The record says I am in a gang and I am not. I play football with "
    "some of them, that is all, and I want that put right."
)
END_REASON = "The family moved to Kent in the summer; they have had no contact since."


def _children(worker: Worker) -> list[Person]:
    return list(held_by(worker))


def _open_with_peer(child: Person, seen: set[int], agency_id: int) -> Association | None:
    """The child's first open association (by peer's name) with a known peer in ``seen``,
    recorded in agency ``agency_id`` (whose managers decide a dispute of it)."""
    rows = (
        Association.objects.current()
        .filter(Q(person=child, other__isnull=False) | Q(other=child))
        .filter(recorded_in_team__agency_id=agency_id)
        .select_related("person", "other")
        .order_by("valid_from", "id")
    )
    for a in rows:
        peer = a.other if a.person_id == child.pk else a.person
        if peer is not None and peer.pk in seen:
            return a
    return None


def _told(
    worker: Worker,
    child: Person,
    what: tuple[str, Association | None],
    account: str,
    how: str,
    days_ago: int,
) -> Dispute:
    """``worker`` records the child's dispute of ``what`` (what it is about, and the item), in
    their words, received ``days_ago``."""
    about, item = what
    return dispute_record(
        actor=worker,
        person=child,
        about=about,
        item=item,
        account=account,
        received_how=how,
        received_on=today() - dt.timedelta(days=days_ago),
    )


@transaction.atomic
def add_demo_disputes() -> Dispute | None:
    """The dispute (and the ended association beside it); None when the borough has no place
    for them, or the demo's dispute is there already."""
    worker = Worker.objects.filter(username="social.worker", is_active=True).first()
    manager = Worker.objects.filter(username="team.manager", is_active=True).first()
    if worker is None or manager is None or manager.agency_id is None:
        return None
    if Dispute.objects.filter(recorded_by=worker).exists():
        return None
    children = _children(worker)
    disputed: Dispute | None = None
    for child in children:
        peers = Association.objects.filter(Q(person=child) | Q(other=child))
        ids = {pk for pair in peers.values_list("person_id", "other_id") for pk in pair if pk}
        seen = visible_person_ids(worker, ids - {child.pk})
        found = _open_with_peer(child, seen, manager.agency_id)
        if found is None:
            continue
        disputed = _told(
            worker, child, (About.ASSOCIATION, found), ACCOUNT, ReceivedHow.IN_PERSON, 9
        )
        disputed = dispute_decide(
            actor=manager, dispute=disputed, outcome=Outcome.NOT_CORRECTED, reason=REASON
        )
        break
    for child in children:
        if disputed is not None and child.pk == disputed.person_id:
            continue
        ending = next(
            (
                a
                for a in Association.objects.current()
                .filter(Q(person=child) | Q(other=child))
                .select_related("recorded_by")
                .order_by("valid_from", "id")
                if policies.can_change_association(worker, a)
            ),
            None,
        )
        if ending is not None:
            association_end(
                actor=worker,
                association=ending,
                valid_until=max(ending.valid_from, today() - dt.timedelta(days=60)),
                reason=END_REASON,
            )
            break
    waiting = next(
        (c for c in reversed(children) if disputed is None or c.pk != disputed.person_id), None
    )
    if waiting is not None:
        _told(
            worker, waiting, (About.RECORD, None), WAITING_ACCOUNT, ReceivedHow.REPRESENTATIVE, 20
        )
    return disputed
