"""Checks on the subject's record: a worker recording someone, or changing an identifier,
found the subject's record in the way and asked the data team. The export says a check
about the record was asked and answered; what the worker typed about the person they were
recording is another child's data, withheld like a referrer's name."""

from __future__ import annotations

import datetime as dt

from locus.people.models import Person, PersonKind
from locus.people.services import (
    duplicate_query_send,
    identifier_query_close,
    identifier_query_send,
)
from locus.subjectaccess.package import build
from tests.factories import World, make_person, valid_upn
from tests.subjectaccess.conftest import Scene

OTHER_DOB = dt.date(2012, 5, 5)
NOTE = "Ottoline is new to the school"


def _section(data: dict, key: str) -> dict:
    return next(s for s in data["sections"] if s["key"] == key)


def test_the_details_another_worker_typed_about_someone_else_are_not_exported(
    world: World, scene: Scene
) -> None:
    """Recording a different child, a worker types the subject's UPN by mistake: the check
    matches the subject, and the worker asks the data team. The other child's name and date
    of birth (as typed, and again lower-cased as the request's search key) and the notes
    about them stay out of the subject's export; the check itself is in it."""
    upn = valid_upn()
    Person.objects.filter(pk=scene.subject.pk).update(upn=upn)
    typed = {"given_name": "Ottoline", "family_name": "Brackenridge", "date_of_birth": OTHER_DOB}
    query = duplicate_query_send(
        actor=world.team_manager, kind=PersonKind.YOUNG_PERSON, upn=upn, note=NOTE, **typed
    )
    assert query.routed_to is not None
    identifier_query_close(
        actor=query.routed_to,
        query=query,
        note="Checked with Ottoline's school: a different child",
        outcome="different",
    )
    scene.request.person.refresh_from_db()
    built = build(scene.request, disclose_staff=False, include_restricted=False)
    text = built.json.decode() + built.html
    for word in ("Ottoline", "Brackenridge", "ottoline", "brackenridge", OTHER_DOB.isoformat()):
        assert word not in text, word
    [check] = _section(built.data, "checks")["records"]
    assert check["record"] == f"people.identifierquery:{query.pk}"
    fields = {f["label"]: f["value"] for f in check["fields"]}
    assert fields["What was checked"] == "A record may already exist"
    assert fields["Answered"].startswith("Yes")
    assert fields["What was typed, and the notes on it"] == "[withheld]"
    # Read here, not again field by field under "Other records".
    others = _section(built.data, "other")["records"]
    assert not [r for r in others if r["record"].startswith("people.identifierquery")]
    assert "details typed about another person" in {r["kind"] for r in built.data["redactions"]}


def test_an_identifier_the_subject_holds_asked_about_on_another_record(
    world: World, scene: Scene
) -> None:
    """A worker changing another child's details was refused the subject's UPN and asked:
    the subject learns their record was checked, not whose record was being changed, nor
    the identifier typed."""
    upn = valid_upn()
    Person.objects.filter(pk=scene.subject.pk).update(upn=upn)
    other = make_person(world.system, given_name="Ottoline", family_name="Brackenridge")
    identifier_query_send(actor=world.system, person=other, field="upn", value=upn)
    scene.request.person.refresh_from_db()
    built = build(scene.request, disclose_staff=False, include_restricted=False)
    [check] = _section(built.data, "checks")["records"]
    fields = {f["label"]: f["value"] for f in check["fields"]}
    assert fields["What was checked"] == "Identifier already held: UPN"
    assert fields["Answered"] == "Not yet"
    assert fields["What was typed, and the notes on it"] == "[withheld]"
    assert not any(v.startswith("Person ") for v in fields.values())  # not even by letter
