"""Break-glass: emergency sight of a record outside the worker's scope.

A reason first (nothing about the record before it), time-limited sight in the
worker's own right, a banner on every page while it lasts, every read flagged in
the trail, a manager's review, and the auditor's view of every use.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from locus.access import break_glass, lookups, policies, scopes
from locus.access.models import BreakGlass, BreakGlassOutcome, Role, Worker
from locus.access.services import break_glass_end, break_glass_request, break_glass_review
from locus.audit.models import AccessAction, AccessEvent
from locus.common import clock
from locus.common.errors import NotPermitted, ValidationFailed
from locus.incidents.models import InvolvementRole
from locus.incidents.services import incident_record
from locus.people.models import Person
from locus.people.services import allocation_create
from locus.places.services import enrolment_create
from tests.factories import (
    START,
    World,
    client_for,
    make_association,
    make_worker,
    nothing_written,
    past_moment,
)
from tests.frozen_clock import FrozenClock
from tests.sharing.helpers import EMERGENCY_POST

REASON = "Police report Olu missing since 6pm; need his address and contacts to find him"
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def ask(world: World, worker: Worker, person: Person | None = None, **fields: Any) -> BreakGlass:
    use = break_glass_request(
        actor=worker,
        person_id=(person or world.other_child).pk,
        category=fields.get("category", "missing_child"),
        reason=fields.get("reason", REASON),
    )
    assert use is not None
    return use


def request_url(person_id: int) -> str:
    return reverse("break-glass-request", args=[person_id])


def post_request(client: Client, person_id: int, reason: str = REASON) -> Any:
    return client.post(
        request_url(person_id), {"category": "missing_child", "reason": reason, **EMERGENCY_POST}
    )


def missing_id() -> int:
    return (Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000


@pytest.fixture
def later(frozen_clock: FrozenClock) -> Any:
    """Move the clock on: ``later(hours=4)``."""
    return frozen_clock.advance


# --- The flow, per persona ------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["social_worker", "team_manager", "yjs_worker", "police_analyst", "school_dsl"]
)
def test_a_worker_opens_a_record_outside_their_scope_by_recording_a_reason(
    world: World, persona: str
) -> None:
    worker = world.persona(persona)
    child = world.other_child
    client = client_for(worker)
    assert client.get(reverse("person", args=[child.pk])).status_code == 404

    form = client.get(request_url(child.pk))
    assert form.status_code == 200
    assert b"Request emergency access" in form.content
    assert b"Otherchild" not in form.content  # the form names nobody

    response = post_request(client, child.pk)
    assert response.status_code == 302
    assert response["Location"] == reverse("person", args=[child.pk])
    page = client.get(reverse("person", args=[child.pk]))
    assert page.status_code == 200
    assert "Olu Otherchild" in page.content.decode()

    use = BreakGlass.objects.get(worker=worker, person=child)
    assert use.category == "missing_child" and use.reason == REASON
    assert use.expires_at - use.started_at == dt.timedelta(hours=4) == break_glass.LASTS
    # Sight in the worker's own right: also without forum shares.
    assert scopes.people_visible_to(worker, shared=False).filter(pk=child.pk).exists()
    assert lookups.access_person(worker, child.pk) == child
    request_row = AccessEvent.objects.get(actor=worker, record_type="access.breakglassrequest")
    assert request_row.action == AccessAction.BREAK_GLASS
    assert request_row.detail["granted"] is True and REASON in request_row.purpose


@pytest.mark.parametrize("persona", ["auditor", "admin", "partner_worker"])
def test_who_may_not_break_glass_gets_not_found_and_nothing_written(
    world: World, persona: str
) -> None:
    worker = world.persona(persona)
    client = client_for(worker)
    with nothing_written(BreakGlass, AccessEvent):
        assert client.get(request_url(world.other_child.pk)).status_code == 404
        assert post_request(client, world.other_child.pk).status_code == 404
    with pytest.raises(NotPermitted):
        ask(world, worker)


def test_a_record_the_worker_already_sees_is_opened_not_asked_for(world: World) -> None:
    client = client_for(world.social_worker)
    response = client.get(request_url(world.csc_child.pk))
    assert response.status_code == 302
    assert response["Location"] == reverse("person", args=[world.csc_child.pk])
    with pytest.raises(ValidationFailed):
        ask(world, world.social_worker, world.csc_child)


# --- Nothing about the record before the reason ---------------------------------------------


def test_the_request_page_is_the_same_for_a_missing_and_an_existing_id(world: World) -> None:
    client = client_for(world.police_analyst)
    existing, missing = world.other_child.pk, missing_id()
    # The not-found page offers emergency access alike, by a link that does not echo the id.
    forbidden = client.get(reverse("person", args=[existing]))
    absent = client.get(reverse("person", args=[missing]))
    assert forbidden.status_code == absent.status_code == 404
    assert b'href="emergency-access/"' in forbidden.content
    assert CSRF.sub(b"", forbidden.content) == CSRF.sub(b"", absent.content)

    first = client.get(request_url(existing))
    second = client.get(request_url(missing))
    assert first.status_code == second.status_code == 200
    assert CSRF.sub(b"", first.content) == CSRF.sub(b"", second.content)

    with nothing_written(BreakGlass, AccessEvent):
        short_existing = post_request(client, existing, reason="urgent")
        short_missing = post_request(client, missing, reason="urgent")
    assert short_existing.status_code == short_missing.status_code == 200
    assert CSRF.sub(b"", short_existing.content) == CSRF.sub(b"", short_missing.content)


def test_a_missing_id_after_a_reason_is_not_found_but_the_request_is_logged(
    world: World,
) -> None:
    client = client_for(world.police_analyst)
    with nothing_written(BreakGlass):
        response = post_request(client, missing_id())
    assert response.status_code == 404
    row = AccessEvent.objects.get(
        actor=world.police_analyst, record_type=break_glass.REQUEST_RECORD_TYPE
    )
    assert row.detail == {"asked_for": str(missing_id()), "granted": False}
    assert REASON in row.purpose


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Enter the reason you need this record now"),
        ("   ", "Enter the reason you need this record now"),
        ("urgent", "at least 4 words"),
        ("need to check this", "at least 4 words"),
    ],
)
def test_a_blank_or_trivial_reason_is_a_field_error(
    world: World, reason: str, message: str
) -> None:
    client = client_for(world.social_worker)
    with nothing_written(BreakGlass, AccessEvent):
        response = post_request(client, world.other_child.pk, reason=reason)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'id="id_reason"' in html and "govuk-textarea--error" in html


def test_the_form_is_post_only_with_csrf(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.social_worker)
    with nothing_written(BreakGlass, AccessEvent):
        response = post_request(client, world.other_child.pk)
    assert response.status_code == 403
    assert client_for(world.social_worker).put(request_url(world.other_child.pk)).status_code == 405


def test_open_sessions_and_daily_requests_are_capped(world: World, later: Any) -> None:
    worker = world.police_analyst
    ask(world, worker, world.other_child)
    ask(world, worker, world.csc_child)
    with nothing_written(BreakGlass), pytest.raises(ValidationFailed, match="end one"):
        ask(world, worker, world.team_child)
    # Ending one makes room; the day's requests (found or not) still count.
    break_glass_end(actor=worker, use=BreakGlass.objects.get(worker=worker, person=world.csc_child))
    ask(world, worker, world.team_child)
    BreakGlass.objects.filter(worker=worker).update(ended_at=clock.now())
    for _ in range(break_glass.MAX_PER_DAY - 3):
        assert (
            break_glass_request(
                actor=worker, person_id=missing_id(), category="out_of_hours", reason=REASON
            )
            is None
        )
    with pytest.raises(ValidationFailed, match="24 hours"):
        ask(world, worker, world.yjs_child)
    later(hours=25)
    ask(world, worker, world.yjs_child)


# --- Time-limited ---------------------------------------------------------------------------


def test_the_sight_expires_after_four_hours(world: World, later: Any) -> None:
    ask(world, world.social_worker)
    url = reverse("person", args=[world.other_child.pk])
    later(hours=3, minutes=59)
    assert client_for(world.social_worker).get(url).status_code == 200
    later(minutes=2)  # from the start: 4 hours and a minute
    assert client_for(world.social_worker).get(url).status_code == 404
    assert not policies.can_view_person(world.social_worker, world.other_child)
    assert not break_glass.open_for(world.social_worker).exists()


def test_the_worker_can_end_it_early_and_only_they_can(world: World) -> None:
    use = ask(world, world.social_worker)
    with pytest.raises(NotPermitted):
        break_glass_end(actor=world.team_manager, use=use)
    assert (
        client_for(world.team_manager).post(reverse("break-glass-end", args=[use.pk])).status_code
        == 404
    )
    client = client_for(world.social_worker)
    assert client.get(reverse("break-glass-end", args=[use.pk])).status_code == 405
    response = client.post(reverse("break-glass-end", args=[use.pk]))
    assert response.status_code == 302
    use.refresh_from_db()
    assert use.ended_at is not None
    assert client.get(reverse("person", args=[world.other_child.pk])).status_code == 404


# --- Flagged on every page ------------------------------------------------------------------


def test_every_page_carries_the_banner_while_it_lasts(world: World, later: Any) -> None:
    make_association(world.system, person=world.other_child)
    ask(world, world.yjs_worker)
    client = client_for(world.yjs_worker)
    child = world.other_child
    pages = [
        reverse("person", args=[child.pk]),
        reverse("peer-map", args=[child.pk]),
        reverse("person-peers", args=[child.pk]),
        reverse("incident", args=[world.csc_incident.pk]),  # names the child
        reverse("dashboard"),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert "Emergency access: you are seeing" in html, url
        assert "Olu Otherchild</a>'s record because of missing child" in html, url
        assert "reviewed by your manager" in html, url
        assert reverse("break-glass-end", args=[BreakGlass.objects.get().pk]) in html
    later(hours=5)
    html = client_for(world.yjs_worker).get(reverse("dashboard")).content.decode()
    assert "Emergency access: you are seeing" not in html


def test_no_banner_and_no_query_for_who_never_breaks_glass(world: World) -> None:
    ask(world, world.social_worker)
    html = client_for(world.teammate).get(reverse("dashboard")).content.decode()
    assert "Emergency access: you are seeing" not in html
    client = client_for(world.auditor)
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("dashboard"))
    assert not any("access_breakglass" in q["sql"] for q in ctx.captured_queries)


def test_every_read_during_break_glass_is_flagged_in_the_trail(world: World) -> None:
    use = ask(world, world.police_analyst)
    client = client_for(world.police_analyst)
    client.get(reverse("person", args=[world.other_child.pk]))
    read = AccessEvent.objects.filter(
        actor=world.police_analyst, record_type="people.person", record_id=str(world.other_child.pk)
    ).get()
    assert read.action == AccessAction.BREAK_GLASS
    assert read.purpose == f"Break-glass (Missing child): {REASON}"
    assert read.detail["break_glass"] == [use.pk]
    # Another record read meanwhile is flagged with the open use too. The park's page names
    # her (she was harmed in an incident there), so it is itself a break-glass read of her.
    client.get(reverse("context", args=[world.park.pk]))
    other = AccessEvent.objects.get(actor=world.police_analyst, record_type="places.context")
    assert f",{world.other_child.pk}," in other.people
    assert other.action == AccessAction.BREAK_GLASS and other.detail["break_glass"] == [use.pk]
    # A page that does not name her is an ordinary read, still flagged with the open use.
    client.get(reverse("person", args=[world.police_child.pk]))
    own = AccessEvent.objects.get(actor=world.police_analyst, record_id=str(world.police_child.pk))
    assert f",{world.other_child.pk}," not in own.people
    assert own.action == AccessAction.VIEW and own.detail["break_glass"] == [use.pk]
    # Outside break-glass nothing is flagged.
    break_glass_end(actor=world.police_analyst, use=use)
    client.get(reverse("context", args=[world.park.pk]))
    last = AccessEvent.objects.filter(actor=world.police_analyst, record_type="places.context")
    assert "break_glass" not in last.order_by("-id").first().detail  # type: ignore[union-attr]


# --- Read-only: an emergency's sight never becomes lasting sight -----------------------------


def test_break_glass_sight_cannot_be_turned_into_lasting_sight(world: World) -> None:
    child = world.other_child
    ask(world, world.police_analyst, child)
    with pytest.raises(NotPermitted):
        incident_record(
            actor=world.police_analyst,
            kind="peer_physical",
            occurred_at=past_moment(),
            context=world.park,
            summary="Naming would give the police sight of the child for good.",
            involvements=[(child, InvolvementRole.PRESENT)],
            source="police",
            confidence="medium",
            reporting_agency=world.police,
        )
    ask(world, world.school_dsl, child)
    with pytest.raises(NotPermitted):
        enrolment_create(actor=world.school_dsl, person=child, school=world.school, start=START)
    ask(world, world.team_manager, child)
    with pytest.raises(NotPermitted):
        allocation_create(
            actor=world.team_manager, person=child, worker=world.social_worker, start=START
        )
    assert not policies.can_record_about_person(world.team_manager, child)
    assert policies.can_view_person(world.team_manager, child)


# --- Reviewed by the worker's manager -------------------------------------------------------


def test_the_manager_reviews_the_teams_uses_from_the_home_page(world: World) -> None:
    use = ask(world, world.social_worker)
    manager = client_for(world.team_manager)
    home = manager.get(reverse("dashboard")).content.decode()
    assert "1 use of emergency access by your team is waiting for your review" in home
    listing = manager.get(reverse("break-glass")).content.decode()
    assert REASON in listing and "social_worker" in listing
    assert reverse("break-glass-review", args=[use.pk]) in listing

    refused = manager.post(
        reverse("break-glass-review", args=[use.pk]), {"outcome": "justified", "note": " "}
    )
    assert "Enter a note on your decision" in refused.content.decode()
    response = manager.post(
        reverse("break-glass-review", args=[use.pk]),
        {"outcome": "justified", "note": "Olu was found at 9pm using the address."},
    )
    assert response.status_code == 302
    use.refresh_from_db()
    assert use.outcome == BreakGlassOutcome.JUSTIFIED
    assert use.reviewed_by == world.team_manager and use.reviewed_at is not None
    assert "waiting for your review" not in manager.get(reverse("dashboard")).content.decode()
    with pytest.raises(ValidationFailed, match="already been reviewed"):
        break_glass_review(actor=world.team_manager, use=use, outcome="not_justified", note="x")


@pytest.mark.parametrize(
    "persona", ["social_worker", "teammate", "other_social_worker", "admin", "auditor"]
)
def test_only_a_manager_of_the_workers_team_reviews(world: World, persona: str) -> None:
    use = ask(world, world.social_worker)
    reviewer = world.persona(persona)
    assert not break_glass.can_review(reviewer, use)
    with nothing_written(BreakGlass), pytest.raises(NotPermitted):
        break_glass_review(actor=reviewer, use=use, outcome="justified", note="Fine by me.")
    client = client_for(reviewer)
    url = reverse("break-glass-review", args=[use.pk])
    assert client.post(url, {"outcome": "justified", "note": "Fine"}).status_code == 404


def test_a_manager_does_not_review_their_own_use_but_another_team_manager_does(
    world: World,
) -> None:
    use = ask(world, world.team_manager)
    assert not break_glass.can_review(world.team_manager, use)
    assert (
        "waiting for your review"
        not in client_for(world.team_manager).get(reverse("dashboard")).content.decode()
    )
    colleague = make_worker(world.system, team=world.csc_team_a, role=Role.MANAGER)
    assert break_glass.can_review(colleague, use)
    break_glass_review(actor=colleague, use=use, outcome="not_justified", note="It could wait.")
    other_team = make_worker(world.system, team=world.csc_team_b, role=Role.MANAGER)
    assert not break_glass.uses_visible_to(other_team).exists()


# --- Visible to the auditor ----------------------------------------------------------------


def test_the_auditor_sees_every_use_by_id_and_reading_it_is_logged(world: World) -> None:
    first = ask(world, world.social_worker)
    second = ask(world, world.police_analyst, world.csc_child)
    break_glass_review(actor=world.team_manager, use=first, outcome="justified", note="Found.")
    response = client_for(world.auditor).get(reverse("break-glass"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Person {world.other_child.pk}" in html and f"Person {world.csc_child.pk}" in html
    assert "Otherchild" not in html and "Cscchild" not in html  # auditors see no case records
    assert "social_worker" in html and "police_analyst" in html
    assert REASON in html and "Justified</strong> by Test team_manager: Found." in html
    row = AccessEvent.objects.get(actor=world.auditor, record_type="access.breakglass")
    assert row.action == AccessAction.SEARCH
    assert set(row.detail["shown"]) == {str(first.pk), str(second.pk)}
    # The auditor reads; they neither review nor open records.
    assert (
        client_for(world.auditor).get(reverse("break-glass-review", args=[first.pk])).status_code
        == 404
    )


def test_a_worker_lists_only_their_own_uses(world: World) -> None:
    ask(world, world.social_worker)
    ask(world, world.police_analyst, world.csc_child)
    html = client_for(world.police_analyst).get(reverse("break-glass")).content.decode()
    assert "police_analyst" in html and "social_worker" not in html
    assert client_for(world.partner_worker).get(reverse("break-glass")).status_code == 404


# --- Where the worker learns of the record -------------------------------------------------


def test_linked_cases_offer_emergency_access_without_publishing_the_childs_id(
    world: World,
) -> None:
    make_association(world.system, person=world.csc_child, other=world.yjs_child)
    client = client_for(world.social_worker)
    html = client.get(reverse("linked")).content.decode()
    assert "A child not shared with you" in html
    match = re.search(r'href="(/access/break-glass/ask/([^/"]+)/)"', html)
    assert match is not None
    assert re.fullmatch(r"[0-9a-f]{24}", match.group(2))  # a keyed hash, not the id
    assert client.get(match.group(1)).status_code == 200
    assert post_request_to(client, match.group(1)).status_code == 302
    assert BreakGlass.objects.get().person == world.yjs_child
    # Meaningless to anyone else, and a made-up reference is simply not found.
    assert client_for(world.teammate).get(match.group(1)).status_code == 404
    assert client.get(reverse("break-glass-ref", args=["made-up"])).status_code == 404


def post_request_to(client: Client, url: str) -> Any:
    return client.post(url, {"category": "safeguarding_risk", "reason": REASON, **EMERGENCY_POST})


def test_requests_that_opened_nothing_are_listed_for_the_manager_and_the_auditor(
    world: World,
) -> None:
    asked = missing_id()
    assert post_request(client_for(world.social_worker), asked).status_code == 404
    for reader in (world.social_worker, world.team_manager, world.auditor):
        html = client_for(reader).get(reverse("break-glass")).content.decode()
        assert "Requests that opened no record" in html and f"Id {asked}" in html, reader
    html = client_for(world.other_social_worker).get(reverse("break-glass")).content.decode()
    assert f"Id {asked}" not in html


def test_break_glass_sight_neither_ends_others_links_nor_brings_children_to_a_meeting(
    world: World,
) -> None:
    from locus.mapping.selectors import linked_child_ids
    from locus.peers.services import association_record

    # A link recorded elsewhere: Olu (held by another social worker) presents a risk to
    # the YJS child; the social worker sees neither of them.
    link = association_record(
        actor=world.system,
        person=world.yjs_child,
        other=world.other_child,
        relationship="friend",
        nature="risk",
        source="professional",
        confidence="medium",
        valid_from=START,
    )
    ask(world, world.social_worker, world.yjs_child)
    ask(world, world.social_worker, world.other_child)
    # She may read both records now, but not undo the YJS worker's knowledge with that sight,
    assert policies.can_view_person(world.social_worker, world.other_child)
    assert not policies.can_change_association(world.social_worker, link)
    # nor bring Olu to a meeting as "linked to a child she sees" through the emergency.
    assert linked_child_ids(world.social_worker, [world.other_child.pk]) == set()


def test_break_glass_sight_does_not_seed_the_linked_case_evidence_for_a_meeting(
    world: World,
) -> None:
    from locus.linked.selectors import linked_together
    from locus.peers.services import association_record

    association_record(
        actor=world.system,
        person=world.yjs_child,
        other=world.other_child,
        relationship="friend",
        nature="risk",
        source="professional",
        confidence="medium",
        valid_from=START,
    )
    ask(world, world.social_worker, world.yjs_child)
    ids = [world.yjs_child.pk, world.other_child.pk]
    assert world.other_child.pk not in linked_together(world.social_worker, ids)


def test_a_second_review_loaded_before_the_first_was_saved_is_refused(world: World) -> None:
    """Two managers of the team (or two tabs) review one use at once: the first stands."""
    second = make_worker(world.system, team=world.csc_team_a, role=Role.MANAGER, username="m2")
    use = ask(world, world.social_worker)
    first_page, second_page = (BreakGlass.objects.get(pk=use.pk) for _ in range(2))
    break_glass_review(
        actor=world.team_manager, use=first_page, outcome="not_justified", note="Not urgent"
    )
    with nothing_written(BreakGlass), pytest.raises(ValidationFailed) as refused:
        break_glass_review(actor=second, use=second_page, outcome="justified", note="Fine")
    # Said on the outcome, the field the review form shows.
    assert refused.value.errors == {"outcome": ["This use has already been reviewed"]}
    use.refresh_from_db()
    assert (use.reviewed_by, use.outcome, use.review_note) == (
        world.team_manager,
        BreakGlassOutcome.NOT_JUSTIFIED,
        "Not urgent",
    )


def test_a_refused_review_drawn_again_is_logged_as_a_read(world: World) -> None:
    use = ask(world, world.social_worker)
    manager = client_for(world.team_manager)
    url = reverse("break-glass-review", args=[use.pk])
    manager.get(url)
    refused = manager.post(url, {"outcome": "justified", "note": " "})
    assert "Enter a note on your decision" in refused.content.decode()
    reads = AccessEvent.objects.filter(
        actor=world.team_manager, record_type="access.breakglass", record_id=str(use.pk)
    )
    assert [r.detail["page"] for r in reads] == ["review", "review"]
