"""A school's roll: its pupils and leavers, adding a pupil and recording a leaver.

Kept by the school's own safeguarding staff and administrators (``access/rolls.py``);
anyone else is answered "not found", the same as for a school that does not exist.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect

from locus.access import rolls
from locus.audit.models import AccessAction
from locus.audit.services import record_access
from locus.common.http import AuthedRequest
from locus.common.pages import form_page, logged_form_page, logged_page, posted, submitted
from locus.common.pagination import paginate
from locus.common.services import today
from locus.places import selectors, services
from locus.places.forms import PupilAddForm, PupilLeaveForm

# How a school's roll reads: those on it now, or those who have left.
SHOWING = {"current": "Current pupils", "left": "Leavers"}


def roll_page(request: AuthedRequest, school_id: int) -> HttpResponse:
    school = rolls.roll_school(request.user, school_id)
    showing = request.GET.get("showing", "current")
    if showing not in SHOWING:
        showing = "current"
    name = request.GET.get("name", "").strip()[:100]
    rows = selectors.roll_for(
        viewer=request.user, school=school, leavers=showing == "left", name=name
    )
    page, paging = paginate(request, rows)
    page.object_list = selectors.name_roll_page(viewer=request.user, enrolments=list(page))
    # A roll names children: each page read is logged with whom it showed.
    return logged_page(
        request,
        "places/rolls/roll.html",
        about=school,
        action=AccessAction.SEARCH if name else AccessAction.VIEW,
        detail={
            "showing": showing,
            **({"name": name} if name else {}),
            "people_shown": [e.person_id for e in page],
        },
        context={
            "school": school,
            "page": page,
            "showing": showing,
            "showings": SHOWING,
            "name": name,
            **paging,
        },
    )


def pupil_add(request: AuthedRequest, school_id: int) -> HttpResponse:
    school = rolls.roll_school(request.user, school_id)
    q = (request.POST if request.method == "POST" else request.GET).get("q", "").strip()[:100]
    candidates = selectors.pupil_candidates(viewer=request.user, q=q)
    form = PupilAddForm(posted(request), candidates=candidates, initial={"start": today()})

    def run() -> None:
        services.enrolment_create(
            actor=request.user,
            person=form.chosen(),
            school=school,
            start=form.cleaned_data["start"],
        )

    if submitted(request, form, run, "Added to the roll"):
        return redirect("school-roll", school_id=school.pk)
    if q:
        # The search names the young people it found: logged as a search of people.
        record_access(
            actor=request.user,
            record_type="people.person",
            action=AccessAction.SEARCH,
            detail={"q": q, "people_shown": [p.pk for p in candidates]},
        )
    return form_page(
        request,
        "places/rolls/add.html",
        form,
        heading="Add a pupil",
        button="Add to the roll",
        school=school,
        q=q,
        found=len(candidates),
    )


def pupil_leave(request: AuthedRequest, school_id: int, enrolment_id: int) -> HttpResponse:
    school = rolls.roll_school(request.user, school_id)
    enrolment = rolls.roll_enrolment(request.user, school, enrolment_id)
    form = PupilLeaveForm(posted(request), initial={"end": today()})
    pupil = enrolment.person  # read with the roll; the service reads the enrolment anew

    def run() -> None:
        services.enrolment_end(actor=request.user, enrolment=enrolment, **form.cleaned_data)

    if submitted(request, form, run, "Leaving recorded: it stays in the pupil's school history"):
        return redirect("school-roll", school_id=school.pk)
    return logged_form_page(
        request,
        "places/rolls/leave.html",
        form,
        about=pupil,
        read="record leaving",
        heading="Record leaving",
        button="Record leaving",
        school=school,
        enrolment=enrolment,
        intro="The pupil comes off the roll. Their time here stays in their school history.",
    )
