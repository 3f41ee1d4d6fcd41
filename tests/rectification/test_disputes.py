"""A person disputes the accuracy of their record, or objects to its processing: recorded in
their words, decided by a manager other than the recorder (never the administrator), and the
flag shown wherever the record is, to those who may see the person and nobody else."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from locus.access.models import Role
from locus.audit.models import AccessEvent
from locus.common.errors import NotPermitted, ValidationFailed
from locus.common.services import today
from locus.incidents.models import InvolvementRole
from locus.peers.models import Association
from locus.rectification.models import (
    About,
    Dispute,
    Objection,
    ObjectionDecision,
    Outcome,
    ReceivedHow,
)
from locus.rectification.services import (
    dispute_decide,
    dispute_record,
    objection_decide,
    objection_record,
)
from tests.api.conftest import api_as
from tests.factories import (
    World,
    client_for,
    last_change,
    make_association,
    make_incident,
    make_worker,
    nothing_written,
)
from tests.notes.helpers import write

pytestmark = pytest.mark.django_db

WORDS = "I don't know him. I have never met him and was not at the park that day."


def record(world: World, **fields: Any) -> Dispute:
    values: dict[str, Any] = {
        "actor": world.social_worker,
        "person": world.csc_child,
        "about": About.RECORD,
        "account": WORDS,
        "received_how": ReceivedHow.IN_PERSON,
        "received_on": today(),
    }
    values.update(fields)
    return dispute_record(**values)


@pytest.fixture
def disputed(world: World) -> World:
    """csc_child disputes an association with team_child (not corrected, with reasons)."""
    a = make_association(world.system, person=world.csc_child, other=world.team_child)
    world.extra["association"] = a
    world.extra["dispute"] = record(world, about=About.ASSOCIATION, item=a)
    return world


# --- Recording ------------------------------------------------------------------------------


def test_a_dispute_keeps_the_persons_words_and_is_audited(disputed: World) -> None:
    d = disputed.extra["dispute"]
    assert d.account == WORDS and d.association == disputed.extra["association"]
    assert d.recorded_by == disputed.social_worker and d.outcome == Outcome.OPEN
    assert d.flagged
    change = last_change(d)
    assert change.actor == disputed.social_worker
    # The trail's row is about the child, so a purge's redaction blanks their words in it too.
    assert f",{disputed.csc_child.pk}," in change.people


def test_bad_input_is_named_field_by_field_and_nothing_is_written(world: World) -> None:
    someone_elses = make_association(world.system, person=world.yjs_child, other=world.pupil)
    with nothing_written(Dispute), pytest.raises(ValidationFailed) as caught:
        record(
            world,
            about=About.ASSOCIATION,
            item=someone_elses,
            account="  ",
            received_how="pigeon",
            received_on=today() + dt.timedelta(days=1),
        )
    assert set(caught.value.errors) == {"about", "account", "received_how", "received_on"}


def test_an_item_must_be_of_the_kind_named(world: World) -> None:
    with pytest.raises(ValidationFailed) as caught:
        record(world, about=About.FIELD, item="favourite_colour")
    assert "about" in caught.value.errors


@pytest.mark.parametrize("persona", ["admin", "auditor", "police_analyst", "other_social_worker"])
def test_who_may_not_record_one(world: World, persona: str) -> None:
    with nothing_written(Dispute), pytest.raises(NotPermitted):
        record(world, actor=world.persona(persona))


# --- Deciding: separation of duties ----------------------------------------------------------


def test_another_manager_decides_not_corrected_and_the_flag_stays(disputed: World) -> None:
    d = dispute_decide(
        actor=disputed.team_manager,
        dispute=disputed.extra["dispute"],
        outcome=Outcome.NOT_CORRECTED,
        reason="Two separate police reports place them together.",
    )
    assert d.outcome == Outcome.NOT_CORRECTED and d.decided_by == disputed.team_manager
    assert d.flagged  # Art 16: the statement stays beside the record
    assert last_change(d).actor == disputed.team_manager


def test_corrected_takes_the_flag_off(disputed: World) -> None:
    d = dispute_decide(
        actor=disputed.team_manager,
        dispute=disputed.extra["dispute"],
        outcome=Outcome.CORRECTED,
        correction="Association ended: recorded against the wrong child.",
    )
    assert not d.flagged


def test_a_decision_needs_its_reason(disputed: World) -> None:
    with pytest.raises(ValidationFailed) as caught:
        dispute_decide(
            actor=disputed.team_manager,
            dispute=disputed.extra["dispute"],
            outcome=Outcome.NOT_CORRECTED,
        )
    assert "reason" in caught.value.errors


def test_the_recorder_cannot_decide_even_as_a_manager(world: World) -> None:
    d = record(world, actor=world.team_manager)
    with pytest.raises(NotPermitted):
        dispute_decide(
            actor=world.team_manager, dispute=d, outcome=Outcome.CORRECTED, correction="x"
        )
    assert Dispute.objects.get(pk=d.pk).outcome == Outcome.OPEN


def test_the_manager_who_wrote_the_disputed_note_does_not_decide_it(world: World) -> None:
    """Nobody judges their own record: the team manager wrote the case note the child says
    is wrong, so another manager decides."""
    note = write(world.team_manager, world.csc_child)
    d = record(world, about=About.NOTE, item=note)
    with pytest.raises(NotPermitted):
        dispute_decide(
            actor=world.team_manager, dispute=d, outcome=Outcome.NOT_CORRECTED, reason="It stands"
        )
    assert Dispute.objects.get(pk=d.pk).outcome == Outcome.OPEN
    other = make_worker(world.system, team=world.csc_team_a, role=Role.MANAGER)
    decided = dispute_decide(
        actor=other, dispute=d, outcome=Outcome.NOT_CORRECTED, reason="The note is accurate"
    )
    assert decided.outcome == Outcome.NOT_CORRECTED


@pytest.mark.parametrize("persona", ["admin", "teammate", "social_worker", "auditor"])
def test_only_a_manager_decides_never_the_administrator(disputed: World, persona: str) -> None:
    with pytest.raises(NotPermitted):
        dispute_decide(
            actor=disputed.persona(persona),
            dispute=disputed.extra["dispute"],
            outcome=Outcome.CORRECTED,
            correction="x",
        )


def test_a_manager_who_may_not_see_the_person_cannot_decide(disputed: World) -> None:
    elsewhere = make_worker(
        disputed.system, team=disputed.csc_team_b, role="manager", username="b_manager"
    )
    with pytest.raises(NotPermitted):
        dispute_decide(
            actor=elsewhere,
            dispute=disputed.extra["dispute"],
            outcome=Outcome.CORRECTED,
            correction="x",
        )


def test_a_dispute_is_decided_once(disputed: World) -> None:
    d = disputed.extra["dispute"]
    dispute_decide(
        actor=disputed.team_manager, dispute=d, outcome=Outcome.CORRECTED, correction="x"
    )
    with pytest.raises(NotPermitted):
        dispute_decide(
            actor=disputed.team_manager, dispute=d, outcome=Outcome.NOT_CORRECTED, reason="y"
        )


# --- Objection (Art 21) ----------------------------------------------------------------------


def test_an_objection_is_recorded_and_decided_by_another_manager(world: World) -> None:
    o = objection_record(
        actor=world.social_worker,
        person=world.csc_child,
        grounds="I don't want my school told about me.",
        received_how=ReceivedHow.LETTER,
        received_on=today(),
    )
    with pytest.raises(NotPermitted):
        objection_decide(
            actor=world.admin, objection=o, decision=ObjectionDecision.STOPPED, reason="x"
        )
    with pytest.raises(ValidationFailed) as caught:
        objection_decide(actor=world.team_manager, objection=o, decision="maybe", reason="")
    assert set(caught.value.errors) == {"decision", "reason"}
    o = objection_decide(
        actor=world.team_manager,
        objection=o,
        decision=ObjectionDecision.CONTINUES,
        reason="Compelling grounds: a current child protection plan needs the school's part.",
    )
    assert o.decision == ObjectionDecision.CONTINUES and o.decided_by == world.team_manager
    assert Objection.objects.get(pk=o.pk).reason.startswith("Compelling")


# --- Shown wherever the record is -------------------------------------------------------------


def test_the_person_page_carries_the_banner_and_the_tag_on_the_item(disputed: World) -> None:
    w = disputed
    incident = make_incident(
        w.system,
        context=w.park,
        reporting_agency=w.csc,
        involvements=[(w.csc_child, InvolvementRole.HARMED)],
    )
    involvement = incident.involvements.get()
    record(w, about=About.INVOLVEMENT, item=involvement)
    html = (
        client_for(w.social_worker).get(reverse("person", args=[w.csc_child.pk])).content.decode()
    )
    assert "Accuracy disputed" in html
    assert reverse("accuracy", args=[w.csc_child.pk]) in html
    associations = html.partition('id="associations"')[2].partition('id="incidents"')[0]
    assert "Accuracy disputed" in associations
    incidents = html.partition('id="incidents"')[2].partition('id="peer-groups"')[0]
    assert "Accuracy disputed" in incidents


def test_no_banner_without_a_flagged_dispute(disputed: World) -> None:
    dispute_decide(
        actor=disputed.team_manager,
        dispute=disputed.extra["dispute"],
        outcome=Outcome.CORRECTED,
        correction="Ended the association.",
    )
    html = client_for(disputed.social_worker).get(reverse("person", args=[disputed.csc_child.pk]))
    assert "Accuracy disputed" not in html.content.decode()


def test_the_tag_shows_on_linked_cases_and_a_peer_map_table(world: World) -> None:
    w = world
    make_association(w.system, person=w.csc_child, other=w.team_child, nature="risk")
    record(w, actor=w.teammate, person=w.team_child, account="Not me.")
    linked = client_for(w.social_worker).get(reverse("linked")).content.decode()
    row = linked.partition("Tariq Teamchild")[2][:200]
    assert "Accuracy disputed" in row
    peer_map = client_for(w.admin).get(reverse("peer-map", args=[w.csc_child.pk]))
    table = peer_map.content.decode().partition("<table")[2]
    assert "Tariq Teamchild" in table and "Accuracy disputed" in table


def test_the_tag_is_not_drawn_beside_someone_the_viewer_may_not_see(world: World) -> None:
    w = world
    # yjs_child is associated with csc_child; the social worker sees him by initials only.
    make_association(w.system, person=w.csc_child, other=w.yjs_child, nature="risk")
    record(w, actor=w.yjs_worker, person=w.yjs_child, account="That is not my name.")
    html = client_for(w.social_worker).get(reverse("person", args=[w.csc_child.pk]))
    assert "Accuracy disputed" not in html.content.decode()


def test_the_api_person_payload_carries_the_flag(disputed: World) -> None:
    api = api_as(disputed.social_worker)
    assert api.ok(f"/people/{disputed.csc_child.pk}")["accuracy_disputed"] is True
    rows = {r["id"]: r["accuracy_disputed"] for r in api.ok("/people", limit=100)["results"]}
    assert rows[disputed.csc_child.pk] is True
    assert rows[disputed.team_child.pk] is False


# --- The pages ---------------------------------------------------------------------------------


def test_the_accuracy_page_shows_the_account_and_is_audited(disputed: World) -> None:
    w = disputed
    response = client_for(w.team_manager).get(reverse("accuracy", args=[w.csc_child.pk]))
    html = response.content.decode()
    assert "I don&#x27;t know him." in html
    decide = reverse("dispute-decide", args=[w.csc_child.pk, w.extra["dispute"].pk])
    assert decide in html  # the manager may decide it
    event = AccessEvent.objects.filter(actor=w.team_manager).latest("id")
    assert event.record_id == str(w.csc_child.pk)
    assert event.detail["disputes_shown"] == [w.extra["dispute"].pk]
    # The recorder sees it, but is not offered the decision.
    own = client_for(w.social_worker).get(reverse("accuracy", args=[w.csc_child.pk]))
    assert decide not in own.content.decode()


@pytest.mark.parametrize("persona", ["other_social_worker", "auditor", "school_dsl"])
def test_a_worker_who_may_not_see_the_person_finds_nothing(disputed: World, persona: str) -> None:
    w = disputed
    client = client_for(w.persona(persona))
    person = w.csc_child.pk
    dispute = w.extra["dispute"].pk
    for url in (
        reverse("accuracy", args=[person]),
        reverse("dispute-new", args=[person]),
        reverse("dispute-decide", args=[person, dispute]),
        reverse("objection-new", args=[person]),
    ):
        assert client.get(url).status_code == 404, url


def test_recording_and_deciding_through_the_pages(disputed: World) -> None:
    w = disputed
    person = w.csc_child.pk
    a: Association = w.extra["association"]
    response = client_for(w.social_worker).post(
        reverse("dispute-new", args=[person]),
        {
            "about": f"association:{a.pk}",
            "account": "We only met once.",
            "received_how": ReceivedHow.PHONE,
            "received_on": today().strftime("%d/%m/%Y"),
        },
    )
    assert response.status_code == 302
    made = Dispute.objects.latest("id")
    assert made.association == a and made.account == "We only met once."
    url = reverse("dispute-decide", args=[person, made.pk])
    assert client_for(w.social_worker).get(url).status_code == 404  # the recorder
    response = client_for(w.team_manager).post(
        url, {"outcome": Outcome.NOT_CORRECTED, "reason": "Seen together at school."}
    )
    assert response.status_code == 302
    assert Dispute.objects.get(pk=made.pk).outcome == Outcome.NOT_CORRECTED


def test_the_form_names_what_is_missing(disputed: World) -> None:
    response = client_for(disputed.social_worker).post(
        reverse("dispute-new", args=[disputed.csc_child.pk]),
        {
            "about": "record",
            "account": " ",
            "received_how": ReceivedHow.EMAIL,
            "received_on": today().strftime("%d/%m/%Y"),
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Error:" in html
    assert "Enter the person&#x27;s account, in their words" in html


def test_what_is_disputed_is_a_styled_select_marked_when_it_is_missing(disputed: World) -> None:
    """The choice of what is disputed is drawn as every other select is, and outlined in red
    when the worker left it out, so they see which field the message at the top is about."""
    response = client_for(disputed.social_worker).post(
        reverse("dispute-new", args=[disputed.csc_child.pk]),
        {"account": "It was not me.", "received_how": ReceivedHow.EMAIL},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Choose what the person disputes" in html
    assert '<select name="about" class="govuk-select govuk-select--error"' in html


def test_a_field_and_a_note_can_be_disputed_and_are_named_on_the_accuracy_page(
    world: World,
) -> None:
    note = write(world.social_worker, world.csc_child)
    record(world, about=About.FIELD, item="date_of_birth", account="My birthday is in May.")
    record(world, about=About.NOTE, item=note, account="I never said that.")
    html = client_for(world.teammate).get(reverse("accuracy", args=[world.csc_child.pk]))
    text = html.content.decode()
    assert "Their date of birth" in text and "My birthday is in May." in text
    assert f"Case note of {note.contact_on:%-d %b %Y}" in text and "I never said that." in text


def test_the_dispute_form_offers_only_what_the_worker_may_see(world: World) -> None:
    w = world
    hidden = make_association(w.system, person=w.csc_child, other=w.yjs_child)
    response = client_for(w.social_worker).get(reverse("dispute-new", args=[w.csc_child.pk]))
    text = response.content.decode()
    assert f'value="association:{hidden.pk}"' in text
    assert "Association with YY (friend)" in text and "Yusuf" not in text
    assert 'value="field:date_of_birth"' in text
    # Nor is anyone else's record: another child's incident is not among the choices.
    assert f'value="involvement:{w.csc_incident.involvements.get().pk}"' not in text
    theirs = make_incident(
        w.system,
        context=w.park,
        reporting_agency=w.csc,
        involvements=[(w.csc_child, InvolvementRole.HARMED)],
    )
    again = client_for(w.social_worker).get(reverse("dispute-new", args=[w.csc_child.pk]))
    assert f'value="involvement:{theirs.involvements.get().pk}"' in again.content.decode()


def test_the_dispute_form_logs_whom_and_what_its_choices_name(world: World) -> None:
    """The form names the person's associates the worker sees in full, and lists the
    incidents and notes it offers: its read keeps their ids, an invalid post's page too; a
    peer shown by initials is not among those named."""
    w = world
    make_association(w.system, person=w.csc_child, other=w.team_child)
    make_association(w.system, person=w.csc_child, other=w.yjs_child)  # by initials only
    note = write(w.social_worker, w.csc_child)
    incident = make_incident(
        w.system,
        context=w.park,
        reporting_agency=w.csc,
        involvements=[(w.csc_child, InvolvementRole.HARMED)],
    )
    url = reverse("dispute-new", args=[w.csc_child.pk])
    client = client_for(w.social_worker)
    for draw in (lambda: client.get(url), lambda: client.post(url, {"about": "record"})):
        before = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        page = draw()
        assert page.status_code == 200 and w.team_child.full_name in page.content.decode()
        read = AccessEvent.objects.filter(id__gt=before).get()
        assert read.detail["people_shown"] == [w.team_child.pk]
        assert read.detail["notes_shown"] == [note.pk]
        assert incident.pk in read.detail["incidents_shown"]


def test_objections_through_the_pages(world: World) -> None:
    w = world
    person = w.csc_child.pk
    response = client_for(w.social_worker).post(
        reverse("objection-new", args=[person]),
        {
            "grounds": "Stop sharing my data with the police.",
            "received_how": ReceivedHow.REPRESENTATIVE,
            "received_on": today().strftime("%d/%m/%Y"),
        },
    )
    assert response.status_code == 302
    objection = Objection.objects.get(person_id=person)
    url = reverse("objection-decide", args=[person, objection.pk])
    for persona in ("social_worker", "admin", "teammate"):
        assert client_for(w.persona(persona)).get(url).status_code == 404, persona
    page = client_for(w.team_manager).get(reverse("accuracy", args=[person])).content.decode()
    assert "Stop sharing my data with the police." in page and url in page
    response = client_for(w.team_manager).post(
        url, {"decision": ObjectionDecision.STOPPED, "reason": "Sharing with police stopped."}
    )
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.decision == ObjectionDecision.STOPPED
    assert objection.decided_by == w.team_manager


def test_the_tag_shows_on_the_caseload_and_in_people_search(disputed: World) -> None:
    client = client_for(disputed.social_worker)
    home = client.get("/").content.decode()
    row = home.partition("Ciara Cscchild")[2][:300]
    assert "Accuracy disputed" in row
    found = client.get(reverse("people"), {"q": "Cscchild"}).content.decode()
    assert "Accuracy disputed" in found.partition("Ciara Cscchild")[2][:300]


def test_a_school_is_offered_only_the_details_it_sees(world: World) -> None:
    response = client_for(world.school_dsl).get(reverse("dispute-new", args=[world.pupil.pk]))
    text = response.content.decode()
    assert 'value="field:date_of_birth"' in text and 'value="field:upn"' in text
    assert 'value="field:home_address"' not in text and 'value="field:ethnicity"' not in text
