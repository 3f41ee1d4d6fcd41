"""The data migrations that give each record made before records kept their team one: a
person's and a context's recorder's team (``recorded_in_team``), the team of the worker
who opened an emergency access (``BreakGlass.team``), a document's uploader's and a case
note's author's (``Document.uploader_team``, ``CaseNote.author_team``), a safety map's
mark's and an association's recorder's (``MarkedPlace.recorded_in_team``,
``Association.recorded_in_team``). The team is the
worker's as it is when the migration runs (a worker's past teams are not kept), so what
each grants stays what it was that day. A record an import wrote (recorded by nobody), or
one by a worker with no team, is left without one.

Run in a child process on a new database, as tests/sharing/test_migration.py does."""

from __future__ import annotations

import pytest

from tests.databases import new_database  # noqa: F401 (a fixture)
from tests.scripts import migration_prelude, run_script

_MIGRATE = (
    migration_prelude(
        ("people", "0009_route_own_requests_again"),
        ("places", "0004_co_presence_rules"),
        ("documents", "0001_initial"),
        ("notes", "0001_initial"),
        ("safety", "0001_initial"),
        ("peers", "0005_group_changes"),
        ("access", "0003_team_independent"),
        teams=2,
        workers=True,
    )
    + r"""
Person = old.get_model("people", "Person")
Context = old.get_model("places", "Context")
BreakGlass = old.get_model("access", "BreakGlass")
Document = old.get_model("documents", "Document")
CaseNote = old.get_model("notes", "CaseNote")
MapSession = old.get_model("safety", "MapSession")
MarkedPlace = old.get_model("safety", "MarkedPlace")
Association = old.get_model("peers", "Association")
now = timezone.now()
for name, recorder in (("a", in_a), ("b", in_b), ("admin", administrator), ("import", None)):
    Person.objects.create(
        kind="young_person", given_name="Young", family_name=name, created_at=now,
        recorded_by=recorder,
    )
    Context.objects.create(kind="home", name=name, created_at=now, recorded_by=recorder)
child = Person.objects.get(family_name="import")
sitting = MapSession.objects.create(
    person=child, held_on=now.date(), present="Their worker", recorded_by=administrator,
    recorded_at=now,
)
for worker in (in_a, in_b):
    BreakGlass.objects.create(
        worker=worker, person=child, category="missing_child", reason="An emergency, kept",
        started_at=now, expires_at=now + dt.timedelta(hours=4),
    )
    Document.objects.create(
        person=child, title=worker.username, kind="report", dated=now.date(), uploaded_by=worker,
        uploaded_at=now,
    )
    CaseNote.objects.create(
        person=child, kind="home_visit", contact_on=now.date(), summary=worker.username,
        text="Seen at home", author=worker, recorded_at=now,
    )
    MarkedPlace.objects.create(
        session=sitting, rating="red", description="The alley", why=worker.username,
        recorded_by=worker, recorded_at=now,
    )
    Association.objects.create(
        person=child, other_label=worker.username, relationship="friend", nature="unclear",
        valid_from=now.date(), source="professional", confidence="medium", recorded_by=worker,
        recorded_at=now,
    )
call_command("migrate", verbosity=0, interactive=False)
from locus.access.models import BreakGlass as NewBreakGlass
from locus.documents.models import Document as NewDocument
from locus.notes.models import CaseNote as NewCaseNote
from locus.peers.models import Association as NewAssociation
from locus.people.models import Person as NewPerson
from locus.places.models import Context as NewContext
from locus.safety.models import MarkedPlace as NewMarkedPlace
print(json.dumps({
    "teams": [team_a.pk, team_b.pk],
    "people": dict(NewPerson.objects.values_list("family_name", "recorded_in_team_id")),
    "contexts": dict(NewContext.objects.values_list("name", "recorded_in_team_id")),
    "uses": dict(NewBreakGlass.objects.values_list("worker__username", "team_id")),
    "documents": dict(NewDocument.objects.values_list("title", "uploader_team_id")),
    "notes": dict(NewCaseNote.objects.values_list("summary", "author_team_id")),
    "marks": dict(NewMarkedPlace.objects.values_list("why", "recorded_in_team_id")),
    "associations": dict(NewAssociation.objects.values_list("other_label", "recorded_in_team_id")),
}))
"""
)


@pytest.mark.django_db
def test_each_existing_record_keeps_its_recorders_team_as_it_is_now(
    new_database: dict[str, str],  # noqa: F811
) -> None:
    migrated = run_script(_MIGRATE, env=new_database)
    a, b = migrated.pop("teams")
    recorded = {"a": a, "b": b, "admin": None, "import": None}
    by_worker = {"old.a": a, "old.b": b}
    assert migrated == {
        "people": recorded,
        "contexts": recorded,
        **dict.fromkeys(("uses", "documents", "notes", "marks", "associations"), by_worker),
    }
