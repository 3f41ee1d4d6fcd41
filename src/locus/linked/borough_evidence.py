"""The borough's evidence arrays, loaded ahead by a background task and kept in the shared cache.

A caseload's linked cases need the evidence around thirty children: at borough size, reading it
from the database is thousands of rows and most of the page's time, while finding the links in
arrays already loaded takes milliseconds. So a task (``work_out_borough_evidence``, run by
``locus worker``) loads the whole borough's evidence (``evidence.load_borough``, the same rules
as ``load_around``) and keeps it in the cache, and the caseload page finds its links in it.

What is cached is database ids, day numbers, place flags and the analysis's integer codes: no
name, no word, nothing about who asks. Need to know is applied when a page is read, exactly as
on the page's other path (``selectors``: naming, the incidents a viewer may see, harm kinds).

Only fresh evidence is used: it is stamped with the latest recorded change when its loading
began (as the borough's clusters are, ``data_version``), and a change since to a record that
feeds the links (associations, incidents, involvements, allocations, people, workers, teams,
places and their co-presence rules) makes it stale. Stale or missing, the page loads around
the caseload as before (the same links, in the same order) and asks for it to be loaded again.

Each process keeps the last evidence it read, under a random token stored beside the stamp (never
under the change id alone: a rolled-back change's id is given again), so a page costs two small
cache and change-table reads once the evidence is in memory.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.core.cache import cache
from django_tasks import task

from locus.access.models import Team, Worker
from locus.audit.models import ChangeEvent
from locus.incidents.models import Incident, Involvement
from locus.linked.evidence import LoadedEvidence, load_borough
from locus.peers.models import Association
from locus.people.models import Allocation, Person
from locus.places.models import Context, ContextMerge, CoPresenceRule

# The records whose changes can change the borough's clusters.
FEEDS = tuple(m._meta.label_lower for m in (Association, Incident, Involvement, Allocation))
FEEDS += tuple(m._meta.label_lower for m in (Person, Worker, Team))
# ... and the evidence arrays (a place's kind and its co-presence rule are in them).
EVIDENCE_FEEDS = FEEDS + tuple(m._meta.label_lower for m in (Context, ContextMerge, CoPresenceRule))
LOOK_BACK = 5_000  # recorded changes read to tell whether a result is stale
# How long "being loaded" holds before another page may ask again (a worker that died mid-task
# must not leave the pages on the slower path for ever).
ASKED_SECONDS = 10 * 60

# The keys carry the version of the rules the evidence was loaded by: a release that changes
# what links (homes and peer groups giving no co-presence, version 2) reads none loaded before.
STAMP_KEY = "linked-evidence:2:stamp"
DATA_KEY = "linked-evidence:2:data"
ASKED_KEY = "linked-evidence:2:asked"


def data_version() -> int:
    """The id of the latest recorded change (0: none yet)."""
    return ChangeEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def changed_since(version: int, feeds: tuple[str, ...] = FEEDS) -> bool:
    """Whether a change to a record of one of ``feeds`` was recorded after ``version``."""
    since = list(
        ChangeEvent.objects.filter(id__gt=version)
        .order_by("id")
        .values_list("record_type", flat=True)[:LOOK_BACK]
    )
    return len(since) == LOOK_BACK or any(kind in feeds for kind in since)


@dataclass(frozen=True)
class Stamp:
    """Which evidence the cache holds: as of which change, under which token."""

    version: int
    token: str


# This process's copy of the evidence last read from the cache: (token, evidence).
_held: tuple[str, LoadedEvidence] | None = None


@task()
def work_out_borough_evidence() -> int:
    """Load the borough's evidence and cache it; returns how many people it covers. The
    process that ran it keeps it too (as if it had read it back)."""
    global _held
    try:
        # Read before the records are: a change made while this runs leaves the result stale.
        version = data_version()
        loaded = load_borough()
        loaded.evidence.prepare()  # the lookups built here, not on each reader's first page
        token = secrets.token_hex(16)
        # The data first: a reader that finds the new stamp finds its data, or none (a reader
        # with the old stamp and the new data sees the tokens differ and loads around instead).
        cache.set(DATA_KEY, (token, loaded), timeout=None)
        cache.set(STAMP_KEY, Stamp(version, token), timeout=None)
        _held = (token, loaded)
        return len(loaded.person_ids)
    finally:
        cache.delete(ASKED_KEY)


def fresh_evidence(*, ask: bool) -> LoadedEvidence | None:
    """The borough's evidence if the cache holds it and nothing that feeds it has changed
    since; else None, and (``ask``) the task asked to load it, once until it has run."""
    global _held
    stamp = cache.get(STAMP_KEY)
    if not isinstance(stamp, Stamp) or changed_since(stamp.version, EVIDENCE_FEEDS):
        if ask and cache.add(ASKED_KEY, True, timeout=ASKED_SECONDS):
            work_out_borough_evidence.enqueue()
        return None
    if _held is not None and _held[0] == stamp.token:
        return _held[1]
    found = cache.get(DATA_KEY)
    if not (isinstance(found, tuple) and len(found) == 2 and found[0] == stamp.token):
        return None
    if not isinstance(found[1], LoadedEvidence):
        return None
    _held = (stamp.token, found[1])
    return found[1]
