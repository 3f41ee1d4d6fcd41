"""Recording safety maps and weightings: who may, what is validated, what is kept."""

from __future__ import annotations

import pytest

from locus.audit.models import ChangeEvent
from locus.common.errors import NotPermitted, ValidationFailed
from locus.safety.models import MapSession, MarkAmendment, MarkedPlace, WeightedContext, Weighting
from locus.safety.services import mark_amend, session_record, weighting_record
from tests.factories import World, changes_for, make_context, nothing_written
from tests.safety.helpers import days_ago, mark, session

pytestmark = pytest.mark.django_db

MODELS = (MapSession, MarkedPlace, MarkAmendment, Weighting, WeightedContext)


@pytest.mark.parametrize("persona", ["social_worker", "teammate", "team_manager"])
def test_the_childs_holders_record_a_session_audited(world: World, persona: str) -> None:
    worker = world.persona(persona)
    s = session(worker, world.csc_child)
    m = mark(worker, s, "amber", context=world.park, description="", when="After school")
    assert [e.action for e in changes_for(s)] == ["create"]
    assert [e.action for e in changes_for(m)] == ["create"]
    assert m.recorded_by == worker and s.person == world.csc_child


@pytest.mark.parametrize(
    "persona",
    # another team's worker, an agency that only sees the child (none here), the auditor and
    # the IT administrator (who sees every child but holds none)
    ["other_social_worker", "yjs_worker", "police_analyst", "school_dsl", "auditor", "admin"],
)
def test_nobody_but_the_holders_records(world: World, persona: str) -> None:
    with nothing_written(*MODELS), pytest.raises(NotPermitted):
        session(world.persona(persona), world.csc_child)
    s = session(world.social_worker, world.csc_child)
    with nothing_written(*MODELS), pytest.raises(NotPermitted):
        mark(world.persona(persona), s)
    with nothing_written(*MODELS), pytest.raises(NotPermitted):
        weighting_record(
            actor=world.persona(persona),
            person=world.csc_child,
            decided_on=days_ago(1),
            items=[(world.park, "Where she is approached")],
        )


def test_a_school_seeing_its_pupil_does_not_record_her_map(world: World) -> None:
    with pytest.raises(NotPermitted):
        session(world.school_dsl, world.pupil)


def test_a_session_is_validated_field_by_field(world: World) -> None:
    with nothing_written(*MODELS), pytest.raises(ValidationFailed) as caught:
        session_record(
            actor=world.social_worker, person=world.csc_child, held_on=days_ago(-2), present=" "
        )
    assert caught.value.errors == {
        "held_on": ["The date of the session must not be in the future"],
        "present": ["Say who was present besides the child"],
    }


def test_a_mark_is_a_place_from_the_list_or_described_never_both_nor_neither(
    world: World,
) -> None:
    s = session(world.social_worker, world.csc_child)
    with nothing_written(*MODELS), pytest.raises(ValidationFailed) as caught:
        mark(world.social_worker, s, "purple", context=world.park, description="The park", why="")
    assert caught.value.errors == {
        "rating": ["Choose red, amber or green"],
        "why": ["Say why, in the child's own words"],
        "description": ["Choose a place or describe it, not both"],
    }
    with pytest.raises(ValidationFailed) as caught:
        mark(world.social_worker, s, description="", postcode="NOT A CODE")
    assert caught.value.errors == {
        "description": ["Choose a place from the list, or describe it"],
        "postcode": ["Enter a full UK postcode, like E8 1AB, or leave it empty"],
    }
    described = mark(world.social_worker, s, postcode="e81ab")
    assert (described.context, described.postcode) == (None, "E8 1AB")


def test_a_mark_may_not_name_another_familys_home(world: World) -> None:
    """A home is offered only as the child's own: naming another family's home in a child's
    map would put that family on the record of a child they have nothing to do with."""
    elsewhere = make_context(world.system, kind="home", name="Flat 9, Other House")
    s = session(world.social_worker, world.csc_child)
    with nothing_written(*MODELS), pytest.raises(ValidationFailed) as caught:
        mark(world.social_worker, s, context=elsewhere)
    assert caught.value.errors == {"context": ["Choose a place from the list"]}
    own = mark(world.social_worker, s, "green", context=world.home)
    assert own.context == world.home


