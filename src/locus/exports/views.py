"""Downloads: any list a worker may see (CSV or XLSX), "My exports", Annex A and the
pseudonymised extract (docs/exports.md)."""

from __future__ import annotations

import io

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from locus.access import exports as rules
from locus.audit.services import record_access
from locus.common import clock
from locus.common.downloads import as_attachment
from locus.common.errors import NotPermitted, ValidationFailed
from locus.common.http import AuthedRequest
from locus.common.pages import show_refusal
from locus.exports import analysis, annex_a, selectors, services, writers
from locus.exports.forms import AnalysisForm, AnnexAForm, KeyForm, WhyForm
from locus.exports.models import ExportRun
from locus.exports.specs import spec_for


def _queued(request: AuthedRequest, run: ExportRun) -> HttpResponse:
    messages.success(
        request,
        f"{run.title} is being prepared: it will be listed here, ready to download, "
        f"for {services.KEEP_DAYS} days.",
    )
    return redirect("my-exports")


def list_download(request: AuthedRequest, key: str) -> HttpResponse:
    """``/exports/<list>/?format=csv|xlsx&<the page's filters>``: the list as the page shows
    it to this worker, every row; a long one is prepared in the background instead.

    A GET starts nothing: it sends the file at once (logged as a read), or, for a list too long
    for that, a page whose button posts to the same address (with its CSRF token) to have it
    prepared. A link from anywhere would otherwise start exports, kept for days, in the
    worker's name.

    A list that names people first asks why (lawful basis, purpose, recipient): those answers
    are posted to the same address (with its CSRF token), which downloads or prepares it. Never
    taken from the address itself: a link from anywhere would otherwise write a sharing into
    the register in the worker's name, with words it chose."""
    fmt = request.GET.get("format", "csv")
    if fmt not in writers.FORMATS:
        raise Http404("Not found")
    spec = spec_for(request.user, key)
    posted = request.method == "POST"
    why = None
    if spec.names_people:
        form = WhyForm(request.POST if posted else None)
        if not form.is_bound or not form.is_valid():
            return render(request, "exports/why.html", {"form": form, "spec": spec})
        why = services.Why(
            form.basis(), form.cleaned_data["share_purpose"], form.cleaned_data["recipient"]
        )
    result = services.export_list(
        actor=request.user, key=key, query=request.GET, fmt=fmt, why=why, queue=posted
    )
    if isinstance(result, services.TooLong):
        context = {"spec": spec, "fmt": fmt, "result": result, "keep_days": services.KEEP_DAYS}
        return render(request, "exports/long.html", context)
    if isinstance(result, ExportRun):
        return _queued(request, result)
    response = HttpResponse(result.content, content_type=result.content_type)
    return as_attachment(response, result.name)


def my_exports(request: AuthedRequest) -> HttpResponse:
    """The worker's own exports, with their state, and a download link for those ready."""
    runs = list(selectors.runs_for(request.user))
    # Each export is a record of what was taken out: the trail keeps which were listed.
    record_access(
        actor=request.user,
        record_type="exports.exportrun",
        detail={"page": "my exports", "exports_shown": [run.pk for run in runs]},
    )
    return render(
        request,
        "exports/my_exports.html",
        {
            "runs": runs,
            "again": {run.pk for run in runs if services.may_run_again(run)},
            "withdrawn": selectors.withdrawn(request.user, runs),
            "keep_days": services.KEEP_DAYS,
            "can_annex_a": rules.can_export_annex_a(request.user),
            "can_analyse": rules.can_export_for_analysis(request.user),
        },
    )


def run_download(request: AuthedRequest, run_id: int) -> FileResponse:
    """A prepared export's file: its asker only (anyone else, an administrator too: 404)."""
    run, path = selectors.ready_file(request.user, run_id)
    services.download_logged(actor=request.user, run=run)
    response = FileResponse(path.open("rb"), content_type=writers.FORMATS[run.fmt])
    name = services.file_name(run.title, run.fmt)
    as_attachment(response, name)
    return response


@require_POST
def run_again(request: AuthedRequest, run_id: int) -> HttpResponse:
    run = services.run_again(actor=request.user, run=selectors.run_of(request.user, run_id))
    return _queued(request, run)


def annex_a_page(request: AuthedRequest) -> HttpResponse:
    """Ofsted's Annex A lists Locus fills: what is in them, and a button to prepare them."""
    if not rules.can_export_annex_a(request.user):
        raise NotPermitted("not found")
    # An empty form is valid (the period ends today): bound whenever it is posted.
    posted = request.POST if request.method == "POST" else None
    form = AnnexAForm(posted, initial={"end": clock.today()})
    if request.method == "POST" and form.is_valid():
        params = {"end": form.cleaned_data["end"].isoformat()}
        run = services.ask_for_export(
            actor=request.user, key=annex_a.KEY, params=params, fmt="xlsx"
        )
        return _queued(request, run)
    return render(
        request,
        "exports/annex_a.html",
        {
            "form": form,
            "lists": annex_a.LISTS,
            "not_filled": annex_a.NOT_FILLED,
            "lists_anyone": rules.annex_a_lists_anyone(request.user),
        },
    )


def analysis_page(request: AuthedRequest) -> HttpResponse:
    """The pseudonymised extract: choose a key, download the workbook at once."""
    if not rules.can_export_for_analysis(request.user):
        raise NotPermitted("not found")
    keys = [k.name for k in analysis.stored_keys()]
    form = AnalysisForm(request.POST or None, keys=keys)
    if request.method == "POST" and form.is_valid():
        out = io.BytesIO()
        try:
            analysis.analysis_export(
                actor=request.user,
                out=out,
                key=form.cleaned_data["key"],
                key_name=form.cleaned_data["key_name"],
            )
        except ValidationFailed as error:
            show_refusal(form, error)
        else:
            response = HttpResponse(out.getvalue(), content_type=writers.FORMATS["xlsx"])
            return as_attachment(response, services.file_name("Analysis extract", "xlsx"))
    return render(
        request,
        "exports/analysis.html",
        {
            "form": form,
            "key_form": KeyForm() if rules.can_store_pseudonym_key(request.user) else None,
        },
    )


@require_POST
def analysis_key_new(request: AuthedRequest) -> HttpResponse:
    if not rules.can_store_pseudonym_key(request.user):
        raise NotPermitted("not found")
    form = KeyForm(request.POST)
    if form.is_valid():
        try:
            analysis.pseudonym_key_create(actor=request.user, name=form.cleaned_data["name"])
        except ValidationFailed as error:
            messages.error(request, "; ".join(m for ms in error.errors.values() for m in ms))
        else:
            messages.success(request, f"The key {form.cleaned_data['name']} is stored.")
    else:
        messages.error(request, "Enter a name for the key")
    return redirect("exports-analysis")
