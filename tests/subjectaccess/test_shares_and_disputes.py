"""The export says who the subject's information went to (Art 15(1)(c)), never who else a
sharing was about, and carries their challenges to the record in their own words."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from locus.access.models import Role, Scope
from locus.exports import services as exports
from locus.incidents.models import Involvement
from locus.peers.models import Association
from locus.rectification.services import (
    dispute_decide,
    dispute_record,
    objection_record,
)
from locus.sharing.models import Share, ShareKind
from locus.sharing.services import To, record_share
from locus.sharing.vocab import SAFEGUARDING, Article6, Condition, Duty
from locus.subjectaccess.package import build
from tests.factories import World, make_worker
from tests.mapping import helpers as mapping
from tests.sharing.helpers import WHY, referral_share
from tests.subjectaccess.conftest import Scene


def _records(data: dict, key: str) -> list[dict]:
    return next(s for s in data["sections"] if s["key"] == key)["records"]


def _fields(record: dict) -> dict[str, str]:
    return {f["label"]: f["value"] for f in record["fields"]}


def _shares(scene: Scene, *, disclose_staff: bool = False) -> dict[str, dict[str, str]]:
    data = build(scene.request, disclose_staff=disclose_staff, include_restricted=False).data
    return {r["record"]: _fields(r) for r in _records(data, "shares")}


def test_a_meeting_and_an_export_appear_with_recipients_basis_and_dates(
    world: World, scene: Scene
) -> None:
    # One row per child brought to the meeting: the subject's, and another child's.
    mapping.propose(world, invitees=[world.police_analyst])
    exports.export_list(why=WHY, actor=world.admin, key="people", query={}, fmt="csv")
    meeting = Share.objects.get(kind=ShareKind.MEETING, people=[scene.subject.pk])
    export = Share.objects.get(kind=ShareKind.EXPORT)
    assert scene.friend.pk in export.people  # the export named other children too

    theirs = Share.objects.get(kind=ShareKind.MEETING, people=[world.yjs_child.pk])
    shares = _shares(scene)
    # The scene's MACE panel is a share about the subject too; the other child's is not.
    panel = Share.objects.get(kind=ShareKind.PANEL)
    assert set(shares) == {f"sharing.share:{s.pk}" for s in (panel, meeting, export)}
    assert f"sharing.share:{theirs.pk}" not in shares
    met = shares[f"sharing.share:{meeting.pk}"]
    assert met["Kind of sharing"] == "Peer group mapping meeting"
    assert met["Purpose"] == mapping.PURPOSE
    assert met["What was shared"] == "Name; Age; Social care and youth justice status"
    assert met["Lawful basis (UK GDPR article 6)"] == Article6.PUBLIC_TASK.label
    assert met["Condition for special category or criminal offence data"] == (
        Condition.SAFEGUARDING.label
    )
    assert met["Statutory duty or power"] == Duty.CA1989_S17.label
    assert met["Until"] == "Until the meeting is closed"
    # Recipients by role, team and organisation: the police analyst invited, not by name.
    assert "Analyst, Intelligence Unit, Borough Police" in met["Shared with"]
    assert "police_analyst" not in met["Shared with"]
    out = shares[f"sharing.share:{export.pk}"]
    assert out["Kind of sharing"] == "Export" and out["Purpose"] == WHY.purpose
    assert out["Statutory duty or power"] == SAFEGUARDING.text.split("; ")[2]
    assert out["Shared on"] and out["Until"]

    named = _shares(scene, disclose_staff=True)[f"sharing.share:{meeting.pk}"]
    assert world.police_analyst.get_full_name() in named["Shared with"]


def test_other_children_on_the_same_share_are_never_shown(world: World, scene: Scene) -> None:
    exports.export_list(why=WHY, actor=world.admin, key="people", query={}, fmt="csv")
    data = build(scene.request, disclose_staff=False, include_restricted=False).data
    (row,) = [r for r in _records(data, "shares") if r["heading"].startswith("Export")]
    values = " ".join([row["heading"], *_fields(row).values()])
    assert "Person " not in values  # not even as a letter
    text = str(_records(data, "shares"))
    for word in scene.third_party_words:
        assert word not in text
    export_row = "Who your information was shared with: Export"
    assert not [r for r in data["redactions"] if r["where"].startswith(export_row)]


def test_a_share_about_someone_whose_id_contains_the_subjects_is_not_theirs(
    world: World, scene: Scene
) -> None:
    lookalike = int(f"{scene.subject.pk}1")  # "31" holds "3"; the subject is not on it
    referral_share(world.social_worker, world.yjs_child, "Pat Jones, Mall security", [lookalike])
    assert [r["Kind of sharing"] for r in _shares(scene).values()] == [
        "HSB meeting or MACE panel"  # the scene's own panel only
    ]


def test_a_partner_outside_locus_is_named_only_when_staff_are(world: World, scene: Scene) -> None:
    share = record_share(
        actor=world.social_worker,
        kind=ShareKind.CONFERENCE,
        basis=SAFEGUARDING,
        purpose="Agree a context plan",
        what=["Minutes and decisions"],
        record_ref="Context conference 1",
        source=scene.incident,
        recipients=[
            To(name="Pat Jones, Mall security", agency=world.partner),
            To(name="Sam Guard, Park patrol"),
        ],
        people=[scene.subject.pk],
    )
    hidden = _shares(scene)[f"sharing.share:{share.pk}"]
    assert hidden["Shared with"] == (
        "Mare Street Shopping Centre; Someone outside Locus, named in the sharing register"
    )
    shown = _shares(scene, disclose_staff=True)[f"sharing.share:{share.pk}"]
    assert "Pat Jones, Mall security (Mare Street Shopping Centre)" in shown["Shared with"]
    assert "Sam Guard, Park patrol" in shown["Shared with"]


def test_a_dispute_and_an_objection_appear_in_records_you_dispute(
    world: World, scene: Scene
) -> None:
    association = Association.objects.get(person=scene.subject, other=scene.friend)
    dispute = dispute_record(
        actor=world.social_worker,
        person=scene.subject,
        about="association",
        item=association,
        account="I don't know Zebedee Quillfeather. He is a friend of my cousin.",
        received_how="letter",
        received_on=dt.date(2025, 11, 3),
    )
    dispute_decide(
        actor=world.team_manager,
        dispute=dispute,
        outcome="not_corrected",
        reason="Two workers saw them together; her statement stays with the record.",
    )
    objection_record(
        actor=world.social_worker,
        person=scene.subject,
        grounds="I do not want the school told about the park.",
        received_how="in_person",
        received_on=dt.date(2025, 11, 4),
    )
    data = build(scene.request, disclose_staff=False, include_restricted=False).data
    disputed, objected = _records(data, "disputes")
    assert disputed["heading"] == "Accuracy challenged, received 03/11/2025"
    d = _fields(disputed)
    friend_letter = next(
        _fields(r)["Other"]
        for r in _records(data, "associations")
        if r["record"] == f"peers.association:{association.pk}"
    )
    assert d["What you challenged"] == f"An association from {association.valid_from:%d/%m/%Y}"
    assert d["With"] == friend_letter  # the same letter as in the association itself
    assert d["Your account"] == f"I don't know {friend_letter}. He is a friend of my cousin."
    assert d["Received"] == "03/11/2025, by letter"
    assert d["Outcome"].startswith("Not corrected")
    assert d["Decided by"] == "Team manager, Contextual Safeguarding Team A, Children's Social Care"
    assert d["Reasons for the decision"].startswith("Two workers saw them together")
    assert objected["heading"] == "Objection to the use of your information, received 04/11/2025"
    o = _fields(objected)
    assert o["Your grounds"] == "I do not want the school told about the park."
    assert o["Outcome"] == "Awaiting a decision" and "Decided by" not in o
    # Read once, in its own section: not again among "Other records".
    assert not [r for r in _records(data, "other") if r["record"].startswith("rectification.")]
    assert "Zebedee" not in str(data)


def test_a_dispute_about_a_restricted_incident_does_not_reveal_it(
    world: World, scene: Scene
) -> None:
    involvement = Involvement.objects.get(incident=scene.restricted, person=scene.subject)
    # Recorded by the police, who hold the incident: nobody records a dispute of what they
    # may not see.
    officer = make_worker(
        world.system, team=world.police_team, role=Role.PRACTITIONER, scope=Scope.AGENCY
    )
    dispute_record(
        actor=officer,
        person=scene.subject,
        about="involvement",
        item=involvement,
        account="I was not there that night.",
        received_how="phone",
        received_on=dt.date(2025, 11, 5),
    )
    when = f"{timezone.localtime(scene.restricted.occurred_at):%d/%m/%Y}"
    for included, shown in ((False, "[withheld]"), (True, f"Your part in the incident on {when}")):
        data = build(scene.request, disclose_staff=False, include_restricted=included).data
        (disputed,) = _records(data, "disputes")
        assert _fields(disputed)["What you challenged"] == shown
        assert _fields(disputed)["Your account"] == "I was not there that night."
