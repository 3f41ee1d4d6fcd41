"""Places and homes: who adds a place, who merges duplicates, and who sees a home whose
address is withheld (RULES.md, "Places and homes").

A home is already restricted (``scopes.contexts_visible_to``: seen through a child the
viewer may see). A home may also have its address withheld, for a child at risk from
someone who might look them up: then its address, postcode and map points are shown only
to the *holding team* (the teams holding a resident's case now, and the team the home was
recorded in, which knows the address already: the recorder's team then, kept on the home,
so moving the recorder later takes the address nowhere). Everyone else who sees the home
sees that it exists and who lives there, as their sight allows, but not where it is.

A housing provider is recorded on a home as a fact about the tenancy; it grants the
provider's staff no sight of the home or its household. A partner sees a home only as any
other worker would (through a child they see), which by default is never.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from locus.access import policies, scopes
from locus.access.models import Worker
from locus.people.models import Allocation, Person
from locus.places.models import Context, ContextKind


def does_place_work(worker: Worker) -> bool:
    """Whether ``worker``'s team records and keeps up places at all: not an independent
    reviewing service's (``policies.does_casework``): the conference chairs' unit chairs and
    reviews, and does nothing else in casework, so it neither adds a place nor changes what
    one says (a park, a school, a shop), though its staff read them as anyone in children's
    social care does."""
    return policies.does_casework(worker)


def can_add_place(worker: Worker) -> bool:
    """Add a place, school, home, online space or route: whoever may record a new record
    (practitioners, managers and analysts who see case records; administrators), and does
    place work (:func:`does_place_work`: no conference chair)."""
    return policies.can_record_new(worker) and does_place_work(worker)


def edits_place(worker: Worker, context: Context) -> bool:
    """Edit a place's details at all: who may edit the context (``policies.can_edit_context``:
    its responsible agency, children's social care, administrators) and does place work
    (:func:`does_place_work`: children's social care's conference chairs do not)."""
    return does_place_work(worker) and policies.can_edit_context(worker, context)


def address_visible_q(worker: Worker) -> Q:
    """The condition on Context for the places whose address, postcode and points
    ``worker`` sees: every place whose address is not withheld, and the withheld homes
    of the worker's own holding team."""
    if worker.team_id is None:
        return Q(address_withheld=False)
    team = worker.team_id
    held = Allocation.objects.current().filter(team_id=team).values("person_id")
    residents_held = Person.objects.filter(id__in=held, home__isnull=False).values("home_id")
    return Q(address_withheld=False) | Q(id__in=residents_held) | Q(recorded_in_team_id=team)


# The fields of a place that say where it is: a withheld home's are its holding team's alone,
# in its history and in the audit trail's values of its changes (administrators included), as
# are its earlier names, which may have been its address.
LOCATION_FIELDS = frozenset(
    {
        "name",
        "address",
        "postcode",
        "latitude",
        "longitude",
        "end_postcode",
        "end_latitude",
        "end_longitude",
    }
)


def location_withheld_from(worker: Worker, context_ids: Iterable[object]) -> set[str]:
    """Of the places ``context_ids`` (as the audit trail keeps record ids), the homes whose
    address is withheld from ``worker`` (``address_visible_q``), as strings: their
    ``LOCATION_FIELDS`` are not shown to them. One query; none for no ids."""
    ids = {str(pk) for pk in context_ids if str(pk).isdigit()}
    if not ids:
        return set()
    hidden = (
        Context.objects.filter(pk__in=ids, address_withheld=True)
        .exclude(address_visible_q(worker))
        .values_list("pk", flat=True)
    )
    return {str(pk) for pk in hidden}


def mark_address_shown(worker: Worker, contexts: Iterable[Context]) -> None:
    """Set ``address_shown`` on each of ``contexts``: whether ``worker`` sees where it is.
    One query when some have their address withheld, none otherwise: for pages that show
    many places (a list, a person's address history)."""
    contexts = list(contexts)
    withheld = [c.pk for c in contexts if c.address_withheld]
    seen = (
        set(
            Context.objects.filter(address_visible_q(worker), id__in=withheld).values_list(
                "id", flat=True
            )
        )
        if withheld
        else set()
    )
    for context in contexts:
        context.address_shown = not context.address_withheld or context.pk in seen  # type: ignore[attr-defined]


