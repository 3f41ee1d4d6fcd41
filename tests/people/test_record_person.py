"""Recording a young person or an adult of concern: validated at the boundary, checked for
duplicates without revealing a record the worker may not see, allocated at once, with an
address whose history is kept."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from locus.access.models import Role, Worker
from locus.access.services import break_glass_request
from locus.audit.models import AccessEvent
from locus.common.errors import NotPermitted, ValidationFailed
from locus.common.services import today
from locus.people.models import (
    AddressPeriod,
    Allocation,
    IdentifierQuery,
    Person,
    PersonKind,
    QueryKind,
    QueryOutcome,
)
from locus.people.services import (
    MAY_ALREADY_EXIST,
    PossibleDuplicate,
    address_record,
    allocation_create,
    duplicate_query_send,
    identifier_query_close,
    person_record,
    person_update,
)
from locus.places.models import Context, ContextKind
from tests.factories import (
    DOB,
    World,
    client_for,
    make_person,
    make_worker,
    nothing_written,
    valid_upn,
)

pytestmark = pytest.mark.django_db

PINNED_ADDRESS_PAGE = 13  # with the read's audit row's chain head, read locked and moved on

WRITTEN = (Person, Allocation, AddressPeriod, Context, IdentifierQuery)
NEW = {"given_name": "Nia", "family_name": "Newchild", "date_of_birth": dt.date(2012, 5, 1)}
ADDRESS = {"address": "Flat 2\n14 Mare Street\nLondon", "postcode": "e81ej"}
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def record(world: World, actor: Worker | None = None, **fields: Any) -> Person:
    return person_record(actor=actor or world.social_worker, **{**NEW, **fields})


def form(**fields: Any) -> dict[str, Any]:
    """What the record page posts: the new person's details, sex and ethnicity as chosen."""
    data = {**NEW, "sex": "0", "ethnicity": "NOBT", **fields}
    dob = data.pop("date_of_birth")
    return {**data, "date_of_birth": dob.strftime("%d/%m/%Y") if dob else ""}


def new_url(kind: str = "young-person") -> str:
    return reverse("person-new", args=[kind])


def hidden_child(world: World, **fields: Any) -> Person:
    """A child held by another team: the social worker may not see them."""
    child = make_person(world.system, **fields)
    allocation_create(
        actor=world.system, person=child, worker=world.other_social_worker, start=today()
    )
    return child


# --- Recording and holding -----------------------------------------------------------------


def test_a_recorded_person_is_allocated_to_the_recorder_who_sees_them(world: World) -> None:
    person = record(world, known_as="Nee", upn=valid_upn(88001).lower())
    assert person.kind == PersonKind.YOUNG_PERSON and person.upn == valid_upn(88001)
    (allocation,) = Allocation.objects.filter(person=person)
    assert allocation.worker == world.social_worker and allocation.team == world.csc_team_a
    assert allocation.start == today() and allocation.end is None
    client = client_for(world.social_worker)
    page = client.get(reverse("person", args=[person.pk]))
    assert page.status_code == 200 and "Nia Newchild" in page.content.decode()
    # Held by the team: the teammate sees them too, another team does not.
    assert client_for(world.teammate).get(reverse("person", args=[person.pk])).status_code == 200
    other = client_for(world.other_social_worker)
    assert other.get(reverse("person", args=[person.pk])).status_code == 404


def test_a_manager_allocates_what_they_record_within_their_team(world: World) -> None:
    person = record(world, world.team_manager, holder=world.teammate)
    assert Allocation.objects.get(person=person).worker == world.teammate
    with nothing_written(*WRITTEN), pytest.raises(NotPermitted):
        record(world, world.team_manager, holder=world.other_social_worker, family_name="Elsewhere")
    # A practitioner holds what they record: they choose nobody else.
    with nothing_written(*WRITTEN), pytest.raises(NotPermitted):
        record(world, world.social_worker, holder=world.teammate, family_name="Elsewhere")


