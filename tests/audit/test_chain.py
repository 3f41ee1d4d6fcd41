"""The audit trail's hash chain: a clean trail verifies, and a row edited, deleted or
slipped in around the services is found and named."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from locus import cli
from locus.audit import chain
from locus.audit.models import AccessEvent, ChainCheck, ChainHead, ChangeEvent, SignInEvent
from locus.audit.services import (
    record_access,
    record_created_values,
    record_creations,
    record_sign_in,
    redact_about,
    settle_sign_in,
)
from locus.audit.verify import (
    CONTENT,
    DELETED,
    EDITED,
    HEAD,
    INSERTED,
    REDACTED,
    Problem,
    day_heads,
    verify,
)
from locus.common.bulk import bulk_insert
from locus.people.models import Person
from locus.people.services import person_update
from tests.factories import World, make_person
from tests.frozen_clock import FrozenClock

pytestmark = pytest.mark.django_db


def kinds(problems: list[Problem]) -> list[tuple[str, str, int | None]]:
    return [(p.stream, p.kind, p.id) for p in problems]


def some_reads(world: World, n: int = 5) -> list[AccessEvent]:
    return [
        record_access(actor=world.social_worker, obj=world.csc_child, purpose=f"visit {i}")
        for i in range(n)
    ]


def test_a_clean_trail_verifies_and_every_row_is_sealed_in_order(world: World) -> None:
    reads = some_reads(world)
    record_sign_in(username="someone", succeeded=False, ip_address="192.0.2.1")
    result = verify()
    assert result.ok, [p.line() for p in result.problems]
    assert result.rows == sum(m.objects.count() for m in (AccessEvent, ChangeEvent, SignInEvent))
    seqs = [r.seq for r in AccessEvent.objects.order_by("id")]
    assert seqs == list(range(1, len(seqs) + 1))
    # Each row links to the one before it, and the stream's head is the last row.
    rows = list(AccessEvent.objects.order_by("seq"))
    assert rows[0].prev_hash == chain.GENESIS
    assert all(b.prev_hash == a.row_hash for a, b in itertools.pairwise(rows))
    head = ChainHead.objects.get(stream="access")
    assert (head.seq, head.row_hash) == (reads[-1].seq, reads[-1].row_hash)


def test_an_edited_row_is_found_and_named(world: World) -> None:
    reads = some_reads(world)
    victim = reads[2]
    # Around the services: a queryset update, as someone with database access might.
    AccessEvent.objects.filter(pk=victim.pk).update(actor=world.admin)
    assert kinds(verify().problems) == [("access", EDITED, victim.pk)]


def test_a_changed_time_or_record_is_an_edit(world: World) -> None:
    victim = some_reads(world)[1]
    AccessEvent.objects.filter(pk=victim.pk).update(at=victim.at - dt.timedelta(hours=3))
    change = ChangeEvent.objects.order_by("seq").last()
    assert change is not None
    ChangeEvent.objects.filter(pk=change.pk).update(record_id="999999")
    assert sorted(kinds(verify().problems)) == [
        ("access", EDITED, victim.pk),
        ("change", EDITED, change.pk),
    ]


def test_changed_content_is_found_and_its_digest_rewritten_with_it_is_an_edit(
    world: World,
) -> None:
    reads = some_reads(world)
    AccessEvent.objects.filter(pk=reads[0].pk).update(purpose="nothing to see")
    found = verify().problems
    assert kinds(found) == [("access", CONTENT, reads[0].pk)]
    assert found[0].seq == reads[0].seq
    AccessEvent.objects.filter(pk=reads[0].pk).update(
        content_digest=chain.content_digest(["nothing to see", reads[0].detail])
    )
    assert kinds(verify().problems) == [("access", EDITED, reads[0].pk)]


def test_a_deleted_row_is_found_by_the_gap_it_leaves(world: World) -> None:
    reads = some_reads(world)
    AccessEvent.objects.filter(pk=reads[2].pk).delete()
    found = verify().problems
    assert [(p.kind, p.seq) for p in found] == [(DELETED, reads[2].seq)]
    assert f"missing before id {reads[3].pk}" in found[0].message


def test_rows_deleted_from_the_end_are_found_by_the_head(world: World) -> None:
    reads = some_reads(world)
    AccessEvent.objects.filter(pk__in=[reads[-1].pk, reads[-2].pk]).delete()
    found = verify().problems
    assert [(p.stream, p.kind, p.seq) for p in found] == [("access", DELETED, reads[-2].seq)]
    assert f"to {reads[-1].seq} missing at the end" in found[0].message


def test_an_inserted_row_with_a_made_up_hash_and_seq_is_found(world: World) -> None:
    reads = some_reads(world)
    # A raw create that names its own place in the chain, so save() leaves it as it is.
    forged = AccessEvent.objects.create(
        actor=world.social_worker,
        at=reads[2].at,
        action="view",
        record_type="people.person",
        record_id=str(world.csc_child.pk),
        seq=reads[-1].seq + 1,
        prev_hash=reads[-1].row_hash,
        row_hash="f" * 64,
        content_digest="e" * 64,
    )
    assert kinds(verify().problems) == [("access", INSERTED, forged.pk)]


def test_a_row_inserted_between_two_is_found_and_the_rest_still_verify(world: World) -> None:
    reads = some_reads(world)
    # Squeeze a row in by moving the tail up one seq (a unique column); every moved row
    # then fails its own hash, and the forged row fits neither its hash nor its link.
    for r in reversed(reads[3:]):
        AccessEvent.objects.filter(pk=r.pk).update(seq=r.seq + 1)
    forged = AccessEvent.objects.create(
        actor=world.social_worker,
        at=reads[2].at,
        action="view",
        record_type="people.person",
        record_id="1",
        seq=reads[3].seq,
        prev_hash="a" * 64,
        row_hash="b" * 64,
    )
    found = kinds(verify().problems)
    assert ("access", INSERTED, forged.pk) in found
    assert all(kind in (INSERTED, EDITED) for _, kind, _ in found)


def test_a_row_written_around_the_chain_is_an_insertion(world: World) -> None:
    some_reads(world, 2)
    bare = AccessEvent(actor=world.admin, at=world.csc_child.created_at, action="view")
    # The plain manager's bulk_create, as a raw INSERT would: a row with no seq at all.
    AccessEvent._base_manager.bulk_create([bare])
    assert [(p.kind, p.seq) for p in verify().problems] == [(INSERTED, None)]


def test_a_redacted_row_still_verifies_after_a_purge(world: World) -> None:
    child = world.csc_child
    person_update(actor=world.social_worker, person=child, known_as="Blue")
    record_access(actor=world.social_worker, obj=child, purpose="visit planning")
    with transaction.atomic():
        assert redact_about([child.pk]) >= 2
        # What a purge writes as it removes the person (the retention helper's service).
        ChangeEvent.objects.create(
            actor=world.system,
            at=child.created_at,
            action="delete",
            record_type="people.person",
            record_id=str(child.pk),
            people=f",{child.pk},",
        )
    result = verify()
    assert result.ok, [p.line() for p in result.problems]


def test_a_redaction_without_a_purge_is_found(world: World) -> None:
    read = some_reads(world, 1)[0]
    with transaction.atomic():
        redact_about([world.csc_child.pk])
    found = kinds(verify().problems)
    assert ("access", REDACTED, read.pk) in found
    assert {kind for _, kind, _ in found} == {REDACTED}


def test_content_written_into_a_redacted_row_is_found(world: World) -> None:
    read = some_reads(world, 1)[0]
    AccessEvent.objects.filter(pk=read.pk).update(
        redacted_at=read.at, purpose="made up afterwards", detail={}
    )
    assert (("access", CONTENT, read.pk)) in kinds(verify().problems)


def test_bulk_created_events_chain_on_from_single_ones(world: World) -> None:
    some_reads(world, 1)
    people = [make_person(world.social_worker) for _ in range(3)]
    with transaction.atomic():
        record_creations(actor=world.system, objs=people)
        rows = [
            {
                f.attname: getattr(p, f.attname)
                for f in Person._meta.concrete_fields
                if f.attname != "id"
            }
            | {"id": p.pk}
            for p in people
        ]
        record_created_values(actor=world.system, model=Person, rows=rows)
        bulk_insert(
            ChangeEvent,
            [
                ChangeEvent(
                    actor=world.system,
                    at=people[0].created_at,
                    action="update",
                    record_type="people.person",
                    record_id=str(p.pk),
                    before={"known_as": ""},
                    after={"known_as": "Red", "when": dt.date(2026, 1, 2).isoformat()},
                )
                for p in people
            ],
        )
    record_access(actor=world.social_worker, obj=people[0])
    result = verify()
    assert result.ok, [p.line() for p in result.problems]
    seqs = list(ChangeEvent.objects.order_by("id").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    assert ChainHead.objects.get(stream="change").seq == len(seqs)


def test_json_the_database_rewrites_hashes_as_it_reads_back(world: World) -> None:
    # A tuple is stored as a list, a float as its text, a non-string key as a string.
    record_access(
        actor=world.social_worker,
        record_type="people.person",
        detail={"shown": (1, 2), "score": 0.1, "ratio": 1e-7, "big": 2**70, 3: "x"},
    )
    result = verify()
    assert result.ok, [p.line() for p in result.problems]


def test_sign_ins_chain_and_their_settled_outcome_is_held_to_the_trail(world: World) -> None:
    attempt = record_sign_in(username="social_worker", succeeded=False, ip_address="::1")
    failed = record_sign_in(username="nobody", succeeded=False, ip_address=None)
    # Kept in its short form (2001:db8::1), hashed as kept.
    record_sign_in(username="nobody", succeeded=False, ip_address="2001:0db8:0000::0001")
    # What the sign-in form does once the password is right.
    settle_sign_in(attempt, worker=world.social_worker)
    assert SignInEvent.objects.get(pk=attempt.pk).succeeded
    assert verify().ok
    SignInEvent.objects.filter(pk=attempt.pk).update(username="someone_else")
    assert kinds(verify().problems) == [("signin", EDITED, attempt.pk)]
    SignInEvent.objects.filter(pk=attempt.pk).update(username="social_worker")
    # A success hidden, or one made up, around the services.
    SignInEvent.objects.filter(pk=attempt.pk).update(succeeded=False, worker=None)
    SignInEvent.objects.filter(pk=failed.pk).update(succeeded=True, worker=world.admin)
    assert sorted(kinds(verify().problems)) == sorted(
        [("signin", EDITED, attempt.pk), ("signin", EDITED, failed.pk)]
    )


def test_a_sign_in_through_the_form_is_settled_in_the_chain(world: World) -> None:
    from django.test import Client
    from django.urls import reverse

    from locus.access.services import worker_set_password

    password = "lantern-orchard-41-ribbon"
    worker_set_password(actor=world.system, worker=world.social_worker, password=password)
    form = {"username": world.social_worker.username}
    Client().post(reverse("login"), {**form, "password": "wrong-password"})
    Client().post(reverse("login"), {**form, "password": password})
    wrong, right = SignInEvent.objects.order_by("seq")
    assert (wrong.succeeded, right.succeeded) == (False, True)
    assert verify().ok
    SignInEvent.objects.filter(pk=wrong.pk).update(succeeded=True)
    assert kinds(verify().problems) == [("signin", EDITED, wrong.pk)]


def test_sealing_refuses_a_row_without_a_time(world: World) -> None:
    with pytest.raises(ValueError, match="at: an aware datetime"), transaction.atomic():
        AccessEvent.objects.create(actor=world.admin, at=None, action="view")


def test_since_checks_from_that_day_linked_to_the_row_before(
    world: World, frozen_clock: FrozenClock
) -> None:
    frozen_clock.at(dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC))
    old = some_reads(world, 3)
    frozen_clock.at(dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC))
    new = some_reads(world, 3)
    AccessEvent.objects.filter(pk=old[1].pk).update(purpose="rewritten")
    assert kinds(verify().problems) == [("access", CONTENT, old[1].pk)]
    assert verify(since=dt.date(2026, 3, 2)).ok  # the day before is not checked
    # The first row checked is held to the row before it.
    AccessEvent.objects.filter(pk=old[-1].pk).delete()
    found = verify(since=dt.date(2026, 3, 2)).problems
    assert [(p.kind, p.seq) for p in found] == [(DELETED, old[-1].seq)]
    assert f"missing before id {new[0].pk}" in found[0].message
    heads = [h for h in day_heads(since=dt.date(2026, 3, 2)) if h.stream == "access"]
    assert [(h.day, h.seq) for h in heads] == [(dt.date(2026, 3, 2), new[-1].seq)]


# Day heads, and checking against heads kept outside the database


def test_day_heads_are_the_last_row_of_each_stream_each_day(world: World) -> None:
    reads = some_reads(world, 3)
    heads = [h for h in day_heads() if h.stream == "access"]
    assert heads[-1].seq == reads[-1].seq and heads[-1].row_hash == reads[-1].row_hash
    text = chain.heads_text(day_heads(), written=reads[-1].at)
    assert chain.parse_heads(text) == day_heads()


def test_a_chain_rebuilt_after_the_heads_were_exported_is_found(world: World) -> None:
    reads = some_reads(world, 3)
    exported = day_heads()
    # Someone with database access rewrites a row and re-seals the chain from it, so the
    # chain alone verifies again; only the exported heads show it.
    AccessEvent.objects.filter(pk=reads[1].pk).update(purpose="rewritten")
    rows = list(AccessEvent.objects.order_by("seq"))
    for row in rows:
        row.seq = None
    with transaction.atomic():
        ChainHead.objects.filter(stream="access").update(seq=0, row_hash=chain.GENESIS)
        AccessEvent.seal_new_rows(rows)
        AccessEvent.objects.bulk_update(rows, list(chain.CHAIN_FIELDS))
    assert verify().ok
    found = verify(heads=exported).problems
    assert [(p.stream, p.kind) for p in found] == [("access", HEAD)]
    assert found[0].seq == reads[-1].seq


def test_a_heads_file_that_is_not_one_names_its_line() -> None:
    with pytest.raises(ValueError, match="heads file line 2: four parts"):
        chain.parse_heads("# a comment\n2026-12-01 access 12\n")
    with pytest.raises(ValueError, match="line 1: unknown stream 'reads'"):
        chain.parse_heads(f"2026-12-01 reads 12 {'a' * 64}\n")


# The command line


def run(*argv: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[int, str]:
    monkeypatch.setenv("LOCUS_DATA_DIR", str(tmp_path / "data"))
    out = io.StringIO()
    return cli.main(list(argv), out=out), out.getvalue()


def test_locus_audit_verify_says_so_and_exits_0_on_a_clean_chain(
    world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    some_reads(world, 2)
    status, text = run("audit", "verify", monkeypatch=monkeypatch, tmp_path=tmp_path)
    assert status == 0
    assert text.startswith("Audit chain verified: ") and text.count("\n") == 1
    check = ChainCheck.objects.get()
    assert (check.ok, check.by, check.rows) == (True, None, verify().rows)


def test_locus_audit_verify_names_each_problem_and_exits_1(
    world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    reads = some_reads(world, 3)
    AccessEvent.objects.filter(pk=reads[1].pk).update(record_id="7")
    status, text = run("audit", "verify", monkeypatch=monkeypatch, tmp_path=tmp_path)
    assert status == 1
    assert f"access seq {reads[1].seq} id {reads[1].pk}: edited:" in text
    assert ChainCheck.objects.get().problem_count == 1


def test_locus_audit_heads_then_verify_heads(
    world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    reads = some_reads(world, 2)
    heads_file = tmp_path / "heads.txt"
    status, text = run(
        "audit", "heads", "--out", str(heads_file), monkeypatch=monkeypatch, tmp_path=tmp_path
    )
    assert status == 0 and "day heads written to" in text
    assert chain.parse_heads(heads_file.read_text()) == day_heads()
    status, text = run(
        "audit", "verify", "--heads", str(heads_file), monkeypatch=monkeypatch, tmp_path=tmp_path
    )
    assert status == 0 and "exported heads match" in text
    AccessEvent.objects.filter(seq=reads[-1].seq).update(row_hash="0" * 64)
    status, text = run(
        "audit", "verify", "--heads", str(heads_file), monkeypatch=monkeypatch, tmp_path=tmp_path
    )
    assert status == 1 and f"access seq {reads[-1].seq}" in text and HEAD in text


def test_locus_audit_heads_prints_one_day(
    world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    read = some_reads(world, 1)[0]
    day = read.at.astimezone(dt.UTC).date()
    status, text = run(
        "audit", "heads", "--day", day.isoformat(), monkeypatch=monkeypatch, tmp_path=tmp_path
    )
    heads = chain.parse_heads(text)
    assert status == 0 and heads and all(h.day == day for h in heads)


def test_locus_audit_verify_refuses_a_bad_heads_file_with_2(
    world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: Any
) -> None:
    bad = tmp_path / "heads.txt"
    bad.write_text("2026-12-01 access twelve " + "a" * 64 + "\n")
    status, _ = run(
        "audit", "verify", "--heads", str(bad), monkeypatch=monkeypatch, tmp_path=tmp_path
    )
    assert status == 2
    assert "heads file line 1" in capsys.readouterr().err
    assert not ChainCheck.objects.exists()


def test_an_import_and_its_re_import_chain_their_audit_rows(world: World, tmp_path: Path) -> None:
    from locus.interchange.cin import CinImporter
    from tests.interchange.cin_files import census, child, episode, write

    importer = CinImporter()
    first = census(child("LA1", episodes=(episode(),)), year=2023, reference="2023-12-31")
    importer.apply(write(tmp_path, first), by=world.admin)  # created: insert_values
    following = census(
        child("LA1", episodes=(episode(), episode("2024-02-01", plan=True, cp="NEG"))), year=2024
    )
    importer.apply(write(tmp_path, following), by=world.admin)  # updated: bulk_insert
    assert ChangeEvent.objects.filter(action="update", actor=world.admin).exists()
    result = verify()
    assert result.ok, [p.line() for p in result.problems]
