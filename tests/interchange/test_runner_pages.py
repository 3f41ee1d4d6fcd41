"""The data team's import pages: only administrators; upload, check, confirm, rejects."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from locus.access.models import Worker
from locus.audit.models import AccessEvent
from locus.interchange import core, services
from locus.interchange.models import ImportRun, RunState
from locus.people.models import Person
from tests.factories import client_for, make_person
from tests.interchange.cin_files import census, child, episode
from tests.interchange.conftest import DATA

pytestmark = pytest.mark.usefixtures("data_dir")

OTHERS = ("social_worker", "team_manager", "police_analyst", "school_dsl", "auditor", "yjs_worker")


def upload(admin: Worker, text: str, kind: str = "cin") -> Any:
    return client_for(admin).post(
        reverse("import-upload"),
        {"kind": kind, "file": SimpleUploadedFile("return.xml", text.encode())},
    )


@pytest.mark.parametrize("persona", OTHERS)
def test_everyone_but_an_administrator_is_told_the_pages_do_not_exist(
    persona: str, world: Any, admin: Worker
) -> None:
    run = services.run_create(
        actor=admin, kind="cin", upload=SimpleUploadedFile("r.xml", b"<Message/>")
    )
    client = client_for(world.persona(persona))
    for name, args in (
        ("imports", ()),
        ("import-upload", ()),
        ("import-run", (run.pk,)),
        ("import-rejects", (run.pk,)),
    ):
        assert client.get(reverse(name, args=args)).status_code == 404, name
    for name in ("import-confirm", "import-cancel", "import-retry"):
        assert client.post(reverse(name, args=(run.pk,)), {"how": "all"}).status_code == 404
    response = upload(world.persona(persona), census(child()))
    assert response.status_code == 404
    assert ImportRun.objects.count() == 1
    assert b'href="/data/imports/"' not in client.get("/").content


def test_the_menu_offers_imports_to_administrators(admin: Worker) -> None:
    assert b'href="/data/imports/"' in client_for(admin).get(reverse("imports")).content


def test_upload_check_and_confirm(admin: Worker) -> None:
    text = census(child("LA1"), child("LA2", episodes=(episode(source="ZZ"),)), child("LA3"))
    response = upload(admin, text)
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/data/imports/{run.pk}/"
    assert run.state == RunState.CHECKED

    page = client_for(admin).get(reverse("import-run", args=(run.pk,)))
    html = page.content.decode()
    assert "What the import would do" in html and "Problems (1)" in html
    assert "&#x27;ZZ&#x27; is not a DfE code for ReferralSource" in html
    assert "Import the valid records and write the rejects to a file" in html
    assert 'http-equiv="refresh"' not in html  # nothing running
    assert AccessEvent.objects.filter(
        record_type="interchange.importrun", record_id=str(run.pk)
    ).exists()

    refused = client_for(admin).post(reverse("import-confirm", args=(run.pk,)), {"how": "all"})
    assert (
        refused.status_code == 200
        and "importing everything would import nothing" in refused.content.decode()
    )
    assert not Person.objects.filter(la_child_id="LA1").exists()

    done = client_for(admin).post(reverse("import-confirm", args=(run.pk,)), {"how": "valid"})
    assert done.status_code == 302
    run.refresh_from_db()
    assert run.state == RunState.IMPORTED
    html = client_for(admin).get(reverse("import-run", args=(run.pk,))).content.decode()
    assert "What changed" in html and "Download the rejected records" in html
    rejects = client_for(admin).get(reverse("import-rejects", args=(run.pk,)))
    body = b"".join(rejects.streaming_content).decode()
    assert rejects["Content-Disposition"].startswith("attachment")
    assert body.splitlines()[0] == "where,field,rule,message,record"
    assert "LA2" in body and "ReferralSource" in body
    assert AccessEvent.objects.filter(action="export", record_id=str(run.pk)).exists()
    assert set(
        Person.objects.filter(la_child_id__in=["LA1", "LA2", "LA3"]).values_list(
            "la_child_id", flat=True
        )
    ) == {"LA1", "LA3"}


def test_the_run_page_and_its_rejects_log_the_child_a_conflict_names(
    world: Any, admin: Worker
) -> None:
    """A conflict's message names the record Locus holds ("UPN ... is held in Locus by the
    child with LA child ID X77"): the run's page and its rejects file show that child, so
    each read is logged as about them, and the auditor's search by the child finds it."""
    held = make_person(
        world.system, given_name="Tia", family_name="Held", la_child_id="X77", upn="A123456789012"
    )
    upload(admin, census(child("NEWID", upn="A123456789012"), child("LA1")))
    run = ImportRun.objects.get()
    client = client_for(admin)
    html = client.get(reverse("import-run", args=(run.pk,))).content.decode()
    assert "X77" in html  # the page names the record Locus holds

    def latest(action: str) -> AccessEvent:
        return AccessEvent.objects.filter(
            record_type="interchange.importrun", record_id=str(run.pk), action=action
        ).latest("pk")

    assert latest("view").people == f",{held.pk},"
    client.post(reverse("import-confirm", args=(run.pk,)), {"how": "valid"})
    rejects = client.get(reverse("import-rejects", args=(run.pk,)))
    assert "X77" in b"".join(rejects.streaming_content).decode()
    assert latest("export").people == f",{held.pk},"
    assert Person.objects.filter(la_child_id="LA1").exists()  # the valid child went in


