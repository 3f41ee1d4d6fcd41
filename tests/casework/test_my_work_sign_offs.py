"""My work offers a manager only the sign-offs they may give. A sign-off asked of a manager
who wrote part of the piece (perhaps after it was put to them) is refused on its page, so My
work offers what they can do instead: pass it to another manager, saying why.

So does a sign-off asked of a manager who has since moved to another team, and an assessment
waiting for its case's screening decision to be agreed links to the case page, which says so.

The tests marked "failed before" failed on the code before: My work listed each as "Sign off
the assessment", linking to a page that answered 404. The others hold what must
not change: a manager who wrote nothing is asked to sign off as before, and the check reads
the trail once for every sign-off listed, not once each.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from locus.access import context_cases as policies
from locus.access.models import Worker
from locus.casework import selectors, services
from locus.casework.models import ContextCase, SignOffRequest
from locus.common import clock
from tests.casework.helpers import (
    level,
    open_case,
    planned_case,
    refreshed,
    submit,
    submitted_case,
)
from tests.casework.test_separation_of_duties import another_manager, asked_after_writing
from tests.factories import World, client_for

pytestmark = pytest.mark.django_db

MY_WORK = "/my-work/"
PASS_ON = "You wrote part of this: pass it on"


def _pass_on_url(case: ContextCase) -> str:
    asked = SignOffRequest.objects.get(case=case, subject="assessment", decided_at__isnull=True)
    return reverse("context-signoff-reassign", args=[case.pk, asked.pk])


def test_a_manager_who_added_evidence_is_offered_to_pass_it_on_not_to_sign(
    world: World,
) -> None:
    """Failed before: the item said "Sign off the assessment" and linked to a 404."""
    case = asked_after_writing(world)
    manager = client_for(world.team_manager)
    html = manager.get(MY_WORK).content.decode()
    assert PASS_ON in html
    assert "nobody signs off their own work" in html
    assert f'href="{_pass_on_url(case)}"' in html
    assert "Sign off the assessment" not in html
    assert reverse("context-assessment-signoff", args=[case.pk]) not in html
    # Where it leads is open to them, and passing it on there works.
    other = another_manager(world)
    assert manager.get(_pass_on_url(case)).status_code == 200
    response = manager.post(
        _pass_on_url(case),
        {"manager": other.pk, "reason": "I added evidence to this assessment myself"},
    )
    assert response.status_code == 302
    assert PASS_ON not in manager.get(MY_WORK).content.decode()
    # The manager it went to is asked to sign it off, and may.
    theirs = client_for(other).get(MY_WORK).content.decode()
    signoff = reverse("context-assessment-signoff", args=[case.pk])
    assert "Sign off the assessment" in theirs and f'href="{signoff}"' in theirs
    assert client_for(other).get(signoff).status_code == 200


def test_a_manager_who_wrote_nothing_is_still_asked_to_sign_it_off(world: World) -> None:
    case = submitted_case(world)
    items = [i for i in selectors.my_work(viewer=world.team_manager) if "ign" in i.what]
    signoff = reverse("context-assessment-signoff", args=[case.pk])
    assert [(i.what, i.url) for i in items] == [("Sign off the assessment", signoff)]
    html = client_for(world.team_manager).get(MY_WORK).content.decode()
    assert PASS_ON not in html
    assert client_for(world.team_manager).get(signoff).status_code == 200


def test_the_pass_on_item_counts_as_work_due(world: World) -> None:
    """The Due count still counts it: passing it on is the manager's work to do (it counted
    before, as a sign-off)."""
    asked_after_writing(world)
    html = client_for(world.team_manager).get(MY_WORK).content.decode()
    assert "Due (1)" in html


def test_my_work_reads_the_trail_once_however_many_sign_offs_wait(world: World) -> None:
    """The batched check gives the one-by-one answer in two queries (the manager's accounts,
    then the trail); My work's sign-offs cost four however many there are."""
    case = refreshed(planned_case(world))
    # The manager adds a goal to the plan: too close to it, not to the other three.
    services.goal_add(
        actor=world.team_manager, plan=case.plan, statement="The manager's goal", measure="Theirs"
    )
    # One sign-off of each kind asked of the manager, on the one case (one open per kind).
    SignOffRequest.objects.filter(case=case, decided_at__isnull=True).delete()
    for subject in ("screening", "assessment", "plan", "closure"):
        SignOffRequest.objects.create(
            case=case,
            subject=subject,
            manager=world.team_manager,
            requested_by=world.social_worker,
            requested_at=clock.now(),
        )
    asked = list(SignOffRequest.objects.filter(case=case).select_related("case"))
    one_by_one = {r.pk for r in asked if policies.too_close_to_sign(world.team_manager, r)}
    with CaptureQueriesContext(connection) as ctx:
        together = policies.too_close_among(world.team_manager, asked)
    # The manager's other accounts (by their work email, which every account has), then the
    # case's authors and trail in one query, however many sign-offs wait.
    assert len(ctx.captured_queries) == 2
    assert together == one_by_one == {r.pk for r in asked if r.subject == "plan"}
    with CaptureQueriesContext(connection) as ctx:
        selectors._approvals_waiting(world.team_manager)
    # The requests, the manager's other accounts, the trail, the screening.
    assert len(ctx.captured_queries) == 4


