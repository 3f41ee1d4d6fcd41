"""A subject with third parties all around: associations, a shared incident, notes naming
others, a document, a safety map, a meeting and a panel. Every other person's name is
distinctive, so a leak is a plain substring."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from locus.access.models import Worker
from locus.common.services import today
from locus.incidents.models import Incident, InvolvementRole
from locus.notes.services import note_correct, note_record
from locus.panels.services import agenda_item_add, panel_create
from locus.peers.services import membership_add
from locus.people.models import Person
from locus.places.models import ContextKind
from locus.safety.services import mark_place, session_record
from locus.sharing.vocab import SAFEGUARDING
from locus.subjectaccess.models import SubjectAccessPackage, SubjectAccessRequest
from locus.subjectaccess.package import package_approve, package_make
from locus.subjectaccess.services import request_log
from tests.documents.helpers import (  # noqa: F401 (document_store is a fixture)
    attach,
    document_store,
    upload,
)
from tests.factories import (
    START,
    World,
    make_association,
    make_context,
    make_incident,
    make_person,
    make_worker,
)

FRIEND_DOB = dt.date(2010, 2, 14)


@pytest.fixture(autouse=True)
def _data_folder(settings: Any, tmp_path: Path, document_store: Path) -> Path:  # noqa: F811
    settings.DATA_DIR = tmp_path
    return tmp_path


@dataclass
class Scene:
    subject: Person
    friend: Person  # named in notes by full name, alias and date of birth
    rival: Person  # in the shared incident, harming
    cousin: Person  # named in a note's text only, never linked to the subject
    adult: Person
    incident: Incident
    restricted: Incident
    request: SubjectAccessRequest

    @property
    def third_party_words(self) -> list[str]:
        words = []
        for p in (self.friend, self.rival, self.cousin, self.adult):
            words += [p.given_name, p.family_name, p.full_name]
            if p.known_as:
                words.append(p.known_as)
        return words


@pytest.fixture
def scene(world: World) -> Scene:
    w = world
    sw = w.social_worker
    subject = w.csc_child  # Ciara Cscchild, allocated to social_worker
    friend = make_person(
        w.system,
        given_name="Zebedee",
        family_name="Quillfeather",
        known_as="Zebs",
        date_of_birth=FRIEND_DOB,
    )
    rival = make_person(w.system, given_name="Xanthe", family_name="Marrowgate")
    cousin = make_person(w.system, given_name="Wolfgang", family_name="Thistlewood")
    adult = w.adult
    make_association(
        w.system, person=subject, other=friend, note="Zebedee Quillfeather walks her home."
    )
    make_association(
        w.system,
        person=subject,
        other=None,
        other_label="older male known as Gripper",
        valid_until=dt.date(2025, 10, 10),
    )
    crew = make_context(w.system, kind=ContextKind.PEER_GROUP, name="Quillfeather crew")
    membership_add(
        actor=w.system,
        person=subject,
        group=crew,
        role="peripheral",
        since=START,
        source="professional",
        confidence="low",
    )
    incident = make_incident(
        w.system,
        context=w.park,
        reporting_agency=w.csc,
        involvements=[(subject, InvolvementRole.HARMED), (rival, InvolvementRole.HARMING)],
        summary="Xanthe Marrowgate pushed Ciara; Zebs saw it.",
    )
    restricted = make_incident(
        w.system,
        context=w.park,
        reporting_agency=w.police,
        involvements=[(subject, InvolvementRole.HARMED)],
        summary="Intelligence: seen with Adam Adult near the station.",
        restricted=True,
    )
    note = note_record(
        actor=sw,
        subject=subject,
        kind="home_visit",
        contact_on=dt.date(2025, 10, 3),
        summary="Visit after the incident",
        text=(
            "Ciara said Zebs (born 14/02/2010) looks out for her. Her cousin Wolfgang "
            "Thistlewood was there. Marrowgate has not been in touch."
        ),
        present="Mother; Wolfgang Thistlewood",
    )
    note_correct(
        actor=sw,
        note=note,
        reason="Wrote the wrong name first",
        text="Ciara said Zebs looks out for her. Marrowgate has not been in touch.",
    )
    attach(sw, subject, title="School report")
    attach(
        sw,
        subject,
        title="Statement by Xanthe Marrowgate",
        file=upload(name="Xanthe_Marrowgate_statement.pdf"),
    )
    panel = panel_create(
        actor=sw,
        kind="mace",
        meets_on=today() - dt.timedelta(days=7),
        chair=w.team_manager,
        basis=SAFEGUARDING,
        title="MACE: the park and Quillfeather",
    )
    agenda_item_add(
        actor=sw,
        meeting=panel,
        kind="harmed",
        person=subject,
        reason="Named with Zebedee in two incidents",
    )
    session = session_record(
        actor=sw,
        person=subject,
        held_on=dt.date(2025, 10, 10),
        present="Ciara and her worker",
        note="Talked about the park.",
    )
    mark_place(
        actor=sw,
        session=session,
        rating="red",
        context=w.park,
        why="Xanthe hangs about there",
        with_whom="Xanthe",
    )
    request = request_log(
        actor=w.admin,
        person=subject,
        received_on=dt.date(2025, 11, 1),
        requester="subject",
        assigned_to=w.admin,
    )
    return Scene(subject, friend, rival, cousin, adult, incident, restricted, request)


def other_admin(world: World) -> Worker:
    """A second member of the data team, not assigned the scene's request (the same one
    however often asked for)."""
    found = Worker.objects.filter(username="admin2").first()
    return found or make_worker(
        world.system, team=None, role="administrator", username="admin2", last_name="Datateam"
    )


def asked_export(world: World, request: SubjectAccessRequest) -> SubjectAccessPackage:
    """An export ``admin`` asked for, naming the second member of the data team to approve
    its release (not yet approved)."""
    return package_make(actor=world.admin, request=request, approver=other_admin(world))


def released_export(world: World, request: SubjectAccessRequest) -> SubjectAccessPackage:
    """An export made and its release approved by the second member of the data team."""
    return package_approve(
        actor=other_admin(world), package=asked_export(world, request), reason="Read and checked"
    )
