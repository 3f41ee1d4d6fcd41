"""Reads the API needs besides the pages' own selectors (which it calls for everything else)."""

from __future__ import annotations

from django.db.models import QuerySet, prefetch_related_objects

from locus.access import api as rules
from locus.access.models import Worker
from locus.api.models import ApiToken
from locus.people import selectors as people
from locus.people.models import Person


def with_open_statuses(person: Person) -> Person:
    """``person`` with ``open_episodes`` as the people list reads them (one query)."""
    prefetch_related_objects([person], people._open_episodes())
    return person


def with_homes(rows: list[Person]) -> list[Person]:
    """Each person's home in one query for the lot (the people list reads none)."""
    prefetch_related_objects(rows, "home")
    return rows


def tokens_of(worker: Worker) -> QuerySet[ApiToken]:
    """The worker's own tokens, newest first: nobody else's, whoever asks."""
    return ApiToken.objects.filter(worker=worker).order_by("-created_at", "-id")


def live_tokens() -> QuerySet[ApiToken]:
    """Every worker's working tokens, for the administrator's list: by worker, newest first.
    The rows carry no secret (none is stored); the page shows no hash."""
    return (
        rules.working_tokens()
        .select_related("worker__team__agency")
        .order_by("worker__last_name", "worker__first_name", "worker_id", "-created_at", "-id")
    )
