"""Paging lists without counting more than a page needs."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def paginate(request: HttpRequest, items: Any, per_page: int = 50) -> tuple[Page, dict[str, str]]:
    """The requested page (an out-of-range page number gives the last page)
    and the other query parameters, so page links keep the filters."""
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, {"query": params.urlencode()}
