"""The Level 1 naming rule on a child's peer map (DOMAIN rule 3).

A rule about who sees which names, so it lives with the other sight rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from locus.access.models import Worker
from locus.common import clock
from locus.peers.models import PeerMapPurpose
from locus.people.models import Allocation, Person


@dataclass(frozen=True)
class Naming:
    """Whether a child's peer map names peers, for this viewer (DOMAIN rule 3).

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
    level_one = Allocation.objects.filter(person=person, worker=viewer, end__isnull=True).exists()
    purpose = None
    if level_one:
        purpose = (
            PeerMapPurpose.objects.filter(worker=viewer, person=person, expires_at__gt=clock.now())
            .order_by("-expires_at", "-id")
            .first()
        )
    return Naming(level_one=level_one, purpose=purpose)
