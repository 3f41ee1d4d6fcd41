"""The export: everything about the subject, nothing that names anyone else."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from locus.audit.models import AccessAction, AccessEvent
from locus.casework import services as casework
from locus.common.errors import NotPermitted
from locus.common.models import JobState
from locus.notes.services import note_record
from locus.places.models import ContextKind
from locus.subjectaccess import package
from locus.subjectaccess.package import (
    KEEP_DAYS,
    build,
    package_ask,
    package_file,
    package_folder,
    packages_expire,
    produce,
)
from tests.casework.helpers import refer, screen
from tests.factories import World, client_for, make_context
from tests.frozen_clock import FrozenClock
from tests.subjectaccess.conftest import (
    FRIEND_DOB,
    Scene,
    asked_export,
    other_admin,
    released_export,
)


def _values(data: dict) -> list[str]:
    return [f["value"] for s in data["sections"] for r in s["records"] for f in r["fields"]] + [
        r["heading"] for s in data["sections"] for r in s["records"]
    ]


def _section(data: dict, key: str) -> dict:
    return next(s for s in data["sections"] if s["key"] == key)


def test_the_export_names_no_third_party_anywhere(world: World, scene: Scene) -> None:
    built = build(scene.request, disclose_staff=False, include_restricted=False)
    text = built.json.decode() + built.html
    for word in scene.third_party_words:
        assert word not in text, word
    for dob in (FRIEND_DOB.strftime("%d/%m/%Y"), FRIEND_DOB.isoformat()):
        assert dob not in text
    # Described but not identified is a third party too.
    assert "Gripper" not in text


def test_a_plan_on_another_households_home_is_listed_without_its_address(
    world: World, scene: Scene
) -> None:
    """A context plan on someone else's home: the subject learns they are on a plan, not
    the other household's address (a home's name is its address)."""
    house = make_context(world.system, kind=ContextKind.HOME, name="14 Larkspur Road")
    type(world.team_child).objects.filter(pk=world.team_child.pk).update(home=house)
    case = screen(world, refer(world, actor=world.social_worker, context=house)).case
    assert case is not None
    plan = casework.plan_draft(actor=world.social_worker, case=case)
    casework.plan_child_add(actor=world.social_worker, plan=plan, person=scene.subject)
    built = build(scene.request, disclose_staff=False, include_restricted=False)
    assert "Larkspur" not in built.json.decode() + built.html
    records = [r for s in built.data["sections"] for r in s["records"]]
    shown = next(r for r in records if r["record"] == f"casework.contextplan:{plan.pk}")
    assert shown["heading"] == "Context plan"
    assert {"label": "For", "value": "[withheld]"} in shown["fields"]


def test_the_export_holds_each_kind_of_record_about_the_subject(world: World, scene: Scene) -> None:
    assert client_for(world.social_worker).get(f"/people/{scene.subject.pk}/").status_code == 200
    data = build(scene.request, disclose_staff=False, include_restricted=False).data
    keys = {s["key"]: s["records"] for s in data["sections"]}
    record_keys = {r["record"].split(":")[0] for rs in keys.values() for r in rs}
    for label in (
        "people.person",
        "people.legalstatusepisode",
        "people.allocation",
        "peers.association",
        "peers.groupmembership",
        "incidents.incident",
        "notes.casenote",
        "documents.document",
        "safety.mapsession",
        "safety.markedplace",
        "panels.agendaitem",
        "audit.accessevent",
    ):
        assert label in record_keys, label
    values = _values(data)
    assert "Cscchild" in values and data["subject"] == "Ciara Cscchild"  # their own name stays
    assert "Harmed" in values  # their role in the incident
    assert any("walks her home" in v for v in values)  # the association's note, redacted
    assert data["documents"] and data["documents"][0].startswith("documents/")
    assert _section(data, "disputes")["records"] == []  # the place the disputes feature fills


def test_third_parties_become_the_same_letter_throughout(world: World, scene: Scene) -> None:
    data = build(scene.request, disclose_staff=False, include_restricted=False).data
    incident = _section(data, "incidents")["records"][0]
    fields = {f["label"]: f["value"] for f in incident["fields"]}
    rival = fields["Others involved"]
    assert rival.startswith("Person ")
    assert fields["Summary"].startswith(f"{rival} pushed Ciara")
    note, earlier = _section(data, "notes")["records"][:2]
    text = next(f["value"] for f in note["fields"] if f["label"] == "Text")
    assert f"{rival} has not been in touch" in text
    # The wording before the correction is still held, so it is exported (redacted too).
    assert earlier["heading"].startswith("Earlier wording")
    old = next(f["value"] for f in earlier["fields"] if f["label"] == "Text")
    assert "[date of birth of Person" in old
    assert "Her cousin Person" in old


def test_the_redaction_list_says_what_where_and_why_never_the_text(
    world: World, scene: Scene
) -> None:
    data = build(scene.request, disclose_staff=False, include_restricted=False).data
    kinds = {r["kind"] for r in data["redactions"]}
    assert {"another person", "name in free text", "alias in free text"} <= kinds
    assert "date of birth in free text" in kinds
    assert "staff name" in kinds
    assert "restricted police incident" in kinds
    for r in data["redactions"]:
        assert "Art 15(4)" in r["reason"] or "para" in r["reason"]
        assert r["where"]
    # Each third party is listed by their letter: the friend, the rival, the cousin named in
    # a note only, the peer described but not identified.
    letters = {r["person"] for r in data["redactions"] if r["person"]}
    assert len(letters) >= 4
    listed = json.dumps(data["redactions"])
    for word in scene.third_party_words:
        assert word not in listed


def test_staff_are_shown_by_role_unless_the_data_team_discloses_them(
    world: World, scene: Scene
) -> None:
    hidden = build(scene.request, disclose_staff=False, include_restricted=False)
    shown = build(scene.request, disclose_staff=True, include_restricted=False)
    name = world.social_worker.get_full_name()
    assert name not in hidden.json.decode()
    assert "Practitioner, Contextual Safeguarding Team A" in hidden.json.decode()
    assert name in shown.json.decode()


def test_restricted_police_incidents_are_withheld_unless_chosen(world: World, scene: Scene) -> None:
    out = build(scene.request, disclose_staff=False, include_restricted=False)
    assert "Intelligence: seen" not in out.json.decode()
    included = build(scene.request, disclose_staff=False, include_restricted=True)
    assert "Intelligence: seen with Person" in included.json.decode()
    assert "Adam" not in included.json.decode()


def test_the_access_log_lists_who_opened_the_record(world: World, scene: Scene) -> None:
    client_for(world.social_worker).get(f"/people/{scene.subject.pk}/")
    data = build(scene.request, disclose_staff=False, include_restricted=False).data
    log = _section(data, "access")["records"]
    by = [next(f["value"] for f in r["fields"] if f["label"] == "By") for r in log]
    assert "Practitioner, Contextual Safeguarding Team A, Children's Social Care" in by


def test_the_package_is_a_zip_of_pdf_json_and_documents_audited(world: World, scene: Scene) -> None:
    made = asked_export(world, scene.request)
    path = package_folder() / made.file_name
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert not [n for n in names for w in scene.third_party_words if w in n]
        pdf = archive.read(f"{scene.request.reference}.pdf")
        data = json.loads(archive.read(f"{scene.request.reference}.json"))
    assert pdf.startswith(b"%PDF")
    assert any(n.startswith("documents/") for n in names)
    assert data["request"] == scene.request.reference
    assert made.redactions == len(data["redactions"]) > 0
    event = AccessEvent.objects.filter(action=AccessAction.EXPORT).latest("id")
    assert event.people == f",{scene.subject.pk},"
    assert event.actor_id == world.admin.pk
    assert not list(Path(package_folder()).glob("*.part"))


def test_the_pdf_text_names_no_third_party(world: World, scene: Scene) -> None:
    built = build(scene.request, disclose_staff=False, include_restricted=False)
    reader = PdfReader(io.BytesIO(built.pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Ciara Cscchild" in text
    assert "Page 1 of" in text
    for word in scene.third_party_words:
        assert word not in text, word
    assert FRIEND_DOB.strftime("%d/%m/%Y") not in text


def test_a_package_file_goes_after_its_keeping_time_or_at_once_on_a_purge(
    frozen_clock: FrozenClock, world: World, scene: Scene
) -> None:
    first = released_export(world, scene.request)
    frozen_clock.advance(days=KEEP_DAYS + 1)
    second = asked_export(world, scene.request)  # expires the first
    first.refresh_from_db()
    assert first.file_name == "" and len(list(package_folder().glob("*.zip"))) == 1
    with pytest.raises(NotPermitted):
        package_file(world.admin, first)
    # The person purged under the retention rules: no copy of their records is left behind.
    scene.request.person = None
    scene.request.save(update_fields=["person"])
    assert packages_expire() == 1
    second.refresh_from_db()
    assert second.file_name == "" and not list(package_folder().glob("*.zip"))
    assert second.contents["records"]  # what was disclosed, by id, stays


def test_a_package_whose_maker_lost_the_role_fails_and_leaves_nothing(
    world: World, scene: Scene
) -> None:
    asked = package_ask(actor=world.admin, request=scene.request, approver=other_admin(world))
    assert asked.state == JobState.QUEUED
    world.admin.role = "practitioner"
    world.admin.save(update_fields=["role"])
    exports = AccessEvent.objects.filter(action=AccessAction.EXPORT).count()
    assert produce(asked.pk) == JobState.FAILED
    asked.refresh_from_db()
    assert asked.problem and asked.file_name == ""
    assert not list(package_folder().glob("*"))
    assert AccessEvent.objects.filter(action=AccessAction.EXPORT).count() == exports


def _images(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_pdf_fetches_nothing_its_text_or_its_template_names(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, world: World, scene: Scene
) -> None:
    """A subject access PDF holds what Locus records and nothing else: markup typed into a
    note, or a template naming a file or a web address, never makes the server read a file
    from its own disk (or fetch from the network) into the export sent out of the authority."""
    secret = tmp_path / "secret.png"
    Image.new("RGB", (40, 40), "red").save(secret)
    sheet = tmp_path / "sheet.css"
    sheet.write_text(f"body {{ background: url({secret.as_uri()}) }}")
    note_record(
        actor=world.social_worker,
        subject=scene.subject,
        kind="home_visit",
        contact_on=scene.request.received_on,
        summary="Markup in a note",
        text=f'<img src="{secret.as_uri()}"> <link rel="stylesheet" href="{sheet.as_uri()}">',
    )
    rendered = package.render_to_string

    def naming_urls(name: str, context: dict) -> str:
        html = rendered(name, context)
        names = (
            f'<base href="{tmp_path.as_uri()}/"><link rel="stylesheet" href="sheet.css">'
            f'<img src="{secret.as_uri()}"><img src="http://127.0.0.1:9/x.png">'
        )
        return html.replace("</body>", f"{names}</body>")

    monkeypatch.setattr(package, "render_to_string", naming_urls)
    built = build(scene.request, disclose_staff=False, include_restricted=False)
    assert "Markup in a note" in built.html
    assert _images(built.pdf) == 0
