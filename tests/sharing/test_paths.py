"""Every way a record reaches someone outside the holding team writes one row of the sharing
register: its basis, purpose, what, with whom, about whom and until when."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from locus.access.models import BreakGlass
from locus.audit.models import AccessAction, AccessEvent
from locus.common import clock
from locus.mapping.services import meeting_cancel, share_withdraw
from locus.panels.services import panel_cancel
from locus.sharing.models import Share, ShareKind
from locus.sharing.vocab import EMERGENCY, SAFEGUARDING, Article6, Duty
from tests.casework import helpers as casework
from tests.factories import World, client_for
from tests.mapping import helpers as mapping
from tests.panels import helpers as panels
from tests.sharing.helpers import EMERGENCY_POST, PURPOSE, SHARE_POST

pytestmark = pytest.mark.django_db


def names(share: Share) -> set[str]:
    return {r.name for r in share.recipients.all()}


def test_bringing_a_child_to_a_meeting_is_a_share_until_the_meeting_ends(world: World) -> None:
    meeting = mapping.propose(world, agreed=False, invitees=[world.police_analyst])
    mapping.agree(meeting, world.yjs_worker, world.yjs_child)
    share = Share.objects.get(kind=ShareKind.MEETING)
    assert share.basis == meeting.basis and share.by == world.yjs_worker
    assert share.purpose == mapping.PURPOSE
    assert share.what == ["Name", "Age", "Social care and youth justice status"]
    assert share.people == [world.yjs_child.pk]
    assert any("Police" in n for n in names(share))  # the invitees, named with their agency
    assert share.until is None and share.until_note == "Until the meeting is closed"
    assert (share.source_type, share.source_id) == (
        "cocase.shareagreement",
        str(meeting.children.get(person=world.yjs_child).agreements.get().pk),
    )
    # Agreeing again on other terms: the first row ends, a second says what is shared now.
    mapping.agree(meeting, world.yjs_worker, world.yjs_child, shared_fields=[])
    first, second = Share.objects.filter(kind=ShareKind.MEETING).order_by("id")
    assert first.until is not None and second.until is None and second.what == ["Name"]
    share_withdraw(
        actor=world.yjs_worker, meeting=meeting, person=world.yjs_child, reason="Moved away"
    )
    second.refresh_from_db()
    assert second.until is not None and second.until <= clock.now()
    assert second.until_note == "Agreement withdrawn"


def test_a_cancelled_meeting_ends_its_shares(world: World) -> None:
    meeting = mapping.propose(world)
    assert Share.objects.filter(kind=ShareKind.MEETING).count() == 2
    meeting_cancel(actor=world.social_worker, meeting=meeting, reason="The group moved on")
    assert not Share.objects.filter(until__isnull=True).exists()


def test_setting_up_a_panel_is_a_share_with_its_attendees(world: World) -> None:
    meeting = panels.set_up(world)
    share = Share.objects.get(kind=ShareKind.PANEL)
    assert share.basis == SAFEGUARDING == meeting.basis
    assert share.purpose.startswith("MACE panel")
    assert {r.worker for r in share.recipients.all()} == {world.team_manager, world.police_analyst}
    panels.add(world, meeting, "harmed", person=world.csc_child)
    share.refresh_from_db()
    assert share.people == [world.csc_child.pk]  # whom its agenda names
    panel_cancel(actor=world.social_worker, meeting=meeting, reason="No items this month")
    share.refresh_from_db()
    assert share.until_note == "Meeting cancelled"


def test_a_conference_shares_with_the_partners_who_came(world: World) -> None:
    conference = casework.hold(
        world, casework.schedule(world, casework.conference_of(casework.assessed_case(world)))
    )
    share = Share.objects.get(kind=ShareKind.CONFERENCE)
    assert share.source_id == str(conference.pk) and share.by == world.social_worker
    assert "Pat Residents, Mare Street Residents' Association" in names(share)
    # Only who attended: apologies are not shared with; the recorder is not a recipient.
    workers = {r.worker for r in share.recipients.all() if r.worker}
    assert world.police_analyst not in workers and world.social_worker not in workers
    assert world.partner_worker in workers


def test_a_partners_action_on_a_context_plan_is_a_share_with_the_partner(world: World) -> None:
    """Giving a partner organisation an action on a plan shows it the case (its goals, its
    conferences, its own actions): a row of the register says so. Was: no row was written,
    so the register did not show that the case reached the shopping centre's security."""
    case = casework.assessed_case(world)
    casework.hold(world, casework.schedule(world, casework.conference_of(case)))
    plan = casework.refreshed(case).plan
    before = Share.objects.filter(kind=ShareKind.PLAN_ACTION).count()
    action = casework.add_action(world, plan)  # the centre's security, owned by its worker
    casework.add_action(world, plan, agency=world.csc, owner=world.teammate)  # the team's own
    casework.add_action(world, plan, owner=None, owner_name="Sam Guard")  # no account
    shares = list(Share.objects.filter(kind=ShareKind.PLAN_ACTION).order_by("id")[before:])
    assert len(shares) == 2
    share = shares[0]
    assert (share.source_type, share.source_id) == ("casework.planaction", str(action.pk))
    assert share.by == world.social_worker and share.people == []
    assert share.record_ref == f"Context plan action {action.pk}: Mare Street Centre"
    assert share.purpose and share.what and share.until is None
    assert {(r.worker, r.agency) for r in share.recipients.all()} == {
        (world.partner_worker, world.partner)
    }
    assert names(shares[1]) == {"Sam Guard, Mare Street Shopping Centre"}