def test_a_later_session_is_a_new_map_and_the_old_one_stays(world: World) -> None:
    first = session(world.social_worker, world.csc_child, held_on=days_ago(60))
    old = mark(world.social_worker, first, "red", context=world.park)
    second = session(world.social_worker, world.csc_child, held_on=days_ago(2))
    mark(world.social_worker, second, "green", context=world.park)
    old.refresh_from_db()
    assert old.rating == "red" and MapSession.objects.filter(person=world.csc_child).count() == 2


def test_an_amendment_keeps_the_old_words_with_who_when_and_why(world: World) -> None:
    s = session(world.social_worker, world.csc_child)
    m = mark(world.social_worker, s, "amber", why="I do not know")
    with nothing_written(*MODELS), pytest.raises(ValidationFailed) as caught:
        mark_amend(actor=world.social_worker, mark=m, reason="", rating="red")
    assert caught.value.errors == {"reason": ["Say why the mark is amended"]}
    with pytest.raises(ValidationFailed) as caught:
        mark_amend(actor=world.social_worker, mark=m, reason="Typed wrongly", rating="amber")
    assert "why" in caught.value.errors  # nothing changed
    mark_amend(actor=world.team_manager, mark=m, reason="She said red, typed amber", rating="red")
    m.refresh_from_db()
    (kept,) = m.amendments.all()
    assert (m.rating, kept.rating, kept.why, kept.amended_by) == (
        "red",
        "amber",
        "I do not know",
        world.team_manager,
    )
    update = changes_for(m)[-1]
    assert (update.action, update.before["rating"], update.after["rating"]) == (
        "update",
        "amber",
        "red",
    )
    assert changes_for(kept)[0].after["reason"] == "She said red, typed amber"


def test_only_the_recorder_or_their_manager_amends(world: World) -> None:
    m = mark(world.social_worker, session(world.social_worker, world.csc_child))
    for persona in ("teammate", "other_social_worker", "auditor", "admin"):
        with nothing_written(*MODELS), pytest.raises(NotPermitted):
            mark_amend(actor=world.persona(persona), mark=m, reason="Wrong", rating="green")


def test_reweighting_makes_a_new_dated_version(world: World) -> None:
    first = weighting_record(
        actor=world.social_worker,
        person=world.csc_child,
        decided_on=days_ago(30),
        items=[(world.park, "Where she is approached"), (world.home, "Safe with mum")],
    )
    second = weighting_record(
        actor=world.social_worker,
        person=world.csc_child,
        decided_on=days_ago(1),
        items=[(world.home, "Mum now supervises evenings"), (None, ""), (world.park, "Less so")],
    )
    assert [(i.rank, i.context) for i in first.items.all()] == [(1, world.park), (2, world.home)]
    assert [(i.rank, i.context) for i in second.items.all()] == [(1, world.home), (2, world.park)]
    audited = ChangeEvent.objects.filter(record_type="safety.weightedcontext").count()
    assert audited == 4


def test_a_weighting_is_validated(world: World) -> None:
    with nothing_written(*MODELS), pytest.raises(ValidationFailed) as caught:
        weighting_record(
            actor=world.social_worker,
            person=world.csc_child,
            decided_on=None,
            items=[(world.park, ""), (world.park, "Twice"), (None, "A reason, no place")],
        )
    assert caught.value.errors == {
        "decided_on": ["Enter the date of the weighting"],
        "reason_1": ["Say why Millfields Park matters"],
        "context_2": ["Millfields Park is already ranked higher: rank each context once"],
        "context_3": ["Choose the context ranked 3"],
    }
    with pytest.raises(ValidationFailed) as caught:
        weighting_record(
            actor=world.social_worker, person=world.csc_child, decided_on=days_ago(1), items=[]
        )
    assert caught.value.errors == {"context_1": ["Choose at least one context"]}


def test_two_amendments_at_once_keep_both_wordings_in_the_history(world: World) -> None:
    m = mark(world.social_worker, session(world.social_worker, world.csc_child), "amber")
    first_tab, second_tab = (MarkedPlace.objects.get(pk=m.pk) for _ in range(2))
    mark_amend(actor=world.social_worker, mark=first_tab, reason="She said red", rating="red")
    mark_amend(actor=world.team_manager, mark=second_tab, reason="Now green", rating="green")
    # The second keeps the mark as the first left it, not as its page loaded it.
    kept = list(m.amendments.order_by("id").values_list("rating", flat=True))
    assert kept == ["amber", "red"]
    m.refresh_from_db()
    assert m.rating == "green"
