from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from locus.access import lookups, policies
from locus.audit.services import record_access
from locus.common.http import AuthedRequest
from locus.incidents.selectors import involvement_views
from locus.peers import selectors


def group_page(request: AuthedRequest, group_id: int) -> HttpResponse:
    group = lookups.access_group(request.user, group_id)
    record_access(actor=request.user, obj=group)
    detail = selectors.group_detail(viewer=request.user, group=group)
    return render(
        request,
        "peers/group.html",
        {
            "d": detail,
            "group": group,
            "involvements": involvement_views(viewer=request.user, incidents=detail.incidents),
            "can_edit": policies.can_edit_context(request.user, group),
        },
    )
