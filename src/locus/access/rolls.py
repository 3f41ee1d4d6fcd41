"""School rolls: who keeps a school's roll, and the roll's pages found for them or 404.

A roll is the school's admissions register: the school's own safeguarding staff keep it
(``policies.can_manage_roll``), and an administrator (the data team) may correct it.
Nobody else reads it whole: another school, children's social care or the police learn
where a child goes to school from the child's own page, for a child they see.
"""

from __future__ import annotations

from django.http import Http404

from locus.access import policies
from locus.access.lookups import one_or_404
from locus.access.models import Worker
from locus.places.models import Context, ContextKind, Enrolment


def roll_school(worker: Worker, school_id: object) -> Context:
    """The school whose roll ``worker`` keeps, or 404 (not a school, or not theirs)."""
    school = one_or_404(
        Context.objects.filter(kind=ContextKind.SCHOOL).select_related("responsible_agency"),
        school_id,
    )
    if not policies.can_manage_roll(worker, school):
        raise Http404("Not found")
    return school


def roll_enrolment(worker: Worker, school: Context, enrolment_id: object) -> Enrolment:
    """A pupil's current place on ``school``'s roll (already found with :func:`roll_school`)."""
    rows = Enrolment.objects.current().filter(school=school).select_related("person", "school")
    enrolment = one_or_404(rows, enrolment_id)
    # Taking a child off is a write about them: only for a child seen in the worker's own right.
    if not policies.can_record_about_person(worker, enrolment.person):
        raise Http404("Not found")
    return enrolment
