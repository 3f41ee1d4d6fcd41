"""Demo safety maps and context weightings, so that a child's page and the area picture
have something to show.

Call :func:`add_demo_safety_maps` after the borough and the other demo additions. The
first children (by name) held by a practitioner or manager each have three safety mapping
sessions over four months, recorded through the services as the worker holding them, in
synthetic words: the first place (a park or shopping centre) is marked by every one of
them, so the area picture shows its numbers; the second by a few, so their cells are
withheld; the third by a mix, so one small cell hides a second. One described place
("the alley behind the chicken shop") is counted by postcode sector. The first three
children have a context weighting, weighted again later.

Choices follow names, never ids. Safe to call again: it adds nothing if maps are there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from locus.access.models import Role
from locus.common.services import today
from locus.people.models import Allocation, PersonKind
from locus.places.models import Context, ContextKind
from locus.safety.models import MapSession, MarkedPlace, Weighting
from locus.safety.services import Mark, mark_places, session_record, weighting_record

CHILDREN = 16
SESSIONS_DAYS_AGO = (120, 60, 5)
FEW = 3  # children marking the second place: fewer than the area picture's threshold
WORDS = {
    "red": "Older boys hang around there and ask me to hold things for them.",
    "amber": "It is all right in the day, but I do not like it when it gets dark.",
    "green": "My youth worker is there and I know the staff.",
}
WHEN = {"red": "After school and at weekends", "amber": "Evenings", "green": "Tuesdays"}
WITH = {"red": "Friends from the estate", "amber": "On my own", "green": "My cousin"}


@dataclass
class SafetyStory:
    sessions: list[MapSession] = field(default_factory=list)
    marks: list[MarkedPlace] = field(default_factory=list)
    weightings: list[Weighting] = field(default_factory=list)


def _places() -> list[Context]:
    kinds = (ContextKind.OPEN_SPACE, ContextKind.RETAIL, ContextKind.FOOD_OUTLET)
    places = Context.objects.filter(kind__in=kinds, merge__isnull=True).order_by("name", "id")
    return list(places[:3])


def _rating(child: int, session: int, place: int) -> str:
    """Deterministic ratings that change over time: the first place turns safer."""
    if place == 0:
        return "red" if session < 2 else ("green" if child % 4 == 0 else "red")
    if place == 2:
        return "amber" if child % 5 == 0 else "green"
    return "red"


def _said(rating: str, place: Context) -> Mark:
    """What the child said of a place they rated so."""
    return Mark(
        rating=rating, context=place, when=WHEN[rating], with_whom=WITH[rating], why=WORDS[rating]
    )


@transaction.atomic
def add_demo_safety_maps() -> SafetyStory:
    story = SafetyStory()
    places = _places()
    if MapSession.objects.exists() or len(places) < 3:
        return story
    held = (
        Allocation.objects.current()
        .filter(
            person__kind=PersonKind.YOUNG_PERSON,
            worker__is_active=True,
            worker__role__in=(Role.PRACTITIONER, Role.MANAGER),
        )
        .select_related("person", "worker")
        .order_by("person__family_name", "person__given_name", "person_id")
    )
    seen: set[int] = set()
    for a in held:
        if a.person_id in seen or len(seen) >= CHILDREN:
            continue
        dob = a.person.date_of_birth
        if dob is not None and dob > today() - dt.timedelta(days=max(SESSIONS_DAYS_AGO)):
            continue
        seen.add(a.person_id)
        n = len(seen) - 1
        for s_index, days in enumerate(SESSIONS_DAYS_AGO):
            session = session_record(
                actor=a.worker,
                person=a.person,
                held_on=today() - dt.timedelta(days=days),
                present=f"{a.person.given_name} and {a.worker.get_full_name()}",
                note="Used the map cards at the youth club." if s_index == 0 else "",
            )
            story.sessions.append(session)
            marked = [0, 2] + ([1] if n < FEW else [])
            marks: list[Mark] = [_said(_rating(n, s_index, p), places[p]) for p in marked]
            if n % 3 == 0:
                marks.append(
                    {
                        "rating": "red",
                        "description": "The alley behind the chicken shop",
                        "postcode": places[0].postcode,
                        "when": "After dark",
                        "why": "People sell things there and shout at you.",
                    }
                )
            # A session's marks together: the worker's right to record them asked once.
            story.marks += mark_places(actor=a.worker, session=session, marks=marks)
        if n < 3:
            for days, order in ((90, (0, 1, 2)), (10, (2, 0, 1))):
                story.weightings.append(
                    weighting_record(
                        actor=a.worker,
                        person=a.person,
                        decided_on=today() - dt.timedelta(days=days),
                        items=[
                            (places[i], f"Marked in the child's safety map ({i + 1})")
                            for i in order
                        ],
                    )
                )
    return story
