"""The caseload page's links found in the borough's evidence loaded ahead (``borough_evidence``)
are exactly those found by reading the evidence around the caseload: the same links in the same
order, on the same evidence, worded and named the same for each viewer. The cache holds ids and
numbers only, and a change that feeds the links puts the page back on reading around."""

from __future__ import annotations

import pickle
from typing import Any

import numpy as np
import pytest
from django.core.cache import cache

from locus.access.models import Worker
from locus.common import clock
from locus.demo.generator import generate_borough
from locus.incidents.models import Incident
from locus.linked import borough_evidence, selectors
from locus.linked.selectors import CaseloadLinks, LinkedCase
from locus.people.models import Allocation, Person
from locus.places.models import Context, CoPresenceMode, CoPresenceRule
from locus.places.services import co_presence_rule_set
from tests.factories import World
from tests.linked.test_linked_pages import associate, linked

pytestmark = pytest.mark.django_db
__all__ = ["linked"]  # the fixture, used by name

CASELOADS = 8  # the workers holding most children, whose pages are compared


def _ids(loaded: Any, case: LinkedCase, table: Any, k: int) -> tuple[Any, ...]:
    """One link as database ids and counts: what it rests on, whichever arrays it came from."""
    link = table.rows.link(k)
    inc, place = loaded.incident_ids, loaded.place_ids
    return (
        case.child.pk,
        case.other_id,
        case.tier,
        case.counts,
        sorted(int(loaded.association_ids[e]) for e in link.direct_edges),
        sorted(int(loaded.person_ids[c]) for c in link.shared_associates),
        sorted(int(inc[i]) for i in link.shared_incidents),
        sorted((int(inc[a]), int(inc[b]), int(place[p])) for a, b, p in link.co_presence),
    )


def _page(result: CaseloadLinks) -> list[tuple[Any, ...]]:
    """Every link in order, with what a page shows of it (filled for the viewer)."""
    table = result._table
    if table is None:
        return []
    cases = result.links
    index = {id(c): k for k, c in table._cases.items()}
    return [
        (
            *_ids(table.loaded, case, table, index[id(case)]),
            case.other.pk if case.other is not None else None,
            case.evidence.reasons,
            case.evidence.places,
            [i.pk for i in case.evidence.incidents],
            [a.pk for a in case.evidence.associations],
            [p.pk for p in case.evidence.associates],
            [h.pk for h in case.holders],
        )
        for case in cases
    ] + [
        ("parts", {name: len(getattr(result, name)) for name in ("strong", "weak", "reviewed")}),
        (
            "teams",
            [(t.team.pk, t.cases, t.tiers, [w.pk for w in t.workers]) for t in result.weak_by_team],
        ),
    ]


def _both(worker: Worker, viewer: Worker) -> tuple[CaseloadLinks, CaseloadLinks]:
    focus = selectors.caseload_seen_by(viewer, worker)
    kwargs: dict[str, Any] = {
        "viewer": viewer,
        "focus": focus,
        "exclude_holders": [worker.pk],
        "review_team": worker.team_id,
    }
    return selectors.linked_cases(**kwargs), selectors.linked_cases(**kwargs, ahead=True)


@pytest.fixture
def borough() -> None:
    generate_borough(seed=7, people=300)
    # Records a page must never draw on: restricted incidents (kept out of every load), and
    # places under managers' rules (excluded, a narrower window, out of hours only).
    incidents = list(Incident.objects.order_by("id").values_list("id", flat=True))
    Incident.objects.filter(id__in=incidents[::7]).update(restricted=True)
    busiest = list(Context.objects.order_by("id").values_list("id", flat=True))[:12]
    manager = Worker.objects.filter(is_active=True).order_by("id").first()
    for context_id, mode, days in zip(
        busiest[::4],
        [CoPresenceMode.EXCLUDE, CoPresenceMode.WINDOW, CoPresenceMode.OUT_OF_HOURS],
        [None, 3, None],
        strict=True,
    ):
        CoPresenceRule.objects.create(
            context_id=context_id,
            mode=mode,
            window_days=days,
            reason="test",
            set_by=manager,
            set_at=clock.now(),
        )
    borough_evidence.work_out_borough_evidence.call()


