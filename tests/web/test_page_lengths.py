"""Pages at borough size stay a few screens long: the incidents list pages by 25, a child's
and a group's incidents show the latest ten with the rest folded, and a form's long list of
tick boxes (a caseload, every worker) folds until it is opened."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from locus.incidents.models import InvolvementRole
from locus.incidents.selectors import incidents_for
from locus.people.services import allocation_create
from tests.casework.helpers import assessed_case, conference_of, schedule
from tests.factories import (
    START,
    World,
    client_for,
    make_association,
    make_incident,
    make_person,
    make_worker,
    past_moment,
)
from tests.web.outline import contents, headings_in_order

pytestmark = pytest.mark.django_db


def _incidents(world: World, count: int) -> None:
    """``count`` more incidents the social worker sees, each harming her child."""
    for day in range(count):
        make_incident(
            world.social_worker,
            context=world.park,
            involvements=[(world.csc_child, InvolvementRole.HARMED)],
            occurred_at=past_moment(days_ago=40 + day),
        )


def _rows(html: str) -> int:
    return len(re.findall(r'<tr class="govuk-table__row"[^>]*>\s*<td', html))


def test_the_incidents_list_shows_25_a_page(world: World) -> None:
    _incidents(world, 30)
    client = client_for(world.social_worker)
    first = client.get(reverse("incidents")).content.decode()
    assert _rows(first) == 25
    second = client.get(reverse("incidents"), {"page": 2}).content.decode()
    assert _rows(second) == incidents_for(viewer=world.social_worker).count() - 25


def _folded(html: str) -> tuple[int, str]:
    """The rows before the fold, and what the fold says."""
    before, _, after = html.partition('<details class="govuk-details">')
    summary = re.search(r'summary-text">([^<]*)<', after)
    return _rows(before), summary.group(1) if summary else ""


def test_a_child_s_page_shows_the_latest_ten_incidents_and_folds_the_rest(world: World) -> None:
    _incidents(world, 12)
    shown = world.csc_child.involvements.filter(
        incident__in=incidents_for(viewer=world.social_worker)
    )
    page = client_for(world.social_worker).get(reverse("person", args=[world.csc_child.pk]))
    html = page.content.decode()
    section = html[html.index(">Incidents</h2>") :]
    section = section[: section.index("Peer groups</h2>")]
    assert _folded(section) == (10, f"Show the {shown.count() - 10} earlier incidents")


def test_a_group_s_page_shows_the_latest_ten_incidents_and_folds_the_rest(world: World) -> None:
    _incidents(world, 12)
    html = client_for(world.social_worker).get(reverse("group", args=[world.group.pk]))
    section = html.content.decode()
    section = section[section.index("Incidents involving members</h2>") :]
    assert _folded(section) == (10, "Show the 2 earlier incidents")  # the 12 she sees


def test_a_group_s_page_lists_its_sections_and_folds_its_relationships(world: World) -> None:
    """A group's page runs to several screens: an "On this page" list leads to each section,
    the relationships table (several lines a row) is folded under its heading, and the
    headings stay in order for a reader moving by them."""
    make_association(world.system, person=world.csc_child, other=world.yjs_child, nature="risk")
    html = client_for(world.social_worker).get(reverse("group", args=[world.group.pk]))
    html = html.content.decode()
    assert contents(html)[:2] == ["group-map", "members"]
    assert "relationships" in contents(html)
    section = html[html.index('id="relationships">') :]
    section = section[: section.index("</details>")]
    assert "Show the 1 relationship among members as a table" in section
    assert 'id="group-map-table"' in section  # the map's "Go to the table" opens it
    assert headings_in_order(html)


def test_a_long_list_of_tick_boxes_folds_until_one_is_ticked(world: World) -> None:
    for _ in range(13):
        make_worker(world.system, team=world.social_worker.team)
    client = client_for(world.social_worker)
    add = reverse("note-add", args=["person", world.csc_child.pk])
    page = client.get(add).content.decode()
    workers = page[page.index("Workers present") :][:600]
    assert "<details" in workers and " open>" not in workers
    assert re.search(r"Show all \d+ to choose from", workers)
    # Posted back with one ticked (and the note missing): shown open, the tick kept.
    again = client.post(add, {"present_workers": [str(world.teammate.pk)]}).content.decode()
    workers = again[again.index("Workers present") :][:600]
    assert "<details" in workers and " open>" in workers


def _inputs(html: str, name: str) -> int:
    return len(re.findall(rf'<input[^>]*name="{name}"', html))


def test_the_conference_record_folds_a_long_attendance_list_and_lists_its_sections(
    world: World,
) -> None:
    """Fourteen workers' attendance, three choices each, ran the form to 5,400px: past
    twelve it folds (every worker still on the form), open once the form comes back, and an
    "On this page" list leads to each section."""
    for _ in range(13):
        make_worker(world.system, team=world.social_worker.team)
    case = assessed_case(world)
    schedule(world, conference_of(case))
    client = client_for(world.social_worker)
    url = reverse("context-conference-record", args=[case.pk])
    html = client.get(url).content.decode()
    workers = len(re.findall(r'<input[^>]*name="worker_\d+"[^>]*value="attended"', html))
    assert workers > 12
    fold = html[html.index('id="workers"') : html.index('id="partners"')]
    assert f"Record who came: all {workers} workers" in fold and " open>" not in fold
    assert contents(html) == ["workers", "partners", "minutes", "lawful-basis"]
    assert headings_in_order(html)
    again = client.post(url, {"minutes": ""}).content.decode()
    fold = again[again.index('id="workers"') : again.index('id="partners"')]
    assert "<details" in fold and " open>" in fold


def test_the_proposal_form_folds_a_long_list_of_children_and_lists_its_parts(
    world: World,
) -> None:
    """A proposal from a borough cluster offers up to thirty children: past twelve the
    tick boxes fold (each still on the form), open once one is ticked."""
    for n in range(13):
        child = make_person(world.system, given_name="Extra", family_name=f"Child{n}")
        allocation_create(actor=world.system, person=child, worker=world.social_worker, start=START)
    client = client_for(world.social_worker)
    html = client.get(reverse("meeting-propose")).content.decode()
    assert _inputs(html, "children") == 14  # her caseload
    children = html[html.index('id="children"') : html.index('id="invited"')]
    assert "Show all 14 children to choose from" in children and " open>" not in children
    assert contents(html) == ["children", "invited", "meeting", "lawful-basis", "also-invite"]
    assert headings_in_order(html)
    again = client.post(reverse("meeting-propose"), {"children": [world.csc_child.pk]})
    children = again.content.decode()
    children = children[children.index('id="children"') : children.index('id="invited"')]
    assert "<details" in children and " open>" in children


def _count(client: Any, url: str) -> int:
    client.get(url)  # warm per-process caches (content types, sessions)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return len(ctx.captured_queries)


# At the sizes above (30 more incidents, 13 more workers), each page's queries, pinned: a
# change that makes one read per row shows up here. Each count holds the sign-in and
# session's queries; the rest is what the page reads. The child's page reads its transfers,
# its holders' contact details and its address history too (three reads, whatever their size),
# and its latest safety map and context weighting (two more), and its CIN census episodes
# (one, and three more for their parts only when there are any). The child's page and the
# group's read the disputed-accuracy flags once (one more each, whatever the rows); the child's
# page reads its legal holds (one) and whether the viewer holds the child in the team they
# are in now, to offer "Open a status" (one); the group's page asks whether the group is seen
# otherwise than through emergency access, to offer its print (one). The read's audit row adds
# its chain head, read locked and moved on (two).
PINNED = {"incidents": 14, "person": 34, "group": 28, "note-add": 18}


@pytest.mark.parametrize("page", sorted(PINNED))
def test_query_counts_at_borough_size_are_pinned(world: World, page: str) -> None:
    _incidents(world, 30)
    for _ in range(13):
        make_worker(world.system, team=world.social_worker.team)
    url = {
        "incidents": reverse("incidents"),
        "person": reverse("person", args=[world.csc_child.pk]),
        "group": reverse("group", args=[world.group.pk]),
        "note-add": reverse("note-add", args=["person", world.csc_child.pk]),
    }[page]
    assert _count(client_for(world.social_worker), url) == PINNED[page]


def test_a_worker_s_choice_in_a_select_names_them_and_their_team_only(world: World) -> None:
    """A select shows its chosen option on one line: a job title repeating the team and agency
    ran the panel's chair past the edge of the box (it shows the worker setting up the panel).
    Each option is the worker and their team; the agency is the option's group."""
    world.yjs_worker.job_title = "Youth justice officer, Youth Justice Service, Casework"
    world.yjs_worker.save(update_fields=["job_title"])
    html = client_for(world.yjs_worker).get(reverse("panel-new")).content.decode()
    chair = html[html.index('name="chair"') :]
    chair = chair[: chair.index("</select>")]
    team = world.yjs_worker.team
    assert f">{world.yjs_worker}, {team.name}</option>" in chair
    assert "Youth justice officer" not in chair
    assert f'<optgroup label="{team.agency.name}">' in chair
