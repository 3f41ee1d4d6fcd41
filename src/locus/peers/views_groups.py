"""Running a peer group from its pages: create it, add and end members, merge and split.

Each page reads through selectors and writes through one service; a group, member or
child the worker may not see answers 404 (``NotPermitted`` too, in the middleware).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from locus.access import groups as access_groups
from locus.access import lookups, policies
from locus.audit.services import record_access
from locus.common.forms import GovukForm
from locus.common.http import AuthedRequest
from locus.common.pages import created, posted, submitted
from locus.common.services import permitted
from locus.peers import selectors, services
from locus.peers.group_forms import GroupForm, MemberAddForm, MemberEndForm, MergeForm, SplitForm
from locus.peers.models import GroupMembership
from locus.people.picker import Picker
from locus.places.models import Context


def _form_page(request: AuthedRequest, form: GovukForm, **context: Any) -> HttpResponse:
    return render(request, "peers/groups/form.html", {"form": form, **context})


def _group_form(
    request: AuthedRequest,
    group: Context,
    form: GovukForm,
    words: tuple[str, str, str],
    back: str = "group",
    **context: Any,
) -> HttpResponse:
    """A form about ``group``: ``words`` are its heading, intro and button; ``back`` names
    the group's page that "Back without saving" leads to."""
    heading, intro, button = words
    url = reverse(back, args=[group.pk])
    return _form_page(
        request, form, group=group, heading=heading, intro=intro, button=button, back=url, **context
    )


def _shown(
    request: AuthedRequest,
    group: Context,
    page: str,
    named: Iterable[int],
    listed: dict[str, list[int]],
    **context: Any,
) -> HttpResponse:
    """A page about ``group`` naming the children ``named`` and the records ``listed`` (by id,
    under keys ending ``_shown``): logged with them, then drawn."""
    detail = {"page": f"group-{page}", "named": sorted(named), **listed}
    record_access(actor=request.user, obj=group, detail=detail)
    heading = page.capitalize()
    return render(
        request, f"peers/groups/{page}.html", {"group": group, "heading": heading, **context}
    )


def group_new(request: AuthedRequest) -> HttpResponse:
    permitted(access_groups.can_create_group, request.user)
    form = GroupForm(posted(request))
    group = created(
        request,
        form,
        lambda: services.group_create(actor=request.user, **form.cleaned_data),
        "Peer group created",
    )
    if group is not None:
        return redirect("group", group_id=group.pk)
    return _form_page(
        request,
        form,
        heading="Create a peer group",
        intro="You will see the group you create; others see it through the members they see.",
        button="Create the group",
        back="/",
    )


def group_members(request: AuthedRequest, group_id: int) -> HttpResponse:
    """The group's current members the viewer sees, with End for those they may end."""
    group = lookups.access_group(request.user, group_id)
    detail = selectors.group_detail(viewer=request.user, group=group)
    shown = [m for m in detail.members if m.visible]
    return _shown(
        request,
        group,
        "members",
        (m.membership.person_id for m in shown),
        {"memberships_shown": [m.membership.pk for m in shown]},
        members=shown,
        hidden=len(detail.members) - len(shown),
        closed=selectors.merged_into(group),
        can_create=access_groups.can_create_group(request.user),
    )


def member_add(request: AuthedRequest, group_id: int) -> HttpResponse:
    group = lookups.access_group(request.user, group_id)
    permitted(access_groups.can_create_group, request.user)
    data = posted(request)
    picker = Picker(request.user, data or {}, ["person"])
    # Find posts the form back to search: the answers so far are kept, not judged.
    finding = picker.searching
    form = MemberAddForm(
        None if finding else data, initial=data.dict() if finding else None, picker=picker
    )
    if submitted(
        request,
        form,
        lambda: services.membership_add(actor=request.user, group=group, **form.service_values()),
        "Member added",
    ):
        return redirect("group-members", group_id=group.pk)
    words = ("Add a member", "Find the young person by name and choose them.", "Add the member")
    picker.audit("group-member-add")
    return _group_form(request, group, form, words, "group-members")


def _membership(request: AuthedRequest, group: Context, membership_id: int) -> GroupMembership:
    membership = selectors.current_membership(group=group, membership_id=membership_id)
    if membership is None or not policies.can_record_about_person(request.user, membership.person):
        raise Http404("Not found")
    return membership


def member_end(request: AuthedRequest, group_id: int, membership_id: int) -> HttpResponse:
    group = lookups.access_group(request.user, group_id)
    membership = _membership(request, group, membership_id)
    form = MemberEndForm(posted(request))
    if submitted(
        request,
        form,
        lambda: services.membership_end(
            actor=request.user, membership=membership, **form.cleaned_data
        ),
        "Membership ended: it stays on record",
    ):
        return redirect("group-members", group_id=group.pk)
    detail = {"page": "group-member-end", "group": group.pk}
    record_access(actor=request.user, obj=membership.person, detail=detail)
    words = (
        f"End {membership.person.full_name}'s membership",
        "The membership stays on record with the date it ended and your reason.",
        "End the membership",
    )
    return _group_form(request, group, form, words, "group-members")


def group_merge(request: AuthedRequest, group_id: int) -> HttpResponse:
    group = lookups.access_group(request.user, group_id)
    permitted(access_groups.can_create_group, request.user)
    targets = selectors.merge_targets(viewer=request.user, group=group)
    form = MergeForm(posted(request), targets=targets)
    if submitted(
        request,
        form,
        lambda: services.group_merge(
            actor=request.user,
            group=group,
            into=form.chosen("into"),
            reason=form.cleaned_data["reason"],
        ),
        "Groups merged: the history is kept on both",
    ):
        return redirect("group", group_id=form.cleaned_data["into"])
    words = (
        f"Merge {group.name} into another group",
        "Every current member moves to the group kept. You need to be able to see "
        "every member of both groups: only groups you see in full are offered.",
        "Merge the groups",
    )
    # The groups offered are named on the page: logged as any list of records is.
    detail = {"page": "group-merge", "groups_shown": [g.pk for g in targets]}
    record_access(actor=request.user, obj=group, detail=detail)
    return _group_form(request, group, form, words, warning=True)


def group_split(request: AuthedRequest, group_id: int) -> HttpResponse:
    group = lookups.access_group(request.user, group_id)
    permitted(access_groups.can_create_group, request.user)
    detail = selectors.group_detail(viewer=request.user, group=group)
    movable = [m.membership for m in detail.members if m.visible]
    labels = {m.membership.pk: m.label for m in detail.members}
    form = SplitForm(posted(request), movable=movable, label=lambda m: labels[m.pk])
    made: list[Any] = []
    if submitted(
        request,
        form,
        lambda: made.append(
            services.group_split(
                actor=request.user,
                group=group,
                members=form.all_chosen("members"),
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                reason=form.cleaned_data["reason"],
            )
        ),
        "Group split: the history is kept on both",
    ):
        return redirect("group", group_id=made[0].into_id)
    named = sorted(m.person_id for m in movable)
    record_access(actor=request.user, obj=group, detail={"page": "group-split", "named": named})
    words = (
        f"Split members off {group.name}",
        "The members you choose move to a new group; the others stay.",
        "Split the group",
    )
    return _group_form(request, group, form, words)


def group_history(request: AuthedRequest, group_id: int) -> HttpResponse:
    group = lookups.access_group(request.user, group_id)
    history = selectors.group_history(viewer=request.user, group=group)
    named = (m.membership.person_id for m in history.ended)
    return _shown(request, group, "history", named, selectors.history_shown(history), h=history)
