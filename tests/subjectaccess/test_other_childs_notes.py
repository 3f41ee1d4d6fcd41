"""A note written on another child's record that names the subject: the subject is given
what it says about them, not the other child's record (UK GDPR Art 15(4))."""

from __future__ import annotations

import datetime as dt

from locus.notes.services import note_correct, note_record
from locus.people.services import allocation_create
from locus.subjectaccess.package import build
from tests.factories import START, World, make_person
from tests.subjectaccess.conftest import Scene

ABOUT_HER = "She was seen with Ciara at the park on Friday."


def _note_on_the_rival(world: World, scene: Scene) -> None:
    allocation_create(
        actor=world.admin, person=scene.rival, worker=world.social_worker, start=START
    )
    note = note_record(
        actor=world.social_worker,
        subject=scene.rival,
        kind="home_visit",
        contact_on=dt.date(2025, 10, 21),
        summary="Home visit: mother unwell",
        text=(
            "Her mother is unwell and she is staying with an aunt. "
            f"{ABOUT_HER} She is struggling at school and wants a new tutor."
        ),
        present="Aunt; mother",
        children=[scene.subject],
    )
    note_correct(
        actor=world.social_worker,
        note=note,
        reason="Added the referral",
        text=f"Her mother is unwell. {ABOUT_HER} A referral to CAMHS was made for her.",
    )


def test_a_note_on_another_child_gives_only_the_passages_naming_the_subject(
    world: World, scene: Scene
) -> None:
    """The other child's home life, school and health stay out, in every wording; what the
    note says about the subject is there, and the rest is listed as withheld for the data
    team to see and decide on."""
    _note_on_the_rival(world, scene)
    built = build(scene.request, disclose_staff=False, include_restricted=False)
    text = built.json.decode() + built.html
    for theirs in ("mother", "unwell", "an aunt", "Aunt;", "at school", "a new tutor", "CAMHS"):
        assert theirs not in text, theirs
    notes = next(s for s in built.data["sections"] if s["key"] == "notes")["records"]
    about = [r for r in notes if r["heading"].startswith("Note on another child's record")]
    assert len(about) == 1
    fields = {f["label"]: f["value"] for f in about[0]["fields"]}
    assert fields["Passages that mention you"] == ABOUT_HER
    assert fields["On the record of"].startswith("Person ")
    assert fields["The rest of the note"] == "[withheld]"
    earlier = [r["fields"] for r in notes if r["record"].startswith("notes.noterevision:")]
    assert any({"label": "Passages that mention you", "value": ABOUT_HER} in f for f in earlier)
    kinds = {r["kind"] for r in built.data["redactions"]}
    assert "the rest of a note about another child" in kinds


def test_a_note_on_a_sibling_is_not_taken_as_about_the_subject_by_their_family_name(
    world: World, scene: Scene
) -> None:
    """A brother shares the subject's family name: sentences naming him are not passages
    about the subject, who is found by given name, "known as" or full name."""
    brother = make_person(world.system, given_name="Torquil", family_name="Cscchild")
    allocation_create(actor=world.admin, person=brother, worker=world.social_worker, start=START)
    note_record(
        actor=world.social_worker,
        subject=brother,
        kind="home_visit",
        contact_on=dt.date(2025, 10, 22),
        summary="Visit",
        text="Torquil Cscchild was arrested on Tuesday. Ciara Cscchild was at school.",
        children=[scene.subject],
    )
    built = build(scene.request, disclose_staff=False, include_restricted=False)
    assert "arrested" not in built.json.decode() + built.html
    notes = next(s for s in built.data["sections"] if s["key"] == "notes")["records"]
    (about,) = [r for r in notes if r["heading"].startswith("Note on another child's record")]
    fields = {f["label"]: f["value"] for f in about["fields"]}
    assert fields["Passages that mention you"] == "Ciara Cscchild was at school."


def test_a_note_on_a_context_case_or_a_peer_group_gives_only_the_passages_naming_the_subject(
    world: World, scene: Scene
) -> None:
    """A note on a peer group or a context case is about the place or the group and the
    other children in it: like a note on another child, only the sentences naming the
    subject go in, the case or group shown by kind only, and the rest listed as withheld."""
    from tests.casework.helpers import open_case
    from tests.notes.helpers import write

    text = f"The group met behind the shops; two of them were carrying knives. {ABOUT_HER}"
    write(
        world.social_worker,
        world.group,
        summary="Sighting by the shops",
        text=text,
        children=[scene.subject],
    )
    write(
        world.social_worker,
        open_case(world),
        summary="Knives at the shops",
        text=text,
        children=[scene.subject],
    )
    built = build(scene.request, disclose_staff=False, include_restricted=False)
    shown = built.json.decode() + built.html
    for theirs in ("knives", "Knives", "behind the shops", "Sighting by"):
        assert theirs not in shown, theirs
    notes = next(s for s in built.data["sections"] if s["key"] == "notes")["records"]
    for on, owner in (("a peer group", "A peer group"), ("a context case", "A context case")):
        (about,) = [r for r in notes if r["heading"].startswith(f"Note on {on},")]
        fields = {f["label"]: f["value"] for f in about["fields"]}
        assert fields["Passages that mention you"] == ABOUT_HER
        assert fields["On the record of"] == owner
        assert fields["The rest of the note"] == "[withheld]"
    kinds = {r["kind"] for r in built.data["redactions"]}
    assert "the rest of a note on a context case or peer group" in kinds
