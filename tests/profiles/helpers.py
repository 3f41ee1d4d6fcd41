"""Profile items built through the service, in the ``world`` of tests/factories.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from locus.access.models import Worker
from locus.people.models import Person
from locus.profiles.models import ProfileItem
from locus.profiles.services import profile_item_add
from tests.factories import START


def add_item(actor: Worker, person: Person, **fields: Any) -> ProfileItem:
    fields.setdefault("kind", "aspiration")
    fields.setdefault("text", "I want to be a mechanic like my uncle")
    fields.setdefault("own_words", True)
    fields.setdefault("recorded_on", START + dt.timedelta(days=10))
    return profile_item_add(actor=actor, person=person, **fields)