def _busiest_holders() -> list[Worker]:
    counts: dict[int, int] = {}
    for worker_id in Allocation.objects.current().values_list("worker_id", flat=True):
        counts[worker_id] = counts.get(worker_id, 0) + 1
    chosen = sorted(counts, key=lambda w: (-counts[w], w))[:CASELOADS]
    return list(Worker.objects.filter(id__in=chosen).order_by("id"))


def test_the_evidence_ahead_gives_the_same_links_as_reading_around(borough: None) -> None:
    loaded = borough_evidence.fresh_evidence(ask=False)
    assert loaded is not None
    assert not np.isin(
        loaded.incident_ids, list(Incident.objects.filter(restricted=True).values_list("id"))
    ).any()
    found = 0
    for worker in _busiest_holders():
        around, ahead = _both(worker, worker)
        assert ahead._table is not None and ahead._table.loaded is loaded  # the fast path
        assert around._table is not None and around._table.loaded is not loaded
        assert _page(ahead) == _page(around)
        found += len(ahead)
    assert found > 50  # the borough gives these caseloads links of every kind to compare
    assert ahead._table is not None


def test_another_viewer_sees_the_same_through_either_path(borough: None) -> None:
    """A manager viewing a worker's caseload (who may see other children than the worker):
    naming and the incidents shown are the viewer's on both paths."""
    for worker in _busiest_holders()[:3]:
        viewers = Worker.objects.filter(team_id=worker.team_id, is_active=True).exclude(
            pk=worker.pk
        )
        for viewer in viewers[:2]:
            around, ahead = _both(worker, viewer)
            assert _page(ahead) == _page(around)


def test_the_cache_holds_ids_and_numbers_never_names_or_words(
    borough: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    blob = pickle.dumps(cache.get(borough_evidence.DATA_KEY))
    kept = borough_evidence.fresh_evidence(ask=False)
    monkeypatch.setattr(borough_evidence, "_held", None)  # another process: read from the cache
    loaded = borough_evidence.fresh_evidence(ask=False)
    assert loaded is not None and loaded is not kept
    worker = _busiest_holders()[0]
    assert _page(_both(worker, worker)[1]) == _page(_both(worker, worker)[0])
    for array in (loaded.person_ids, loaded.incident_ids, loaded.place_ids, loaded.place_window):
        assert array.dtype.kind in "iu"
    for given, family in Person.objects.values_list("given_name", "family_name")[:200]:
        assert given.encode() not in blob and family.encode() not in blob
    for name in Context.objects.values_list("name", flat=True)[:200]:
        assert name.encode() not in blob
    summaries = Incident.objects.exclude(summary="").values_list("summary", flat=True)[:50]
    assert all(s.encode() not in blob for s in summaries)


def test_a_change_that_feeds_the_links_sends_the_page_back_to_reading_around(
    linked: World,
) -> None:
    w = linked
    borough_evidence.work_out_borough_evidence.call()
    loaded = borough_evidence.fresh_evidence(ask=False)
    assert loaded is not None
    associate(w, w.csc_child, w.other_child)  # a new direct association: a change that feeds
    assert borough_evidence.fresh_evidence(ask=False) is None
    around, ahead = _both(w.social_worker, w.social_worker)
    assert ahead._table is not None and ahead._table.loaded is not loaded
    assert _page(ahead) == _page(around)
    assert w.other_child.pk in [c.other_id for c in ahead.strong]
    # The page asked for it again (the tests' tasks run at once, so it is fresh now).
    fresh = borough_evidence.fresh_evidence(ask=False)
    assert fresh is not None and fresh is not loaded
    around, ahead = _both(w.social_worker, w.social_worker)
    assert ahead._table is not None and ahead._table.loaded is fresh
    assert _page(ahead) == _page(around)


def test_stale_evidence_is_not_used_after_a_place_rule_changes(linked: World) -> None:
    w = linked
    borough_evidence.work_out_borough_evidence.call()
    assert borough_evidence.fresh_evidence(ask=False) is not None
    co_presence_rule_set(
        actor=w.team_manager, context=w.park, mode=CoPresenceMode.EXCLUDE, reason="A busy park"
    )
    assert borough_evidence.fresh_evidence(ask=False) is None
