"""Names in free text are found whatever their case: police and school notes often write
surnames (or whole names) in capitals, and a third party's name written so must not reach
the subject's export. The subject's own names stay, in any case."""

from __future__ import annotations

import datetime as dt

from locus.notes.services import note_record
from locus.subjectaccess.package import build
from tests.factories import World, make_person, make_worker, valid_nhs_number, valid_upn
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


def test_a_name_joined_by_underscores_is_redacted(world: World, scene: Scene) -> None:
    """Online handles join names with underscores, often in lower case: the rival's
    ("xanthe_marrowgate") and someone held in Locus named only so go all the same."""
    make_person(world.system, given_name="Ottoline", family_name="Brackenridge")
    _note(world, scene, "Messages from xanthe_marrowgate and ottoline_brackenridge at night.")
    text = _exported(scene).lower()
    assert "marrowgate" not in text
    assert "brackenridge" not in text
    assert "ottoline" not in text


def test_a_date_of_birth_is_redacted_however_it_is_written(world: World, scene: Scene) -> None:
    """The friend's date of birth in the forms UK notes use: none of them reaches the
    export, and each is listed as a date of birth taken out."""
    forms = [
        "14.02.2010",
        "14-02-2010",
        "14/2/10",
        "14 Feb 2010",
        "14th of February 2010",
        "February 14, 2010",
        "2010-02-14",
    ]
    _note(world, scene, "Her friend was born on " + "; or ".join(forms) + ".")
    data = build(scene.request, disclose_staff=False, include_restricted=False)
    text = data.json.decode() + data.html
    for written in forms:
        assert written not in text, written
    assert "[date of birth of Person" in text


def test_another_childs_identifiers_in_free_text_are_redacted(world: World, scene: Scene) -> None:
    """Another child's UPN, NHS number (spaced as it is printed) and LA child ID name them
    as surely as their name: each becomes "[identifier of Person X]"; the subject's own
    identifiers stay."""
    other = make_person(
        world.system,
        given_name="Hephzibah",
        family_name="Tollemache",
        upn=valid_upn(901),
        nhs_number=valid_nhs_number(901),
        la_child_id="LA77001",
    )
    type(scene.subject).objects.filter(pk=scene.subject.pk).update(la_child_id="LA55002")
    nhs = other.nhs_number or ""
    spaced = f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"
    _note(
        world,
        scene,
        f"Shares a phone with the child of UPN {other.upn}, NHS number {spaced} and LA ID "
        f"la77001. Ciara's own LA child ID is LA55002.",
    )
    built = build(scene.request, disclose_staff=False, include_restricted=False)
    text = built.json.decode() + built.html
    for number in (other.upn or "", spaced, nhs, "la77001", "LA77001"):
        assert number not in text, number
    assert "[identifier of Person" in text
    assert "own LA child ID is LA55002" in text
    kinds = {r["kind"] for r in built.data["redactions"]}
    assert "identifier in free text" in kinds


def test_a_name_that_is_also_a_word_goes_only_where_it_is_a_name(
    world: World, scene: Scene
) -> None:
    """Third parties called May Hollins and Will Rosewood: "she may go" and "will attend"
    stay, the month stays, and the names (capitalised, or in capitals) go."""
    make_person(world.system, given_name="May", family_name="Hollins")
    make_person(world.system, given_name="Will", family_name="Rosewood")
    _note(
        world,
        scene,
        "She may go to the youth club and will attend college in May 2025. "
        "May was there with Will; MAY left early.",
    )
    text = _exported(scene)
    assert "She may go to the youth club and will attend college in May 2025." in text
    assert "May was there" not in text
    assert "with Will;" not in text
    assert "MAY left" not in text


def test_a_staff_surname_on_its_own_is_withheld_like_their_full_name(
    world: World, scene: Scene
) -> None:
    """Staff names are withheld unless the data team discloses them, however they are
    written: "Mr Osgood" and "OSGOOD" as well as the full name."""
    make_worker(world.system, team=world.csc_team_b, first_name="Peregrine", last_name="Osgood")
    _note(world, scene, "Mr Osgood phoned; OSGOOD will visit on Monday.")
    assert "osgood" not in _exported(scene).lower()
    shown = build(scene.request, disclose_staff=True, include_restricted=False)
    assert "Mr Osgood phoned" in shown.json.decode()


