"""The demo tells one believable story: what each persona sees on one page agrees with what
the README and the other pages say, on a small generated borough."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import transaction
from django.utils import timezone

from locus.access.models import Worker
from locus.access.selectors import visible_person_ids
from locus.access.services import system_worker
from locus.casework.models import ContextCase
from locus.casework.reference import ensure_reference_data
from locus.casework.selectors import my_work
from locus.common import clock
from locus.common.models import Confidence, Source
from locus.demo import borough as spec
from locus.demo.casework import add_demo_context_cases, held_this_morning
from locus.demo.generator import Summary
from locus.demo.profiles import Story, add_demo_profiles_and_moves
from locus.incidents.models import Involvement
from locus.incidents.selectors import incidents_for
from locus.incidents.services import incident_record
from locus.people.models import Person, PersonKind, Sex
from locus.places.models import Context, ContextKind, Enrolment
from locus.profiles.models import ProfileItem

pytestmark = pytest.mark.django_db

# Words that would speak of a child as the other sex.
WRONG_WORDS = {Sex.MALE: r"\b(she|her|hers)\b", Sex.FEMALE: r"\b(he|his|him)\b"}


@pytest.fixture
def story(borough: Summary) -> Story:
    ensure_reference_data()  # a browser test may have emptied the seeded threshold levels
    add_demo_context_cases()
    return add_demo_profiles_and_moves()


@pytest.fixture
def girls_story(borough: Summary) -> Story:
    """The story told when the pupil who harmed, and moved school, is a girl who was once
    harmed herself: the first move's pupil, made a girl (named to come first) with an
    incident of her own since the move."""
    ensure_reference_data()
    add_demo_context_cases()
    before = transaction.savepoint()
    child = add_demo_profiles_and_moves().moves[0].person
    transaction.savepoint_rollback(before)
    # First by name, so that she heads any list of those harmed.
    Person.objects.filter(pk=child.pk).update(
        sex=Sex.FEMALE, given_name="Abena", family_name="Adeyemi"
    )
    park = (
        Context.objects.filter(kind=ContextKind.OPEN_SPACE, responsible_agency__isnull=False)
        .order_by("name")
        .first()
    )
    assert park is not None
    incident_record(
        actor=system_worker(),
        reporting_agency=park.responsible_agency,
        kind="robbery",
        occurred_at=clock.now() - dt.timedelta(days=30),
        context=park,
        summary="Her bike taken from her by two older boys",
        involvements=[(child, "harmed")],
        source=Source.PROFESSIONAL,
        confidence=Confidence.HIGH,
    )
    story = add_demo_profiles_and_moves()
    assert story.moves[0].person == child
    return story


def _persona(username: str) -> Worker:
    return Worker.objects.get(username=username)


def test_the_hsb_panel_names_no_child_on_both_sides_and_speaks_of_the_child_as_they_are(
    girls_story: Story,
) -> None:
    story = girls_story
    hsb = story.panels[0]
    move = story.moves[0]
    items = list(hsb.items.all())
    harming = {i.person_id for i in items if i.kind == "harming"}
    harmed = {i.person_id for i in items if i.kind == "harmed"}
    assert harming == {move.person.pk} and harmed
    assert not harming & harmed
    actions = [a.description for a in hsb.actions.all()]
    words = " ".join(
        [
            hsb.summary,
            move.reason,
            *actions,
            *(i.reason for i in items),
            *(i.discussion for i in items),
        ]
    )
    wrong = WRONG_WORDS.get(move.person.sex)
    assert wrong is None or not re.search(wrong, words, re.IGNORECASE), words
    # The way in is the child's own talent, as their profile records it.
    talent = ProfileItem.objects.current().get(person=move.person, kind="talent").text
    assert any(talent.split(" (")[0][1:] in a for a in actions), (talent, actions)


def test_a_single_sex_schools_roll_holds_only_pupils_of_its_sex(girls_story: Story) -> None:
    sex_of = {s.name: s.sex for s in spec.SCHOOLS if s.sex}
    rolls = Enrolment.objects.filter(school__name__in=sex_of).select_related("person", "school")
    assert rolls.exists()
    wrong = [
        (e.person.full_name, e.school.name) for e in rolls if e.person.sex != sex_of[e.school.name]
    ]
    assert wrong == []


def test_a_childs_incidents_at_a_school_fall_within_their_time_on_its_roll(story: Story) -> None:
    rolls: dict[tuple[int, int], list[tuple[dt.date, dt.date | None]]] = {}
    for e in Enrolment.objects.filter(school__kind=ContextKind.SCHOOL):
        rolls.setdefault((e.person_id, e.school_id), []).append((e.start, e.end))
    at_schools = Involvement.objects.filter(
        incident__context__kind=ContextKind.SCHOOL, person__kind=PersonKind.YOUNG_PERSON
    ).select_related("incident")
    assert at_schools.count() > 20
    outside = []
    for inv in at_schools:
        day = clock.day_of(inv.incident.occurred_at)
        periods = rolls.get((inv.person_id, inv.incident.context_id), [])
        if not any(start <= day and (end is None or day <= end) for start, end in periods):
            outside.append((inv.person_id, inv.incident.context_id, day, periods))
    assert outside == []


def test_the_lockmead_conference_was_held_this_morning_and_is_due_not_overdue(
    borough: Summary,
) -> None:
    ensure_reference_data()
    afternoon = timezone.make_aware(dt.datetime.combine(clock.today(), dt.time(15, 0)))
    with clock.frozen_at(afternoon):
        add_demo_context_cases()
        case = ContextCase.objects.get(context__name="Lockmead Estate")
        held = case.conferences.get().scheduled_for
        assert held is not None and timezone.localtime(held) == afternoon.replace(hour=9, minute=30)
        # On both lists that name it (the chair's and the lead's), due later, not overdue.
        for viewer in (_persona("conference.chair"), case.lead):
            (item,) = [i for i in my_work(viewer=viewer) if i.subject == "Lockmead Estate"]
            assert item.due_on is not None and item.due_on > afternoon.date()
            assert not item.overdue
    # Told before 10:30, the conference is the morning before's: never in the future.
    early = afternoon.replace(hour=7)
    assert held_this_morning(early) == afternoon.replace(hour=9, minute=30) - dt.timedelta(days=1)


def test_police_intelligence_is_kept_within_the_police(story: Story) -> None:
    (incident,) = story.intelligence
    assert incident.restricted and incident.reporting_agency.kind == "police"
    child = incident.involvements.get().person
    police = _persona("police.analyst")
    assert incidents_for(viewer=police).filter(pk=incident.pk).exists()
    see_child = []
    for username in ("school.dsl", "social.worker"):
        other = _persona(username)
        see_child += visible_person_ids(other, {child.pk}, shared=False)
        assert not incidents_for(viewer=other).filter(pk=incident.pk).exists()
    # A child others see (both, in a borough with such a child): they are not told of it.
    assert see_child