def test_on_the_page_a_manager_chooses_only_a_worker_of_their_team(world: World) -> None:
    client = client_for(world.team_manager)
    page = client.get(new_url()).content.decode()
    assert 'name="holder"' in page and str(world.teammate) in page
    assert str(world.other_social_worker) not in page
    with nothing_written(*WRITTEN):
        refused = client.post(new_url(), form(holder=world.other_social_worker.pk))
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    client.post(new_url(), form(holder=world.teammate.pk))
    assert Allocation.objects.get(person__family_name="Newchild").worker == world.teammate
    assert 'name="holder"' not in client_for(world.social_worker).get(new_url()).content.decode()


def test_an_adult_of_concern_may_be_recorded_without_a_date_of_birth(world: World) -> None:
    adult = record(world, kind=PersonKind.ADULT_OF_CONCERN, given_name="Dev", date_of_birth=None)
    assert adult.kind == PersonKind.ADULT_OF_CONCERN and adult.date_of_birth is None


# --- Validation: each message on its field, nothing written --------------------------------

YEARS_AGO = lambda n: today().replace(year=today().year - n)  # noqa: E731

BAD = [
    ({"given_name": " "}, "given_name", "Enter a first name"),
    ({"date_of_birth": None}, "date_of_birth", "Enter the young person's date of birth"),
    (
        {"date_of_birth": today() + dt.timedelta(days=1)},
        "date_of_birth",
        "The date of birth must not be in the future",
    ),
    (
        {"date_of_birth": YEARS_AGO(25)},
        "date_of_birth",
        "A young person is under 25: check the date of birth",
    ),
    (
        {"kind": PersonKind.ADULT_OF_CONCERN, "date_of_birth": YEARS_AGO(17)},
        "date_of_birth",
        "An adult of concern is 18 or over: check the date of birth, or record a young person",
    ),
    (
        {"upn": "A12345678901"},
        "upn",
        "A UPN is 13 characters: a check letter followed by 12 digits",
    ),
    (
        {"upn": "B123456789012"},
        "upn",
        "The UPN's check letter is wrong: 123456789012 needs A, not B",
    ),
    ({"nhs_number": "9434765918"}, "nhs_number", "The NHS number's check digit is wrong"),
    ({"nhs_number": "94347659"}, "nhs_number", "An NHS number is 10 digits"),
    (
        {"la_child_id": "LA/123"},
        "la_child_id",
        "An LA child ID has only letters, digits and hyphens, starting with a letter or digit",
    ),
    (
        {"postcode": "E8 9ZZ", "address": "1 Nowhere Road"},
        "postcode",
        "E8 9ZZ is not a postcode we can find",
    ),
    (
        {"postcode": "NOT A CODE", "address": "1 Road"},
        "postcode",
        "Enter a full UK postcode, like E8 1EJ",
    ),
    ({"postcode": "", "address": "1 Road"}, "postcode", "Enter the postcode"),
    ({"postcode": "E8 1EJ", "address": " "}, "address", "Enter the address"),
]


@pytest.mark.parametrize(("fields", "field", "message"), BAD)
def test_bad_input_is_refused_on_its_field_and_nothing_is_written(
    world: World, fields: dict[str, Any], field: str, message: str
) -> None:
    with nothing_written(*WRITTEN), pytest.raises(ValidationFailed) as refused:
        record(world, **fields)
    assert refused.value.errors[field] == [message]


@pytest.mark.parametrize(("fields", "field", "message"), BAD[2:])
def test_the_record_page_shows_each_message_on_its_field(
    world: World, fields: dict[str, Any], field: str, message: str
) -> None:
    data = form(**{k: v for k, v in fields.items() if k != "kind"})
    kind = "adult" if fields.get("kind") else "young-person"
    with nothing_written(*WRITTEN):
        page = client_for(world.social_worker).post(new_url(kind), data)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="#id_{field}"' in html and html.count(message.replace("'", "&#x27;")) == 2


# --- The duplicate check: shows what the worker may see, reveals nothing else ---------------


