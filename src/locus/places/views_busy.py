"""A place's co-presence rule: set or changed, and removed, by a manager of a team.

The place's own page shows the rule, its history and why Locus suggests the place is busy,
with the forms for a manager; these views take the forms' posts and, when a post is refused,
show the form again with the refusal on its fields.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect

from locus.access import lookups
from locus.access import places as access_places
from locus.common.forms import GovukForm
from locus.common.http import AuthedRequest
from locus.common.pages import form_page, posted, submitted
from locus.common.services import permitted
from locus.places import selectors, services
from locus.places.forms_busy import CoPresenceRemoveForm, CoPresenceRuleForm
from locus.places.models import Context


def _back(context: Context) -> HttpResponse:
    return redirect(f"/contexts/{context.pk}/#co-presence")


def _form_page(
    request: AuthedRequest, context: Context, form: GovukForm, heading: str, button: str
) -> HttpResponse:
    return form_page(
        request,
        "places/co_presence.html",
        form,
        heading=heading,
        button=button,
        place=context,
        busy_reason=selectors.busy_reason(context),
        back=f"/contexts/{context.pk}/#co-presence",
    )


def rule_set(request: AuthedRequest, context_id: int) -> HttpResponse:
    context = lookups.access_context(request.user, context_id)
    permitted(access_places.can_set_co_presence_rule, request.user, context)
    form = CoPresenceRuleForm(posted(request))

    def run() -> None:
        services.co_presence_rule_set(actor=request.user, context=context, **form.cleaned_data)

    if submitted(request, form, run, "Co-presence rule set"):
        return _back(context)
    heading = f"Set the co-presence rule for {context.name}"
    return _form_page(request, context, form, heading, "Set the rule")


def rule_remove(request: AuthedRequest, context_id: int) -> HttpResponse:
    context = lookups.access_context(request.user, context_id)
    permitted(access_places.can_set_co_presence_rule, request.user, context)
    form = CoPresenceRemoveForm(posted(request), prefix="remove")

    def run() -> None:
        reason = form.cleaned_data["reason"] or ""
        services.co_presence_rule_remove(actor=request.user, context=context, reason=reason)

    if submitted(request, form, run, "Co-presence rule removed"):
        return _back(context)
    heading = f"Remove the co-presence rule for {context.name}"
    return _form_page(request, context, form, heading, "Remove the rule")
