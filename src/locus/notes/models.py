"""Case notes: what a worker saw, heard and did, on a child, a context case or a peer group.

A note is a record of practice, so it is never deleted: a mistake is corrected
(the old wording is kept as a :class:`NoteRevision`, with who corrected it, when
and why), and a note written on the wrong record is marked "entered in error"
with a reason, struck through but still readable by those who could read it.
"""

from __future__ import annotations

from django.db import models

from locus.access.models import Team, recorded_fields, set_aside_fields, set_aside_has_reason
from locus.common.modelkit import dated_indexes, dated_meta, exactly_one, optional_fk


class NoteKind(models.TextChoices):
    HOME_VISIT = "home_visit", "Home visit"
    VISIT = "visit", "Visit (school, placement or elsewhere)"
    CALL = "call", "Telephone or video call"
    MEETING = "meeting", "Meeting"
    OBSERVATION = "observation", "Observation"
    DIRECT_WORK = "direct_work", "Direct work"
    MESSAGE = "message", "Email, letter or text message"
    MANAGEMENT = "management", "Management oversight"
    OTHER = "other", "Other"


class CaseNote(models.Model):
    class Subject(models.TextChoices):
        """What a note is written on: exactly one of a child, a context case, a peer group."""

        PERSON = "person", "Child"
        CASE = "case", "Context case"
        GROUP = "group", "Peer group"

    # A person purged under the retention rules takes the notes written on them.
    person = optional_fk("people.Person", "case_notes", on_delete=models.CASCADE)
    case = optional_fk("casework.ContextCase", "case_notes")
    group = optional_fk("places.Context", "case_notes")
    kind = models.CharField(max_length=12, choices=NoteKind.choices)
    kind_other = models.CharField(
        max_length=100, blank=True, help_text="What kind of contact, when the kind is Other."
    )
    contact_on = models.DateField(help_text="The day of the contact, not of the writing.")
    contact_at = models.TimeField(null=True, blank=True)
    present = models.TextField(
        blank=True, help_text="Who else was there: family members, other professionals."
    )
    present_workers = models.ManyToManyField("access.Worker", blank=True, related_name="+")
    children = models.ManyToManyField(
        "people.Person", blank=True, related_name="named_in_notes", help_text="Children named."
    )
    summary = models.CharField(max_length=200)
    text = models.TextField()
    author = models.ForeignKey("access.Worker", on_delete=models.PROTECT, related_name="+")
    # Kept from the writing: a manager of this team corrects the note (access/notes.py), not
    # of whichever team the author moves to later.
    author_team = optional_fk(
        Team, help_text="The author's team when written: its managers may correct it."
    )
    recorded_at = models.DateTimeField()
    in_error_at, in_error_by, in_error_reason = set_aside_fields()

    class Meta:
        ordering = ["-contact_on", "-contact_at", "-id"]
        indexes = dated_indexes("contact_on", "person", "case", "group")
        constraints = [
            exactly_one("case_note_one_subject", "person", "case", "group"),
            set_aside_has_reason("case_note_error_has_reason"),
        ]

    def __str__(self) -> str:
        return f"Case note {self.pk}: {self.summary}"

    @property
    def subject(self) -> str:
        if self.person_id is not None:
            return self.Subject.PERSON
        return self.Subject.CASE if self.case_id is not None else self.Subject.GROUP

    @property
    def kind_label(self) -> str:
        return self.kind_other if self.kind == NoteKind.OTHER else self.get_kind_display()

    @property
    def in_error(self) -> bool:
        return self.in_error_at is not None


class NoteRevision(models.Model):
    """A note's wording before a correction: kept, never changed, shown with the note."""

    note = models.ForeignKey(CaseNote, on_delete=models.CASCADE, related_name="revisions")
    kind = models.CharField(max_length=12, choices=NoteKind.choices)
    kind_other = models.CharField(max_length=100, blank=True)
    contact_on = models.DateField()
    contact_at = models.TimeField(null=True, blank=True)
    present = models.TextField(blank=True)
    summary = models.CharField(max_length=200)
    text = models.TextField()
    corrected_by, corrected_at = recorded_fields()
    reason = models.TextField()

    Meta = dated_meta("corrected_at")

    def __str__(self) -> str:
        return f"Note {self.note_id} before the correction of {self.corrected_at:%d/%m/%Y}"

    @property
    def kind_label(self) -> str:
        return self.kind_other if self.kind == NoteKind.OTHER else self.get_kind_display()
