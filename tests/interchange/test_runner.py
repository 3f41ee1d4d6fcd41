"""The import runner: a run from upload to import, its refusals, failures and retries."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from locus.access.models import Role, Worker
from locus.audit.models import ChangeEvent
from locus.common.errors import InvalidTransition, NotPermitted, ValidationFailed
from locus.interchange import files, services, tasks
from locus.interchange.models import ImportRun, RunState
from locus.people.models import Person
from tests.factories import changes_for, last_change, make_worker, nothing_written

pytestmark = pytest.mark.usefixtures("data_dir", "lines_importer")


@contextmanager
def people_unchanged() -> Iterator[None]:
    """No person written (the run's own changes are audited, so the trail does move)."""
    before = list(Person.objects.values_list("pk", "given_name", "family_name"))
    yield
    assert list(Person.objects.values_list("pk", "given_name", "family_name")) == before


def upload(text: str, name: str = "people.txt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode())


def checked(admin: Worker, text: str) -> ImportRun:
    run = services.run_create(actor=admin, kind="lines", upload=upload(text))
    return services.run_check(actor=admin, run=run)


def test_a_run_goes_from_upload_to_imported(admin: Worker, data_dir: Path) -> None:
    run = services.run_create(actor=admin, kind="lines", upload=upload("people\nAda Ng\nBo Li\n"))
    stored = data_dir / "imports" / run.stored_path
    assert stored.read_bytes() == b"people\nAda Ng\nBo Li\n"
    assert run.state == RunState.UPLOADED and run.size == len(stored.read_bytes())
    assert len(run.sha256) == 64 and last_change(run).actor == admin

    with people_unchanged():
        run = services.run_check(actor=admin, run=run)
    assert run.state == RunState.CHECKED
    assert run.check_report["counts"] == {"person": {"created": 2}}
    assert run.task_id and run.percent == 100

    run = services.run_confirm(actor=admin, run=run, valid_only=False)
    assert run.state == RunState.IMPORTED
    assert run.apply_report["counts"] == {"person": {"created": 2}}
    assert run.confirmed_by == admin and run.confirmed_at is not None
    assert set(Person.objects.filter(recorded_by=admin).values_list("family_name", flat=True)) == {
        "Ng",
        "Li",
    }
    assert ChangeEvent.objects.filter(record_type="interchange.importrun").count() >= 4


def test_only_an_administrator_may_upload(social_worker: Worker, team_manager: Worker) -> None:
    for worker in (social_worker, team_manager):
        with pytest.raises(NotPermitted), nothing_written(ImportRun):
            services.run_create(actor=worker, kind="lines", upload=upload("people\n"))


def test_a_file_past_the_limit_is_refused_before_it_is_stored(
    admin: Worker, settings: Any, data_dir: Path
) -> None:
    settings.LOCUS_IMPORT_MAX_BYTES = 10
    with pytest.raises(ValidationFailed) as refused, nothing_written(ImportRun):
        services.run_create(actor=admin, kind="lines", upload=upload("people\nAda Ng\n"))
    assert "at most" in refused.value.errors["file"][0]
    assert not (data_dir / "imports").exists() or not any((data_dir / "imports").iterdir())


def test_an_unknown_kind_is_refused(admin: Worker) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.run_create(actor=admin, kind="nope", upload=upload("people\n"))
    assert "kind" in refused.value.errors


def test_a_dry_run_with_problems_cannot_import_everything(admin: Worker) -> None:
    run = checked(admin, "people\nAda Ng\nwrong\n")
    assert run.state == RunState.CHECKED
    assert run.check_report["problems"][0]["where"] == "line 3"
    with pytest.raises(ValidationFailed), people_unchanged():
        services.run_confirm(actor=admin, run=run, valid_only=False)


def test_valid_only_imports_the_valid_and_writes_the_rejects(admin: Worker) -> None:
    run = checked(admin, "people\nAda Ng\nwrong\n=SUM(A1)\nBo Li\n")
    run = services.run_confirm(actor=admin, run=run, valid_only=True)
    assert run.state == RunState.IMPORTED and run.valid_only
    assert run.apply_report["counts"]["person"] == {"created": 2, "rejected": 2}
    with files.absolute(run.rejects_path).open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["where"] for r in rows] == ["line 3", "line 4"]
    assert rows[1]["record"] == "'=SUM(A1)"  # never a formula in a spreadsheet
    assert {r["rule"] for r in rows} == {"required"}


def test_confirm_only_once_and_never_after_a_failed_dry_run(admin: Worker) -> None:
    run = checked(admin, "people\nAda Ng\n")
    run = services.run_confirm(actor=admin, run=run, valid_only=False)
    with pytest.raises(InvalidTransition), people_unchanged():
        services.run_confirm(actor=admin, run=run, valid_only=False)

    failed = checked(admin, "not people\n")
    assert failed.state == RunState.FAILED
    assert "first line" in failed.error
    assert failed.check_report["problems"][0]["where"] == "line 1"
    with pytest.raises(InvalidTransition):
        services.run_confirm(actor=admin, run=failed, valid_only=True)


def test_a_failed_import_writes_nothing_and_can_be_run_again(admin: Worker, data_dir: Path) -> None:
    run = checked(admin, "people\nAda Ng\nBo Li\nboom\n")
    with people_unchanged():
        run = services.run_confirm(actor=admin, run=run, valid_only=False)
    assert run.state == RunState.FAILED
    assert "worker killed" in run.error

    # The data team fixes what killed it (here: the file) and starts it again.
    (data_dir / "imports" / run.stored_path).write_text("people\nAda Ng\nBo Li\n")
    run = services.run_retry(actor=admin, run=run)
    assert run.state == RunState.IMPORTED
    assert Person.objects.filter(family_name__in=["Ng", "Li"]).count() == 2


def test_a_retry_is_written_in_the_name_of_the_administrator_who_starts_it(
    admin: Worker, system: Worker, data_dir: Path
) -> None:
    """Every write is audited with who made it (docs/architecture.md): when a second
    administrator starts a failed import again, its records and their trail name them, not
    the one who confirmed the first attempt; the run's trail keeps that one."""
    second = make_worker(system, team=None, role=Role.ADMINISTRATOR, username="admin2")
    run = checked(admin, "people\nAda Ng\nboom\n")
    run = services.run_confirm(actor=admin, run=run, valid_only=False)
    assert run.state == RunState.FAILED
    (data_dir / "imports" / run.stored_path).write_text("people\nAda Ng\n")
    run = services.run_retry(actor=second, run=run)
    assert (run.state, run.confirmed_by) == (RunState.IMPORTED, second)
    ada = Person.objects.get(family_name="Ng")
    assert ada.recorded_by == second
    retried = [e for e in changes_for(run) if "confirmed_by_id" in e.after][-1]
    assert (retried.actor, retried.before["confirmed_by_id"]) == (second, admin.pk)
    assert changes_for(run)[-1].actor == second  # the run's end, written by the task


def test_a_killed_import_may_be_retried_once_stalled(admin: Worker, monkeypatch: Any) -> None:
    run = checked(admin, "people\nAda Ng\n")
    # A worker killed mid-import: the run says importing and nothing moves any more.
    ImportRun.objects.filter(pk=run.pk).update(state=RunState.IMPORTING, confirmed_by=admin)
    run.refresh_from_db()
    run.confirmed_at = run.created_at
    run.save()
    monkeypatch.setattr(services, "STALLED_SECONDS", 10**9)
    with pytest.raises(InvalidTransition):
        services.run_retry(actor=admin, run=run)
    monkeypatch.setattr(services, "STALLED_SECONDS", -1)
    run = services.run_retry(actor=admin, run=run)
    assert run.state == RunState.IMPORTED


def test_an_import_waiting_for_the_worker_is_not_written_once_its_confirmer_has_left(
    admin: Worker, system: Worker
) -> None:
    """An administrator confirms, and is deactivated (they left) before the task worker
    takes the import: nothing is written in their name, the run says why in plain words,
    and another administrator may start it again in theirs."""
    run = checked(admin, "people\nAda Ng\n")
    ImportRun.objects.filter(pk=run.pk).update(
        state=RunState.IMPORTING, confirmed_by=admin, confirmed_at=run.created_at
    )
    Worker.objects.filter(pk=admin.pk).update(is_active=False)
    with people_unchanged():
        assert tasks.apply_import.call(run.pk) == RunState.FAILED
    run.refresh_from_db()
    assert run.error == tasks.CONFIRMER_GONE
    second = make_worker(system, team=None, role=Role.ADMINISTRATOR, username="admin2")
    run = services.run_retry(actor=second, run=run)
    assert (run.state, Person.objects.get(family_name="Ng").recorded_by) == (
        RunState.IMPORTED,
        second,
    )


def test_cancel_before_import_only(admin: Worker) -> None:
    run = checked(admin, "people\nAda Ng\n")
    run = services.run_cancel(actor=admin, run=run)
    assert run.state == RunState.CANCELLED
    with pytest.raises(InvalidTransition):
        services.run_confirm(actor=admin, run=run, valid_only=False)
    done = services.run_confirm(actor=admin, run=checked(admin, "people\nA B\n"), valid_only=False)
    with pytest.raises(InvalidTransition):
        services.run_cancel(actor=admin, run=done)


def test_progress_is_written_at_most_twice_a_second(data_dir: Path, admin: Worker) -> None:
    run = services.run_create(actor=admin, kind="lines", upload=upload("people\nA B\n"))
    progress = files.ProgressFile(run.stored_path)
    writes = [progress(n, 1000) for n in range(0, 1000, 10)]
    assert writes[0] and sum(writes) == 1  # the rest came within half a second
    assert progress(1000, 1000)  # the last always
    assert files.read_progress(run.stored_path)[:2] == (1000, 1000)


def test_a_cin_import_killed_mid_way_through_the_runner_is_retried(
    admin: Worker, monkeypatch: pytest.MonkeyPatch
) -> None:
    from locus.interchange import cin
    from tests.interchange.cin_files import census, child

    text = census(*(child(f"RUN{n}") for n in range(5)))
    run = services.run_create(actor=admin, kind="cin", upload=upload(text, "return.xml"))
    run = services.run_check(actor=admin, run=run)
    assert run.check_report["counts"]["child"] == {"created": 5}
    monkeypatch.setattr(cin, "BATCH", 2)
    real = cin.Batch.run
    batches: list[int] = []

    def killed_on_the_third_batch(self: cin.Batch, children: list[cin.Child]) -> None:
        batches.append(len(children))
        if len(batches) == 3:
            raise SystemError("the worker was killed")
        real(self, children)

    monkeypatch.setattr(cin.Batch, "run", killed_on_the_third_batch)
    with people_unchanged():
        run = services.run_confirm(actor=admin, run=run, valid_only=False)
    assert run.state == RunState.FAILED and "the worker was killed" in run.error
    assert batches == [2, 2, 1]  # two batches were written, then undone

    monkeypatch.setattr(cin.Batch, "run", real)
    run = services.run_retry(actor=admin, run=run)
    assert run.state == RunState.IMPORTED
    assert Person.objects.filter(la_child_id__startswith="RUN").count() == 5
