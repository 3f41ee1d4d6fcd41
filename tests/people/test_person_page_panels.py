"""A child's page names the HSB meetings and MACE panels that had the child on a list: its
read's audit entry lists those meetings (``panels_shown``), each once, beside the other
records the page shows, whether the viewer is on the meeting's list (its title, linked) or
not (its kind and date). Before, the entry listed none of them."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from locus.audit.models import AccessEvent
from tests.factories import World, client_for
from tests.panels.helpers import add, set_up, with_agenda


def test_the_child_s_page_logs_the_panels_it_names(world: World) -> None:
    child = world.csc_child
    latest = with_agenda(world)  # the child harmed, last week
    add(world, latest, "harming", person=child, reason="Pushed a peer")  # same meeting again
    earlier = set_up(world, meets_on=latest.meets_on - dt.timedelta(days=30))
    add(world, earlier, "harmed", person=child)
    # The social worker is on both lists; her teammate sees the child but neither meeting.
    for viewer in (world.social_worker, world.teammate):
        page = client_for(viewer).get(reverse("person", args=[child.pk])).content.decode()
        assert "HSB meetings and MACE panels" in page
        assert (latest.title in page) == (viewer == world.social_worker)
        read = AccessEvent.objects.filter(actor=viewer, record_type="people.person").latest("id")
        assert read.record_id == str(child.pk)
        assert read.detail["panels_shown"] == [latest.pk, earlier.pk]
