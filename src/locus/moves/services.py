"""Recording a managed move.

Who may record: any practitioner or manager who sees the child
(``access.policies.can_record_about_person``): the school's safeguarding lead,
the child's social worker or youth justice worker; and an administrator, as for
anything recorded about a person (correcting or loading records). The move is a fact about the
child; it does not change the schools' rolls, which are the schools' own to keep
(``places.services``), so the old school's roll may already be closed.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.formats import date_format

from locus.access import panel_meetings as panel_policies
from locus.access import policies
from locus.access.models import Worker
from locus.common.services import Problems, create_audited, permitted, recorded, today
from locus.moves.models import ManagedMove
from locus.panels.models import PanelMeeting
from locus.people.models import Person, PersonKind
from locus.places.models import Context, ContextKind, Enrolment

MAX_TEXT = 2000


def _check_text(problems: Problems, field: str, value: str, missing: str, limit: int) -> str:
    value = value.strip()
    problems.check(bool(value), field, missing)
    problems.check(len(value) <= limit, field, f"This must be {limit} characters or fewer")
    return value


def was_on_roll(person: Person, school: Context, moved_on: dt.date) -> bool:
    """On the school's roll the day before the move (a roll closed that day still counts)."""
    eve = moved_on - dt.timedelta(days=1)
    return Enrolment.objects.open_on(eve).filter(person=person, school=school).exists()


@transaction.atomic
def managed_move_record(
    *,
    actor: Worker,
    person: Person,
    from_school: Context | None,
    to_school: Context | None,
    moved_on: dt.date | None,
    reason: str,
    panel_decision: str,
    decided_by: str,
    panel_meeting: PanelMeeting | None = None,
    not_on_roll_reason: str = "",
) -> ManagedMove:
    """Record that a child moved school in response to peer abuse.

    The child must have been on the old school's roll the day before the move, or
    ``not_on_roll_reason`` says why the move is recorded anyway (a roll kept
    elsewhere, a child on a part-time timetable...).
    """
    permitted(policies.can_record_about_person, actor, person)
    if panel_meeting is not None:
        # Citing a panel is reading it: only one the recorder may see.
        permitted(panel_policies.can_view_panel, actor, panel_meeting)
    problems = Problems()
    problems.check(
        person.kind == PersonKind.YOUNG_PERSON, "person", "A managed move is for a young person"
    )
    for field, school, which in (
        ("from_school", from_school, "the child moved from"),
        ("to_school", to_school, "the child moved to"),
    ):
        problems.check(
            school is not None and school.kind == ContextKind.SCHOOL,
            field,
            f"Choose the school {which}",
        )
    if from_school is not None and to_school is not None and from_school.pk == to_school.pk:
        problems.add("to_school", "The new school must be a different school from the old one")
    if moved_on is None:
        problems.add("moved_on", "Enter the date of the move")
    elif moved_on > today():
        problems.add("moved_on", "The date of the move must not be in the future")
    elif person.date_of_birth is not None and moved_on <= person.date_of_birth:
        problems.add("moved_on", "The date of the move must be after the child's date of birth")
    texts = {
        field: _check_text(problems, field, value, missing, limit)
        for field, value, missing, limit in (
            ("reason", reason, "Say what peer abuse the move responds to", MAX_TEXT),
            ("panel_decision", panel_decision, "Enter what was decided", MAX_TEXT),
            ("decided_by", decided_by, "Say who decided", 200),
        )
    }
    not_on_roll_reason = not_on_roll_reason.strip()
    problems.check(
        len(not_on_roll_reason) <= 300,
        "not_on_roll_reason",
        "The reason must be 300 characters or fewer",
    )
    if (
        moved_on is not None
        and from_school is not None
        and from_school.kind == ContextKind.SCHOOL
        and not not_on_roll_reason
        and not was_on_roll(person, from_school, moved_on)
    ):
        problems.add(
            "not_on_roll_reason",
            f"{person.full_name} was not on the roll of {from_school.name} the day before "
            f"{date_format(moved_on, 'j F Y')}: say why the move is recorded anyway",
        )
    if moved_on is not None and from_school is not None:
        problems.check(
            not ManagedMove.objects.filter(
                person=person, from_school=from_school, moved_on=moved_on
            ).exists(),
            "moved_on",
            "This move is already recorded",
        )
    problems.raise_if_any()
    assert from_school is not None and to_school is not None and moved_on is not None
    return create_audited(
        actor,
        ManagedMove,
        person=person,
        from_school=from_school,
        to_school=to_school,
        moved_on=moved_on,
        panel_meeting=panel_meeting,
        not_on_roll_reason=not_on_roll_reason,
        **texts,
        **recorded(actor),
    )
