"""``locus purge``: a dry run unless --confirm, numbers not names, and the demo's examples."""

from __future__ import annotations

import io
from typing import Any

import pytest

from locus import cli
from locus.access.models import Role
from locus.audit.models import SignInEvent
from locus.demo.retention import PAST, add_demo_retention
from locus.people.models import LegalStatus, Person
from locus.people.services import episode_start
from locus.retention import selectors, services
from locus.retention.models import PurgeRun, RuleKind
from tests.factories import START, World, make_worker
from tests.frozen_clock import FrozenClock
from tests.operator import operator_password
from tests.retention.conftest import leaver


@pytest.fixture
def data_dir(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCUS_DATA_DIR", str(tmp_path / "data"))


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return cli.main(list(argv), out=out), out.getvalue()


@pytest.mark.usefixtures("data_dir")
def test_locus_purge_lists_then_purges_with_confirm(
    frozen_clock: FrozenClock, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    operator_password(world.admin, monkeypatch)  # --as asks for the administrator's password
    child = leaver(world.system)
    frozen_clock.advance(days=7 * 366)
    code, text = run("purge")
    assert code == 0 and "Dry run" in text and str(child.pk) in text and "Purgeable" not in text
    code, text = run("purge", "--dry-run", "--confirm")
    assert code == 0 and "Dry run" in text and Person.objects.filter(pk=child.pk).exists()
    assert not PurgeRun.objects.exists()

    assert run("purge", "--confirm", "--as", "social_worker")[0] == 2
    code, text = run("purge", "--confirm", "--as", "admin")
    assert code == 0 and "finished" in text
    assert not Person.objects.filter(pk=child.pk).exists()
    assert PurgeRun.objects.get().started_by == world.admin


@pytest.mark.usefixtures("data_dir")
def test_locus_purge_confirm_without_as_names_the_option_and_purges_nothing(
    frozen_clock: FrozenClock, world: World, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """Nobody purges unnamed: the system account is no one to sign in as, and the trail would
    not say who ran it."""
    operator_password(world.admin, monkeypatch)
    child = leaver(world.system)
    frozen_clock.advance(days=7 * 366)
    signed_in = SignInEvent.objects.count()
    code, text = run("purge", "--confirm")
    assert code == 2 and text == ""
    assert capsys.readouterr().err == f"locus purge: {cli.OPERATOR_NEEDED}\n"
    assert "--as" in cli.OPERATOR_NEEDED and "administrator" in cli.OPERATOR_NEEDED
    assert Person.objects.filter(pk=child.pk).exists() and not PurgeRun.objects.exists()
    assert SignInEvent.objects.count() == signed_in


def test_the_demo_has_a_child_past_retention_and_a_child_under_a_hold(world: World) -> None:
    manager = make_worker(
        world.system, team=world.csc_team_a, role=Role.MANAGER, username="team.manager"
    )
    episode_start(
        actor=world.system,
        person=world.team_child,
        status=LegalStatus.CHILD_PROTECTION,
        start=START,
        agency=world.csc,
        cp_category="NEG",
    )
    past, hold = add_demo_retention()
    assert hold is not None and hold.held_id == world.team_child.pk and hold.placed_by == manager
    found = selectors.plan()
    assert past.pk in found.ids(RuleKind.CHILD_NO_PLAN)
    assert add_demo_retention() == (past, None)  # safe to call again
    assert Person.objects.filter(**PAST).count() == 1


def test_the_daily_task_purges_as_the_system_account(
    frozen_clock: FrozenClock, world: World
) -> None:
    from locus.retention.tasks import daily_purge

    child = leaver(world.system)
    frozen_clock.advance(days=7 * 366)
    result = daily_purge.enqueue()
    assert result.return_value >= 1
    assert not Person.objects.filter(pk=child.pk).exists()
    assert PurgeRun.objects.get().started_by == world.system


@pytest.mark.usefixtures("data_dir")
def test_locus_purge_lists_a_rule_made_shorter_that_waits(
    frozen_clock: FrozenClock, world: World
) -> None:
    child = leaver(world.system)
    frozen_clock.advance(days=2 * 366)
    services.rule_set(
        actor=world.admin, kind=RuleKind.CHILD_NO_PLAN, amount=1, reason="Policy review"
    )
    code, text = run("purge")
    assert code == 0 and "Shortened to 1 year from" in text and "Purgeable" not in text
    waiting = next(line for line in text.splitlines() if "Would go then" in line)
    assert str(child.pk) in waiting.split("Would go then: ")[1].split(", ")
