"""The admin site changes nobody's sight of a child: the records that decide who sees a person
(a legal-status episode and its agency, an enrolment at a school, a peer group membership, an
incident's reporting agency, a person's home) are written only through their services, which
check the change and ask the reason for an ending. The admin reads them, logged."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import Model

from locus.access.selectors import visible_person_ids
from locus.incidents.models import Incident
from locus.peers.models import GroupMembership
from locus.people.models import LegalStatusEpisode, Person
from locus.places.models import Enrolment
from tests.common.test_admin_site import form_data
from tests.factories import World, client_for

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
