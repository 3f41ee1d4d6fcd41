"""Who opens, changes and ends a child's legal-status episodes.

An episode held by an agency gives that agency sight of the child (``scopes``), so an
agency opens, changes and ends only its own: a worker allowed to change the child's
record cannot close another agency's youth justice order or child protection plan,
and so take away that agency's sight of the child. Administrators act for any agency.

An agency acts through the team that holds the child: the holder of an open allocation in
the team they are in now, or a manager of that team. A holder who has moved to another
team keeps the allocation (and their sight of the child) until it is moved, but acts for
their new team's agency, which does not hold the child: an episode they opened in its name
would give that whole agency sight of the child, and ending one of its episodes is not
theirs to do either.
"""

from __future__ import annotations

from locus.access import lookups, policies
from locus.access.models import Agency, Worker
from locus.common.errors import NotPermitted
from locus.people.models import LegalStatusEpisode, Person


def acts_for(worker: Worker, agency_id: int | None) -> bool:
    """``worker`` may hold an episode for the agency ``agency_id``: their own, or any for an
    administrator."""
    if policies.is_administrator(worker):
        return True
    return agency_id is not None and worker.agency_id == agency_id


def chooses_agency(worker: Worker) -> bool:
    """Only an administrator opens an episode for an agency other than their own."""
    return policies.is_administrator(worker)


def holding_agency(worker: Worker, chosen: Agency | None) -> Agency:
    """The agency that holds an episode ``worker`` opens: the one an administrator chose,
    otherwise the worker's own (whatever was posted)."""
    agency = chosen if chooses_agency(worker) else worker.team.agency if worker.team else None
    if agency is None:
        raise NotPermitted("an episode is held by an agency")
    return agency


def can_open_episode(worker: Worker, person: Person, *, may_edit: bool | None = None) -> bool:
    """Open an episode for ``person`` (held by the worker's own agency, ``holding_agency``):
    who may change the child's record, through the team they are in now; an administrator
    for any agency. ``may_edit``: ``policies.can_edit_person`` already asked (a page that
    asked it need not read it again)."""
    if may_edit is None:
        may_edit = policies.can_edit_person(worker, person)
    return may_edit


def can_change_episode(worker: Worker, episode: LegalStatusEpisode) -> bool:
    """Change or end ``episode``: who may open one for the child, of the holding agency."""
    return acts_for(worker, episode.agency_id) and can_open_episode(worker, episode.person)


def access_episode(worker: Worker, person_id: object, episode_id: object) -> LegalStatusEpisode:
    """One of a child's episodes, for a worker who sees the child; 404 otherwise (a missing
    child, a child out of sight, or an episode of another child all answer the same)."""
    person = lookups.access_person(worker, person_id)
    episode = lookups.one_or_404(person.episodes.select_related("agency"), episode_id)
    episode.person = person  # already read, with the worker's sight of them
    return episode
