"""The synthetic borough: invented young people on the real postcodes of Hackney.

``generate_borough`` builds, in order: agencies, teams and workers; schools,
homes and public places; young people and adults of concern; school rolls;
legal-status episodes and caseloads; peer groups; associations; incidents.
Each step is a module of ``locus.demo.steps``; this module runs them in order
and keeps what callers use (the summary, the demo accounts).

Rules it keeps:

* **Deterministic.** Every choice comes from ``random.Random(seed)`` over
  ordered lists (never sets, never database ids), and dates are offsets from
  today as ``locus.common.clock`` reads it (``Summary.day``), so one seed and
  one size give the same borough (names, dates, relations) on every run on the
  same day, and under a stopped clock whatever the time.
* **Same rules as the services.** Small things (agencies, teams, workers) go
  through ``locus.access.services``. The bulk rows are checked with the
  services' own validation functions (``validate_person``, ``validate_context``,
  ``validate_episode``, ``validate_provenance``, ``validate_association``,
  ``validate_incident``) before they are written in bulk, and every created row
  gets its ``ChangeEvent``, all in one transaction: the largest (homes, people,
  associations, incidents and who was involved) as plain values
  (``locus.common.bulk.insert_values``, audited by ``record_created_values``),
  the rest as model instances (``bulk_insert``, audited by ``record_creations``).
* **Synthetic.** Every person is invented. Only the postcodes are real.
* **No risk scores.** The generator uses a hidden "exposure" level to make the
  data hang together (children exposed to harm outside the home are more often
  open to services, in groups around hot places and in incidents). It is never
  stored: Locus does not score children.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from django.db import transaction

from locus.access.models import Agency, Team, Worker
from locus.audit.models import ChangeEvent
from locus.demo import borough
from locus.demo.accounts import DEMO_ACCOUNTS, DEMO_USERNAMES, DemoAccount, ensure_demo_accounts
from locus.demo.steps.associations import Associations
from locus.demo.steps.base import Progress
from locus.demo.steps.caseloads import Caseloads
from locus.demo.steps.groups import PeerGroups
from locus.demo.steps.incidents import Incidents
from locus.demo.steps.people import People
from locus.demo.steps.places import Places
from locus.demo.steps.school_rolls import SchoolRolls
from locus.incidents.models import Incident, Involvement
from locus.peers.models import Association, GroupMembership
from locus.people.models import Allocation, LegalStatusEpisode, Person, PersonKind
from locus.places.models import Context, ContextKind, Enrolment

__all__ = [
    "DEMO_ACCOUNTS",
    "DEMO_USERNAMES",
    "STEPS",
    "DemoAccount",
    "Progress",
    "Summary",
    "borough_exists",
    "borough_summary",
    "ensure_demo_accounts",
    "generate_borough",
]

STEPS = (
    "organisations",
    "places",
    "people",
    "school rolls",
    "casework",
    "peer groups",
    "associations",
    "incidents",
)


# ---------------------------------------------------------------------------
# Summary


@dataclass
class Summary:
    """What the borough holds. ``created`` is False when it already existed."""

    created: bool
    seconds: float
    counts: dict[str, int]
    seed: int | None = None
    # The day the borough was made as of (ages and dates count from it, as the clock read
    # it when the generator started); None when the borough was there already.
    day: dt.date | None = None

    def lines(self) -> list[str]:
        return [f"{label}: {count:,}" for label, count in self.counts.items()]


def borough_exists() -> bool:
    return Agency.objects.filter(name=borough.CSC_NAME).exists()


def borough_summary(
    *,
    created: bool = False,
    seconds: float = 0.0,
    seed: int | None = None,
    day: dt.date | None = None,
) -> Summary:
    people = Person.objects.all()
    contexts = Context.objects.all()
    counts = {
        "agencies": Agency.objects.count(),
        "teams": Team.objects.count(),
        "workers": Worker.objects.count(),
        "young people": people.filter(kind=PersonKind.YOUNG_PERSON).count(),
        "adults of concern": people.filter(kind=PersonKind.ADULT_OF_CONCERN).count(),
        "schools": contexts.filter(kind=ContextKind.SCHOOL).count(),
        "homes": contexts.filter(kind=ContextKind.HOME).count(),
        "public places": contexts.exclude(
            kind__in=[ContextKind.SCHOOL, ContextKind.HOME, ContextKind.PEER_GROUP]
        ).count(),
        "peer groups": contexts.filter(kind=ContextKind.PEER_GROUP).count(),
        "enrolments": Enrolment.objects.count(),
        "legal-status episodes": LegalStatusEpisode.objects.count(),
        "open episodes": LegalStatusEpisode.objects.current().count(),
        "allocations": Allocation.objects.count(),
        "open allocations": Allocation.objects.current().count(),
        "group memberships": GroupMembership.objects.count(),
        "associations": Association.objects.count(),
        "incidents": Incident.objects.count(),
        "involvements": Involvement.objects.count(),
        "change events": ChangeEvent.objects.count(),
    }
    return Summary(created=created, seconds=seconds, counts=counts, seed=seed, day=day)


def generate_borough(
    *, seed: int = 2016, people: int = 5000, progress: Progress | None = None
) -> Summary:
    """Generate the synthetic borough, unless one is there already.

    Parameters: ``seed`` fixes every choice; ``people`` is the number of young
    people; ``progress(step, done, total)`` is called as the work proceeds.
    """
    if people < 20:
        raise ValueError("a borough needs at least 20 young people")
    if borough_exists():
        return borough_summary(created=False)
    started = time.perf_counter()
    with transaction.atomic():
        if borough_exists():  # another process won the race
            return borough_summary(created=False)
        generator = _Generator(seed=seed, size=people, progress=progress)
        generator.run()
    return borough_summary(
        created=True, seconds=time.perf_counter() - started, seed=seed, day=generator.today
    )


class _Generator(Places, People, SchoolRolls, Caseloads, PeerGroups, Associations, Incidents):
    """The borough's steps (one module each, in ``locus.demo.steps``), run in order."""

    def run(self) -> None:
        self.make_organisations()
        self.make_places()
        self.make_people()
        self.make_school_rolls()
        self.make_casework()
        self.make_groups()
        self.make_associations()
        self.make_incidents()
