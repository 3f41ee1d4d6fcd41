"""Names in free text are found whatever their case: police and school notes often write
surnames (or whole names) in capitals, and a third party's name written so must not reach
the subject's export. The subject's own names stay, in any case."""

from __future__ import annotations

import datetime as dt

from locus.notes.services import note_record
from locus.subjectaccess.package import build
from tests.factories import World, make_person, make_worker
from tests.subjectaccess.conftest import Scene


def _note(world: World, scene: Scene, text: str) -> None:
    note_record(
        actor=world.social_worker,
        subject=scene.subject,
        kind="home_visit",
        contact_on=dt.date(2025, 10, 20),
        summary="Visit",
        text=text,
        present="",
    )


def _exported(scene: Scene) -> str:
    built = build(scene.request, disclose_staff=False, include_restricted=False)
    return built.json.decode() + built.html


def test_a_known_third_partys_name_in_capitals_is_redacted(world: World, scene: Scene) -> None:
    """The rival is already a third party of the export (the shared incident): written in
    capitals, her names still go."""
    _note(world, scene, "Ciara says MARROWGATE and XANTHE threatened her again.")
    text = _exported(scene)
    assert "MARROWGATE" not in text
    assert "XANTHE" not in text


def test_a_person_held_in_locus_named_only_in_capitals_is_redacted(
    world: World, scene: Scene
) -> None:
    """Someone Locus holds, named only in the note's text, in capitals: looked up without
    case, then taken out."""
    make_person(world.system, given_name="Ottoline", family_name="Brackenridge")
    _note(world, scene, "Seen with OTTOLINE BRACKENRIDGE at the station.")
    text = _exported(scene)
    assert "OTTOLINE" not in text
    assert "BRACKENRIDGE" not in text


def test_a_member_of_staff_named_in_capitals_is_shown_by_role(world: World, scene: Scene) -> None:
    """A worker named nowhere else in the export, in capitals in a note: their name goes
    unless the data team discloses staff."""
    make_worker(world.system, team=world.csc_team_b, first_name="Peregrine", last_name="Osgood")
    _note(world, scene, "Spoke to PEREGRINE OSGOOD at the school.")
    assert "OSGOOD" not in _exported(scene)


def test_the_subjects_own_names_in_capitals_stay(world: World, scene: Scene) -> None:
    """Another child shares the subject's first name: the subject's names stay in their own
    record, written in any case; the other child's surname goes."""
    make_person(world.system, given_name="Ciara", family_name="Brackenridge")
    _note(world, scene, "CIARA CSCCHILD said Brackenridge was not there; ciara was calm.")
    text = _exported(scene)
    assert "CIARA CSCCHILD said" in text
    assert "ciara was calm" in text
    assert "Brackenridge" not in text
