"""Who may take which export (docs/exports.md).

A list's download follows its page: whoever may open the page may download it, with the same
rows (the export reads through the page's own selector). Three things are rules of their own:

* an export prepared in the background is its asker's alone: nobody else may download it,
  an administrator included (they would read a list made with another worker's sight); and
  its asker only while their sight is the one it was made with: the same role, scope and
  team, every person its rows named still seen (in their own right, if they were then),
  every record its rows are (a context, a peer group, a context case, an incident) and
  every withheld home's address it gave still seen (a file made before they moved team,
  changed role or lost a share would carry the old sight);
* Ofsted's Annex A workbook lists children with their plans and workers: for team
  managers and administrators whose sight covers case records, and in it only the children
  whose legal status their role may see (each list is of a status);
* the pseudonymised analysis extract is for analysts and administrators, whose work is the
  borough's patterns rather than a child.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from locus.access import policies, provisioning, scopes
from locus.access.context_cases import cases_visible_to
from locus.access.fields import PersonField, role_fields
from locus.access.models import Role, Worker
from locus.access.places import address_visible_q
from locus.access.selectors import visible_person_ids
from locus.places.models import Context

# People checked per query when a prepared file's named people are checked again.
_CHECKED_AT_ONCE = 2000


def can_export_case_lists(worker: Worker) -> bool:
    """The case lists (people, caseload, incidents, contexts, groups, context cases, linked
    cases): their pages are for workers who see case records."""
    return scopes.sees_case_records(worker)


def can_export_audit(worker: Worker) -> bool:
    """The audit trail: its readers (auditors and administrators)."""
    return policies.can_view_audit(worker)


def owns_export(worker: Worker, asked_by_id: int) -> bool:
    """Download an export made in the background: only the worker who asked for it, while
    their access is confirmed (not once it waits for a second person: moved team, say)."""
    return provisioning.confirmed(worker) and worker.pk == asked_by_id


def _in_chunks(ids: Collection[int], seen: Callable[[list[int]], Iterable[int]]) -> set[int]:
    """``seen`` asked of ``ids`` 2,000 at a time: the ids it answers."""
    wanted = sorted(set(ids))
    found: set[int] = set()
    for at in range(0, len(wanted), _CHECKED_AT_ONCE):
        found |= set(seen(wanted[at : at + _CHECKED_AT_ONCE]))
    return found


def still_seen(worker: Worker, person_ids: Collection[int], *, shared: bool = True) -> set[int]:
    """Which of ``person_ids`` (people prepared files named) ``worker`` still sees lastingly
    (``shared=False``: in their own right, not through a forum share): sight lost since a file
    was made (a move of team, a new role, a share ended) is lost for the file too, as the same
    export asked for now would leave them out; emergency access (break-glass) never reaches a
    file. A query for each 2,000 people, however many files named them."""
    if scopes.person_filter(worker) is None:
        return set(person_ids)  # a worker who sees everyone
    return _in_chunks(
        person_ids,
        lambda ids: visible_person_ids(worker, ids, break_glass=False, shared=shared),
    )


def seen_through_a_share(worker: Worker, person_ids: Collection[int]) -> set[int]:
    """Which of ``person_ids`` (the people a file just made named) ``worker`` sees only through
    a forum share, so that their rows gave the share's fields: recorded on the run, as the
    others must still be seen in the worker's own right for the file to download."""
    return set(person_ids) - still_seen(worker, person_ids, shared=False)


def sight_of(worker: Worker) -> dict[str, Any]:
    """What a prepared file is made with, recorded on it: its asker's role (the fields it
    shows), scope and team (the people and places it reaches; the agency is the team's)."""
    return {"role": worker.role, "scope": worker.scope, "team": worker.team_id}


# The lists whose rows are records of their own, by the rule that lets a worker see them: a
# row key is the record's id. (People lists are checked by the people they name.)
_RECORDS: dict[str, Callable[[Worker], QuerySet[Any]]] = {
    "contexts": scopes.contexts_visible_to,
    "groups": scopes.contexts_visible_to,
    "context-cases": cases_visible_to,
    "incidents": scopes.incidents_visible_to,
}