def test_the_batched_check_agrees_with_the_one_by_one_check_for_a_writer(world: World) -> None:
    """The manager who added evidence is too close to the assessment, by either reading."""
    case = asked_after_writing(world)
    asked = SignOffRequest.objects.select_related("case").get(case=case)
    assert policies.too_close_to_sign(world.team_manager, asked)
    assert policies.too_close_among(world.team_manager, [asked]) == {asked.pk}
    assert world.team_manager.pk in policies.sign_off_authors(case, "assessment")
    other = another_manager(world)
    assert not policies.too_close_among(other, [asked])


def _items(worker: Worker) -> list[tuple[str, str]]:
    """The viewer's sign-off items: what each says and where it leads."""
    return [(i.what, i.url) for i in selectors.my_work(viewer=worker) if "sign" in i.what.lower()]


def test_a_manager_moved_to_another_team_is_offered_to_pass_it_on(world: World) -> None:
    """Failed before: "Sign off the assessment", linking to a 404."""
    case = submitted_case(world)
    # The manager moves to team B (in the admin site) with the request still asked of them;
    # the case's place is public, so they still see the case.
    Worker.objects.filter(pk=world.team_manager.pk).update(team=world.csc_team_b)
    world.team_manager.refresh_from_db()
    assert _items(world.team_manager) == [
        ("Not yours to sign off now: pass it on", _pass_on_url(case))
    ]
    client = client_for(world.team_manager)
    assert client.get(_pass_on_url(case)).status_code == 200
    html = client.get(MY_WORK).content.decode()
    assert "you no longer manage the case&#x27;s team" in html


def test_an_assessment_waiting_for_its_screening_leads_to_the_case_page(world: World) -> None:
    """Failed before: it linked to the assessment's sign-off page, which refuses it until
    the screening decision is agreed."""
    complex_level = level("Complex")
    complex_level.screening_sign_off = True
    complex_level.save()
    case = submit(world, open_case(world, level=complex_level, manager=world.team_manager))
    screening = reverse("context-screening-signoff", args=[case.pk])
    signoff = reverse("context-assessment-signoff", args=[case.pk])
    case_page = reverse("context-case", args=[case.pk])
    assert sorted(_items(world.team_manager)) == [
        ("Sign off the assessment once the screening decision is agreed", case_page),
        ("Sign off the screening decision", screening),
    ]
    client = client_for(world.team_manager)
    assert client.get(case_page).status_code == 200
    assert client.get(signoff).status_code == 404  # what the item no longer links to
    services.screening_sign_off(actor=world.team_manager, case=case, approve=True)
    assert _items(world.team_manager) == [("Sign off the assessment", signoff)]
    assert client.get(signoff).status_code == 200
