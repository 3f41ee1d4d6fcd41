"""Demo hotspots, added to a generated borough: one new, one fading.

Call :func:`add_demo_hotspots` after ``generate_borough``. Two quiet public places of the demo
borough get believable incidents that make hotspots the pages find (``places.selectors_hotspots``):

* **Wick Green** (new): a small group of young people has started gathering there in the
  evenings; fights and a robbery in the last three weeks, nothing before.
* **Haggerfield Park** (fading): fights and intimidation most weeks until two months ago;
  since the park's lighting was fixed and wardens began evening patrols, none.

Each incident is reported by the police, involves a young person of the borough, and is
checked by the same validation the service applies (as the generator's incidents are). Safe
to call again: a borough that has them already is left alone.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from locus.access.models import Agency, AgencyKind, Worker
from locus.common import clock
from locus.common.models import Confidence, Source
from locus.demo.steps.base import _raise
from locus.incidents.models import Incident, IncidentKind, Involvement, InvolvementRole
from locus.incidents.services import validate_incident
from locus.people.models import Person, PersonKind
from locus.places.models import Context

NEW_PLACE = "Wick Green"
FADING_PLACE = "Haggerfield Park"
# Days ago of each incident: the new one's in the last three weeks, the fading one's in the
# ten weeks before the last five.
_NEW_DAYS = (1, 2, 3, 5, 6, 8, 9, 10, 12, 13, 15, 16, 17, 19, 20)
_FADING_DAYS = tuple(range(36, 84, 2))
_SUMMARIES = (
    (IncidentKind.PEER_PHYSICAL, "Fight between young people at {place}; dispersed by police."),
    (IncidentKind.ROBBERY, "Young person's phone taken by a group at {place}."),
    (IncidentKind.SERIOUS_YOUTH_VIOLENCE, "Young person threatened with a knife at {place}."),
    (IncidentKind.BULLYING, "Group intimidating younger children at {place} after school."),
)


def add_demo_hotspots() -> int:
    """Plant the two demo hotspots' incidents; how many were added (0 when the borough has
    no such places, no police, or has them already)."""
    police = Agency.objects.filter(kind=AgencyKind.POLICE).order_by("id").first()
    recorder = Worker.objects.filter(team__agency=police, is_active=True).order_by("id").first()
    places = {c.name: c for c in Context.objects.filter(name__in=[NEW_PLACE, FADING_PLACE])}
    young = list(
        Person.objects.filter(kind=PersonKind.YOUNG_PERSON)
        .order_by("id")
        .values_list("id", flat=True)
    )
    if police is None or recorder is None or len(places) < 2 or len(young) < 8:
        return 0
    planted = [text.format(place=places[NEW_PLACE].name) for _, text in _SUMMARIES]
    if Incident.objects.filter(context=places[NEW_PLACE], summary__in=planted).exists():
        return 0
    rng = random.Random(2016)
    now = clock.now()
    added = 0
    for name, days in ((NEW_PLACE, _NEW_DAYS), (FADING_PLACE, _FADING_DAYS)):
        place = places[name]
        group = Person.objects.filter(id__in=rng.sample(young, 4))
        for ago in days:
            kind, summary = _SUMMARIES[rng.randrange(len(_SUMMARIES))]
            when = (now - dt.timedelta(days=ago)).replace(
                hour=rng.choice((16, 17, 19, 20, 21)), minute=rng.choice((5, 20, 40))
            )
            people = [(rng.choice(list(group)), InvolvementRole.HARMED)]
            fields: dict[str, Any] = {
                "kind": kind,
                "occurred_at": when,
                "context": place,
                "summary": summary.format(place=place.name),
                "source": Source.POLICE,
                "confidence": Confidence.HIGH,
            }
            _raise(validate_incident(**fields, involvements=people), "incident")
            incident = Incident.objects.create(
                **fields,
                reporting_agency=police,
                recorded_by=recorder,
                recorded_at=min(when + dt.timedelta(hours=rng.randint(1, 48)), now),
            )
            Involvement.objects.bulk_create(
                [Involvement(incident=incident, person=p, role=r) for p, r in people]
            )
            added += 1
    return added
