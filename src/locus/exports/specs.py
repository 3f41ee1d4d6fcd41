"""The lists a worker may download: one small spec per list.

A spec names the list's columns in words and reads its rows through the *same selector the page
uses*, called with the same viewer and the same filters (parsed by the page's own filter form),
so a download can never hold a row, or a name, its page would not show that worker. A person the
viewer may not see is shown as every page shows them (``access.naming.unseen_label``, "A child not
shared with you"); a withheld field reads "Not shared with your role" as on the page.

Each row says which record it is (``Line.key``, audited with the export) and which people it
names (for the trail's search by person).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from locus.access import exports as rules
from locus.access import naming
from locus.access.context_cases import shown_place
from locus.access.fields import WITHHELD, PersonField, sees_field
from locus.access.models import Worker
from locus.access.selectors import people_seen_lastingly, seen_lastingly
from locus.audit import selectors as audit_selectors
from locus.audit.describe import describe
from locus.audit.forms import AuditFilterForm
from locus.casework.models import CaseStatus
from locus.casework.selectors import cases_for
from locus.common.errors import NotPermitted
from locus.common.modelkit import choice_values
from locus.incidents.forms import IncidentFilterForm
from locus.incidents.selectors import InvolvementView, incidents_for, involvement_views
from locus.linked import selectors as linked
from locus.linked.forms import CaseloadLinksForm
from locus.people import selectors as people
from locus.people.forms import PeopleFilterForm
from locus.people.models import Person
from locus.places import selectors as places
from locus.places.models import Context, ContextKind

Params = Mapping[str, str]
T = TypeVar("T")
CHUNK = 500  # rows read and made ready at once: the per-page helpers run on each chunk


@dataclass(frozen=True)
class Line:
    key: str  # the record's id, audited with the export
    cells: Sequence[object]
    people: Sequence[int] = ()  # the people the row names, for the trail's search by person
    # A withheld home whose address the row gives: a prepared file holding it is downloaded
    # only while its asker may still see where it is.
    address: int | None = None


@dataclass(frozen=True)
class ListSpec:
    key: str  # in the address: /exports/<key>/
    title: str
    record_type: str  # what the trail says was exported
    page: str  # the url name of the list's page
    columns: tuple[str, ...]
    filters: tuple[str, ...]  # the page's query parameters that choose rows
    lines: Callable[[Worker, Params], Iterator[Line]]
    may: Callable[[Worker], bool] = rules.can_export_case_lists
    # A list that names people is a sharing: its download asks the lawful basis and purpose
    # and is a row of the sharing register (docs/sharing.md).
    names_people: bool = False
    # The columns that are a field of a person (column -> field): one the viewer's role never
    # sees is left out of their file, as it is of the page (``access.fields.sees_field``).
    person_fields: Mapping[str, str] = field(default_factory=dict)

    def columns_for(self, viewer: Worker) -> tuple[str, ...]:
        """The columns ``viewer``'s file has: the list's, less those their role never sees."""
        fields = self.person_fields
        return tuple(c for c in self.columns if c not in fields or sees_field(viewer, fields[c]))

    def params_from(self, query: Mapping[str, Any]) -> dict[str, str]:
        """The page's filters from a query, as text (what an export run stores): the spec's
        own names only, and bounded, so a run never keeps what the page would not read."""
        return {name: str(query.get(name))[:200] for name in self.filters if query.get(name)}


def chunks(items: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    """``items`` in lists of ``size``; a queryset is read ``size`` rows at a time (its
    prefetches too), so a borough-sized list is never held whole nor sent as one IN list."""
    found = items.iterator(chunk_size=size) if isinstance(items, QuerySet) else iter(items)
    while chunk := list(islice(found, size)):
        yield chunk


def _bound(params: Params) -> Params | None:
    """A filter form's data: unbound when no filter was given, as the page reads ``GET or None``."""
    return params or None


def _when(value: Any) -> Any:
    return timezone.localtime(value).replace(tzinfo=None) if value is not None else None


# --- People --------------------------------------------------------------------------------


def _field(person: Person, name: str, show: Callable[[Person], object]) -> object:
    return show(person) if name in people.visible_fields(person) else WITHHELD