def ask_page(client: Client, **fields: Any) -> tuple[int, bytes]:
    response = client.post(new_url(), form(**fields))
    return response.status_code, CSRF.sub(b"", response.content)


def test_a_match_the_worker_may_see_is_shown_to_open_instead(world: World) -> None:
    typed = {"given_name": "TARIQ", "family_name": "Teamchild", "date_of_birth": DOB}
    with nothing_written(*WRITTEN):
        status, page = ask_page(client_for(world.social_worker), **typed)
    html = page.decode()
    assert status == 200
    assert reverse("person", args=[world.team_child.pk]) in html and "Tariq Teamchild" in html
    assert "held by" in html and MAY_ALREADY_EXIST not in html
    assert "Say why this is a different person" in html


def test_the_page_is_the_same_for_one_many_or_an_identifier_match_it_may_not_see(
    world: World,
) -> None:
    """The no-oracle property: the worker types the same details each time; whether one
    hidden record matches them, or three (one by name and date of birth, one by a hyphen
    and accent, one only by its UPN), the status and the page are the same bytes."""
    client = client_for(world.social_worker)
    upn = valid_upn(88002)
    typed = {"given_name": "Olu", "family_name": "Otherchild", "date_of_birth": DOB, "upn": upn}
    with nothing_written(*WRITTEN):
        one = ask_page(client, **typed)
    hidden_child(world, given_name="Olú", family_name="Other-Child")
    hidden_child(world, given_name="Somebody", family_name="Else", upn=upn)
    with nothing_written(*WRITTEN):
        three = ask_page(client, **typed)
    assert one == three
    # Only by the UPN: a record with a different name and date of birth.
    person_update(actor=world.system, person=world.other_child, family_name="Renamed")
    for person in Person.objects.filter(family_name="Other-Child"):
        person_update(actor=world.system, person=person, family_name="Renamed")
    with nothing_written(*WRITTEN):
        by_upn = ask_page(client, **typed)
    assert by_upn == one
    status, page = one
    html = page.decode()
    assert status == 200 and MAY_ALREADY_EXIST in html
    for secret in (
        "Somebody",
        "Otherchild</a>",
        "Other-Child",
        "Assessment Team B",
        "other_social_worker",
    ):
        assert secret not in html
    assert str(world.other_child.pk) not in re.findall(r"/people/(\d+)/", html)
    # The typed UPN comes back only as what was typed, in its own box: not as anyone's.
    assert html.count(upn) == 1 and f'value="{upn}"' in html


def test_a_child_seen_only_in_an_emergency_is_not_offered_as_a_match(world: World) -> None:
    """Break-glass reads a record for an emergency; the duplicate check must not turn that
    into "open it instead" (nor the words differ from any other hidden match)."""
    typed = {"given_name": "Olu", "family_name": "Otherchild", "date_of_birth": DOB}
    client = client_for(world.social_worker)
    before = ask_page(client, **typed)
    break_glass_request(
        actor=world.social_worker,
        person_id=world.other_child.pk,
        category="missing_child",
        reason="Missing overnight, police asking for the last known address now",
    )
    assert client.get(reverse("person", args=[world.other_child.pk])).status_code == 200
    # A banner now says emergency access is open; the page below its heading is unchanged.
    assert main(ask_page(client, **typed)) == main(before)
    assert MAY_ALREADY_EXIST in main(before)


def main(answer: tuple[int, bytes]) -> str:
    status, page = answer
    assert status == 200
    html = page.decode()
    return html[html.index("<h1") : html.index("</main>")]


