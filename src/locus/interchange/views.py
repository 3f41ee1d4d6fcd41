"""The data team's import pages: the runs, the upload, a run's check and import.

Every page asks ``access/interchange.py`` first: anyone but an administrator is told the
page does not exist. Each read is audited, with the people the problems it shows name (a
record holding the UPN a return gives another child) as the people shown: a run's page,
those of its page of problems; its rejects file, those of every problem the file lists.
"""

from __future__ import annotations

from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from locus.access import interchange as rules
from locus.audit.models import AccessAction
from locus.audit.services import record_access
from locus.common.http import AuthedRequest
from locus.common.pages import posted, submitted
from locus.common.pagination import paginate
from locus.documents.uploads import uploaded_files
from locus.interchange import selectors, services
from locus.interchange.forms import ConfirmForm, UploadForm
from locus.interchange.models import ImportRun
from locus.interchange.uploads import use_import_limit

RUN = "interchange.importrun"


def imports_page(request: AuthedRequest) -> HttpResponse:
    page, query = paginate(request, selectors.runs(request.user), per_page=25)
    shown = [run.pk for run in page]
    record_access(
        actor=request.user, record_type=RUN, detail={"page": "imports", "runs_shown": shown}
    )
    return render(request, "interchange/list.html", {"page": page, **query})


@csrf_exempt
def import_upload(request: AuthedRequest) -> HttpResponse:
    # The import's own size limit must be in place before anything reads the request,
    # the CSRF check included: so the check runs here, after the swap (Django's way).
    rules.require_importer(request.user)
    if request.method == "POST":
        use_import_limit(request)
    return csrf_protect(_upload)(request)


def _upload(request: AuthedRequest) -> HttpResponse:
    form = UploadForm(
        posted(request),
        uploaded_files(request) if request.method == "POST" else None,
        kinds=selectors.kinds(),
    )
    made: list[ImportRun] = []

    def run() -> None:
        new = services.run_create(
            actor=request.user, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"]
        )
        made.append(services.run_check(actor=request.user, run=new))

    if request.method == "GET":
        record_access(actor=request.user, record_type=RUN, detail={"page": "import upload"})
    elif submitted(request, form, run, "File uploaded: it is being checked"):
        return redirect("import-run", run_id=made[0].pk)
    return render(request, "interchange/upload.html", {"form": form})


def _run_page(request: AuthedRequest, run: ImportRun, form: ConfirmForm) -> HttpResponse:
    page = selectors.run_page(run)
    problems, query = paginate(request, page.problems, per_page=50)
    shown = selectors.people_shown(page, problems)
    record_access(
        actor=request.user,
        obj=run,
        detail={"page": "import run", "state": run.state, "people_shown": shown},
    )
    return render(
        request,
        "interchange/run.html",
        {"p": page, "run": run, "form": form, "problems": problems, "page": problems, **query},
    )


def import_run(request: AuthedRequest, run_id: int) -> HttpResponse:
    run = rules.access_run(request.user, run_id)
    return _run_page(request, run, ConfirmForm())


@require_POST
def import_confirm(request: AuthedRequest, run_id: int) -> HttpResponse:
    run = rules.access_run(request.user, run_id)
    form = ConfirmForm(request.POST)

    def confirm() -> None:
        services.run_confirm(actor=request.user, run=run, valid_only=form.valid_only())

    if submitted(request, form, confirm, "Import started"):
        return redirect("import-run", run_id=run.pk)
    return _run_page(request, run, form)


def _step(request: AuthedRequest, run_id: int, step: str) -> HttpResponse:
    run = rules.access_run(request.user, run_id)
    form = ConfirmForm()
    service = services.run_cancel if step == "cancel" else services.run_retry
    words = "Import cancelled" if step == "cancel" else "Import started again"
    if submitted(request, form, lambda: service(actor=request.user, run=run), words):
        return redirect("import-run", run_id=run.pk)
    return _run_page(request, run, form)


@require_POST
def import_cancel(request: AuthedRequest, run_id: int) -> HttpResponse:
    return _step(request, run_id, "cancel")


@require_POST
def import_retry(request: AuthedRequest, run_id: int) -> HttpResponse:
    return _step(request, run_id, "retry")


def import_rejects(request: AuthedRequest, run_id: int) -> HttpResponse | FileResponse:
    run = rules.access_run(request.user, run_id)
    opened = selectors.rejects_file(run)
    if opened is None:
        return redirect("import-run", run_id=run.pk)
    record_access(
        actor=request.user,
        obj=run,
        action=AccessAction.EXPORT,
        detail={"page": "import rejects"},
        people=selectors.rejects_people(run),
    )
    response = FileResponse(
        opened,
        content_type="text/csv; charset=utf-8",
        as_attachment=True,
        filename=f"rejects-{run.pk}.csv",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
