"""Merging homes when one's address is withheld: the household's address stays with its
holding team. The place kept takes the withheld address, so it may not be named by its
address (as a home withheld on its own form may not: its name is shown wherever the home
is, to everyone who sees it)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from locus.access import places as access_places
from locus.access import scopes
from locus.access.models import Role
from locus.audit.models import AccessEvent
from locus.common.errors import ValidationFailed
from locus.places.models import ContextMerge
from locus.places.services import context_merge, context_update
from tests.factories import World, client_for, make_context, make_worker, nothing_written

pytestmark = pytest.mark.django_db

ADDRESS = "12 Acacia Road, London"


def _history_read(worker: object) -> tuple[list[int], list[int]]:
    """The merges and the places the worker's latest read of a place's history named."""
    read = AccessEvent.objects.filter(actor=worker, record_type="places.context").latest("id")
    assert read.detail["page"] == "place-history"
    return read.detail["merges_shown"], read.detail["places_shown"]


def _holding_manager(world: World) -> object:
    world.team_manager.scope = "team"
    world.team_manager.save(update_fields=["scope"])
    return world.team_manager


def test_a_withheld_home_is_not_merged_into_a_home_named_by_its_address(world: World) -> None:
    context_update(actor=world.social_worker, context=world.home, address_withheld=True)
    holder = _holding_manager(world)
    kept = make_context(
        holder, kind="home", name="12 Acacia Road", address=ADDRESS, postcode="E5 0AR"
    )
    # A worker of another team who sees the child's home (at agency scope), not where it is.
    outsider = make_worker(
        world.system, team=world.csc_team_b, role=Role.PRACTITIONER, scope="agency"
    )
    assert scopes.contexts_visible_to(outsider).filter(pk=world.home.pk).exists()
    assert not access_places.sees_address(outsider, world.home)

    with nothing_written(ContextMerge), pytest.raises(ValidationFailed) as refused:
        context_merge(actor=holder, duplicate=world.home, kept=kept, reason="Same flat")
    assert "without its address" in refused.value.errors["kept"][0]

    # Renamed first, the merge goes ahead and the kept home's address is withheld.
    context_update(actor=holder, context=kept, name="Family home of C.C.")
    context_merge(actor=holder, duplicate=world.home, kept=kept, reason="Same flat")
    kept.refresh_from_db()
    assert kept.address_withheld
    assert ADDRESS.split(",")[0] not in kept.name


def test_a_home_merged_into_a_withheld_home_does_not_lead_to_it_by_its_address(
    world: World,
) -> None:
    """The duplicate is the same place as the withheld home: its name (here its address) and
    the merge's reason are not told beside the withheld home, nor does its page lead there,
    to a worker who sees the home but not where it is."""
    context_update(actor=world.social_worker, context=world.home, address_withheld=True)
    holder = _holding_manager(world)
    # A worker of another team who sees the child's home (at agency scope), not where it is,
    # records the same flat again by its address: she sees that record, address and all.
    outsider = make_worker(
        world.system, team=world.csc_team_b, role=Role.PRACTITIONER, scope="agency"
    )
    duplicate = make_context(
        outsider, kind="home", name="12 Acacia Road", address=ADDRESS, postcode="E5 0AR"
    )
    world.team_child.home = duplicate  # held in Team A: the holder sees it too
    world.team_child.save(update_fields=["home"])
    context_merge(
        actor=holder, duplicate=duplicate, kept=world.home, reason="Same flat as 12 Acacia Road"
    )
    assert scopes.contexts_visible_to(outsider).filter(pk=world.home.pk).exists()
    assert not access_places.sees_address(outsider, world.home)

    client = client_for(outsider)
    old = client.get(reverse("context", args=[duplicate.pk]), follow=True)
    assert old.redirect_chain == []
    assert "has been merged into another place, which you cannot see" in old.content.decode()
    history = client.get(reverse("place-history", args=[world.home.pk])).content.decode()
    assert "Acacia" not in history
    assert "a place you cannot see was merged into this place" in history
    merge = ContextMerge.objects.get(kept=world.home)
    # The read names the merge listed, and no place: the page names none.
    assert _history_read(outsider) == ([merge.pk], [])

    # The holding team (here one who sees both records) reads both, and is led between them.
    colleague = make_worker(world.system, team=world.csc_team_a, scope="agency")
    holders = client_for(colleague)
    old = holders.get(reverse("context", args=[duplicate.pk]))
    assert old["Location"] == reverse("context", args=[world.home.pk])
    history = holders.get(reverse("place-history", args=[world.home.pk])).content.decode()
    assert "12 Acacia Road was merged into this place" in history
    assert "Same flat as 12 Acacia Road" in history
    assert _history_read(colleague) == ([merge.pk], [duplicate.pk])  # the place it names