def test_a_referral_is_a_share_about_the_children_it_names(world: World) -> None:
    referral = casework.refer(
        world, actor=world.social_worker, about="child", children=[world.csc_child]
    )
    share = Share.objects.get(kind=ShareKind.REFERRAL)
    assert share.people == [world.csc_child.pk] and share.record_ref == f"Referral {referral.pk}"
    assert "Children named" in share.what
    assert any(n.startswith("From Children's Social Care") for n in names(share))


def test_a_list_that_names_people_asks_why_before_it_downloads(world: World) -> None:
    client = client_for(world.social_worker)
    asked = client.get("/exports/people/", {"format": "csv", "mine": "on"})
    html = asked.content.decode()
    assert asked.status_code == 200 and "Why are you exporting this list?" in html
    # The answers are posted back to the same address, the page's filters kept in it.
    assert 'method="post" action="/exports/people/?format=csv&amp;mine=on"' in html
    assert "csrfmiddlewaretoken" in html
    assert not AccessEvent.objects.filter(action=AccessAction.EXPORT).exists()
    assert not Share.objects.exists()
    # Answers in the address (a link from anywhere) are not answers: only the form again.
    linked = client.get("/exports/people/", {"format": "csv", "mine": "on", **SHARE_POST})
    assert "Why are you exporting this list?" in linked.content.decode()
    assert not Share.objects.exists()
    got = client.post("/exports/people/?format=csv&mine=on", SHARE_POST)
    assert got["Content-Disposition"].startswith("attachment")
    share = Share.objects.get(kind=ShareKind.EXPORT)
    assert share.purpose == PURPOSE and share.basis == SAFEGUARDING
    assert world.csc_child.pk in share.people and "Name" in share.what
    event = AccessEvent.objects.get(action=AccessAction.EXPORT)
    assert (share.source_type, share.source_id) == ("audit.accessevent", str(event.pk))


def test_the_answers_posted_from_another_site_write_no_sharing(world: World) -> None:
    """A page elsewhere posting the answers in a signed-in worker's browser has no CSRF
    token: refused, and nothing is written to the register or the trail."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.social_worker)
    got = client.post("/exports/people/?format=csv&mine=on", SHARE_POST)
    assert got.status_code == 403
    assert not Share.objects.exists()
    assert not AccessEvent.objects.filter(action=AccessAction.EXPORT).exists()


def test_a_list_that_names_nobody_downloads_without_a_basis(world: World) -> None:
    response = client_for(world.admin).get("/exports/contexts/", {"format": "csv"})
    assert response["Content-Disposition"].startswith("attachment")
    assert not Share.objects.exists()


def test_a_background_export_shares_until_its_file_is_deleted(world: World) -> None:
    from locus.exports import services
    from tests.sharing.helpers import WHY

    run = services.export_list(
        why=WHY, actor=world.admin, key="people", query={}, fmt="csv", limit=1
    )
    share = Share.objects.get(kind=ShareKind.EXPORT)
    assert share.until == run.expires_at and share.source_type == "exports.exportrun"


def test_an_api_token_is_a_share_until_it_expires(world: World) -> None:
    client = client_for(world.social_worker)
    expires = (clock.today() + dt.timedelta(days=30)).strftime("%d/%m/%Y")
    made = client.post(
        "/account/api-tokens/", {"name": "Dashboard", "expires_on": expires, **SHARE_POST}
    )
    assert made.status_code == 200
    share = Share.objects.get(kind=ShareKind.API_TOKEN)
    assert share.purpose == PURPOSE and share.until is not None
    assert share.until.date() == clock.today() + dt.timedelta(days=31)
    assert share.until_note == "Token expiry"
    token_id = int(share.source_id)
    client.post(f"/account/api-tokens/{token_id}/revoke/")
    share.refresh_from_db()
    assert share.until_note == "Token revoked"


def test_emergency_access_defaults_to_vital_interests_and_shares_until_it_ends(
    world: World,
) -> None:
    client = client_for(world.social_worker)
    url = f"/people/{world.yjs_child.pk}/emergency-access/"
    page = client.get(url).content.decode()
    # The form starts on vital interests and safeguarding (paragraph 18).
    assert re.search(r'value="6_1_d"[^>]*checked', page)
    assert re.search(r'value="sch1_18"[^>]*checked', page)
    reason = "He is missing tonight and his friends may know where he is"
    response = client.post(url, {"category": "missing_child", "reason": reason, **EMERGENCY_POST})
    assert response.status_code == 302
    use = BreakGlass.objects.get()
    share = Share.objects.get(kind=ShareKind.BREAK_GLASS)
    assert share.basis == EMERGENCY and share.article6 == Article6.VITAL_INTERESTS
    assert reason in share.purpose and share.people == [world.yjs_child.pk]
    assert share.until == use.expires_at
    client.post(f"/access/break-glass/{use.pk}/end/")
    share.refresh_from_db()
    assert share.until is not None and share.until < use.expires_at
    assert share.until_note == "Ended by the worker"
    assert share.duty == Duty.CA2004_S11


def test_whoever_joins_an_open_sharing_is_named_on_its_rows(world: World) -> None:
    from locus.mapping.services import meeting_invite
    from locus.panels.services import panel_attendee_add

    meeting = mapping.propose(world)
    meeting_invite(actor=world.social_worker, meeting=meeting, worker=world.school_dsl)
    for share in Share.objects.filter(kind=ShareKind.MEETING):
        assert world.school_dsl in {r.worker for r in share.recipients.all()}
    panel = panels.set_up(world)
    panel_attendee_add(
        actor=world.social_worker, meeting=panel, name="Sam Guard", organisation="Mall security"
    )
    share = Share.objects.get(kind=ShareKind.PANEL)
    assert "Sam Guard, Mall security" in names(share)
