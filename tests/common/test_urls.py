"""Url patterns written as a (route, view, name) table."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from locus.common.urls import routes


def _view(request: HttpRequest) -> HttpResponse:
    return HttpResponse()


def test_each_row_is_one_named_pattern_in_order() -> None:
    patterns = routes(("a/", _view, "first"), ("<int:n>/", _view, "second"))
    assert [(str(p.pattern), p.name, p.callback) for p in patterns] == [
        ("a/", "first", _view),
        ("<int:n>/", "second", _view),
    ]


def test_the_tables_keep_their_addresses() -> None:
    assert reverse("meeting-share-withdraw", args=[1, "x"]) == (
        "/meetings/1/children/x/share/withdraw/"
    )
    assert reverse("intervention-update", args=[1, 2]) == "/meetings/1/interventions/2/update/"
    assert reverse("panel-action-update", args=[3, 4]) == "/panels/3/actions/4/update/"
