"""The pages that run a peer group: create, add and end members, merge, split, history."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from locus.audit.models import AccessEvent
from locus.peers.models import GroupChange, GroupMembership
from locus.peers.services import group_create
from locus.people.picker import NOT_NAMEABLE
from locus.places.models import Context, ContextKind
from tests.factories import START, World, client_for, nothing_written
from tests.peers.group_helpers import PROVENANCE, join

pytestmark = pytest.mark.django_db


def _group(world: World, name: str = "Station lot") -> Context:
    return group_create(actor=world.social_worker, name=name)


def _join(world: World, group: Context, person: Any) -> GroupMembership:
    return join(world.social_worker, group, person)


def test_create_a_group_from_its_page(world: World) -> None:
    client = client_for(world.social_worker)
    assert client.get(reverse("group-new")).status_code == 200
    response = client.post(reverse("group-new"), {"name": "Station lot", "description": "Evenings"})
    group = Context.objects.get(name="Station lot")
    assert group.kind == ContextKind.PEER_GROUP
    assert response.url == reverse("group", args=[group.pk])
    assert client.get(response.url).status_code == 200


def test_create_refuses_an_empty_name_on_the_field(world: World) -> None:
    client = client_for(world.social_worker)
    with nothing_written(Context):
        response = client.post(reverse("group-new"), {"name": " "})
    assert response.context["form"].errors == {"name": ["Enter the group's name"]}


def test_add_a_member_and_refuse_a_child_out_of_scope(world: World) -> None:
    group = _group(world)
    client = client_for(world.social_worker)
    url = reverse("group-member-add", args=[group.pk])
    found = client.post(url, {"find": "person", "person_name": "child", "role": "core"})
    offered = {c[0] for c in found.context["form"].fields["person"].choices}
    assert offered == {world.csc_child.pk, world.team_child.pk}  # not the YJS's, "*child" too
    assert found.context["form"]["role"].value() == "core"  # the answers so far are kept
    values = {"role": "core", "since": START.strftime("%d/%m/%Y"), **PROVENANCE}
    with nothing_written(GroupMembership):
        refused = client.post(url, {"person": world.yjs_child.pk, **values})
    assert refused.context["form"].errors == {"person": [NOT_NAMEABLE]}
    response = client.post(url, {"person": world.csc_child.pk, **values})
    assert response.status_code == 302
    membership = GroupMembership.objects.get(group=group)
    assert (membership.person, membership.source) == (world.csc_child, "young_person")


def test_end_a_membership_with_a_reason(world: World) -> None:
    group = _group(world)
    membership = _join(world, group, world.csc_child)
    client = client_for(world.social_worker)
    url = reverse("group-member-end", args=[group.pk, membership.pk])
    with nothing_written(GroupMembership):
        refused = client.post(url, {"until": START.strftime("%d/%m/%Y"), "reason": ""})
    assert refused.context["form"].errors == {"reason": ["Say why the membership ends"]}
    client.post(url, {"until": START.strftime("%d/%m/%Y"), "reason": "Moved away"})
    membership.refresh_from_db()
    assert (membership.until, membership.end_reason) == (START, "Moved away")
    history = client.get(reverse("group-history", args=[group.pk]))
    assert "Moved away" in history.content.decode()


def test_merge_and_split_from_the_pages_keep_history_on_both(world: World) -> None:
    kept, merged = _group(world, "Kept"), _group(world, "Merged")
    _join(world, merged, world.csc_child)
    staying = _join(world, kept, world.team_child)
    client = client_for(world.social_worker)
    response = client.post(
        reverse("group-merge", args=[merged.pk]), {"into": kept.pk, "reason": "Same lads"}
    )
    assert response.url == reverse("group", args=[kept.pk])
    for group in (kept, merged):
        page = client.get(reverse("group-history", args=[group.pk])).content.decode()
        assert "Same lads" in page
    response = client.post(
        reverse("group-split", args=[kept.pk]),
        {"members": [staying.pk], "name": "Younger", "reason": "Meet apart"},
    )
    split = GroupChange.objects.get(kind="split")
    assert response.url == reverse("group", args=[split.into_id])
    assert "Meet apart" in client.get(reverse("group-history", args=[kept.pk])).content.decode()


def test_merge_offers_only_groups_seen_in_full_and_refuses_the_rest_in_the_same_words(
    world: World,
) -> None:
    """Choosing a group to merge into must not tell a worker whether it holds a child
    they cannot see: the world's group (with the youth justice child) is not offered, and
    posting it is refused on the form in the words a group they cannot see at all gets."""
    merged = _group(world, "Merged")
    _join(world, merged, world.csc_child)
    kept = _group(world, "Kept")
    theirs = group_create(actor=world.yjs_worker, name="Theirs")
    join(world.yjs_worker, theirs, world.yjs_child)
    client = client_for(world.social_worker)
    url = reverse("group-merge", args=[merged.pk])
    offered = {c[0] for c in client.get(url).context["form"].fields["into"].choices}
    assert offered == {"", str(kept.pk)}
    answers = []
    for into in (world.group, theirs):
        with nothing_written(GroupMembership, GroupChange):
            response = client.post(url, {"into": into.pk, "reason": "Same lads"})
        assert response.status_code == 200
        answers.append(response.context["form"].errors)
    refused = "You can only merge into a group you can see in full"
    assert answers[0] == answers[1] == {"into": [refused]}


def test_the_merge_page_logs_the_groups_it_lists(world: World) -> None:
    """The merge page names up to 200 groups: the read is logged with the ones it listed."""
    merged, kept = _group(world, "Merged"), _group(world, "Kept")
    client_for(world.social_worker).get(reverse("group-merge", args=[merged.pk]))
    event = AccessEvent.objects.filter(actor=world.social_worker).latest("id")
    assert (event.record_type, event.record_id) == ("places.context", str(merged.pk))
    assert event.detail == {"page": "group-merge", "groups_shown": [kept.pk]}


@pytest.mark.parametrize("persona", ["police_analyst", "school_dsl", "auditor"])
@pytest.mark.parametrize(
    "page", ["group-members", "group-member-add", "group-merge", "group-split", "group-history"]
)
def test_a_group_out_of_scope_answers_404(world: World, persona: str, page: str) -> None:
    group = _group(world)
    _join(world, group, world.csc_child)
    response = client_for(world.persona(persona)).get(reverse(page, args=[group.pk]))
    assert response.status_code == 404


def test_ending_a_membership_of_a_child_not_seen_answers_404(world: World) -> None:
    hidden = GroupMembership.objects.get(group=world.group, person=world.yjs_child)
    client = client_for(world.social_worker)
    url = reverse("group-member-end", args=[world.group.pk, hidden.pk])
    assert client.get(url).status_code == 404
    with nothing_written(GroupMembership):
        client.post(url, {"until": START.strftime("%d/%m/%Y"), "reason": "x"})


def test_members_page_names_only_whom_the_viewer_sees_and_logs_them(world: World) -> None:
    page = client_for(world.social_worker).get(reverse("group-members", args=[world.group.pk]))
    assert [m.membership.person for m in page.context["members"]] == [world.csc_child]
    assert page.context["hidden"] == 1
    event = AccessEvent.objects.filter(actor=world.social_worker).latest("id")
    assert event.detail["named"] == [world.csc_child.pk]
    # The membership shown, not the one of the child the viewer may not see.
    shown = GroupMembership.objects.get(group=world.group, person=world.csc_child)
    assert event.detail["memberships_shown"] == [shown.pk]


def test_history_page_logs_the_merges_groups_and_memberships_it_lists(world: World) -> None:
    kept, merged = _group(world, "Kept"), _group(world, "Merged")
    moved = _join(world, merged, world.csc_child)
    client = client_for(world.social_worker)
    client.post(reverse("group-merge", args=[merged.pk]), {"into": kept.pk, "reason": "Same"})
    page = client.get(reverse("group-history", args=[merged.pk])).content.decode()
    assert "Kept" in page
    event = AccessEvent.objects.filter(actor=world.social_worker).latest("id")
    assert event.detail["changes_shown"] == [GroupChange.objects.get(kind="merge").pk]
    assert event.detail["groups_shown"] == [kept.pk]
    assert event.detail["memberships_shown"] == [moved.pk]  # ended by the merge


# The queries each page needs, pinned so that a page that starts reading per row shows up.
# A page that logs its read adds the log's chain head, read locked and moved on (2).
PINNED = {
    "group-members": 20,
    "group-member-add": 7,  # the search step reads no one until the worker searches
    "group-merge": 12,  # the groups offered, each seen in full, and the read logged
    "group-split": 19,
    "group-history": 13,
}


@pytest.mark.parametrize("page", sorted(PINNED))
def test_query_counts_are_pinned(world: World, page: str, django_assert_num_queries: Any) -> None:
    client = client_for(world.social_worker)
    url = reverse(page, args=[world.group.pk])
    client.get(url)
    with django_assert_num_queries(PINNED[page]):
        assert client.get(url).status_code == 200


def test_pages_offer_changes_only_to_who_may_make_them(world: World) -> None:
    """A police analyst sees a group through a child they see, but runs no group."""
    join(world.system, world.group, world.police_child)
    merge = reverse("group-merge", args=[world.group.pk])
    add = reverse("group-member-add", args=[world.group.pk])
    for worker, offered in ((world.social_worker, True), (world.police_analyst, False)):
        client = client_for(worker)
        page = client.get(reverse("group", args=[world.group.pk])).content.decode()
        assert (merge in page) is offered
        members = client.get(reverse("group-members", args=[world.group.pk])).content.decode()
        assert (add in members) is offered
    assert client_for(world.police_analyst).get(merge).status_code == 404
