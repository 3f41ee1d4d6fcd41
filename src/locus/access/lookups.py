"""Fetch one record for a worker, or 404.

A missing record and one the worker may not see answer the same way, so the
response does not tell anyone that a child is known to another agency.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404

from locus.access import policies, scopes
from locus.access.models import Worker
from locus.common.ids import parse_id
from locus.common.services import permitted
from locus.incidents.models import Incident
from locus.people.models import Person
from locus.places.models import Context

M = TypeVar("M", bound=Model)


def one_or_404(qs: QuerySet[M], pk: object) -> M:
    """The record ``pk`` among ``qs`` (what the worker sees), or 404: missing or not theirs."""
    try:
        return qs.get(pk=parse_id(pk))
    except ObjectDoesNotExist as exc:
        raise Http404("Not found") from exc


def access_person(worker: Worker, person_id: object, *, shared: bool = False) -> Person:
    """A person whose record ``worker`` sees in their own right (break-glass included).

    ``shared=True`` also finds a child seen only through a forum share: for the one page
    that shows what the share carried (``people.views.person_page``). Every other page of
    a person's record (their peers, maps, profile, moves, linked cases) is the record
    itself, which a share does not open: "not found", as for anyone else.
    """
    people = scopes.people_visible_to(worker, shared=shared).select_related("home")
    return one_or_404(people, person_id)


def access_person_to_record(
    worker: Worker,
    person_id: object,
    *,
    rule: Callable[[Worker, Person], bool] = policies.can_record_about_person,
) -> Person:
    """A person ``worker`` sees (``access_person``) and whom ``rule`` lets them change:
    the pages that add to or change a child's record ask this before anything else. By
    default the rule is recording about them (their peers, profile, managed moves); a page
    that changes something else passes its own (their details, address, safety map,
    challenges, allocation). A person the worker may not see is 404 before the rule is
    asked, so a refusal (403) is only ever said about a child they already see.
    """
    person = access_person(worker, person_id)
    permitted(rule, worker, person)
    return person


def access_context(worker: Worker, context_id: object, *, merged: bool = False) -> Context:
    """A context ``worker`` sees, or 404; a merged duplicate only with ``merged=True``."""
    return one_or_404(
        scopes.contexts_visible_to(worker, merged=merged).select_related("responsible_agency"),
        context_id,
    )


def access_group(worker: Worker, group_id: object) -> Context:
    return one_or_404(
        scopes.groups_visible_to(worker).select_related("responsible_agency"), group_id
    )


def sees_context_lastingly(worker: Worker, context: Context) -> bool:
    """Whether ``worker`` sees ``context`` otherwise than through emergency access: what
    names a place for good (a referral) must not keep one seen for four hours."""
    with scopes.lasting_sight_only():
        return policies.can_view_context(worker, context)


def sees_group_lastingly(worker: Worker, group: Context) -> bool:
    """Whether ``worker`` sees ``group`` otherwise than through emergency access: what a
    print or a file may keep outlasts the emergency."""
    with scopes.lasting_sight_only():
        return scopes.groups_visible_to(worker).filter(pk=group.pk).exists()


def access_incident(worker: Worker, incident_id: object) -> Incident:
    return one_or_404(
        scopes.incidents_visible_to(worker).select_related("context", "reporting_agency"),
        incident_id,
    )
