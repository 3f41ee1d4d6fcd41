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
from locus.common.admin import CaseRecordAdmin
from locus.common.clock import today
from locus.incidents.models import Incident
from locus.peers.models import Association, GroupMembership
from locus.people.models import LegalStatusEpisode, Person
from locus.places.models import Enrolment
from tests.common.test_admin_site import form_data
from tests.factories import World, client_for
from tests.mapping.helpers import associate

pytestmark = pytest.mark.django_db

# what: (the record, its field, the world's record a malicious edit points it at, and the
# worker who would then see the world's person)
Case = tuple[Callable[[World], Model], str, str, str, str]
CASES: dict[str, Case] = {
    "an episode's agency": (
        lambda w: LegalStatusEpisode.objects.get(person=w.csc_child),
        *("agency", "police", "police_analyst", "csc_child"),
    ),
    "an enrolment's pupil": (
        lambda w: Enrolment.objects.get(person=w.pupil),
        *("person", "police_child", "school_dsl", "police_child"),
    ),
    "a group member": (
        lambda w: GroupMembership.objects.get(person=w.csc_child),
        *("person", "police_child", "yjs_worker", "police_child"),
    ),
    "an incident's reporting agency": (
        lambda w: w.police_incident,
        *("reporting_agency", "yjs", "yjs_worker", "police_child"),
    ),
    # The home (an address) would be seen through its new resident.
    "a person's home": (lambda w: w.yjs_child, *("home", "home", "police_analyst", "yjs_child")),
}


@pytest.mark.parametrize("what", list(CASES))
def test_the_admin_site_cannot_change_who_sees_a_child(world: World, what: str) -> None:
    record_of, field, value, worker, person = CASES[what]
    record = record_of(world)
    meta = record._meta
    url = f"/admin/{meta.app_label}/{meta.model_name}/{record.pk}/change/"
    client = client_for(world.admin)
    page = client.get(url)
    assert page.status_code == 200  # the administrator reads it
    before = getattr(record, f"{field}_id")
    client.post(url, {**form_data(page), **_inlines(page), field: getattr(world, value).pk})
    record.refresh_from_db()
    assert getattr(record, f"{field}_id") == before
    seen = getattr(world, person).pk
    assert seen not in visible_person_ids(getattr(world, worker), [seen])


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
    "model",
    [LegalStatusEpisode, Enrolment, GroupMembership, Incident, Person, Association],
    ids=lambda m: m.__name__,
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
    association = associate(world, world.csc_child, world.team_child, actor=world.social_worker)
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


def test_the_admin_site_corrects_only_a_persons_details_and_an_associations_wording(
    world: World,
) -> None:
    """Of every record about a child the admin site lists, it writes two: a person's details
    (their fields as the administrator's row allows) and what an association says. Every other
    is written through its service, which checks it and keeps its history."""
    request = RequestFactory().get("/admin/")
    request.user = world.admin
    writable = sorted(
        model.__name__
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, CaseRecordAdmin)
        and (model_admin.has_add_permission(request) or model_admin.has_change_permission(request))
    )
    assert writable == ["Association", "Person"]