def _name(person: Person) -> str:
    return naming.person_label(person, visible=PersonField.NAME in people.visible_fields(person))


def _statuses(person: Person) -> str:
    episodes = getattr(person, "open_episodes", [])
    return "; ".join(e.get_status_display() for e in episodes) or "No open legal status"


def _holders(person: Person) -> str:
    held = getattr(person, "open_allocations", [])
    return "; ".join(naming.holder_text(a.worker, a.team) for a in held) or naming.UNALLOCATED


def _person_lines(
    viewer: Worker, found: Iterable[Person], columns: Sequence[Any]
) -> Iterator[Line]:
    for chunk in chunks(found):
        for p in people.with_fields(viewer, chunk, seen=True):
            yield Line(str(p.pk), [p.pk, *(c(p) for c in columns)], [p.pk])


_DOB = (PersonField.DATE_OF_BIRTH, lambda p: p.date_of_birth)
_LA_ID = (PersonField.LA_CHILD_ID, lambda p: p.la_child_id or "None recorded")
_STATUS = (PersonField.LEGAL_STATUS, _statuses)
# The person-field columns of the people and caseload lists, by their names.
_PERSON_COLUMNS = {
    "Date of birth": PersonField.DATE_OF_BIRTH,
    "LA child ID": PersonField.LA_CHILD_ID,
    "Open statuses": PersonField.LEGAL_STATUS,
}


def _shown(
    viewer: Worker, name: str, show: Callable[[Person], object]
) -> list[Callable[[Person], object]]:
    """The column of field ``name``, or none when the viewer's role never sees it
    (``ListSpec.columns_for`` leaves out its heading)."""
    return [lambda p: _field(p, name, show)] if sees_field(viewer, name) else []


def _people(viewer: Worker, params: Params) -> Iterator[Line]:
    """The people list as its page shows it, less whom the viewer does not see lastingly: a
    child seen only through a meeting's share is listed on the page while it lasts, and a
    file would keep them after it ends (as emergency access, which ``lasting_sight_only``
    leaves out)."""
    form = PeopleFilterForm(_bound(params), viewer=viewer)
    found = people.people_list(viewer=viewer, filters=form.to_filter()).filter(
        id__in=people_seen_lastingly(viewer).values("id")
    )
    columns = [
        _name,
        lambda p: p.get_kind_display(),
        *_shown(viewer, *_DOB),
        *_shown(viewer, *_LA_ID),
        *_shown(viewer, *_STATUS),
        _holders,
    ]
    return _person_lines(viewer, found, columns)


def _caseload(viewer: Worker, params: Params) -> Iterator[Line]:
    found = people.caseload_for(viewer=viewer)
    columns = [_name, *_shown(viewer, *_DOB), *_shown(viewer, *_STATUS)]
    return _person_lines(viewer, found, columns)


# --- Incidents -----------------------------------------------------------------------------


def _involved(views: list[InvolvementView]) -> tuple[str, list[int]]:
    # As the incidents page writes them: a person the viewer may not see is their role and
    # naming.unseen_label only (no initials: the page shows none, and an export shows no more).
    words = [f"{v.role_label}: {v.name or naming.unseen_label()}" for v in views]
    return "; ".join(words), [v.person_id for v in views if v.name]


def _incidents(viewer: Worker, params: Params) -> Iterator[Line]:
    form = IncidentFilterForm(_bound(params))
    for chunk in chunks(incidents_for(viewer=viewer, **form.filters())):
        views = involvement_views(viewer=viewer, incidents=chunk)
        for i in chunk:
            who, shown = _involved(views[i.pk])
            # A missing episode recorded with no place: an empty cell; a home the viewer may
            # not see: that it was a home, as the page says (docs/exports.md).
            where = i.context.name if i.context is not None else ""
            if getattr(i, "place_withheld", False):
                where = naming.PLACE_WITHHELD
            by = i.reporting_agency.name if i.reporting_agency else ""
            cells = [i.pk, _when(i.occurred_at), i.get_kind_display(), where, who, by]
            yield Line(str(i.pk), cells, shown)


# --- Contexts and peer groups --------------------------------------------------------------


