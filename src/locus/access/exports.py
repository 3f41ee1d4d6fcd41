"""Who may take which export (docs/exports.md).

A list's download follows its page: whoever may open the page may download it, with the same
rows (the export reads through the page's own selector). Three things are rules of their own:

* an export prepared in the background is its asker's alone: nobody else may download it,
  an administrator included (they would read a list made with another worker's sight); and
  its asker only while they still may take that export and still see everyone its rows
  named (a file made before they moved team or lost a share would carry the old sight);
* Ofsted's Annex A workbook lists children with their plans and workers: for team
  managers and administrators whose sight covers case records, and in it only the children
  whose legal status their role may see (each list is of a status);
* the pseudonymised analysis extract is for analysts and administrators, whose work is the
  borough's patterns rather than a child.
"""

from __future__ import annotations

from collections.abc import Collection

from locus.access import policies, scopes
from locus.access.fields import PersonField, role_fields
from locus.access.models import Role, Worker
from locus.access.selectors import visible_person_ids

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
    """Download an export made in the background: only the worker who asked for it."""
    return worker.is_active and worker.pk == asked_by_id


def still_seen(worker: Worker, person_ids: Collection[int]) -> set[int]:
    """Which of ``person_ids`` (people prepared files named) ``worker`` still sees lastingly:
    sight lost since a file was made (a move of team, a new role, a share ended) is lost for
    the file too, as the same export asked for now would leave them out; emergency access
    (break-glass) never reaches a file. A query for each 2,000 people, however many files
    named them."""
    wanted = sorted(set(person_ids))
    if scopes.person_filter(worker) is None:
        return set(wanted)  # a worker who sees everyone
    seen: set[int] = set()
    for at in range(0, len(wanted), _CHECKED_AT_ONCE):
        seen |= visible_person_ids(worker, wanted[at : at + _CHECKED_AT_ONCE], break_glass=False)
    return seen


def sees_everyone_named(worker: Worker, person_ids: Collection[int]) -> bool:
    """Whether ``worker`` still sees every one of ``person_ids`` (:func:`still_seen`)."""
    wanted = set(person_ids)
    return not wanted or still_seen(worker, wanted) == wanted


def can_export_annex_a(worker: Worker) -> bool:
    """Ofsted's Annex A lists: a team manager or an administrator who sees case records (the
    lists name children in need, on plans and in care, with their workers)."""
    if policies.is_administrator(worker):
        return True
    return worker.role == Role.MANAGER and scopes.sees_case_records(worker)


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
