"""Linked-case discovery as workers meet it: what is linked, in what words, and who is named."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from locus.access import naming
from locus.access.meetings import can_propose_meeting
from locus.access.menu import menu_for
from locus.access.models import Role, Scope
from locus.audit.models import AccessEvent
from locus.common import clock
from locus.incidents.models import InvolvementRole
from locus.linked import clusters, selectors
from locus.peers.services import association_record
from locus.people.services import allocation_create
from tests.factories import START, World, client_for, make_incident, make_person, make_worker

pytestmark = pytest.mark.django_db

HARMED, HARMING, PRESENT = InvolvementRole.HARMED, InvolvementRole.HARMING, InvolvementRole.PRESENT


def associate(world: World, a, b, nature: str = "risk") -> None:  # type: ignore[no-untyped-def]
    association_record(
        actor=world.system,
        person=a,
        other=b,
        relationship="friend",
        nature=nature,
        source="police",
        confidence="medium",
        valid_from=START,
    )


def at(days_ago: int) -> dt.datetime:
    # Midday, so the day an incident falls on does not depend on the time zone.
    day = clock.today() - dt.timedelta(days=days_ago)
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)


def incident(world: World, context, involvements, days_ago: int):  # type: ignore[no-untyped-def]
    return make_incident(
        world.system,
        context=context,
        involvements=involvements,
        reporting_agency=world.police,
        occurred_at=at(days_ago),
    )


def page(viewer, url: str = "", /, **params):  # type: ignore[no-untyped-def]
    return client_for(viewer).get(url or reverse("linked"), params)


@pytest.fixture
def linked(world: World) -> World:
    """The social worker's child (Ciara) is linked to:
    - Yusuf (YJS holds him): directly associated, presents risk;
    - Olu (another CSC team holds him): both know the same adult;
    - Tariq (a teammate holds him): both involved in one incident at the shopping centre.
    """
    associate(world, world.csc_child, world.yjs_child)
    associate(world, world.csc_child, world.adult)
    associate(world, world.other_child, world.adult, nature="unclear")
    incident(
        world, world.shopping_centre, [(world.csc_child, HARMED), (world.team_child, HARMING)], 100
    )
    return world


def test_each_link_is_explained_and_hidden_children_are_never_named(linked: World) -> None:
    html = page(linked.social_worker).content.decode()
    # Yusuf is held by youth justice: the worker learns the case exists and who holds it.
    assert "Yjschild" not in html and "Yusuf" not in html
    assert "A child not shared with you" in html
    assert "YJS Casework, Youth Justice Service" in html
    assert "Directly associated: friend, presents risk, recorded from police" in html
    # Olu, through the adult both know: weaker evidence, counted by the team holding him...
    assert "Otherchild" not in html
    assert "Assessment Team B, Children&#x27;s Social Care: 1 linked case (1 one associate" in html
    # ... and listed, with the evidence, on asking.
    weak = page(linked.social_worker, show="weak").content.decode()
    assert "Otherchild" not in weak
    assert "1 associate in common" in weak
    assert "Assessment Team B, Children&#x27;s Social Care" in weak
    # Tariq is in the worker's team scope, so he is named, with the incident they share.
    assert "Tariq Teamchild" in html
    assert "Both involved in 1 incident at Mare Street Centre in" in html


def test_a_worker_who_may_see_the_other_child_gets_the_name(linked: World) -> None:
    html = page(linked.admin, person=linked.csc_child.pk).content.decode()
    assert "Yusuf Yjschild" in html
    html = page(linked.admin, person=linked.csc_child.pk, show="weak").content.decode()
    assert "Olu Otherchild" in html
    # The admin sees the adult they have in common too.
    assert "Adam Adult" in html


def test_children_of_the_same_worker_are_not_linked_cases(linked: World) -> None:
    allocation_create(
        actor=linked.system, person=linked.yjs_child, worker=linked.social_worker, start=START
    )
    html = page(linked.social_worker).content.decode()
    # Yusuf is now on the worker's own caseload; his other holder (YJS) still counts as "other"
    # for Ciara, but Ciara's link to him is between two of this worker's own children.
    assert "Directly associated:" not in html.split("Yusuf Yjschild")[0]


@pytest.mark.parametrize(
    ("days_apart", "window", "linked_by_place"),
    [(29, None, True), (30, None, True), (31, None, False), (10, 7, False), (7, 7, True)],
)
def test_being_at_the_same_place_links_within_the_window_inclusive(
    world: World, days_apart: int, window: int | None, linked_by_place: bool
) -> None:
    incident(world, world.park, [(world.csc_child, HARMED)], 200)
    incident(
        world,
        world.park,
        [(world.police_child, HARMED), (world.yjs_child, PRESENT)],
        200 - days_apart,
    )
    params = {"window": window} if window else {}
    html = page(world.social_worker, **params).content.decode()
    # Being at the same place is all that links them: weaker evidence, counted by holding team.
    held_by = "YJS Casework, Youth Justice Service: 1 linked case (1 at the same place"
    assert (held_by in html) is linked_by_place
    listed = page(world.social_worker, show="weak", **params).content.decode()
    where = f"At Millfields Park within {window or 30} days of each other"
    assert (where in listed) is linked_by_place


def test_co_presence_words_use_only_our_childs_dates(world: World) -> None:
    incident(world, world.park, [(world.csc_child, HARMED)], 200)
    theirs = incident(world, world.park, [(world.yjs_child, HARMED)], 190)
    associate(world, world.csc_child, world.yjs_child)
    html = page(world.social_worker).content.decode()
    assert (
        "Both at Millfields Park within 30 days of each other, around 1 incident involving" in html
    )
    assert reverse("incident", args=[theirs.pk]) not in html


def test_a_bad_window_is_named_and_the_default_is_used(linked: World) -> None:
    response = page(linked.social_worker, window="a month")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter the time window as a whole number of days" in html
    assert 'href="#id_window"' in html
    assert "Directly associated" in html
    html = page(linked.social_worker, window="900").content.decode()
    assert "The time window can be at most 365 days" in html


def test_a_manager_sees_a_team_members_linked_cases_and_nobody_else_does(linked: World) -> None:
    params = {"worker": linked.social_worker.pk}
    html = page(linked.team_manager, **params).content.decode()
    assert "Ciara Cscchild" in html and "YJS Casework" in html
    assert page(linked.teammate, **params).status_code == 404
    assert page(linked.other_social_worker, **params).status_code == 404
    assert page(linked.auditor).status_code == 404


def test_one_childs_links_need_sight_of_that_child(linked: World) -> None:
    assert page(linked.yjs_worker, person=linked.csc_child.pk).status_code == 404
    assert page(linked.social_worker, person="not-a-number").status_code == 404
    html = page(linked.yjs_worker, person=linked.yjs_child.pk).content.decode()
    # Seen from the youth justice side, Ciara is the hidden child, held by the social worker.
    assert "Cscchild" not in html
    assert "Contextual Safeguarding Team A, Children&#x27;s Social Care" in html


def test_emergency_access_is_offered_once_per_hidden_child_not_on_every_row(
    linked: World,
) -> None:
    """Yusuf (held by youth justice) is linked to two of the social worker's children: two
    rows, one offer of emergency access to him, apart from the rows, saying which link it
    is; the page promises only the contact details it shows."""
    second = make_person(linked.system, given_name="Dara", family_name="Second")
    allocation_create(actor=linked.system, person=second, worker=linked.social_worker, start=START)
    associate(linked, second, linked.yjs_child)
    html = page(linked.social_worker).content.decode()
    start = html.index("Linked cases on strong evidence")
    table = html[start : html.index("</table>", start)]
    assert table.count(naming.unseen_label(child=True)) == 2
    assert "emergency" not in table
    offers = re.findall(r'href="/access/break-glass/ask/[^"]+">([^<]+)</a>', html)
    assert len(offers) == 1
    assert offers[0].startswith("Request emergency access to the child linked to ")
    assert "YJS Casework" in offers[0]
    assert "how to contact them" not in html
    assert "their email or phone where Locus has them" in html


def test_the_search_is_logged_with_who_was_named(linked: World) -> None:
    page(linked.social_worker)
    event = AccessEvent.objects.filter(record_type="linked.case").latest("id")
    assert event.actor_id == linked.social_worker.pk
    assert event.detail["named"] == [linked.team_child.pk]
    # Yusuf is listed unnamed; Olu (one associate in common) is only counted by holding team.
    assert event.detail["unnamed"] == 1
    assert event.detail["summarised"] == 1
    assert event.detail["window_days"] == 30


def test_the_caseload_page_costs_the_same_queries_as_links_grow(linked: World) -> None:
    def count() -> int:
        client = client_for(linked.social_worker)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("linked")).status_code == 200
        return len(ctx.captured_queries)

    # Busy places are detected once a day and cached, and the borough's evidence loaded ahead
    # (the tests' tasks run at once): the first page pays for both.
    count()
    before = count()  # from the evidence loaded ahead
    for n in range(5):
        other = make_person(linked.system, given_name="Extra", family_name=f"Child{n}")
        allocation_create(actor=linked.system, person=other, worker=linked.yjs_worker, start=START)
        associate(linked, linked.csc_child, other)
        incident(linked, linked.park, [(linked.csc_child, HARMED), (other, HARMING)], 50 + n)
    assert count() > before  # loaded around the caseload, and the evidence asked for again
    assert count() == before


# --- Borough-wide clusters ---------------------------------------------------------------


def test_borough_clusters_list_holders_and_name_only_who_the_viewer_may_see(
    linked: World,
) -> None:
    url = reverse("linked-borough")
    # Strong evidence only, by default: Olu, linked to Ciara only through an adult both know
    # (one associate in common), is not in the cluster.
    html = page(linked.team_manager, url).content.decode()
    assert "1 cluster, 3 children in all" in html
    assert "Ciara Cscchild" in html and "Tariq Teamchild" in html
    assert "Yjschild" not in html and "Otherchild" not in html
    assert html.count("A child not shared with you") == 1
    assert "1 direct association" in html
    assert "linked by strong evidence" in html
    # Asked for, the weaker links join him in (unnamed to this manager).
    html = page(linked.team_manager, url, with_weaker="on").content.decode()
    assert "1 cluster, 4 children in all" in html
    assert html.count("A child not shared with you") == 2
    assert "also join children with one associate in common" in html
    assert "Held by 4 workers in Children&#x27;s Social Care, Youth Justice Service." in html
    admin_html = page(linked.admin, url).content.decode()
    assert "Yusuf Yjschild" in admin_html


def test_the_borough_page_logs_the_children_it_names_as_people_shown(linked: World) -> None:
    """The borough clusters page logs the children it names under ``people_shown``, as every
    other page does: the trail's search for a child finds the read, and the trail counts
    the children it showed."""
    page(linked.team_manager, reverse("linked-borough"))
    event = AccessEvent.objects.filter(record_type="linked.cluster").latest("id")
    named = sorted([linked.csc_child.pk, linked.team_child.pk])
    assert event.detail["people_shown"] == named
    assert "named" not in event.detail
    for child in named:
        assert event in AccessEvent.objects.filter(people__contains=f",{child},")
    trail = client_for(linked.auditor).get(reverse("audit"), {"person": linked.team_child.pk})
    assert "2 shown" in trail.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("social_worker", 404),
        ("yjs_worker", 404),
        ("school_dsl", 404),
        ("auditor", 404),
        ("partner_worker", 404),
        ("team_manager", 200),
        ("police_analyst", 200),
        ("admin", 200),
    ],
)
def test_who_may_see_borough_clusters(linked: World, persona: str, status: int) -> None:
    worker = getattr(linked, persona)
    assert page(worker, reverse("linked-borough")).status_code == status


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ANALYST])
def test_a_partner_organisations_manager_or_analyst_reads_no_borough_cluster(
    linked: World, role: str
) -> None:
    """A partner organisation's staff (a shopping centre's security manager, a housing
    provider's analyst) see no child: the borough's clusters, which list every linked child
    in the borough with who holds each case and how to reach them, are "not found" to them,
    as the area picture is; their menu offers no Linked cases, and no cluster is theirs to
    bring to a meeting."""
    worker = make_worker(linked.system, team=linked.partner_team, role=role, scope=Scope.TEAM)
    html = page(linked.team_manager, reverse("linked-borough")).content.decode()
    assert "1 cluster, 3 children in all" in html  # there is a cluster to read
    answer = page(worker, reverse("linked-borough"))
    assert answer.status_code == 404
    assert "YJS Casework" not in answer.content.decode()
    assert menu_for(worker).linked_cases != "linked-borough"
    assert not can_propose_meeting(worker)
    assert not AccessEvent.objects.filter(actor=worker, record_type="linked.cluster")


def test_clusters_held_by_one_agency_can_be_left_out(linked: World) -> None:
    url = reverse("linked-borough")
    # A second cluster, held inside Children's Social Care only (two teams).
    first = make_person(linked.system, given_name="Ana", family_name="Csconly")
    second = make_person(linked.system, given_name="Ben", family_name="Csconly")
    allocation_create(actor=linked.system, person=first, worker=linked.teammate, start=START)
    allocation_create(
        actor=linked.system, person=second, worker=linked.other_social_worker, start=START
    )
    incident(linked, linked.school, [(first, HARMED), (second, HARMING)], 20)
    assert "2 clusters, 5 children in all" in page(linked.admin, url).content.decode()
    html = page(linked.admin, url, across_agencies="on").content.decode()
    assert "1 cluster, 3 children in all" in html
    assert "Csconly" not in html


def _many_clusters(linked: World, n: int, part_of: int | None) -> clusters.BoroughPage:
    """The borough page's clusters, as worked out: ``n`` pairs of children, each pair one
    community of a wider network of ``part_of`` children."""
    found = []
    for i in range(n):
        pair = [
            make_person(linked.system, given_name=f"Pair{i:02d}", family_name=family).pk
            for family in ("Left", "Right")
        ]
        found.append(
            selectors.Cluster(
                person_ids=pair,
                agency_ids={linked.csc.pk},
                pairs=1,
                direct=1,
                shared_associates=0,
                shared_incidents=0,
                co_presence=0,
                part_of=part_of,
            )
        )
    worked_out = clusters.WorkedOut(
        0, clock.now(), selectors.BoroughClusters(found, window_days=30, linked_children=2 * n)
    )
    return clusters.BoroughPage(worked_out, being_worked_out=False)


def test_borough_clusters_come_ten_a_page_and_a_shared_network_is_said_once(
    linked: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = _many_clusters(linked, 25, part_of=1417)
    monkeypatch.setattr(clusters, "borough_page", lambda **_: shown)
    url = reverse("linked-borough")
    html = page(linked.admin, url).content.decode()
    assert "25 clusters, 50 children in all" in html
    assert "Cluster 10:" in html and "Cluster 11:" not in html
    assert html.count("wider network of 1,417 linked children") == 1
    last = page(linked.admin, url, page=3).content.decode()
    assert "Cluster 21:" in last and "Cluster 25:" in last


def test_clusters_from_different_networks_each_say_their_own(
    linked: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = _many_clusters(linked, 3, part_of=40)
    assert shown.clusters is not None
    shown.clusters.clusters[2].part_of = 30
    monkeypatch.setattr(clusters, "borough_page", lambda **_: shown)
    html = page(linked.admin, reverse("linked-borough")).content.decode()
    assert html.count("wider network of 40 linked children") == 2
    assert html.count("wider network of 30 linked children") == 1


@pytest.mark.parametrize(
    ("persona", "offered"), [("police_analyst", False), ("team_manager", True), ("admin", False)]
)
def test_a_borough_cluster_offers_a_meeting_only_to_who_may_propose_one(
    linked: World, persona: str, offered: bool
) -> None:
    html = page(getattr(linked, persona), reverse("linked-borough")).content.decode()
    assert "1 cluster, 3 children in all" in html
    assert ("Propose a peer group mapping meeting" in html) is offered


# --- From a linked case to a meeting -------------------------------------------------------


def test_a_worker_may_bring_children_joined_to_theirs_only_through_other_children(
    linked: World,
) -> None:
    from locus.linked.selectors import linked_together

    # Olu is linked to Ciara through the adult both know; Paddy (held by youth justice) only to
    # Olu, by an incident. The social worker sees Ciara, so the chain reaches both.
    allocation_create(
        actor=linked.system, person=linked.police_child, worker=linked.yjs_worker, start=START
    )
    incident(
        linked, linked.school, [(linked.police_child, HARMED), (linked.other_child, PRESENT)], 40
    )
    chain = [linked.csc_child.pk, linked.other_child.pk, linked.police_child.pk]
    assert linked_together(linked.social_worker, chain) == set(chain)
    # Without Ciara the worker sees nobody the chain starts from.
    assert linked_together(linked.social_worker, chain[1:]) == set()
    # A borough coordinator may bring a linked group in which they can name nobody.
    assert linked_together(linked.police_analyst, chain[1:]) == set(chain[1:])
    # A child linked to nobody in the set is never brought along.
    assert linked.pupil.pk not in linked_together(linked.admin, [*chain, linked.pupil.pk])


def test_the_linked_pages_offer_a_meeting_about_the_linked_children(linked: World) -> None:
    html = page(linked.social_worker).content.decode()
    propose = reverse("meeting-propose")
    assert f"{propose}?person={linked.csc_child.pk}&amp;person=" in html
    form = client_for(linked.social_worker).get(
        propose, {"person": [linked.csc_child.pk, linked.other_child.pk]}
    )
    text = form.content.decode()
    assert form.status_code == 200
    assert "Otherchild" not in text
    assert ", held by" in text


# --- Need to know, for every persona -------------------------------------------------------

EVERY_PERSONA = (
    "admin",
    "social_worker",
    "teammate",
    "other_social_worker",
    "team_manager",
    "yjs_worker",
    "police_analyst",
    "school_dsl",
    "partner_worker",
    "auditor",
)


@pytest.mark.parametrize("persona", EVERY_PERSONA)
def test_no_linked_case_page_names_a_child_the_viewer_may_not_see(
    linked: World, persona: str
) -> None:
    from locus.access.selectors import visible_person_ids
    from locus.people.models import Person

    viewer = getattr(linked, persona)
    everyone = {p.pk: p.full_name for p in Person.objects.all()}
    hidden = set(everyone) - visible_person_ids(viewer, everyone)
    pages = [reverse("linked"), reverse("linked-borough")]
    pages += [f"{reverse('linked')}?person={pk}" for pk in everyone]
    for url in pages:
        response = client_for(viewer).get(url)
        assert response.status_code in (200, 404)
        html = response.content.decode()
        for pk in hidden:
            assert everyone[pk] not in html, f"{persona} reads {everyone[pk]} on {url}"
        if "?person=" in url:
            # One child's linked cases open only for a child the viewer sees.
            shown = int(url.rsplit("=", 1)[1])
            assert (response.status_code == 200) == (shown not in hidden)


def test_borough_clusters_follow_every_recorded_change(linked: World) -> None:
    url = reverse("linked-borough")
    assert "1 cluster, 3 children in all" in page(linked.admin, url).content.decode()
    first = make_person(linked.system, given_name="Ana", family_name="Later")
    allocation_create(actor=linked.system, person=first, worker=linked.yjs_worker, start=START)
    associate(linked, linked.csc_child, first)
    # The cached clusters are not served once something has been written.
    assert "1 cluster, 4 children in all" in page(linked.admin, url).content.decode()


def test_a_caseload_s_links_are_counted_child_by_child_to_take_one_at_a_time(
    linked: World,
) -> None:
    """A caseload of many children has hundreds of links in which one child repeats down the
    pages: the page counts each child's links, by list, and links to that child's alone."""
    second = make_person(linked.system, given_name="Dara", family_name="Secondchild")
    allocation_create(actor=linked.system, person=second, worker=linked.social_worker, start=START)
    associate(linked, second, linked.yjs_child)
    html = page(linked.social_worker).content.decode()
    table = html.split('aria-label="Linked cases for each child"', 1)[1].split("</table>", 1)[0]
    rows = {
        name: re.findall(r'numeric">(\d+)<', row)
        for row in table.split("<tr")[1:]
        for name in re.findall(r">([A-Z][a-z]+ [A-Z][a-z]+)<span", row)
    }
    # Ciara: Yusuf (direct) and Tariq (an incident) strong, Olu weaker; Dara: Yusuf, strong.
    assert rows == {"Ciara Cscchild": ["2", "1", "0"], "Dara Secondchild": ["1", "0", "0"]}
    assert f"?person={second.pk}" in table
    one = page(linked.social_worker, person=second.pk).content.decode()
    assert "Strong evidence (1)" in one
    assert 'aria-label="Linked cases for each child"' not in one
