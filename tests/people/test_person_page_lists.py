"""A child's page also lists their transfers, addresses, schools, interventions, the context
plans that concern them, their census episodes and their aspirational profile: its read's
audit entry names each by id, so the trail says which of them the reader saw. Before, the
entry named none of these."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from locus.audit.models import AccessEvent
from locus.casework.services import plan_child_add
from locus.common import clock
from locus.common.services import today
from locus.people.services import address_record
from locus.places.services import enrolment_create
from locus.profiles.services import profile_item_add
from locus.statutory.models import CINEpisode
from tests.casework.helpers import planned_case
from tests.factories import START, World, client_for
from tests.mapping.helpers import add_intervention, held_meeting
from tests.transfers.helpers import propose_to_b


def test_the_child_s_page_logs_the_other_records_it_lists(world: World) -> None:
    child = world.csc_child
    transfer = propose_to_b(world)
    period = address_record(
        actor=world.social_worker,
        person=child,
        address="7 Lea Bridge Road",
        postcode="E5 0AR",
        start=START,
    )
    enrolment = enrolment_create(actor=world.system, person=child, school=world.school, start=START)
    intervention = add_intervention(world, held_meeting(world), description="Mentor for Ciara")
    case = planned_case(world)
    plan_child_add(actor=world.social_worker, plan=case.plan, person=child, episode=None)
    episode = CINEpisode.objects.create(
        person=child,
        referral_date=START,
        referral_source="1A",
        census_year=START.year,
        created_at=clock.now(),
        recorded_by=world.system,
    )
    item = profile_item_add(
        actor=world.social_worker,
        person=child,
        kind="safe_place",
        text="Feels safe at the park",
        place=world.park,
        recorded_on=today() - dt.timedelta(days=3),
    )
    page = client_for(world.social_worker).get(reverse("person", args=[child.pk]))
    html = page.content.decode()
    for listed in ("Lea Bridge Road", "Mentor for Ciara", "Feels safe at the park"):
        assert listed in html
    read = AccessEvent.objects.filter(actor=world.social_worker).latest("id")
    assert (read.record_type, read.record_id) == ("people.person", str(child.pk))
    assert read.detail["transfers_shown"] == [transfer.pk]
    assert period.pk in read.detail["addresses_shown"]
    assert sorted(read.detail["addresses_shown"]) == sorted(a.pk for a in child.addresses.all())
    assert read.detail["enrolments_shown"] == [enrolment.pk]
    assert world.school.pk in read.detail["places_shown"]
    assert world.park.pk in read.detail["places_shown"]  # the profile item names it
    assert read.detail["interventions_shown"] == [intervention.pk]
    assert read.detail["plans_shown"] == [case.plan.pk]
    assert read.detail["cin_episodes_shown"] == [episode.pk]
    assert read.detail["profile_items_shown"] == [item.pk]