def in_holding_team(worker: Worker, context: Context) -> bool:
    """Whether ``worker`` recorded the home, or their team holds a resident's case now or
    is the team it was recorded in (whether or not its address is withheld yet)."""
    if worker.team_id is None:
        return False
    if context.recorded_by_id is not None and context.recorded_by_id == worker.pk:
        return True
    if context.recorded_in_team_id == worker.team_id:
        return True
    return (
        Allocation.objects.current().filter(team_id=worker.team_id, person__home=context).exists()
    )


def sees_address(worker: Worker, context: Context) -> bool:
    """Whether ``worker`` sees where ``context`` is (its address, postcode and points)."""
    return not context.address_withheld or in_holding_team(worker, context)


def tells_merge(worker: Worker, context: Context, other: Context, *, sees_other: bool) -> bool:
    """Whether ``worker``, on ``context``'s pages, is told of its merge with ``other`` by the
    other's name and the merge's reason, and led from a duplicate to the place kept:
    ``sees_other`` (they see ``other``, as the caller found), and they see where each is. The
    two are one place: a duplicate named by its address, beside a home whose address is
    withheld from the worker, would tell them where the home is (as its earlier names would,
    which its history withholds)."""
    return sees_other and sees_address(worker, context) and sees_address(worker, other)


def can_edit_place(worker: Worker, context: Context) -> bool:
    """Edit a place's details: who edits it at all (:func:`edits_place`), and, for a home
    whose address is withheld, only within its holding team (the form shows the address)."""
    return edits_place(worker, context) and sees_address(worker, context)


def can_withhold_address(worker: Worker, context: Context) -> bool:
    """Withhold (or stop withholding) a home's address: an editor within the holding team,
    so that the worker who hides the address is one of those who still see it."""
    return (
        context.kind == ContextKind.HOME
        and edits_place(worker, context)
        and in_holding_team(worker, context)
    )


def merges_places(worker: Worker) -> bool:
    """Whether ``worker`` merges duplicate places at all: the data team (administrators)
    and team managers who see case records, not the manager of a team given no child
    (``scopes.in_team_given_no_child``: a partner organisation's, an independent reviewing
    service's): a merge moves children's records between places, and such a team records
    no child and sees none in its own right. A manager is a team's (``policies.manages_a_team``:
    of a team, their access confirmed): an account without a team manages none."""
    return policies.is_administrator(worker) or (
        policies.manages_a_team(worker)
        and scopes.sees_case_records(worker)
        and not scopes.in_team_given_no_child(worker)
    )


def can_merge_places(worker: Worker, duplicate: Context, kept: Context) -> bool:
    """Merge ``duplicate`` into ``kept``: the data team (administrators) or a team manager,
    who sees both places and, for homes, where both are. A merge moves children's records
    between places, so it is not a practitioner's day-to-day action; it is undone only by
    hand, so the service asks why and keeps the record."""
    if not merges_places(worker):
        return False
    return all(
        policies.can_view_context(worker, c) and sees_address(worker, c) for c in (duplicate, kept)
    )


def can_set_co_presence_rule(worker: Worker, context: Context) -> bool:
    """Set or remove a place's co-presence rule (exclude it, a narrower window, only out of
    hours): a manager of a team who sees case records and sees the place. Never the IT
    administrator or an auditor (neither manages casework), and not a practitioner, who sees
    the rule on the place's page but does not set it: the rule changes every team's linked
    cases. Never the manager of a team given no child (``scopes.in_team_given_no_child``):
    not a partner organisation's (a business would otherwise decide that its own premises
    never link two children, in cases it may not read), nor an independent reviewing
    service's (the conference chairs' unit chairs and reviews, and does nothing else in
    casework). Homes and peer groups have none (they point at particular children)."""
    return (
        worker.is_active
        and policies.manages_a_team(worker)
        and scopes.sees_case_records(worker)
        and not scopes.in_team_given_no_child(worker)
        and context.kind not in (ContextKind.HOME, ContextKind.PEER_GROUP)
        and policies.can_view_context(worker, context)
    )
