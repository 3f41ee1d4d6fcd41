"""The subject access pages, under /data/subject-access/: the data team's only (404 for
anyone else, from the selectors and services)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render

from locus.access import subjectaccess as rules
from locus.access.models import Worker
from locus.audit.models import AccessAction
from locus.audit.services import record_access
from locus.common.downloads import as_attachment
from locus.common.http import AuthedRequest
from locus.common.pages import (
    created,
    form_page,
    logged_form_page,
    logged_page,
    posted,
    submitted,
)
from locus.common.pagination import paginate
from locus.people.picker import Picker
from locus.subjectaccess import package, selectors, services
from locus.subjectaccess.forms import (
    ApproveForm,
    ChangeApproverForm,
    CloseForm,
    ExportForm,
    ExtendForm,
    RequestForm,
    ReturnForm,
    UpdateForm,
)
from locus.subjectaccess.models import RequestStatus, SubjectAccessPackage, SubjectAccessRequest

STATUS_FILTER = [("open", "Open"), *RequestStatus.choices, ("", "All")]


def request_list(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    rows = selectors.requests_for(request.user, status=status)
    page, params = paginate(request, rows)
    record_access(
        actor=request.user,
        record_type="subjectaccess.subjectaccessrequest",
        action=AccessAction.SEARCH,
        detail={"status": status, "shown": [r.pk for r in page]},
        people=[r.person_id for r in page if r.person_id],
    )
    return render(
        request,
        "subjectaccess/list.html",
        {"page": page, **params, "status": status, "statuses": STATUS_FILTER},
    )


def request_new(request: AuthedRequest) -> HttpResponse:
    selectors.requests_for(request.user)  # the data team only, before anything is shown
    data = posted(request)
    picker = Picker(request.user, data or {}, ["person"])
    finding = picker.searching
    form = RequestForm(
        None if finding else data,
        initial=data.dict() if finding else None,
        picker=picker,
        team=selectors.data_team(),
    )
    made = created(
        request,
        form,
        lambda: services.request_log(actor=request.user, **form.service_values()),
        "Request logged",
    )
    if made is not None:
        return redirect("subject-access-request", request_id=made.pk)
    picker.audit("subject-access-new")
    return form_page(
        request,
        "subjectaccess/form.html",
        form,
        heading="Log a subject access request",
        button="Log the request",
        intro="The deadline is one calendar month from the day the request was received.",
    )


def _page(request: AuthedRequest, sar: SubjectAccessRequest, **context: object) -> HttpResponse:
    """The request's page: the read names the request and its subject (the request's own
    record), and the exports it lists, by id."""
    packages = selectors.packages_of(sar, request.user)
    return logged_page(
        request,
        "subjectaccess/request.html",
        about=sar,
        detail={"packages_shown": [row.package.pk for row in packages]},
        context={
            "r": sar,
            "packages": packages,
            "keep_days": package.KEEP_DAYS,
            "export_form": context.pop("export_form", None) or _export_form(request, None),
            **context,
        },
    )


def request_page(request: AuthedRequest, request_id: int) -> HttpResponse:
    return _page(request, selectors.request_of(request.user, request_id))


def _export_form(request: AuthedRequest, data: object) -> ExportForm:
    return ExportForm(data, approvers=selectors.approvers_for(request.user))


def request_export(request: AuthedRequest, request_id: int) -> HttpResponse:
    sar = selectors.request_of(request.user, request_id)
    form = _export_form(request, posted(request))
    if submitted(
        request,
        form,
        lambda: package.package_make(actor=request.user, request=sar, **form.service_values()),
        "Export asked for: it is listed below, ready to download once prepared",
    ):
        return redirect("subject-access-request", request_id=sar.pk)
    return _page(request, sar, export_form=form)


def package_download(request: AuthedRequest, request_id: int, package_id: int) -> FileResponse:
    sar = selectors.request_of(request.user, request_id)
    made = selectors.package_of(sar, package_id)
    path = package.package_file(request.user, made)
    response = FileResponse(path.open("rb"), content_type="application/zip")
    return as_attachment(response, f"{sar.reference}.zip")


def _step(
    request: AuthedRequest,
    request_id: int,
    form_class: type,
    run: object,
    heading: str,
    button: str,
    success: str,
    **form_kwargs: object,
) -> HttpResponse:
    sar = selectors.request_of(request.user, request_id)
    kwargs = {k: (v(sar) if callable(v) else v) for k, v in form_kwargs.items()}
    initial = kwargs.pop("initial", None)
    form = form_class(posted(request), initial=initial, **kwargs)
    assert callable(run)
    if submitted(request, form, lambda: run(sar, form), success):
        return redirect("subject-access-request", request_id=sar.pk)
    # A step on one export shows it (when and by whom it was made, its size): named by id.
    made = kwargs.get("package")
    return logged_form_page(
        request,
        "subjectaccess/form.html",
        form,
        about=sar,
        heading=heading,
        button=button,
        shown={"package": made.pk} if isinstance(made, SubjectAccessPackage) else None,
        r=sar,
    )


def request_update(request: AuthedRequest, request_id: int) -> HttpResponse:
    return _step(
        request,
        request_id,
        UpdateForm,
        lambda sar, form: services.request_update(
            actor=request.user, request=sar, **form.service_values()
        ),
        "Update the request",
        "Save",
        "Request updated",
        team=lambda _: selectors.data_team(),
        status=lambda sar: sar.status,
        initial=lambda sar: {
            "assigned_to": sar.assigned_to_id,
            "identity_checked_on": sar.identity_checked_on,
            "identity_check": sar.identity_check,
            "notes": sar.notes,
        },
    )


def _form_step(
    form_class: type, service: Callable[..., object], heading: str, button: str, success: str
) -> Callable[[AuthedRequest, int], HttpResponse]:
    """A step whose form's values are the service's arguments as they are (extend, close)."""

    def view(request: AuthedRequest, request_id: int) -> HttpResponse:
        return _step(
            request,
            request_id,
            form_class,
            lambda sar, form: service(actor=request.user, request=sar, **form.cleaned_data),
            heading,
            button,
            success,
        )

    return view


def _package_extra(
    request: AuthedRequest,
    made: Callable[[SubjectAccessRequest], SubjectAccessPackage],
    *,
    offer: bool,
) -> dict[str, Callable[[SubjectAccessRequest], object]]:
    """What a step's form takes besides the export: whom its approver may be changed to
    (``offer``), or whether the page links the worker to the export's file to check it."""
    if offer:
        return {"approvers": lambda sar: selectors.approvers_instead(made(sar), request.user)}
    return {"may_check": lambda sar: rules.may_download(request.user, made(sar))}


