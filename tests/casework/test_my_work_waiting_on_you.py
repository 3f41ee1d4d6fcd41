"""My work lists what waits on the worker by name, so that nothing rests on a notification they
may have marked read: a use of emergency access by their team to review, and an identifier
request routed to them; each names its record only as far as the worker may see it, and the
page costs the same queries however many wait. Its "About" column names what each item is
about (a disputed record names its person), not a date."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import escape

from locus.access import naming
from locus.access.models import BreakGlass, Scope, Worker
from locus.access.services import break_glass_end, break_glass_request, break_glass_review
from locus.audit.models import AccessEvent
from locus.casework.selectors import my_work
from locus.people.models import Person
from locus.people.services import identifier_query_send, person_update
from locus.rectification.models import About
from tests.factories import World, client_for, page_queries, valid_upn
from tests.rectification.test_deciding_agency import manager, raised

REASON = "Police report him missing since six; I need his address and contacts now"
MY_WORK = "/my-work/"


def emergency(world: World, worker: Worker, person: Person) -> BreakGlass:
    use = break_glass_request(
        actor=worker, person_id=person.pk, category="missing_child", reason=REASON
    )
    assert use is not None
    return break_glass_end(actor=worker, use=use)


def test_a_use_of_emergency_access_waits_on_the_managers_my_work_until_reviewed(
    world: World,
) -> None:
    use = emergency(world, world.social_worker, world.other_child)
    manager = world.team_manager
    review = reverse("break-glass-review", args=[use.pk])
    (item,) = [i for i in my_work(viewer=manager) if i.url == review]
    assert item.what == "Review a use of emergency access"
    # The manager does not see the child: the one phrase, never the name or initials.
    assert item.subject == naming.unseen_label(child=False)
    assert item.due_on is None and item.who == str(world.social_worker)
    page = client_for(manager).get(MY_WORK).content.decode()
    due = page[page.index("Due (") :]
    assert f'href="{review}"' in due and "Review a use of emergency access" in due
    assert "Otherchild" not in page and "Break-glass" not in page
    event = AccessEvent.objects.filter(actor=manager, detail__via="my work").latest("id")
    assert event.detail["emergency_uses_shown"] == [use.pk]
    assert event.detail["people_shown"] == []
    # Nobody reviews their own: the worker's My work does not list it.
    assert review not in client_for(world.social_worker).get(MY_WORK).content.decode()
    # However many wait, the page costs the same queries.
    one = page_queries(manager, MY_WORK)
    more = [emergency(world, world.teammate, p) for p in (world.other_child, world.yjs_child)]
    assert page_queries(manager, MY_WORK) == one
    reviews = {reverse("break-glass-review", args=[u.pk]) for u in (use, *more)}
    assert reviews <= {i.url for i in my_work(viewer=manager)}
    break_glass_review(actor=manager, use=use, outcome="justified", note="A real emergency")
    assert review not in client_for(manager).get(MY_WORK).content.decode()


def test_a_person_the_manager_sees_is_named_and_the_read_logged(world: World) -> None:
    use = emergency(world, world.social_worker, world.yjs_child)
    # Since then the child came to the team: the manager sees them in her own right.
    BreakGlass.objects.filter(pk=use.pk).update(person=world.csc_child)
    boss = world.team_manager
    (item,) = [i for i in my_work(viewer=boss) if i.what.startswith("Review a use")]
    assert item.subject == world.csc_child.full_name
    client_for(boss).get(MY_WORK)
    event = AccessEvent.objects.filter(actor=boss, detail__via="my work").latest("id")
    assert world.csc_child.pk in event.detail["people_shown"]


def test_an_identifier_request_routed_to_the_manager_is_on_their_my_work(world: World) -> None:
    # The social worker is refused the UPN another child of the team has, and asks.
    taken = person_update(actor=world.system, person=world.team_child, upn=valid_upn(88101)).upn
    asked = {"person": world.csc_child, "field": "upn", "value": taken}
    query = identifier_query_send(actor=world.social_worker, **asked)
    assert query.routed_to == world.team_manager
    link = reverse("identifier-query", args=[query.pk])
    (item,) = [i for i in my_work(viewer=world.team_manager) if i.url == link]
    assert item.what == "Check an identifier request"
    assert item.subject == world.csc_child.full_name
    assert item.who == str(world.social_worker)
    assert f'href="{link}"' in client_for(world.team_manager).get(MY_WORK).content.decode()
    assert link not in client_for(world.social_worker).get(MY_WORK).content.decode()


def test_the_about_column_names_the_disputed_record_not_a_date(world: World) -> None:
    police = manager(world, world.police_team, "police_recorder", Scope.AGENCY)
    dispute = raised(world, world.police_child, About.RECORD, by=police)
    decider = manager(world, world.csc_team_b, "csc_all_manager", Scope.ALL)
    shown = ("disputes_shown", dispute.pk)
    (item,) = [i for i in my_work(viewer=decider) if i.shown == shown]
    assert item.subject == world.police_child.full_name
    assert item.note == f"Received {dispute.received_on:%-d %b %Y}"
    page = client_for(decider).get(MY_WORK).content.decode()
    assert ">About<" in page and ">Context<" not in page
    assert escape(world.police_child.full_name) in page
    event = AccessEvent.objects.filter(actor=decider, detail__via="my work").latest("id")
    assert world.police_child.pk in event.detail["people_shown"]


def test_a_child_the_manager_sees_only_in_an_emergency_of_her_own_is_not_named(
    world: World,
) -> None:
    """My work is a list: it names a child the manager sees lastingly, in her own right, as
    it names a disputed record's person; not one she sees only through emergency access (or
    a forum share), which reaches the child through that work, never from a list."""
    use = emergency(world, world.social_worker, world.other_child)
    boss = world.team_manager
    mine = break_glass_request(
        actor=boss, person_id=world.other_child.pk, category="missing_child", reason=REASON
    )
    assert mine is not None  # her own emergency access to the child, still open
    review = reverse("break-glass-review", args=[use.pk])
    (item,) = [i for i in my_work(viewer=boss) if i.url == review]
    assert item.subject == naming.unseen_label(child=False)
    assert item.people == ()


def test_an_identifier_request_names_its_record_only_to_a_manager_who_sees_it_lastingly(
    world: World,
) -> None:
    """As an emergency use's person: not a child the manager sees only through emergency
    access of her own, which reaches the child through that work, never from a list."""
    taken = person_update(actor=world.system, person=world.team_child, upn=valid_upn(88102)).upn
    asked = {"person": world.yjs_child, "field": "upn", "value": taken}
    query = identifier_query_send(actor=world.yjs_worker, **asked)
    assert query.routed_to == world.team_manager
    mine = break_glass_request(
        actor=world.team_manager,
        person_id=world.yjs_child.pk,
        category="missing_child",
        reason=REASON,
    )
    assert mine is not None
    link = reverse("identifier-query", args=[query.pk])
    (item,) = [i for i in my_work(viewer=world.team_manager) if i.url == link]
    assert item.subject == naming.person_label(world.yjs_child, visible=False, child=False)
    assert item.people == ()
