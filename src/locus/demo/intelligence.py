"""Demo police intelligence: a restricted incident, kept within the police.

``police.analyst`` records what an informant told the police about a young person whom the
school's safeguarding lead and the social worker see too (the school's pupil, a child of the
social worker's team, where the borough has one), marked restricted: the analyst sees it on
the child's page, the others see the child but not the incident (``access/RULES.md``,
Records other than people). Recorded through the service, as the analyst, so its audit trail
and checks are the app's own. Called by :func:`locus.demo.profiles.add_demo_profiles_and_moves`,
once.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from locus.access import scopes
from locus.access.models import Worker
from locus.common.models import Confidence, Source
from locus.common.services import today
from locus.incidents.models import Incident, IncidentKind
from locus.incidents.services import incident_record
from locus.people.models import Person, PersonKind
from locus.places.models import Context, ContextKind

INTELLIGENCE = (
    "Intelligence from a source: seen being driven from the Lockmead Estate garages by two "
    "older males believed to run a drug line; may be carrying for them. Not to be shared "
    "beyond the police until it is corroborated."
)
WHERE = "Lockmead Estate"
DAYS_AGO = 9


def _seen_by(worker: Worker) -> set[int]:
    people = scopes.people_visible_to(worker, shared=False, break_glass=False)
    return set(people.filter(kind=PersonKind.YOUNG_PERSON).values_list("id", flat=True))


def _child(police: Worker, others: list[Worker]) -> Person | None:
    """The first child by name whom the police may name and every other persona sees (or,
    failing that, one of them)."""
    mine = _seen_by(police)
    theirs = [_seen_by(w) for w in others]
    for ids in (mine.intersection(*theirs), mine & set().union(*theirs)):
        person = (
            Person.objects.filter(id__in=ids).order_by("family_name", "given_name", "id").first()
        )
        if person is not None:
            return person
    return None


def add_police_intelligence(police: Worker, others: list[Worker]) -> Incident | None:
    """The restricted incident about a child ``others`` see; None if the borough has none."""
    child = _child(police, others)
    where = (
        Context.objects.filter(name=WHERE).first()
        or Context.objects.filter(kind=ContextKind.OPEN_SPACE).order_by("name", "id").first()
    )
    if child is None or where is None:
        return None
    day = today() - dt.timedelta(days=DAYS_AGO)
    return incident_record(
        actor=police,
        kind=IncidentKind.CCE,
        occurred_at=timezone.make_aware(dt.datetime.combine(day, dt.time(21, 40))),
        context=where,
        summary=INTELLIGENCE,
        involvements=[(child, "harmed")],
        source=Source.POLICE,
        confidence=Confidence.MEDIUM,
        restricted=True,
    )
