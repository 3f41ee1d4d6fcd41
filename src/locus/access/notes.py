"""Who may read and write case notes, and who may correct them.

A note belongs to the record it is written on, so it is read by whoever may see
that record, and nobody else:

* on a **child**: whoever sees the child in their own right (break-glass
  included, for reading). A forum share is not the record: it shows what the
  holders agreed to bring, never the notes.
* on a **context case**: whoever may see the case, except a partner
  organisation, which sees its own part of a case and never the casework about
  it (as with the assessment).
* on a **peer group**: whoever may see the group.

Writing a note is casework: a practitioner or manager who sees the subject in
their own right, not through an emergency's sight or a share (an administrator
too, as for other records about a child). Every child *named* in a note must be
one the author sees lastingly: naming a child in a record must not be a way in.

A note is **corrected**, or marked **entered in error**, by its author or a
manager of the author's team, while they may still write on its subject; the
old wording is kept. Nobody deletes a note.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from locus.access import lookups, policies, scopes
from locus.access.context_cases import cases_visible_to, is_partner, writes_on_case
from locus.access.lookups import one_or_404
from locus.access.models import Worker
from locus.casework.models import ContextCase
from locus.notes.models import CaseNote
from locus.people.models import Person
from locus.places.models import Context


def note_cases_visible_to(worker: Worker) -> QuerySet[ContextCase]:
    """The context cases whose notes ``worker`` may read: the cases they see, not a partner's."""
    if is_partner(worker):
        return ContextCase.objects.none()
    return cases_visible_to(worker)


def notes_visible_to(worker: Worker) -> QuerySet[CaseNote]:
    if not scopes.sees_case_records(worker):
        return CaseNote.objects.none()
    people = scopes.people_visible_to(worker, shared=False)
    return CaseNote.objects.filter(
        Q(person_id__in=people.values("id"))
        | Q(case_id__in=note_cases_visible_to(worker).values("id"))
        | Q(group_id__in=scopes.groups_visible_to(worker).values("id"))
    )


def access_note(worker: Worker, note_id: object) -> CaseNote:
    """The note, or 404: missing, or on a record the worker may not see."""
    notes = notes_visible_to(worker).select_related(
        "person", "case__context", "group", "author", "author_team__agency", "in_error_by"
    )
    return one_or_404(notes, note_id)


SUBJECT_KINDS = ("person", "case", "group")


def access_subject(worker: Worker, kind: str, subject_id: object) -> Person | ContextCase | Context:
    """The child, context case or peer group whose notes ``worker`` may read, or 404."""
    if kind == "person":
        return lookups.access_person(worker, subject_id)
    if kind == "case":
        return one_or_404(note_cases_visible_to(worker).select_related("context"), subject_id)
    if kind == "group":
        return lookups.access_group(worker, subject_id)
    raise Http404("Not found")


def can_read_notes_on(worker: Worker, subject: Person | ContextCase | Context) -> bool:
    if not scopes.sees_case_records(worker):
        return False
    if isinstance(subject, Person):
        return scopes.people_visible_to(worker, shared=False).filter(pk=subject.pk).exists()
    if isinstance(subject, ContextCase):
        return note_cases_visible_to(worker).filter(pk=subject.pk).exists()
    return scopes.groups_visible_to(worker).filter(pk=subject.pk).exists()


def can_write_note_on(worker: Worker, subject: Person | ContextCase | Context) -> bool:
    """A practitioner or manager who sees the subject lastingly, or an administrator. A
    group or case seen only through a child opened in an emergency is read while it lasts,
    never written on (a note outlasts the emergency), as the child is not. An independent
    reviewing service's staff write only on a case whose conference they chair
    (``context_cases.writes_on_case``), never on a group: they read the others."""
    if isinstance(subject, Person):
        return policies.can_record_about_person(worker, subject)
    if policies.is_administrator(worker):
        return True
    if not worker.is_active or worker.role not in policies.CASEWORK_ROLES:
        return False
    if isinstance(subject, ContextCase):
        if not writes_on_case(worker, subject):
            return False
    elif not policies.does_casework(worker):
        return False
    with scopes.lasting_sight_only():
        return can_read_notes_on(worker, subject)


def can_print_chronology(worker: Worker, subject: Person | ContextCase | Context) -> bool:
    """Whether ``worker``, who reads the subject's chronology, may print it: a print outlasts
    emergency access, so a group or case seen only through a child opened in an emergency is
    not printed (RULES.md, break-glass); the child's own record may be, while it lasts."""
    if isinstance(subject, Person):
        return True
    with scopes.lasting_sight_only():
        return can_read_notes_on(worker, subject)


def subject_of(note: CaseNote) -> Person | ContextCase | Context:
    subject = note.person or note.case or note.group
    assert subject is not None  # a check constraint holds exactly one
    return subject


def can_correct_note(worker: Worker, note: CaseNote) -> bool:
    """The author, or a manager of the team the author wrote it in (kept on the note,
    whichever team the author is in now), who may still write on the subject."""
    mine = worker.pk == note.author_id
    manages = policies.manages_a_team(worker) and worker.team_id == note.author_team_id
    return (mine or manages) and can_write_note_on(worker, subject_of(note))