def test_every_check_is_in_the_audit_trail_with_what_was_searched(world: World) -> None:
    typed = {"given_name": "Olu", "family_name": "Otherchild", "date_of_birth": DOB}
    ask_page(client_for(world.social_worker), **typed)
    event = AccessEvent.objects.get(actor=world.social_worker, detail__has_key="duplicate_check")
    assert event.detail["duplicate_check"] == "possible duplicate: not recorded"
    assert event.detail["family_name"] == "Otherchild"
    assert event.detail["date_of_birth"] == DOB.isoformat()
    assert event.detail["matched"] == [world.other_child.pk]
    assert event.detail["people_shown"] == []
    # The administrator reads which fields were searched, and how the check ended (words the
    # system chose); what was typed is the auditor's to read (access/trail.py).
    trail = reverse("audit") + "?worker=social_worker"
    audited = client_for(world.admin).get(trail).content.decode()
    # PostgreSQL's jsonb keeps no key order, so the fields are compared as a set.
    [said] = re.findall(r"\(([a-z ,:]+); search text not shared with your role\)", audited)
    assert set(said.split(", ")) == {
        "duplicate check: possible duplicate: not recorded",
        "given name",
        "family name",
        "date of birth",
    }
    assert "Otherchild" not in audited
    assert "family name: Otherchild" in client_for(world.auditor).get(trail).content.decode()


def test_a_possible_duplicate_is_recorded_only_with_a_reason_which_is_audited(
    world: World,
) -> None:
    typed = {"given_name": "Olu", "family_name": "Otherchild", "date_of_birth": DOB}
    with nothing_written(*WRITTEN), pytest.raises(PossibleDuplicate) as found:
        record(world, **typed)
    assert found.value.check.hidden and found.value.check.shown == []
    with nothing_written(*WRITTEN), pytest.raises(PossibleDuplicate, match="500 characters"):
        record(world, **typed, different_reason="x" * 501)
    person = record(world, **typed, different_reason="Different school and address")
    event = AccessEvent.objects.get(actor=world.social_worker, detail__has_key="different_person")
    assert event.record_id == str(person.pk)
    assert event.detail["different_person"] == "Different school and address"
    assert event.detail["possible_duplicates"] == [world.other_child.pk]


def test_asking_the_data_team_sends_a_request_and_records_nobody(world: World) -> None:
    b_manager = make_worker(
        world.system, team=world.csc_team_b, role=Role.MANAGER, username="team_b_manager"
    )
    typed = {"given_name": "Olu", "family_name": "Otherchild", "date_of_birth": DOB}
    client = client_for(world.social_worker)
    before = (Person.objects.count(), Allocation.objects.count())
    sent = client.post(
        new_url(), {**form(**typed), "ask": "1", "note": "From the school"}, follow=True
    )
    assert (Person.objects.count(), Allocation.objects.count()) == before
    assert sent.redirect_chain == [(reverse("people"), 302)]
    assert "Your request has been sent to the data team" in sent.content.decode()
    query = IdentifierQuery.objects.get()
    assert query.kind == QueryKind.DUPLICATE and query.person is None
    assert query.routed_to == b_manager and list(query.matches.all()) == [world.other_child]
    assert query.details["family_name"] == "Otherchild" and query.note == "From the school"
    # Asked twice, the same request stays open.
    with pytest.raises(ValidationFailed, match="already asked"):
        duplicate_query_send(actor=world.social_worker, kind=PersonKind.YOUNG_PERSON, **typed)
    # The manager sees it with the match named; the worker never does.
    listing = client_for(b_manager).get(reverse("identifier-queries")).content.decode()
    assert "Olu Otherchild" in listing and "A record may already exist" in listing
    detail = client_for(b_manager).get(reverse("identifier-query", args=[query.pk]))
    assert "Possible duplicate record" in detail.content.decode()
    assert client.get(reverse("identifier-query", args=[query.pk])).status_code == 404
    # Once answered "a different child", the same details are recorded without a reason.
    identifier_query_close(
        actor=b_manager, query=query, note="Checked: go ahead", outcome=QueryOutcome.DIFFERENT
    )
    person = record(world, **typed)
    assert person.family_name == "Otherchild"


# --- Who may record -------------------------------------------------------------------------

MAY_RECORD = {
    "social_worker": True,
    "other_social_worker": True,
    "team_manager": True,
    "yjs_worker": True,
    "police_analyst": False,
    "school_dsl": False,
    "partner_worker": False,
    "auditor": False,
    "admin": False,
}