def _conflict_after(world: Any, admin: Worker, bad: int) -> tuple[Person, ImportRun]:
    """A run whose problems are ``bad`` children's (a referral source that is no code), then
    NEWID's conflict naming X77, the record Locus holds with the UPN NEWID is given."""
    held = make_person(
        world.system, given_name="Tia", family_name="Held", la_child_id="X77", upn="A123456789012"
    )
    children = [child(f"LA{n}", episodes=(episode(source="ZZ"),)) for n in range(bad)]
    upload(admin, census(*children, child("NEWID", upn="A123456789012")))
    return held, ImportRun.objects.get()


def _named(run: ImportRun, action: str) -> set[str]:
    """The people the latest read of ``run`` by ``action`` is logged as about."""
    event = AccessEvent.objects.filter(
        record_type="interchange.importrun", record_id=str(run.pk), action=action
    ).latest("pk")
    return set(event.people.split(",")) - {""}


def test_the_run_page_logs_the_people_its_page_of_problems_names(world: Any, admin: Worker) -> None:
    """The problems are shown fifty a page. The first page lists the 50 children's own
    problems and names nobody Locus holds: its read is logged as about nobody. The second
    lists the conflict naming X77, and is logged as a read of X77; each page is logged with
    exactly the people it shows, so the auditor's search by a child finds the reads that
    showed them and no other."""
    held, run = _conflict_after(world, admin, 50)
    client = client_for(admin)
    url = reverse("import-run", args=(run.pk,))
    first = client.get(url).content.decode()
    assert "Problems (51)" in first and "X77" not in first
    assert _named(run, "view") == set()
    second = client.get(url, {"page": 2}).content.decode()
    assert "X77" in second
    assert _named(run, "view") == {str(held.pk)}


def test_the_rejects_file_logs_the_people_it_lists_past_the_page(
    world: Any, admin: Worker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A report keeps its first problems only (MAX_PROBLEMS_KEPT, here two); the rejects file
    lists every one. The page, listing the first two, names nobody Locus holds and is logged
    so; the file, listing NEWID's conflict naming X77 too, is logged as a read of X77."""
    monkeypatch.setattr(core, "MAX_PROBLEMS_KEPT", 2)
    held, run = _conflict_after(world, admin, 2)
    client = client_for(admin)
    client.post(reverse("import-confirm", args=(run.pk,)), {"how": "valid"})
    html = client.get(reverse("import-run", args=(run.pk,))).content.decode()
    assert "Problems (3)" in html and "The first 2 are listed" in html and "X77" not in html
    assert _named(run, "view") == set()
    rejects = client.get(reverse("import-rejects", args=(run.pk,)))
    body = b"".join(rejects.streaming_content).decode()
    assert "X77" in body and len(body.splitlines()) == 4  # the heading and three problems
    assert body.splitlines()[0] == "where,field,rule,message,record"
    assert _named(run, "export") == {str(held.pk)}


def test_a_running_pass_shows_its_progress_and_refreshes(admin: Worker) -> None:
    run = services.run_create(
        actor=admin,
        kind="cin",
        upload=SimpleUploadedFile("r.xml", (DATA / "cin-2022-corrected.xml").read_bytes()),
    )
    ImportRun.objects.filter(pk=run.pk).update(
        state=RunState.CHECKING, progress_done=1000, progress_total=4000
    )
    html = client_for(admin).get(reverse("import-run", args=(run.pk,))).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in html
    assert 'max="4000" value="1000"' in html and "25% read" in html
    assert "<script>" not in html


def test_a_file_past_the_limit_is_refused_on_the_form(admin: Worker, settings: Any) -> None:
    settings.LOCUS_IMPORT_MAX_BYTES = 1000
    response = upload(admin, census(*(child(f"LA{n}") for n in range(20))))
    assert response.status_code == 200
    assert "files for import may be at most" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_a_broken_file_fails_its_check_and_cannot_be_confirmed(admin: Worker) -> None:
    upload(admin, census(child())[:-40])
    run = ImportRun.objects.get()
    assert run.state == RunState.FAILED
    html = client_for(admin).get(reverse("import-run", args=(run.pk,))).content.decode()
    assert "The file could not be checked" in html and "not well-formed XML" in html
    assert "Import all" not in html
    response = client_for(admin).post(reverse("import-confirm", args=(run.pk,)), {"how": "valid"})
    assert response.status_code == 200 and "can be imported" in response.content.decode()


def test_the_imports_list_and_the_upload_form_name_kinds_in_words(admin: Worker) -> None:
    """The list's Kind column showed the code "cin", and the form's options said the format
    twice ("Associations between people (CSV or XLSX): CSV or XLSX")."""
    upload(admin, census(child("LA1")))
    listed = client_for(admin).get(reverse("imports")).content.decode()
    assert '<td class="govuk-table__cell">CIN census return (XML)</td>' in listed
    assert '<td class="govuk-table__cell">cin</td>' not in listed
    form = client_for(admin).get(reverse("import-upload")).content.decode()
    assert ">Associations between people (CSV or XLSX)<" in form
    assert "(CSV or XLSX): CSV or XLSX" not in form and "(XML): XML" not in form


def test_a_return_newer_than_the_newest_schema_is_not_called_an_older_year_s(
    admin: Worker,
) -> None:
    """A 2026 return, checked against the 2024 schema (the newest Locus holds), had its bad
    codes called "not a DfE code ... in the 2024 return"."""
    upload(admin, census(child("LA2", episodes=(episode(source="ZZ"),)), year=2026))
    run = ImportRun.objects.get()
    html = client_for(admin).get(reverse("import-run", args=(run.pk,))).content.decode()
    assert (
        "is not a DfE code for ReferralSource in the 2024 schema, which Locus checks this "
        "2026 return against."
    ) in html
    assert "in the 2024 return" not in html