def _contexts_of(viewer: Worker, params: Params, kind: str) -> Iterator[list[Context]]:
    # As the page reads its query: a bounded search, and a kind only when it is one.
    q = params.get("q", "").strip()[:100]
    found = places.contexts_list(viewer=viewer, q=q, kind=kind)
    for chunk in chunks(found):
        places.with_incident_counts(viewer=viewer, contexts=chunk)
        places.with_address_shown(viewer=viewer, contexts=chunk)
        yield chunk


def _org(c: Context) -> str:
    return c.responsible_agency.name if c.responsible_agency else ""


def _contexts(viewer: Worker, params: Params) -> Iterator[Line]:
    kind = params.get("kind", "")
    kind = kind if kind in choice_values(ContextKind) else ""
    for chunk in _contexts_of(viewer, params, kind):
        for c in chunk:
            shown = getattr(c, "address_shown", False)
            postcode = c.postcode if shown else "Withheld"
            cells = [c.pk, c.name, c.get_kind_display(), postcode, _org(c), c.incident_count]  # type: ignore[attr-defined]
            yield Line(str(c.pk), cells, address=c.pk if shown and c.address_withheld else None)


def _groups(viewer: Worker, params: Params) -> Iterator[Line]:
    for chunk in _contexts_of(viewer, params, ContextKind.PEER_GROUP):
        for c in chunk:
            yield Line(str(c.pk), [c.pk, c.name, _org(c), c.incident_count])  # type: ignore[attr-defined]


# --- Context cases -------------------------------------------------------------------------


def _context_cases(viewer: Worker, params: Params) -> Iterator[Line]:
    status = params.get("status", "open")
    if status not in ("open", "", *CaseStatus.values):
        status = "open"
    found = cases_for(viewer=viewer, status=status, mine=params.get("mine") == "1")
    for c in found.iterator(chunk_size=CHUNK):
        cells = [
            c.pk,
            shown_place(c),
            c.context.get_kind_display(),
            c.get_status_display(),
            c.threshold_level.name if c.threshold_level else "",
            str(c.lead) if c.lead else "",
            c.team.name if c.team else "",
            c.opened_on,
        ]
        yield Line(str(c.pk), cells)


# --- Linked cases (a caseload's triage list) -----------------------------------------------

LINK_PARTS = {"strong": "Strong evidence", "weak": "Weaker evidence", "reviewed": "Reviewed"}


def _linked(viewer: Worker, params: Params) -> Iterator[Line]:
    """Every link of the caseload the page shows (the viewer's, or a team member's for their
    manager), strong, weaker and reviewed, in the page's order."""
    form = CaseloadLinksForm(_bound(params), viewer=viewer)
    try:
        holder = linked.caseload_holder(viewer, params.get("worker"))
    except Http404 as gone:
        raise NotPermitted("not found") from gone
    focus = linked.caseload_seen_by(viewer, holder)
    result = linked.linked_cases(
        viewer=viewer,
        focus=focus,
        exclude_holders=[holder.pk],
        window_days=form.window_days(),
        review_team=holder.team_id if holder.team_id == viewer.team_id else None,
        ahead=True,
    )
    # Named in the file only where seen lastingly: the page names a child a meeting shared
    # while the share lasts, and the file would keep the name after it ends.
    wanted = {c.other_id for c in result.links if c.other is not None}
    wanted |= {p.pk for c in result.links for p in c.evidence.associates}
    lasting = seen_lastingly(viewer, wanted)
    for c in result.links:
        part = "reviewed" if c.reviewed else "strong" if c.strong else "weak"
        named_other = c.other is not None and c.other_id in lasting
        other = c.other.full_name if c.other is not None and named_other else None
        evidence = c.evidence
        associates = [p for p in evidence.associates if p.pk in lasting]
        unnamed = len(evidence.associates) - len(associates)
        reasons = list(evidence.reasons) or (
            [f"At {', '.join(evidence.places)} within {result.window_days} days of each other"]
            if evidence.places
            else []
        )
        review = ""
        if c.review is not None:
            review = f"{c.review.get_outcome_display()} on {c.review.reviewed_at:%Y-%m-%d}"
        # Everyone the row names: the two children and the associates in common it lists.
        named = [c.child.pk, *([c.other_id] if named_other else []), *(p.pk for p in associates)]
        in_common = [p.full_name for p in associates]
        if unnamed:
            in_common.append(naming.unseen_count(unnamed))
        cells = [
            c.child.pk,
            c.child.full_name,
            other or naming.unseen_label(child=True),
            "; ".join(naming.holder_text(a.worker, a.team) for a in c.holders),
            LINK_PARTS[part],
            c.tier_words,
            "; ".join(reasons),
            ", ".join(in_common),
            review,
        ]
        yield Line(f"{c.child.pk}-{c.other_id}", cells, named)


