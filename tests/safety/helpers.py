"""Building safety maps for the tests, through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from locus.access.models import Worker
from locus.common.services import today
from locus.people.models import Person
from locus.safety.models import MapSession, MarkedPlace
from locus.safety.services import mark_place, session_record


def days_ago(n: int) -> dt.date:
    return today() - dt.timedelta(days=n)


def session(actor: Worker, person: Person, *, held_on: dt.date | None = None) -> MapSession:
    return session_record(
        actor=actor,
        person=person,
        held_on=held_on or days_ago(3),
        present="The child and their youth worker",
    )


def mark(actor: Worker, on: MapSession, rating: str = "red", **fields: Any) -> MarkedPlace:
    if "context" not in fields:
        fields.setdefault("description", "The alley behind the chicken shop")
    fields.setdefault("why", "Older boys wait there and ask me to carry things")
    return mark_place(actor=actor, session=on, rating=rating, **fields)
