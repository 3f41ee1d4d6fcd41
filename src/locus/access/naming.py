"""How a person is named to a viewer: the Level 1 naming rule on a child's peer map
(docs/domain.md#naming), and the one way of showing someone the viewer may not see.

Rules about who sees which names, so they live with the other sight rules. Every page,
export and API answer that shows a person the viewer may not see asks :func:`unseen_label`
(through :func:`person_label`, or in a template the ``unseen_person`` and ``unseen_count``
tags), and every page that says who holds a case asks :func:`holder_text`, so the wording
cannot drift from page to page. A *field* the viewer's role may not see is another matter,
with its own words (``access.fields.WITHHELD``, "Not shared with your role").
"""

from __future__ import annotations

from dataclasses import dataclass

from locus.access import provisioning
from locus.access.models import Team, Worker
from locus.common import clock
from locus.peers.models import PeerMapPurpose
from locus.people.models import Allocation, Person, PersonKind

NOT_SHARED = "not shared with you"
"""The words for a person the viewer may not see (:func:`unseen_label`), and for nothing else."""

PLACE_WITHHELD = "A home: its address is not shared with your role"
"""Where an incident happened, to a reader who may not see the home it happened at
(``scopes.contexts_visible_to``): that it was a home, never which."""

UNALLOCATED = "not allocated to a worker"
"""Who holds a case nobody holds."""


def unseen_label(
    who: Person | str | None = None, *, child: bool | None = None, held_by: str = ""
) -> str:
    """How a person the viewer may not see is shown: the one function that decides it.

    "A child not shared with you" ("A person not shared with you" for an adult, or where
    the page cannot tell), never the name. ``who`` is the person (their initials, and whether
    a child, come from the record) or, on a page that shows initials, the initials alone:
    "OO (a child not shared with you)". ``held_by`` (:func:`held_by`) tells whom to ask:
    "A child not shared with you, held by Sam Okafor, Team A, Children's Social Care" (or
    "..., not allocated to a worker").
    """
    initials = ""
    if isinstance(who, Person):
        initials = who.initials
        child = who.kind == PersonKind.YOUNG_PERSON if child is None else child
    elif who:
        initials = who
    words = f"{'a child' if child else 'a person'} {NOT_SHARED}"
    if held_by:
        words = f"{words}, {held_by if held_by == UNALLOCATED else f'held by {held_by}'}"
    return f"{initials} ({words})" if initials else words[0].upper() + words[1:]


def unseen_count(count: int, *, child: bool = True) -> str:
    """Several people the viewer may not see, counted in :func:`unseen_label`'s words:
    "2 children not shared with you", "1 person not shared with you"."""
    one, many = ("child", "children") if child else ("person", "people")
    return f"{count} {one if count == 1 else many} {NOT_SHARED}"


def unseen_others(count: int, *, after_named: bool, child: bool = False) -> str:
    """The people the viewer may not see among several, as one phrase (:func:`unseen_count`'s
    words) rather than once a person: "and 3 people not shared with you" after those named,
    "2 people not shared with you" when nobody is; "" for none. ``child=False`` (the default)
    where the list may hold adults too, so the words do not say which."""
    if count <= 0:
        return ""
    words = unseen_count(count, child=child)
    return f"and {words}" if after_named else words


def person_label(person: Person, *, visible: bool, child: bool | None = None) -> str:
    """A person as ``visible`` allows: the full name, or :func:`unseen_label` (their initials;
    ``child=False`` where the list may hold adults too, so the words do not say which)."""
    return person.full_name if visible else unseen_label(person, child=child)


def present_label(text: str, worker: Worker) -> str:
    """How an attendance list (a conference's, a case note's) offers ``worker``, named by
    ``text``: with ``provisioning.AWAITING_NOTE`` while their access waits, so the recorder
    knows that recording them present gives them nothing to see."""
    note = provisioning.awaiting_note(worker)
    return f"{text} {note}" if note else text


def holder_text(worker: Worker | None, team: Team | None = None) -> str:
    """Who holds a case, as "Sam Okafor, Team A, Children's Social Care"; "" for nobody.

    This is what a viewer who may not see a child is told instead of the child's name, so
    they know whom to ask: the worker and their team (the allocation's team when given,
    else the worker's own), never the child.
    """
    if worker is None:
        return ""
    team = team or worker.team
    return f"{worker}, {team.name}, {team.agency.name}" if team is not None else str(worker)


def held_by(worker: Worker | None, team: Team | None = None) -> str:
    """:func:`holder_text`, saying so when nobody holds the case."""
    return holder_text(worker, team) or UNALLOCATED


@dataclass(frozen=True)
class Naming:
    """Whether a child's peer map names peers, for this viewer (docs/domain.md#naming).

    Workers doing Level 1 casework with the child (allocated to them) see peers by
    initials until they record a purpose; everyone else's view follows their scope.
    Either way, a peer the viewer may not see is shown by initials only.
    """

    level_one: bool
    purpose: PeerMapPurpose | None

    @property
    def names_shown(self) -> bool:
        return not self.level_one or self.purpose is not None

    @property
    def audit_purpose(self) -> str:
        if self.purpose is None:
            return ""
        return f"{self.purpose.get_purpose_display()}: {self.purpose.reason}"


def naming_for(*, viewer: Worker, person: Person) -> Naming:
    level_one = Allocation.objects.current().filter(person=person, worker=viewer).exists()
    purpose = None
    if level_one:
        purpose = (
            PeerMapPurpose.objects.filter(worker=viewer, person=person, expires_at__gt=clock.now())
            .order_by("-expires_at", "-id")
            .first()
        )
    return Naming(level_one=level_one, purpose=purpose)