# --- The audit trail -----------------------------------------------------------------------


def _audit(viewer: Worker, params: Params) -> Iterator[Line]:
    form = AuditFilterForm(_bound(params))
    events = audit_selectors.events(which=form.which, filters=form.to_filter())
    for chunk in chunks(events.iterator(chunk_size=CHUNK)):
        for row in describe(chunk, viewer=viewer):
            cells = [_when(row.at), row.worker, row.action, row.record, row.description]
            yield Line(str(row.event.pk), [*cells, row.fields_text], row.people)


SPECS: dict[str, ListSpec] = {
    spec.key: spec
    for spec in (
        ListSpec(
            key="people",
            title="People",
            record_type="people.person",
            page="people",
            columns=(
                "Locus ID",
                "Name",
                "Kind",
                "Date of birth",
                "LA child ID",
                "Open statuses",
                "Allocated to",
            ),
            filters=("q", "kind", "status", "age_from", "age_to", "mine", "team"),
            lines=_people,
            names_people=True,
            person_fields=_PERSON_COLUMNS,
        ),
        ListSpec(
            key="caseload",
            title="My caseload",
            record_type="people.person",
            page="dashboard",
            columns=("Locus ID", "Name", "Date of birth", "Open statuses"),
            filters=(),
            lines=_caseload,
            names_people=True,
            person_fields=_PERSON_COLUMNS,
        ),
        ListSpec(
            key="incidents",
            title="Incidents",
            record_type="incidents.incident",
            page="incidents",
            columns=("Locus ID", "When", "What", "Where", "Who was involved", "Reported by"),
            filters=("kind", "since", "until"),
            lines=_incidents,
            names_people=True,
        ),
        ListSpec(
            key="contexts",
            title="Contexts",
            record_type="places.context",
            page="contexts",
            columns=(
                "Locus ID",
                "Name",
                "Kind",
                "Postcode",
                "Responsible organisation",
                "Incidents",
            ),
            filters=("q", "kind"),
            lines=_contexts,
        ),
        ListSpec(
            key="groups",
            title="Peer groups",
            record_type="places.context",
            page="contexts",
            columns=("Locus ID", "Name", "Responsible organisation", "Incidents"),
            filters=("q",),
            lines=_groups,
        ),
        ListSpec(
            key="context-cases",
            title="Context cases",
            record_type="casework.contextcase",
            page="context-cases",
            columns=(
                "Locus ID",
                "Context",
                "Context kind",
                "Stage",
                "Threshold",
                "Lead",
                "Team",
                "Opened",
            ),
            filters=("status", "mine"),
            lines=_context_cases,
        ),
        ListSpec(
            key="linked",
            title="Linked cases",
            record_type="linked.case",
            page="linked",
            columns=(
                "Child's Locus ID",
                "Child",
                "Linked child",
                "Linked child held by",
                "List",
                "Evidence",
                "Reasons",
                "Associates in common you can see",
                "Review",
            ),
            filters=("window", "worker"),
            lines=_linked,
            names_people=True,
        ),
        ListSpec(
            key="audit",
            title="Audit trail",
            record_type="audit.trail",
            page="audit",
            columns=("Time", "Worker", "Action", "Record", "Description", "Fields changed"),
            filters=(
                "show",
                "person",
                "worker",
                "record_type",
                "record_id",
                "date_from",
                "date_to",
            ),
            lines=_audit,
            may=rules.can_export_audit,
        ),
    )
}


def spec_for(viewer: Worker, key: str) -> ListSpec:
    """The list ``key`` if ``viewer`` may export it (as they may open its page); else 404."""
    spec = SPECS.get(key)
    if spec is None or not spec.may(viewer):
        raise NotPermitted("not found")
    return spec