def _package_step(
    form_class: type,
    service: Callable[..., object],
    heading: str,
    button: str,
    success: str,
    *,
    may: Callable[[Worker, SubjectAccessPackage], bool],
    offer: bool = False,
) -> Callable[[AuthedRequest, int, int], HttpResponse]:
    """A step on one export of the request (approve, return, change its approver): the
    form's ``service_values`` are the service's arguments, with the export; ``may``: who
    takes the step (anyone else: "not found", form and all); ``offer``: the form offers whom
    its approver may be changed to."""

    def view(request: AuthedRequest, request_id: int, package_id: int) -> HttpResponse:
        def made(sar: SubjectAccessRequest) -> SubjectAccessPackage:
            return selectors.package_for_step(sar, package_id, request.user, may)

        return _step(
            request,
            request_id,
            form_class,
            lambda sar, form: service(
                actor=request.user, package=form.package, **form.service_values()
            ),
            heading,
            button,
            success,
            package=made,
            **_package_extra(request, made, offer=offer),
        )

    return view


# The named approver's check of an export: approve its release, saying why; or return it
# unapproved, saying what is wrong. Or another member of the data team names someone else
# to check it, in place of the approver named (away).
package_approve = _package_step(
    ApproveForm,
    package.package_approve,
    "Approve the release of the export",
    "Approve the release",
    "Release approved: the export may now be downloaded and sent",
    may=rules.may_decide_release,
)
package_return = _package_step(
    ReturnForm,
    package.package_return,
    "Return the export without approving it",
    "Return it",
    "Export returned: its maker is told to make a new one",
    may=rules.may_decide_release,
)
package_change_approver = _package_step(
    ChangeApproverForm,
    package.package_change_approver,
    "Name someone else to check the export",
    "Name them",
    "Approver changed: they are told, and the one named before no longer is",
    may=rules.may_change_approver,
    offer=True,
)


request_extend = _form_step(
    ExtendForm, services.request_extend, "Extend the deadline", "Extend", "Deadline extended"
)
request_close = _form_step(
    CloseForm, services.request_close, "Close the request", "Close the request", "Request closed"
)
