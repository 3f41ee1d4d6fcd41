"""A managed move's values before a correction are kept with the move, so they are still
held about the child: the subject access export carries them, as it does a case note's
earlier wording."""

from __future__ import annotations

import datetime as dt

from locus.moves.services import managed_move_correct, managed_move_record
from locus.subjectaccess.package import build
from tests.factories import World, make_context
from tests.subjectaccess.conftest import Scene


def test_a_corrected_moves_earlier_values_are_exported(world: World, scene: Scene) -> None:
    other = make_context(world.system, kind="school", name="Clapton Girls' Academy")
    move = managed_move_record(
        actor=world.social_worker,
        person=scene.subject,
        from_school=world.school,
        to_school=other,
        moved_on=dt.date(2025, 10, 6),
        reason="Harmed by two older pupils at the bus stop",
        panel_decision="Move agreed for a trial",
        decided_by="Fair access panel of the first sitting",
        not_on_roll_reason="Her roll is kept by the virtual school",
    )
    managed_move_correct(
        actor=world.social_worker,
        move=move,
        why="The panel named itself wrongly",
        decided_by="In-year fair access panel",
    )
    built = build(scene.request, disclose_staff=False, include_restricted=False)
    others = next(s for s in built.data["sections"] if s["key"] == "other")["records"]
    earlier = [r for r in others if r["record"].startswith("moves.managedmoverevision:")]
    assert len(earlier) == 1
    values = {f["value"] for f in earlier[0]["fields"]}
    assert "Fair access panel of the first sitting" in values
    assert "The panel named itself wrongly" in values