@pytest.mark.parametrize(("persona", "allowed"), sorted(MAY_RECORD.items()))
def test_who_may_record_a_person(world: World, persona: str, allowed: bool) -> None:
    worker = getattr(world, persona)
    client = client_for(worker)
    for kind in ("young-person", "adult"):
        assert client.get(new_url(kind)).status_code == (200 if allowed else 404)
    # Offered from the people list and from My work to those who may, to nobody else.
    for offered_on in ("people", "my-work"):
        assert (new_url() in client.get(reverse(offered_on)).content.decode()) is allowed
    if allowed:
        assert record(world, worker).pk
    else:
        with nothing_written(*WRITTEN), pytest.raises(NotPermitted):
            record(world, worker)


def test_an_unknown_kind_of_person_is_not_found(world: World) -> None:
    assert client_for(world.social_worker).get(new_url("martian")).status_code == 404


MAY_CHANGE_ADDRESS = {
    "social_worker": True,  # holds the child
    "team_manager": True,  # manages the holding team
    "teammate": False,  # sees the child, does not hold them
    "other_social_worker": False,
    "police_analyst": False,
    "auditor": False,
    "admin": False,  # may edit details, but a home address is not the administrator's to see
}


@pytest.mark.parametrize(("persona", "allowed"), sorted(MAY_CHANGE_ADDRESS.items()))
def test_who_may_change_an_address(world: World, persona: str, allowed: bool) -> None:
    worker = getattr(world, persona)
    url = reverse("person-address", args=[world.csc_child.pk])
    client = client_for(worker)
    assert client.get(url).status_code == (200 if allowed else 404)
    if allowed:
        address_record(actor=worker, person=world.csc_child, start=today(), **ADDRESS)
    else:
        with nothing_written(*WRITTEN), pytest.raises(NotPermitted):
            address_record(actor=worker, person=world.csc_child, start=today(), **ADDRESS)


# --- Addresses ------------------------------------------------------------------------------


def test_an_address_makes_a_home_placed_by_its_postcode_and_starts_the_history(
    world: World,
) -> None:
    person = record(world, **ADDRESS)
    home = person.home
    assert home is not None and home.kind == ContextKind.HOME and home.postcode == "E8 1EJ"
    assert home.latitude == pytest.approx(51.546, abs=0.01) and home.longitude < 0
    (period,) = AddressPeriod.objects.filter(person=person)
    assert period.home == home and period.start == today() and period.end is None


def test_people_at_one_address_share_a_home_the_recorder_sees(world: World) -> None:
    first = record(world, **ADDRESS)
    second = record(
        world,
        given_name="Sam",
        family_name="Sibling",
        address="flat 2, 14 MARE STREET, london",
        postcode="E8 1EJ",
    )
    assert first.home == second.home
    assert Context.objects.filter(kind=ContextKind.HOME, postcode="E8 1EJ").count() == 1


def test_a_home_the_recorder_may_not_see_is_not_shared_and_is_flagged(world: World) -> None:
    theirs = record(world, world.other_social_worker, family_name="Elsewhere", **ADDRESS)
    mine = record(world, **ADDRESS)
    assert mine.home != theirs.home  # sharing it would say who lives there
    flag = AccessEvent.objects.get(detail__has_key="possible_duplicate_place")
    assert flag.record_id == str(mine.home_id)
    assert flag.detail["possible_duplicate_place"] == [theirs.home_id]


