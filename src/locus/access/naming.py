"""How a person is named to a viewer: the Level 1 naming rule on a child's peer map
(docs/domain.md#naming), and the one way of showing someone the viewer may not see.

Rules about who sees which names, so they live with the other sight rules. Every page
that shows a person the viewer may not see asks :func:`person_label` (or, for a
template, the ``not_in_scope`` tag), and every page that says who holds a case asks
:func:`holder_text`, so the wording cannot drift from page to page.
"""

from __future__ import annotations

from dataclasses import dataclass

from locus.access.models import Team, Worker
from locus.common import clock
from locus.peers.models import PeerMapPurpose
from locus.people.models import Allocation, Person

NOT_IN_SCOPE = "not in your scope"
"""The one wording for a person the viewer may not see (beside their initials)."""

PLACE_WITHHELD = "A home: its address is not shared with your role"
"""Where an incident happened, to a reader who may not see the home it happened at
(``scopes.contexts_visible_to``): that it was a home, never which."""

UNALLOCATED = "not allocated to a worker"
"""Who holds a case nobody holds."""


def out_of_scope(initials: str) -> str:
    """A person the viewer may not see: their initials and why there is no name, never the name."""
    return f"{initials} ({NOT_IN_SCOPE})"


def person_label(person: Person, *, visible: bool) -> str:
    """A person as ``visible`` allows: the full name, or :func:`out_of_scope`."""
    return person.full_name if visible else out_of_scope(person.initials)


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
