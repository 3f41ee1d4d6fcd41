"""A school's roll on the page: pupils and leavers, adding a pupil, recording a leaver, the
child's school history, what is logged, and query counts that do not grow with the roll."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from locus.audit.models import AccessAction, AccessEvent
from locus.places.models import Enrolment, LeaveReason
from locus.places.services import enrolment_create, enrolment_end
from tests.factories import START, World, client_for, make_person, nothing_written

pytestmark = pytest.mark.django_db

DAY = START.strftime("%d/%m/%Y")


def _roll(world: World, query: str = "") -> str:
    return reverse("school-roll", args=[world.school.pk]) + query


def _enrol(world: World, n: int) -> None:
    for i in range(n):
        child = make_person(world.system, given_name=f"Pupil{i:04d}", family_name="Roll")
        enrolment_create(actor=world.system, person=child, school=world.school, start=START)


def test_the_roll_lists_current_pupils_and_logs_whom_it_showed(world: World) -> None:
    response = client_for(world.school_dsl).get(_roll(world))
    page = response.content.decode()
    assert world.pupil.full_name in page
    assert reverse("person", args=[world.pupil.pk]) in page
    assert "Record leaving" in page
    event = AccessEvent.objects.filter(actor=world.school_dsl).latest("id")
    assert event.record_id == str(world.school.pk)
    assert event.detail["people_shown"] == [world.pupil.pk]


def test_a_leaver_moves_to_the_leavers_and_is_named_only_to_whoever_still_sees_them(
    world: World,
) -> None:
    enrolment = world.pupil.enrolments.get()
    enrolment_end(
        actor=world.school_dsl,
        enrolment=enrolment,
        end=START,
        leave_reason=LeaveReason.OTHER,
        leave_reason_detail="Elective home education",
    )
    client = client_for(world.school_dsl)
    assert world.pupil.full_name not in client.get(_roll(world)).content.decode()
    leavers = client.get(_roll(world, "?showing=left")).content.decode()
    # The school no longer sees a child who left: initials, as anywhere else.
    assert world.pupil.full_name not in leavers
    assert f"{world.pupil.initials} (a child not shared with you)" in leavers
    assert "Elective home education" in leavers
    # An administrator still sees the child, by name.
    admin_view = client_for(world.admin).get(_roll(world, "?showing=left")).content.decode()
    assert world.pupil.full_name in admin_view


def test_a_secondary_schools_roll_is_paged_in_a_fixed_number_of_queries(world: World) -> None:
    client = client_for(world.school_dsl)
    client.get(_roll(world))  # warm per-process caches (content types, sessions)
    _enrol(world, 9)
    with CaptureQueriesContext(connection) as small:
        assert client.get(_roll(world)).status_code == 200
    _enrol(world, 140)  # 150 on the roll: three pages of fifty
    with CaptureQueriesContext(connection) as large:
        response = client.get(_roll(world, "?page=2"))
    assert len(large.captured_queries) == len(small.captured_queries) == ROLL_QUERIES
    page = response.content.decode()
    assert "Page 2 of 3" in page
    assert page.count("Record leaving<span") == 50


# Session and worker; the school; the count and the page of the roll; which of its children
# the viewer sees; open break-glass, read for the log and for the banner; the access log;
# the session saved (a savepoint, the update, its release); the log's chain head, read
# locked and moved on.
ROLL_QUERIES = 14


def test_add_a_pupil_finds_only_children_the_worker_sees_and_puts_one_on(world: World) -> None:
    child = make_person(world.school_dsl, given_name="Newcomer", family_name="Ade")
    client = client_for(world.school_dsl)
    url = reverse("school-roll-add", args=[world.school.pk])
    found = client.get(url, {"q": "Newcomer"}).content.decode()
    assert "1 young person matches" in found and child.full_name in found
    # A child held by social care only is not found, and cannot be posted.
    hidden = client.get(url, {"q": world.csc_child.given_name}).content.decode()
    assert world.csc_child.full_name not in hidden and "0 young people match" in hidden
    with nothing_written(Enrolment):
        refused = client.post(
            url, {"q": world.csc_child.given_name, "person": world.csc_child.pk, "start": DAY}
        )
    assert "Choose a young person from those found" in refused.content.decode()
    response = client.post(url, {"q": "Newcomer", "person": child.pk, "start": DAY})
    assert response.status_code == 302
    assert Enrolment.objects.current().filter(person=child, school=world.school).exists()


def test_a_child_already_on_the_roll_is_refused_on_the_field(world: World) -> None:
    client = client_for(world.school_dsl)
    url = reverse("school-roll-add", args=[world.school.pk])
    with nothing_written(Enrolment):
        response = client.post(
            url, {"q": world.pupil.given_name, "person": world.pupil.pk, "start": DAY}
        )
    page = response.content.decode()
    assert response.status_code == 200
    assert "This young person is already on this school&#x27;s roll" in page
    assert 'href="#id_person"' in page  # the error summary leads to the field


def test_record_leaving_refuses_bad_input_on_its_fields_then_records_it(world: World) -> None:
    enrolment = world.pupil.enrolments.get()
    client = client_for(world.school_dsl)
    url = reverse("school-roll-leave", args=[world.school.pk, enrolment.pk])
    with nothing_written(Enrolment):
        page = client.post(url, {"end": "31/02/2020", "leave_reason": "other"}).content.decode()
    assert "Enter the leaving date as a date" in page
    with nothing_written(Enrolment):
        page = client.post(url, {"end": DAY, "leave_reason": "other"}).content.decode()
    assert "Say why the pupil left" in page and 'href="#id_leave_reason_detail"' in page
    response = client.post(url, {"end": DAY, "leave_reason": LeaveReason.END_OF_YEAR_11})
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert (enrolment.end, enrolment.leave_reason) == (START, "end_year_11")


def test_the_childs_page_shows_their_school_history_current_first(world: World) -> None:
    old = world.pupil.enrolments.get()
    enrolment_end(actor=world.admin, enrolment=old, end=START, leave_reason=LeaveReason.EXCLUDED)
    enrolment_create(
        actor=world.admin,
        person=world.pupil,
        school=world.school,
        start=START + dt.timedelta(days=1),
    )
    page = client_for(world.admin).get(reverse("person", args=[world.pupil.pk])).content.decode()
    history = page[page.index("School history") :]
    assert history.index("On roll") < history.index("Permanently excluded")


def test_a_school_history_does_not_cost_the_childs_page_a_query(world: World) -> None:
    client = client_for(world.admin)
    url = reverse("person", args=[world.pupil.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    old = world.pupil.enrolments.get()
    enrolment_end(
        actor=world.admin, enrolment=old, end=START, leave_reason=LeaveReason.MOVED_SCHOOL
    )
    enrolment_create(actor=world.admin, person=world.pupil, school=world.school, start=START)
    with CaptureQueriesContext(connection) as two:
        page = client.get(url).content.decode()
    assert len(two.captured_queries) == len(one.captured_queries)
    assert "Moved to another school" in page


def test_a_child_with_no_school_says_so(world: World) -> None:
    page = client_for(world.social_worker).get(reverse("person", args=[world.csc_child.pk]))
    assert "No school recorded." in page.content.decode()


def test_the_roll_finds_pupils_by_name_and_logs_the_search(world: World) -> None:
    _enrol(world, 60)  # more than a page: finding one pupil needs no paging
    client = client_for(world.school_dsl)
    page = client.get(_roll(world, "?name=Pupil0042")).content.decode()
    assert "Pupil0042 Roll" in page and "Pupil0041" not in page
    assert "1 current pupil." in page
    event = AccessEvent.objects.filter(actor=world.school_dsl).latest("id")
    assert event.action == AccessAction.SEARCH and event.detail["name"] == "Pupil0042"
    assert len(event.detail["people_shown"]) == 1
    empty = client.get(_roll(world, "?name=Zzyzx")).content.decode()
    assert "No pupil you may name matches" in empty
    with CaptureQueriesContext(connection) as ctx:  # the name narrows the same reads
        client.get(_roll(world, "?name=Pupil"))
    assert len(ctx.captured_queries) == ROLL_QUERIES


def test_a_leaver_the_school_no_longer_sees_is_not_picked_out_by_name(world: World) -> None:
    """Leavers the school no longer sees show by initials: a name typed must not say which
    initials are whose, not even by a count."""
    enrolment_end(
        actor=world.school_dsl,
        enrolment=world.pupil.enrolments.get(),
        end=START,
        leave_reason=LeaveReason.OTHER,
        leave_reason_detail="Moved away",
    )
    client = client_for(world.school_dsl)
    leavers = _roll(world, f"?showing=left&name={world.pupil.family_name}")
    page = client.get(leavers).content.decode()
    # As a word: the page's random tokens (CSRF, the CSP nonce) may hold the letters by chance.
    assert "0 leavers." in page and not re.search(rf"\b{world.pupil.initials}\b", page)
    # The administrator, who still sees the child, finds them.
    assert world.pupil.full_name in client_for(world.admin).get(leavers).content.decode()