def test_a_possessive_name_is_redacted(world: World, scene: Scene) -> None:
    """A possessive ("Brackenridge's flat") names the person: the name goes, "Person B's flat"."""
    make_person(world.system, given_name="Ottoline", family_name="Brackenridge")
    _note(world, scene, "She stays at Brackenridge's flat most nights.")
    text = _exported(scene)
    assert "Brackenridge" not in text
    assert "at Person" in text


def test_a_name_in_lower_case_is_redacted_and_everyday_words_stay(
    world: World, scene: Scene
) -> None:
    """A child's messages pasted into a note, in lower case, name someone Locus holds: the
    name goes. Said Hollins and River Fenwick are not found by "said" and "river"."""
    make_person(world.system, given_name="Ottoline", family_name="Brackenridge")
    make_person(world.system, given_name="Said", family_name="Hollins")
    make_person(world.system, given_name="River", family_name="Fenwick")
    _note(world, scene, "Her messages said: me and ottoline brackenridge went by the river.")
    text = _exported(scene)
    assert "brackenridge" not in text.lower()
    assert "ottoline" not in text.lower()
    assert "Her messages said: me and Person" in text
    assert "went by the river." in text


def test_a_name_with_a_typographic_apostrophe_is_redacted(world: World, scene: Scene) -> None:
    """Typed in Word or on a phone, O'Brien has a curly apostrophe: the whole name goes,
    not the given name alone (which would leave "Person A O'Brien", naming Person A)."""
    make_person(world.system, given_name="Aoife", family_name="O'Brien")
    _note(world, scene, "Seen with Aoife O\u2019Brien at the station; O\u2019BRIEN left first.")
    assert "brien" not in _exported(scene).lower()


def test_a_family_name_of_two_words_alone_is_redacted(world: World, scene: Scene) -> None:
    """A family name of two words ("Da Silva"), written without the given name, in any
    case."""
    make_person(world.system, given_name="Joao", family_name="Da Silva")
    _note(world, scene, "Mr Da Silva was at the flat; da silva said to call back.")
    text = _exported(scene)
    assert "silva" not in text.lower(), text[-3000:]


def test_a_name_typed_without_its_accents_is_redacted(world: World, scene: Scene) -> None:
    """Zoë Brulé written "Zoe Brule", and Renée Okafor held without accents written with
    them: the name goes either way."""
    make_person(world.system, given_name="Zo\u00eb", family_name="Brul\u00e9")
    make_person(world.system, given_name="Renee", family_name="Okafor")
    _note(world, scene, "Zoe Brule was there too, and so was Ren\u00e9e.")
    text = _exported(scene)
    assert "Brule" not in text
    assert "Zoe" not in text
    assert "Ren\u00e9e" not in text


def test_a_staff_name_written_in_ordinary_ways_is_withheld(world: World, scene: Scene) -> None:
    """Staff names are withheld however they are written: in lower case, possessive, with a
    curly apostrophe, without accents, a family name of two words alone."""
    make_worker(world.system, team=world.csc_team_b, first_name="Peregrine", last_name="Osgood")
    make_worker(world.system, team=world.csc_team_b, first_name="Siobhan", last_name="O'Dowd")
    make_worker(world.system, team=world.csc_team_b, first_name="Ines", last_name="Van Der Berg")
    make_worker(world.system, team=world.csc_team_b, first_name="Ana", last_name="N\u00fa\u00f1ez")
    _note(
        world,
        scene,
        "osgood phoned; Osgood's visit is Monday. Ms O\u2019Dowd agreed. "
        "Ms Van Der Berg came. Ms Nunez wrote.",
    )
    text = _exported(scene).lower()
    for name in ("osgood", "dowd", "berg", "nunez"):
        assert name not in text, name


def test_the_subjects_own_name_stays_however_it_is_written(world: World, scene: Scene) -> None:
    """The subject's name stays in lower case, possessive, with a curly apostrophe, while a
    third party's, written in lower case beside it, goes."""
    make_person(world.system, given_name="Joao", family_name="Da Silva")
    _note(world, scene, "ciara\u2019s phone was taken by da silva; ciara said so.")
    text = _exported(scene)
    assert "ciara\u2019s phone was taken by Person" in text
    assert "; ciara said so." in text
    assert "silva" not in text.lower()
