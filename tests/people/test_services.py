"""People, legal-status episodes and allocations: happy paths, refusals, audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from locus.access import policies
from locus.audit.models import ChangeAction
from locus.common.errors import NotPermitted, ValidationFailed
from locus.common.services import today
from locus.people.models import Allocation, LegalStatus, LegalStatusEpisode, Person, PersonKind
from locus.people.services import (
    allocation_create,
    allocation_end,
    episode_end,
    episode_start,
    person_create,
    person_update,
)
from locus.places.models import ContextKind
from tests.factories import (
    DOB,
    START,
    World,
    last_change,
    make_context,
    make_person,
    make_worker,
    nothing_written,
    valid_nhs_number,
    valid_upn,
)

TOMORROW = today() + dt.timedelta(days=1)
NEXT_MONTH = today() + dt.timedelta(days=31)


def _wrong_check_letter(upn: str) -> str:
    return ("B" if upn[0] == "A" else "A") + upn[1:]


# --- person_create ---------------------------------------------------------------------------


def test_person_create_writes_the_person_and_its_audit(world: World) -> None:
    upn = valid_upn(4242)
    nhs = valid_nhs_number(4242)
    person = person_create(
        actor=world.social_worker,
        given_name="  Kemi ",
        family_name="Adeyemi",
        date_of_birth=DOB,
        sex="2",
        ethnicity="BAFR",
        upn=f" {upn[:5].lower()} {upn[5:]}",  # typed with a space, in lower case
        nhs_number=f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}",
        la_child_id="lac123",
        home=world.home,
    )
    person.refresh_from_db()
    assert (person.given_name, person.family_name) == ("Kemi", "Adeyemi")
    assert (person.upn, person.nhs_number, person.la_child_id) == (upn, nhs, "LAC123")
    event = last_change(person)
    assert event.actor == world.social_worker
    assert event.action == ChangeAction.CREATE
    assert (event.record_type, event.record_id) == ("people.person", str(person.pk))
    assert event.before == {}
    assert event.after["given_name"] == "Kemi"
    assert event.after["upn"] == upn
    assert event.after["date_of_birth"] == DOB.isoformat()
    assert event.after["home_id"] == world.home.pk
    assert event.after["ethnicity"] == "BAFR"


def test_an_adult_of_concern_needs_no_date_of_birth(world: World) -> None:
    adult = person_create(
        actor=world.police_analyst,
        given_name="Unknown",
        family_name="Male",
        date_of_birth=None,
        kind=PersonKind.ADULT_OF_CONCERN,
    )
    assert adult.date_of_birth is None


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        pytest.param(
            {"upn": _wrong_check_letter(valid_upn(7))},
            "upn",
            "The UPN's check letter is wrong",
            id="upn-wrong-check-letter",
        ),
        pytest.param({"upn": valid_upn(7)[:12]}, "upn", "A UPN is 13 characters", id="upn-short"),
        pytest.param(
            {"upn": valid_upn(7) + "1"}, "upn", "A UPN is 13 characters", id="upn-too-long"
        ),
        pytest.param(
            {"upn": "1" + valid_upn(7)[1:]}, "upn", "a check letter followed", id="upn-no-letter"
        ),
        pytest.param(
            {"date_of_birth": TOMORROW},
            "date_of_birth",
            "The date of birth must not be in the future",
            id="dob-future",
        ),
        pytest.param(
            {"date_of_birth": dt.date(1899, 12, 31)},
            "date_of_birth",
            "The date of birth must be after 1900",
            id="dob-ancient",
        ),
        pytest.param(
            {"date_of_birth": None},
            "date_of_birth",
            "Enter the young person's date of birth",
            id="dob-missing",
        ),
        pytest.param(
            {"date_of_birth": "2011-03-14"},
            "date_of_birth",
            "Enter the date of birth as a date",
            id="dob-string",
        ),
        pytest.param(
            {"ethnicity": "WHIT"},
            "ethnicity",
            "Unknown ethnicity code 'WHIT': use a DfE code such as WBRI or NOBT",
            id="ethnicity-unknown",
        ),
        pytest.param(
            {"nhs_number": "9434765918"},
            "nhs_number",
            "The NHS number's check digit is wrong",
            id="nhs-check-digit",
        ),
        pytest.param(
            {"nhs_number": "943476591"}, "nhs_number", "An NHS number is 10 digits", id="nhs-short"
        ),
        pytest.param({"given_name": "  "}, "given_name", "Enter a first name", id="no-given-name"),
        pytest.param({"family_name": ""}, "family_name", "Enter a last name", id="no-family-name"),
        pytest.param({"sex": "M"}, "sex", "Unknown sex code: 'M'", id="sex-unknown"),
        pytest.param({"kind": "victim"}, "kind", "Unknown kind of person", id="kind-unknown"),
    ],
)
def test_person_create_refuses_bad_input(
    world: World, fields: dict[str, Any], field: str, message: str
) -> None:
    values: dict[str, Any] = {"given_name": "Bad", "family_name": "Input", "date_of_birth": DOB}
    values.update(fields)
    with nothing_written(Person), pytest.raises(ValidationFailed) as exc:
        person_create(actor=world.social_worker, **values)
    assert list(exc.value.errors) == [field]
    assert any(message in m for m in exc.value.errors[field]), exc.value.errors
    assert field in str(exc.value)  # the summary names the field


def test_person_create_refuses_a_datetime_as_date_of_birth(world: World) -> None:
    with nothing_written(Person), pytest.raises(ValidationFailed) as exc:
        person_create(
            actor=world.social_worker,
            given_name="Bad",
            family_name="Input",
            date_of_birth=dt.datetime(2011, 3, 14, 12, 0, tzinfo=dt.UTC),
        )
    assert "date_of_birth" in exc.value.errors


def test_person_create_reports_every_problem_at_once(world: World) -> None:
    with nothing_written(Person), pytest.raises(ValidationFailed) as exc:
        person_create(
            actor=world.social_worker,
            given_name="",
            family_name="Many",
            date_of_birth=TOMORROW,
            ethnicity="XXXX",
            upn="A12",
            nhs_number="1234567890",
        )
    assert set(exc.value.errors) == {
        "given_name",
        "date_of_birth",
        "ethnicity",
        "upn",
        "nhs_number",
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("upn", valid_upn(99), "This UPN cannot be used here: ask your data team"),
        (
            "nhs_number",
            valid_nhs_number(99),
            "This NHS number cannot be used here: ask your data team",
        ),
        ("la_child_id", "LA-99", "This LA child ID cannot be used here: ask your data team"),
    ],
)
def test_person_create_refuses_a_duplicate_identifier(
    world: World, field: str, value: str, message: str
) -> None:
    make_person(world.system, **{field: value})
    with nothing_written(Person), pytest.raises(ValidationFailed) as exc:
        make_person(world.system, **{field: value.lower()})
    assert exc.value.errors == {field: [message]}


def test_person_create_refuses_a_home_that_is_not_a_home(world: World) -> None:
    with nothing_written(Person), pytest.raises(ValidationFailed) as exc:
        make_person(world.system, home=world.park)
    assert exc.value.errors == {"home": ["A home must be a context of kind home"]}


def test_auditor_cannot_record_a_person(world: World) -> None:
    with nothing_written(Person), pytest.raises(NotPermitted):
        make_person(world.auditor)


@pytest.mark.parametrize("service", ["person_create", "person_update"])
def test_a_home_the_worker_cannot_see_cannot_be_given_to_a_child(
    world: World, service: str
) -> None:
    hidden = make_context(world.system, kind=ContextKind.HOME, name="Another family's flat")
    assert not policies.can_view_context(world.social_worker, hidden)
    with nothing_written(Person), pytest.raises(NotPermitted):
        if service == "person_create":
            make_person(world.social_worker, home=hidden)
        else:
            person_update(actor=world.social_worker, person=world.csc_child, home=hidden)
    assert not policies.can_view_context(world.social_worker, hidden)


# --- person_update ---------------------------------------------------------------------------


def test_person_update_audits_only_the_changed_fields(world: World) -> None:
    child = world.csc_child
    upn = valid_upn(555)
    person_update(actor=world.social_worker, person=child, known_as="CeeCee", upn=upn.lower())
    child.refresh_from_db()
    assert (child.known_as, child.upn) == ("CeeCee", upn)
    event = last_change(child)
    assert (event.actor, event.action) == (world.social_worker, ChangeAction.UPDATE)
    assert event.before == {"known_as": "", "upn": None}
    assert event.after == {"known_as": "CeeCee", "upn": upn}


def test_person_update_keeps_its_own_identifiers_without_calling_them_duplicates(
    world: World,
) -> None:
    person = make_person(world.system, upn=valid_upn(77), nhs_number=valid_nhs_number(77))
    person_update(actor=world.admin, person=person, known_as="Same ids")
    assert Person.objects.get(pk=person.pk).known_as == "Same ids"


def test_person_update_refuses_another_persons_upn(world: World) -> None:
    upn = valid_upn(31)
    make_person(world.system, upn=upn)
    with nothing_written(Person), pytest.raises(ValidationFailed) as exc:
        person_update(actor=world.social_worker, person=world.csc_child, upn=upn)
    assert exc.value.errors == {"upn": ["This UPN cannot be used here: ask your data team"]}
    world.csc_child.refresh_from_db()
    assert world.csc_child.upn is None


def test_person_update_refuses_an_unknown_field(world: World) -> None:
    with nothing_written(Person), pytest.raises(TypeError, match="created_at"):
        person_update(actor=world.social_worker, person=world.csc_child, created_at=None)


@pytest.mark.parametrize(
    ("persona", "child"),
    [
        ("police_analyst", "csc_child"),  # another agency, cannot even see the child
        ("other_social_worker", "csc_child"),  # same agency, another team's case
        ("teammate", "csc_child"),  # sees the child through the team, not allocated
        ("school_dsl", "pupil"),  # sees the pupil, but the school holds no case
        ("auditor", "csc_child"),
    ],
)
def test_person_update_needs_the_case_holder(world: World, persona: str, child: str) -> None:
    person = getattr(world, child)
    with nothing_written(Person), pytest.raises(NotPermitted):
        person_update(actor=world.persona(persona), person=person, given_name="Changed")
    person.refresh_from_db()
    assert person.given_name != "Changed"


# --- legal-status episodes -------------------------------------------------------------------


def test_episode_start_writes_the_episode_and_its_audit(world: World) -> None:
    episode = episode_start(
        actor=world.social_worker,
        person=world.csc_child,
        status=LegalStatus.CHILD_PROTECTION,
        cp_category="SAB",
        start=START,
        agency=world.csc,
    )
    assert episode.detail == "Sexual abuse"
    event = last_change(episode)
    assert (event.actor, event.action, event.record_type, event.record_id) == (
        world.social_worker,
        ChangeAction.CREATE,
        "people.legalstatusepisode",
        str(episode.pk),
    )
    assert event.after["status"] == "CP"
    assert event.after["cp_category"] == "SAB"
    assert event.after["person_id"] == world.csc_child.pk
    assert event.after["start"] == START.isoformat()


def test_episode_start_looked_after_with_its_legal_status(world: World) -> None:
    episode = episode_start(
        actor=world.team_manager,
        person=world.csc_child,
        status=LegalStatus.LOOKED_AFTER,
        lac_legal_status="C2",
        start=START,
        agency=world.csc,
    )
    assert episode.detail == "C2: Full care order"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        pytest.param(
            {"status": "CP"},
            "cp_category",
            "A child protection plan needs its category (NEG, PHY, SAB, EMO or MUL)",
            id="cp-without-category",
        ),
        pytest.param(
            {"status": "CP", "cp_category": "XXX"},
            "cp_category",
            "A child protection plan needs its category",
            id="cp-unknown-category",
        ),
        pytest.param(
            {"status": "EH", "cp_category": "NEG"},
            "cp_category",
            "Only a child protection plan has a category",
            id="category-on-early-help",
        ),
        pytest.param(
            {"status": "LAC"},
            "lac_legal_status",
            "A looked-after episode needs its legal status",
            id="lac-without-legal-status",
        ),
        pytest.param(
            {"status": "EH", "lac_legal_status": "C2"},
            "lac_legal_status",
            "Only a looked-after episode has a legal status",
            id="legal-status-on-early-help",
        ),
        pytest.param(
            {"status": "EH", "start": START, "end": START - dt.timedelta(days=1)},
            "end",
            "The end date must be on or after the start date",
            id="end-before-start",
        ),
        pytest.param(
            {"status": "EH", "start": TOMORROW},
            "start",
            "The start date must not be in the future",
            id="start-in-future",
        ),
        # A mistyped year (0025, 1025) is a real date to the form: the child's status history
        # would start then. A date of birth and an incident refuse it too.
        *(
            pytest.param(
                {"status": "EH", "start": dt.date(year, 1, 1), "end": dt.date(year, 6, 1)},
                "start",
                "The start date must be after 1900",
                id=f"year-{year}",
            )
            for year in (25, 1025)
        ),
        pytest.param({"status": "S47"}, "status", "Unknown legal status: 'S47'", id="status"),
        pytest.param(
            {"status": "CIN"},
            "status",
            "Child in need (s.17) is already open for this person: end it first",
            id="already-open",
        ),
    ],
)
def test_episode_start_refuses_bad_input(
    world: World, fields: dict[str, Any], field: str, message: str
) -> None:
    values: dict[str, Any] = {"start": START}
    values.update(fields)
    with nothing_written(LegalStatusEpisode), pytest.raises(ValidationFailed) as exc:
        episode_start(actor=world.social_worker, person=world.csc_child, agency=world.csc, **values)
    assert list(exc.value.errors) == [field]
    assert any(message in m for m in exc.value.errors[field]), exc.value.errors


def test_episode_start_refuses_an_end_in_the_future(world: World) -> None:
    with nothing_written(LegalStatusEpisode), pytest.raises(ValidationFailed) as exc:
        episode_start(
            actor=world.social_worker,
            person=world.csc_child,
            status=LegalStatus.EARLY_HELP,
            start=START,
            end=NEXT_MONTH,
            agency=world.csc,
        )
    assert "end" in exc.value.errors


def test_a_past_episode_can_be_recorded_while_one_is_open(world: World) -> None:
    episode = episode_start(
        actor=world.social_worker,
        person=world.csc_child,
        status=LegalStatus.CHILD_IN_NEED,
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 6, 1),
        agency=world.csc,
    )
    assert episode.end == dt.date(2024, 6, 1)


EH, EH_2024 = LegalStatus.EARLY_HELP, "Early help is recorded from 01/01/2024 to 01/06/2024"
JAN, MAR, APR = dt.date(2024, 1, 1), dt.date(2024, 3, 1), dt.date(2024, 4, 1)
EARLIER = dt.date(2023, 6, 1)

# An episode that shares days with another of its status (an early help episode through the
# first half of 2024, and csc_child's child in need episode, open from START): its status and
# dates, the field refused and the start of the message, which names the other's dates.
OVERLAPS: dict[str, tuple[str, dt.date, dt.date | None, str, str]] = {
    "past-over-the-open-one": (
        LegalStatus.CHILD_IN_NEED,
        START - dt.timedelta(days=30),
        START + dt.timedelta(days=10),
        "end",
        "Child in need (s.17) is recorded from 01/09/2025 and still open",
    ),
    "past-inside-a-past-one": (EH, MAR, APR, "start", EH_2024),
    "open-from-inside-an-ended-one": (EH, MAR, None, "start", EH_2024),
    "past-over-a-past-one": (EH, EARLIER, dt.date(2024, 2, 1), "end", EH_2024),
    "open-from-before-an-ended-one": (EH, EARLIER, None, "start", EH_2024),
    "the-same-day": (EH, JAN, JAN, "start", EH_2024),
}


def _record(world: World, status: str, start: dt.date, end: dt.date | None) -> LegalStatusEpisode:
    """An episode of ``status`` for ``csc_child``, recorded by the social worker."""
    return episode_start(
        actor=world.social_worker,
        person=world.csc_child,
        status=status,
        start=start,
        end=end,
        agency=world.csc,
    )


@pytest.mark.parametrize("case", OVERLAPS)
def test_an_episode_may_not_overlap_another_of_its_status(world: World, case: str) -> None:
    """A child is open to each status once at a time (the SSDA903 import refuses overlaps
    too): a past episode recorded over another, or one opened inside an ended one, would
    count the child twice in a return and give two histories of one plan. The worker is told
    which episode is in the way."""
    _record(world, EH, JAN, dt.date(2024, 6, 1))
    status, start, end, field, message = OVERLAPS[case]
    with nothing_written(LegalStatusEpisode), pytest.raises(ValidationFailed) as exc:
        _record(world, status, start, end)
    assert list(exc.value.errors) == [field]
    assert exc.value.errors[field][0].startswith(message), exc.value.errors


def test_episodes_of_a_status_may_meet_on_a_day_and_other_statuses_overlap(world: World) -> None:
    """The day one episode ends, the next may start (as a change of plan does); a status
    overlaps any other (in need and early help, say)."""
    _record(world, EH, JAN, dt.date(2024, 6, 1))
    _record(world, EH, dt.date(2024, 6, 1), dt.date(2024, 9, 1))
    _record(world, EH, EARLIER, JAN)
    _record(world, EH, dt.date(2024, 9, 1), None)
    _record(world, LegalStatus.CHILD_IN_NEED, dt.date(2024, 2, 1), MAR)
    assert world.csc_child.episodes.filter(status=EH).count() == 4


@pytest.mark.parametrize("persona", ["police_analyst", "other_social_worker", "yjs_worker"])
def test_episode_start_needs_the_case_holder(world: World, persona: str) -> None:
    with nothing_written(LegalStatusEpisode), pytest.raises(NotPermitted):
        episode_start(
            actor=world.persona(persona),
            person=world.csc_child,
            status=LegalStatus.EARLY_HELP,
            start=START,
            agency=world.csc,
        )


def test_episode_end_audits_the_end_date_and_reason_only(world: World) -> None:
    episode = world.csc_child.episodes.get(status=LegalStatus.CHILD_IN_NEED)
    end = START + dt.timedelta(days=10)
    episode_end(actor=world.social_worker, episode=episode, end=end, reason="Case closed")
    episode.refresh_from_db()
    assert episode.end == end
    event = last_change(episode)
    assert (event.actor, event.action) == (world.social_worker, ChangeAction.END)
    assert event.before == {"end": None, "end_reason": ""}
    assert event.after == {"end": end.isoformat(), "end_reason": "Case closed"}


@pytest.mark.parametrize(
    ("end", "message"),
    [
        (
            START - dt.timedelta(days=1),
            f"The end date must be on or after the start date, {START:%d/%m/%Y}",
        ),
        (TOMORROW, "The end date must not be in the future"),
    ],
)
def test_episode_end_refuses_bad_dates(world: World, end: dt.date, message: str) -> None:
    episode = world.csc_child.episodes.get(status=LegalStatus.CHILD_IN_NEED)
    with nothing_written(LegalStatusEpisode), pytest.raises(ValidationFailed) as exc:
        episode_end(actor=world.social_worker, episode=episode, end=end, reason="Closed")
    assert exc.value.errors == {"end": [message]}
    episode.refresh_from_db()
    assert episode.end is None


def test_episode_end_refuses_an_ended_episode(world: World) -> None:
    episode = world.csc_child.episodes.get(status=LegalStatus.CHILD_IN_NEED)
    episode_end(actor=world.social_worker, episode=episode, end=START, reason="Closed")
    with nothing_written(LegalStatusEpisode), pytest.raises(ValidationFailed) as exc:
        episode_end(actor=world.social_worker, episode=episode, end=START, reason="Closed")
    assert exc.value.errors == {"end": ["This episode has already ended"]}


def test_episode_end_needs_the_case_holder(world: World) -> None:
    episode = world.csc_child.episodes.get(status=LegalStatus.CHILD_IN_NEED)
    with nothing_written(LegalStatusEpisode), pytest.raises(NotPermitted):
        episode_end(actor=world.police_analyst, episode=episode, end=START, reason="Closed")


# --- allocations -----------------------------------------------------------------------------


def test_team_manager_allocates_within_the_team(world: World) -> None:
    allocation = allocation_create(
        actor=world.team_manager, person=world.team_child, worker=world.social_worker, start=START
    )
    assert allocation.team == world.csc_team_a
    event = last_change(allocation)
    assert (event.actor, event.action, event.record_type) == (
        world.team_manager,
        ChangeAction.CREATE,
        "people.allocation",
    )
    assert event.after["worker_id"] == world.social_worker.pk
    assert event.after["team_id"] == world.csc_team_a.pk


@pytest.mark.parametrize(
    ("persona", "worker"),
    [
        ("social_worker", "social_worker"),  # a practitioner allocating to themselves
        ("social_worker", "teammate"),
        ("police_analyst", "social_worker"),
        ("auditor", "social_worker"),
        ("team_manager", "other_social_worker"),  # a manager, but of another team
    ],
)
def test_only_the_teams_manager_or_an_administrator_allocates(
    world: World, persona: str, worker: str
) -> None:
    with nothing_written(Allocation), pytest.raises(NotPermitted):
        allocation_create(
            actor=world.persona(persona),
            person=world.pupil,
            worker=world.persona(worker),
            start=START,
        )


def test_allocation_create_refuses_a_worker_outside_the_team(world: World) -> None:
    with nothing_written(Allocation), pytest.raises(ValidationFailed) as exc:
        allocation_create(
            actor=world.admin,
            person=world.pupil,
            worker=world.other_social_worker,
            team=world.csc_team_a,
            start=START,
        )
    assert exc.value.errors == {"team": ["The worker is not a member of that team"]}


def test_allocation_create_refuses_a_duplicate_open_allocation(world: World) -> None:
    with nothing_written(Allocation), pytest.raises(ValidationFailed) as exc:
        allocation_create(
            actor=world.team_manager,
            person=world.csc_child,
            worker=world.social_worker,
            start=START,
        )
    assert exc.value.errors == {"worker": ["This person is already allocated to this worker"]}


def test_allocation_create_refuses_an_inactive_worker_and_a_future_start(world: World) -> None:
    leaver = make_worker(world.system, team=world.csc_team_a)
    leaver.is_active = False
    with nothing_written(Allocation), pytest.raises(ValidationFailed) as exc:
        allocation_create(
            actor=world.team_manager, person=world.team_child, worker=leaver, start=TOMORROW
        )
    assert exc.value.errors == {
        "worker": ["The worker's account is not active"],
        "start": ["The start date must not be in the future"],
    }


def test_an_allocation_refuses_a_mistyped_year_but_one_held_from_then_can_end(
    world: World,
) -> None:
    """A caseload dated from year 25 is a typing slip, refused as a period's start is
    everywhere; an allocation recorded before that check can still be ended."""
    with nothing_written(Allocation), pytest.raises(ValidationFailed) as exc:
        allocation_create(
            actor=world.team_manager,
            person=world.team_child,
            worker=world.social_worker,
            start=dt.date(25, 9, 1),
        )
    assert exc.value.errors == {"start": ["The start date must be after 1900"]}
    allocation = world.csc_child.allocations.get()
    Allocation.objects.filter(pk=allocation.pk).update(start=dt.date(25, 9, 1))
    allocation_end(
        actor=world.team_manager, allocation=allocation, end=START, reason="Started in error"
    )
    allocation.refresh_from_db()
    assert allocation.end == START


def test_allocation_create_refuses_a_worker_with_no_team(world: World) -> None:
    with nothing_written(Allocation), pytest.raises(ValidationFailed) as exc:
        allocation_create(actor=world.admin, person=world.pupil, worker=world.auditor, start=START)
    assert exc.value.errors == {"worker": ["The worker belongs to no team"]}


def test_allocation_end(world: World) -> None:
    allocation = world.csc_child.allocations.get()
    allocation_end(
        actor=world.team_manager, allocation=allocation, end=START, reason="The case closed"
    )
    allocation.refresh_from_db()
    assert (allocation.end, allocation.end_reason) == (START, "The case closed")
    event = last_change(allocation)
    assert (event.action, event.before, event.after) == (
        ChangeAction.END,
        {"end": None, "end_reason": ""},
        {"end": START.isoformat(), "end_reason": "The case closed"},
    )


def test_an_allocation_ends_only_with_a_reason_and_every_problem_is_said_at_once(
    world: World,
) -> None:
    allocation = world.csc_child.allocations.get()
    with nothing_written(Allocation), pytest.raises(ValidationFailed) as exc:
        allocation_end(
            actor=world.team_manager,
            allocation=allocation,
            end=START - dt.timedelta(days=1),
            reason="   ",
        )
    assert exc.value.errors == {
        "reason": ["Say why the allocation ends, for the record"],
        "end": ["The end date must be on or after the start date"],
    }


def test_allocation_end_refuses_practitioners_and_a_second_end(world: World) -> None:
    allocation = world.csc_child.allocations.get()
    with nothing_written(Allocation), pytest.raises(NotPermitted):
        allocation_end(
            actor=world.social_worker, allocation=allocation, end=START, reason="The case closed"
        )
    allocation_end(
        actor=world.team_manager, allocation=allocation, end=START, reason="The case closed"
    )
    with nothing_written(Allocation), pytest.raises(ValidationFailed) as exc:
        allocation_end(
            actor=world.team_manager, allocation=allocation, end=START, reason="The case closed"
        )
    assert exc.value.errors == {"end": ["This allocation has already ended"]}


def test_allocation_end_refuses_an_end_in_the_future(world: World) -> None:
    allocation = world.csc_child.allocations.get()
    with nothing_written(Allocation), pytest.raises(ValidationFailed) as exc:
        allocation_end(
            actor=world.team_manager,
            allocation=allocation,
            end=NEXT_MONTH,
            reason="The case closed",
        )
    assert "end" in exc.value.errors
