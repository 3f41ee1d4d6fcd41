"""Demo case notes, so that a child's chronology has a story to read.

Call :func:`add_demo_notes` after the borough and the other demo additions. It
writes as the demo personas through the services (audited, with the same rules
as the pages): for the first three children on ``social.worker``'s caseload, a
run of visits, calls, direct work and a strategy meeting over the last months,
some naming other children the worker sees; one note corrected by its author and
one marked entered in error, so that the history shows; a note from the team
manager (management oversight); and notes on the first peer group a child on the
caseload is in and on the first context case the worker may write on.

Choices follow names, never ids, so one seed gives the same story on every run of
the day. Safe to call again: it adds nothing if the demo notes are there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from locus.access import notes as rules
from locus.access.models import Worker
from locus.access.selectors import visible_person_ids
from locus.casework.models import ContextCase
from locus.common.services import today
from locus.demo.caseload import held_by
from locus.notes.models import CaseNote, NoteKind
from locus.notes.services import note_correct, note_mark_in_error, note_record
from locus.peers.models import GroupMembership
from locus.people.models import Person, PersonKind
from locus.places.models import Context

FIRST_SUMMARY = "First visit since allocation"

# (days ago, hour or None, kind, summary, text, names the next child on the caseload)
CHILD_NOTES: list[tuple[int, int | None, str, str, str, bool]] = [
    (
        120,
        16,
        NoteKind.HOME_VISIT,
        FIRST_SUMMARY,
        "Seen at home with mum. {given} showed me her room and talked about school, which she "
        "says is 'fine'. Mum worried about late nights and new friends she has not met.",
        False,
    ),
    (
        104,
        None,
        NoteKind.CALL,
        "Call from school: missed afternoon lessons",
        "The DSL called: {given} left after lunch twice this week, seen getting into a car "
        "near the park. School has spoken to mum.",
        False,
    ),
    (
        90,
        15,
        NoteKind.DIRECT_WORK,
        "Healthy relationships, session 1",
        "Worked through the relationships cards at the youth club. {given} talked about "
        "older boys who 'look after' her group and give them lifts. Named {other}.",
        True,
    ),
    (
        75,
        10,
        NoteKind.MEETING,
        "Strategy discussion with police and school",
        "Agreed a safety plan: school to report every absence the same day; police to patrol "
        "the park after school; I will see {given} weekly.",
        True,
    ),
    (
        60,
        17,
        NoteKind.OBSERVATION,
        "Seen at the chicken shop after school",
        "Saw {given} with four young people outside the chicken shop at 17:00. She said hello "
        "and left with two of them. Nobody older was with them.",
        False,
    ),
    (
        30,
        16,
        NoteKind.HOME_VISIT,
        "Seen alone",
        "Seen alone. {given} says the lifts have stopped and she has gone back to boxing on "
        "Tuesdays. Mum says she is home by eight most nights.",
        False,
    ),
    (
        12,
        None,
        NoteKind.OTHER,
        "Youth offending panel attended with {given}",
        "Attended the referral order panel with {given} and mum as her social worker.",
        False,
    ),
]


@dataclass
class Story:
    notes: list[CaseNote] = field(default_factory=list)


def _persona(username: str) -> Worker | None:
    return Worker.objects.filter(username=username, is_active=True).first()


def _caseload(worker: Worker) -> list[Person]:
    return list(held_by(worker).filter(kind=PersonKind.YOUNG_PERSON))


def _on(days: int) -> dt.date:
    return today() - dt.timedelta(days=days)


def _child_notes(story: Story, sw: Worker, child: Person, other: Person | None) -> None:
    for days, hour, kind, summary, text, names_other in CHILD_NOTES:
        if child.date_of_birth is not None and _on(days) < child.date_of_birth:
            continue
        named = [child, *([other] if other is not None and names_other else [])]
        words = {"given": child.given_name, "other": other.full_name if other else "a friend"}
        story.notes.append(
            note_record(
                actor=sw,
                subject=child,
                kind=kind,
                kind_other="Youth offending panel" if kind == NoteKind.OTHER else "",
                contact_on=_on(days),
                contact_at=dt.time(hour) if hour is not None else None,
                present="Mum" if kind == NoteKind.HOME_VISIT and days > 100 else "",
                summary=summary.format(**words),
                text=text.format(**words),
                children=named,
            )
        )


@transaction.atomic
def add_demo_notes() -> Story:
    """Add the demo case notes to a generated borough (nothing if present)."""
    story = Story()
    sw = _persona("social.worker")
    manager = _persona("team.manager")
    if sw is None or CaseNote.objects.filter(author=sw, summary=FIRST_SUMMARY).exists():
        return story
    children = _caseload(sw)[:4]
    for n, child in enumerate(children[:3]):
        _child_notes(story, sw, child, children[n + 1] if n + 1 < len(children) else None)
    if not story.notes:
        return story
    first = story.notes[0]
    note_correct(
        actor=sw,
        note=first,
        reason="Mum's worry was about one new friend, not several",
        text=first.text.replace("new friends she has not met", "a new friend she has not met"),
    )
    duplicate = note_record(
        actor=sw,
        subject=first.person or children[0],
        kind=NoteKind.CALL,
        contact_on=first.contact_on,
        summary="Call to mum",
        text="Typed on the wrong child's record.",
    )
    note_mark_in_error(actor=sw, note=duplicate, reason="Written on the wrong child's record")
    story.notes.append(duplicate)
    if manager is not None and children:
        story.notes.append(
            note_record(
                actor=manager,
                subject=children[0],
                kind=NoteKind.MANAGEMENT,
                contact_on=_on(20),
                present_workers=[sw],
                summary="Case direction",
                text="Discussed in supervision. Keep weekly visits; review the safety plan at "
                "the next core group; consider a peer group mapping meeting.",
                children=[children[0]],
            )
        )
    _group_and_case_notes(story, sw, _caseload(sw))
    return story


def _group_and_case_notes(story: Story, sw: Worker, caseload: list[Person]) -> None:
    """A note on the first peer group (by name) a child on the caseload is in, and one on the
    first context case the worker may write on."""
    if caseload:
        group_id = (
            GroupMembership.objects.current()
            .filter(person__in=caseload)
            .order_by("group__name", "group_id")
            .values_list("group_id", flat=True)
            .first()
        )
        group = Context.objects.filter(pk=group_id).first() if group_id else None
        if group is not None and rules.can_write_note_on(sw, group):
            members = GroupMembership.objects.current().filter(group=group)
            seen = visible_person_ids(
                sw, members.values_list("person_id", flat=True), shared=False, break_glass=False
            )
            story.notes.append(
                note_record(
                    actor=sw,
                    subject=group,
                    kind=NoteKind.OBSERVATION,
                    contact_on=_on(45),
                    contact_at=dt.time(18),
                    summary="Group seen together at the park",
                    text="Five of the group by the skate park at six. Younger members arrived "
                    "on bikes; no adults with them.",
                    children=list(Person.objects.filter(pk__in=seen).order_by("id")[:5]),
                )
            )
    for case in ContextCase.objects.select_related("context").order_by("opened_on", "id"):
        if rules.can_write_note_on(sw, case):
            story.notes.append(
                note_record(
                    actor=sw,
                    subject=case,
                    kind=NoteKind.MEETING,
                    contact_on=max(case.opened_on, _on(10)),
                    summary="Met the centre's security manager",
                    text="Walked the site with security: agreed where the lighting and the "
                    "cameras leave gaps, and who to call when young people are approached.",
                )
            )
            break