# The audit trail names a person by the trail's own rule (by name to a reader who sees them,
# else "person #12"), not by the reader's sight: its people are logged, not checked again (an
# auditor sees no case records, yet reads the trail).
_NAMED_BY_TRAIL = frozenset({"audit"})


@dataclass(frozen=True)
class Prepared:
    """What a prepared file holds, as its run recorded it."""

    key: str  # the list's key
    made_with: Mapping[str, Any]  # :func:`sight_of` its asker when it was made
    people: Collection[int]  # the people its rows named
    rows: Collection[str]  # its rows' keys
    shared: Collection[int] = ()  # of ``people``, those seen only through a forum share
    addresses: Collection[int] = ()  # the withheld homes whose address its rows gave


def _seen_records(worker: Worker, key: str, ids: set[int]) -> set[int]:
    return _in_chunks(
        ids, lambda chunk: _RECORDS[key](worker).filter(id__in=chunk).values_list("id", flat=True)
    )


def _addresses_seen(worker: Worker, ids: set[int]) -> set[int]:
    return _in_chunks(
        ids,
        lambda chunk: Context.objects.filter(address_visible_q(worker), id__in=chunk).values_list(
            "id", flat=True
        ),
    )


def withdrawn_files(worker: Worker, files: Mapping[int, Prepared]) -> set[int]:
    """Which of ``files`` (prepared files of ``worker``'s, by run id) are no longer theirs to
    download: made with another role, scope or team than theirs now (or before that was
    recorded); naming a person they no longer see lastingly, or no longer in their own right
    when the file was made so (it gave their fields, not a forum share's); holding a record
    they no longer see, or a withheld home's address they may no longer see (sight lost
    since, as the same export asked for now would leave it out). The same question for every
    file together: a query for each 2,000 people, records of a kind or addresses, however
    many files hold them."""
    now = sight_of(worker)
    checked = [f for f in files.values() if f.key not in _NAMED_BY_TRAIL]
    named = {pk for f in checked for pk in f.people}
    own = {pk for f in checked for pk in set(f.people) - set(f.shared)}
    people = still_seen(worker, named) if named else set()
    in_own_right = still_seen(worker, own, shared=False) if own else set()
    wanted: dict[str, set[int]] = {}
    for f in files.values():
        if f.key in _RECORDS:
            wanted.setdefault(f.key, set()).update(int(k) for k in f.rows)
    addresses = {pk for f in files.values() for pk in f.addresses}
    with scopes.lasting_sight_only():
        records = {key: _seen_records(worker, key, ids) for key, ids in wanted.items()}
    shown = _addresses_seen(worker, addresses) if addresses else set()

    def unseen(f: Prepared) -> bool:
        rows = {int(k) for k in f.rows} if f.key in records else set()
        who = set() if f.key in _NAMED_BY_TRAIL else set(f.people)
        return (
            not who <= people
            or not (who - set(f.shared)) <= in_own_right
            or not rows <= records.get(f.key, set())
            or not set(f.addresses) <= shown
        )

    return {pk for pk, f in files.items() if dict(f.made_with) != now or unseen(f)}


def can_export_annex_a(worker: Worker) -> bool:
    """Ofsted's Annex A lists: an administrator, or a team manager (``policies.manages_a_team``:
    of a team, their access confirmed) who sees case records (the lists name children in
    need, on plans and in care, with their workers). A manager's account without a team
    manages no team's work, whatever its scope."""
    if policies.is_administrator(worker):
        return True
    return policies.manages_a_team(worker) and scopes.sees_case_records(worker)


def annex_a_lists_anyone(worker: Worker) -> bool:
    """Whether ``worker``'s role may see a child's legal status, without which Annex A lists
    nobody for them: each list puts a child in it by that status (``exports.annex_a_read``)."""
    return PersonField.LEGAL_STATUS in role_fields(worker)


def can_export_for_analysis(worker: Worker) -> bool:
    """The pseudonymised extract: analysts who see case records, and administrators."""
    if policies.is_administrator(worker):
        return True
    return worker.role == Role.ANALYST and scopes.sees_case_records(worker)


def can_store_pseudonym_key(worker: Worker) -> bool:
    """Make a named key for the analysis extract: administrators (the data team)."""
    return policies.is_administrator(worker)