def test_a_move_keeps_the_old_address_in_the_history(frozen_clock: Any, world: World) -> None:
    person = record(world, **ADDRESS)
    frozen_clock.advance(days=40)
    address_record(
        actor=world.social_worker,
        person=person,
        address="3 Clapton Square",
        postcode="E5 8HP",
        start=today(),
    )
    old, new = AddressPeriod.objects.filter(person=person).order_by("start")
    assert old.end == today() and old.end_reason == "moved" and new.end is None
    person.refresh_from_db()
    assert person.home == new.home and new.home.postcode == "E5 8HP"
    html = client_for(world.social_worker).get(reverse("person", args=[person.pk])).content.decode()
    assert (
        "14 Mare Street" in html and "3 Clapton Square" in html and "Moved to a new address" in html
    )
    # The administrator sees the record, not where the family lives.
    admin_page = client_for(world.admin).get(reverse("person", args=[person.pk])).content.decode()
    assert "Mare Street" not in admin_page and "Addresses" not in admin_page


def test_a_home_recorded_before_history_was_kept_joins_the_history_on_a_move(
    world: World,
) -> None:
    child = world.csc_child  # lives at the world's home, with no address history
    url = reverse("person", args=[child.pk])
    before = client_for(world.social_worker).get(url).content.decode()
    assert "Flat 3, Example House" in before and "dates not known" in before
    address_record(actor=world.social_worker, person=child, start=today(), **ADDRESS)
    old, new = AddressPeriod.objects.filter(person=child).order_by("id")
    assert old.home == world.home and old.end == today() and old.end_reason == "moved"
    assert new.end is None and new.home.postcode == "E8 1EJ"


def test_a_correction_takes_the_dates_of_the_wrong_address(world: World) -> None:
    person = record(world, **ADDRESS)
    address_record(
        actor=world.social_worker,
        person=person,
        address="3 Clapton Square",
        postcode="E5 8HP",
        start=None,
        reason="corrected",
    )
    old, new = AddressPeriod.objects.filter(person=person).order_by("id")
    assert old.end_reason == "corrected" and new.start == old.start


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"postcode": "E8 9ZZ"}, "postcode", "E8 9ZZ is not a postcode we can find"),
        ({"start": None}, "start", "Enter a start date"),
        (
            {"start": today() + dt.timedelta(days=1)},
            "start",
            "The start date must not be in the future",
        ),
        (
            {"address": "Flat 2, 14 Mare Street, London"},
            "address",
            "This is the address they live at now",
        ),
        ({"reason": "eloped"}, "reason", "Choose whether they moved or it was corrected"),
    ],
)
def test_a_bad_address_change_is_refused_and_nothing_written(
    world: World, change: dict[str, Any], field: str, message: str
) -> None:
    person = record(world, **ADDRESS)
    data = {**ADDRESS, "start": today(), **change}
    if field == "address":
        data["postcode"] = "E8 1EJ"
    with nothing_written(*WRITTEN), pytest.raises(ValidationFailed) as refused:
        address_record(actor=world.social_worker, person=person, **data)
    assert message in refused.value.errors[field]


# --- Pages: query counts pinned -------------------------------------------------------------


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_address_page_answers_in_a_pinned_number_of_queries(world: World) -> None:
    client = client_for(world.social_worker)
    url = reverse("person-address", args=[world.csc_child.pk])
    client.get(url)
    # Session and worker; the child (the lookup) and who may change the address (holding
    # and the field table); the read logged; the menu's break-glass check; the session saved.
    # None of them grows with the child's addresses or the caseload.
    assert queries(client, url) == PINNED_ADDRESS_PAGE


def test_the_record_page_answers_in_a_pinned_number_of_queries(world: World) -> None:
    client = client_for(world.team_manager)
    client.get(new_url())
    # Session, worker, the team to allocate to, the read logged (with its break-glass check),
    # the menu's break-glass check, and the session saved (three statements); the log's
    # chain head, read locked and moved on.
    assert queries(client, new_url()) == 11


def test_the_address_history_does_not_grow_the_person_page(world: World) -> None:
    person = record(world, **ADDRESS)
    client = client_for(world.social_worker)
    url = reverse("person", args=[person.pk])
    client.get(url)
    before = queries(client, url)
    for n in range(3):
        address_record(
            actor=world.social_worker,
            person=person,
            address=f"{n + 1} Clapton Square",
            postcode="E5 8HP",
            start=today(),
        )
    assert queries(client, url) == before
