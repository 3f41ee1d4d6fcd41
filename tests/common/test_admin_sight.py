"""The admin site changes nobody's sight of a child: the records that decide who sees a person
(a legal-status episode and its agency, an enrolment at a school, a peer group membership, an
incident's reporting agency, a person's home) are written only through their services, which
check the change and ask the reason for an ending. The admin reads them, logged."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib import admin
from django.db.models import Model
from django.test import RequestFactory

from locus.access.selectors import visible_person_ids
from locus.common.clock import today
from locus.incidents.models import Incident
from locus.peers.models import GroupMembership
from locus.peers.services import association_record
from locus.people.models import LegalStatusEpisode, Person
from locus.places.models import Enrolment
from tests.common.test_admin_site import form_data
from tests.factories import START, World, client_for

pytestmark = pytest.mark.django_db

# (what, the record, the field, the value a malicious edit gives it, who would then see whom)
Case = tuple[
    Callable[[World], Model], str, Callable[[World], Any], Callable[[World], tuple[Any, Person]]
]
CASES: dict[str, Case] = {
    "an episode's agency": (
        lambda w: LegalStatusEpisode.objects.get(person=w.csc_child),
        "agency",
        lambda w: w.police.pk,
        lambda w: (w.police_analyst, w.csc_child),
    ),
    "an enrolment's pupil": (
        lambda w: Enrolment.objects.get(person=w.pupil),
        "person",
        lambda w: w.police_child.pk,
        lambda w: (w.school_dsl, w.police_child),
    ),
    "a group member": (
        lambda w: GroupMembership.objects.get(person=w.csc_child),
        "person",
        lambda w: w.police_child.pk,
        lambda w: (w.yjs_worker, w.police_child),
    ),
    "an incident's reporting agency": (
        lambda w: w.police_incident,
        "reporting_agency",
        lambda w: w.yjs.pk,
        lambda w: (w.yjs_worker, w.police_child),
    ),
    "a person's home": (  # the home (its address) is then seen through its resident
        lambda w: w.yjs_child,
        "home",
        lambda w: w.home.pk,
        lambda w: (w.police_analyst, w.yjs_child),
    ),
}


@pytest.mark.parametrize("what", list(CASES))
def test_the_admin_site_cannot_change_who_sees_a_child(world: World, what: str) -> None:
    record_of, field, value_of, pair_of = CASES[what]
    record = record_of(world)
    meta = record._meta
    url = f"/admin/{meta.app_label}/{meta.model_name}/{record.pk}/change/"
    client = client_for(world.admin)
    page = client.get(url)
    assert page.status_code == 200  # the administrator reads it
    before = getattr(record, f"{field}_id")
    client.post(url, {**form_data(page), **_inlines(page), field: value_of(world)})
    record.refresh_from_db()
    assert getattr(record, f"{field}_id") == before
    worker, person = pair_of(world)
    assert person.pk not in visible_person_ids(worker, [person.pk])


def _inlines(page: Any) -> dict[str, Any]:
    """What the page's inline forms (an incident's involvements) post back unchanged: without
    them the admin would refuse the post whatever it allowed."""
    data: dict[str, Any] = {}
    for inline in page.context.get("inline_admin_formsets", []):
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[f"{formset.prefix}-{name}"] = management[name].value()
        for form in formset.forms:
            for name in form.fields:
                value = form[name].value()
                data[form.add_prefix(name)] = "" if value is None else value
    return data


@pytest.mark.parametrize(
    "model", [LegalStatusEpisode, Enrolment, GroupMembership, Incident], ids=lambda m: m.__name__
)
def test_the_admin_site_adds_none_of_the_records_that_show_a_child(
    world: World, model: type[Model]
) -> None:
    meta = model._meta
    page = client_for(world.admin).get(f"/admin/{meta.app_label}/{meta.model_name}/add/")
    assert page.status_code == 404  # the site answers a refused page as a missing one


def test_the_admin_site_neither_ends_an_association_nor_rewrites_its_provenance(
    world: World,
) -> None:
    """A relationship someone else recorded is ended with a reason on file (peers.services),
    and who recorded it, from what source and how sure they were is what it was: the admin
    may correct what it says (the relationship, the places), not end it or re-attribute it."""
    association = association_record(
        actor=world.social_worker,
        person=world.csc_child,
        other=world.team_child,
        relationship="friend",
        nature="risk",
        source="professional",
        confidence="medium",
        valid_from=START,
    )
    url = f"/admin/peers/association/{association.pk}/change/"
    client = client_for(world.admin)
    page = client.get(url)
    posted = {
        **form_data(page),
        "valid_until": today().isoformat(),  # ended, with no reason
        "source": "young_person",
        "confidence": "high",
        "recorded_by": world.police_analyst.pk,
        "other": world.police_child.pk,
        "relationship": "sibling",  # what it says: still the admin's to correct
    }
    assert client.post(url, posted).status_code == 302
    association.refresh_from_db()
    assert (
        association.valid_until,
        association.source,
        association.confidence,
        association.recorded_by_id,
        association.other_id,
        association.relationship,
    ) == (None, "professional", "medium", world.social_worker.pk, world.team_child.pk, "sibling")


# The meeting records of the three forums: the panels and mapping meetings decide who sees
# which child (their lists, agendas, agreements) and keep each action's history.
FORUM_APPS = ("casework", "panels", "cocase")


def test_the_admin_site_writes_none_of_the_forums_records(world: World) -> None:
    request = RequestFactory().get("/admin/")
    request.user = world.admin
    forum_admins = [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in FORUM_APPS
    ]
    assert {m._meta.app_label for m, _ in forum_admins} == set(FORUM_APPS)
    writable = [
        model.__name__
        for model, model_admin in forum_admins
        if model_admin.has_add_permission(request) or model_admin.has_change_permission(request)
    ]
    # Reference data the forums read, not records of them: the administrator's to keep.
    assert sorted(writable) == ["AssessmentTemplate", "ThresholdLevel"]
