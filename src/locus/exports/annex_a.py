"""Ofsted's Annex A lists (the inspection list set), as far as Locus can honestly fill them.

Annex A asks a local authority for a workbook of lists, one per sheet, with fixed column names.
Locus holds legal-status episodes (child in need, child protection plan, looked after), who holds
each case (allocations) and the person's details; from those it fills:

* List 6, children in need (an open CIN episode),
* List 7, children subject of a child protection plan (an open CP episode),
* List 8, children looked after (an open LAC episode).

The other lists (contacts, early help, referrals, assessments, section 47 enquiries, care
leavers, adoption, ...) need the CIN census records and social care events Locus does not hold
here; they are named in docs/exports.md. A list is a small spec: its number, title, the status
it lists and its columns (Annex A's name and how to fill it from a ``Child``).

Who is listed: the children the asker sees (their scope), with each field as their role sees it
(a withheld field reads "Not shared with your role"). Annex A names no child: it lists the child
by the local authority's child id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from django.db.models import Count, Prefetch, Q

from locus.access import exports as rules
from locus.access import naming, scopes
from locus.access.fields import WITHHELD, PersonField
from locus.access.models import Worker
from locus.common import clock
from locus.exports import writers
from locus.exports.services import Tally, register
from locus.exports.specs import chunks
from locus.people.models import Allocation, LegalStatus, LegalStatusEpisode, Person
from locus.people.selectors import visible_fields, with_fields

KEY = "annex-a"


@dataclass(frozen=True)
class Child:
    """One row: the child, the open episode that puts them on the list, their holder."""

    person: Person
    episode: LegalStatusEpisode
    allocation: Allocation | None
    previous_plans: int


def _shown(name: str, value: Callable[[Person], object]) -> Callable[[Child], object]:
    return lambda c: value(c.person) if name in visible_fields(c.person) else WITHHELD


def _age(p: Person) -> object:
    return p.age_on(clock.today())


def _team(c: Child) -> str:
    return c.allocation.team.name if c.allocation else ""


def _worker(c: Child) -> str:
    return str(c.allocation.worker) if c.allocation else naming.UNALLOCATED


Column = tuple[str, Callable[[Child], object]]

# The columns every list starts with, in Annex A's words.
CHILD: tuple[Column, ...] = (
    ("Child Unique ID", _shown(PersonField.LA_CHILD_ID, lambda p: p.la_child_id or "")),
    ("Gender", _shown(PersonField.SEX, lambda p: p.get_sex_display())),
    ("Ethnicity", _shown(PersonField.ETHNICITY, lambda p: p.ethnicity)),
    ("Date of Birth", _shown(PersonField.DATE_OF_BIRTH, lambda p: p.date_of_birth)),
    ("Age of Child (Years)", _shown(PersonField.AGE, _age)),
    ("Allocated Team", _team),
    ("Allocated Worker", _worker),
)


def _detail(c: Child) -> object:
    return (
        c.episode.detail
        if PersonField.LEGAL_STATUS_DETAIL in visible_fields(c.person)
        else WITHHELD
    )


@dataclass(frozen=True)
class AnnexList:
    number: int
    title: str
    status: LegalStatus
    columns: tuple[Column, ...]

    @property
    def sheet(self) -> str:
        return f"List {self.number} {self.title}"


LISTS = (
    AnnexList(
        6,
        "Children in need",
        LegalStatus.CHILD_IN_NEED,
        (*CHILD, ("CIN Start Date", lambda c: c.episode.start)),
    ),
    AnnexList(
        7,
        "Child protection",
        LegalStatus.CHILD_PROTECTION,
        (
            *CHILD,
            ("Child Protection Plan Start Date", lambda c: c.episode.start),
            ("Category of Abuse", _detail),
            ("Number of Previous Child Protection Plans", lambda c: c.previous_plans),
        ),
    ),
    AnnexList(
        8,
        "Children in care",
        LegalStatus.LOOKED_AFTER,
        (
            *CHILD,
            ("Legal Status", _detail),
            ("Date Started to be Looked After", lambda c: c.episode.start),
        ),
    ),
)
NOT_FILLED = (
    "1 Contacts",
    "2 Early help",
    "3 Referrals",
    "4 Assessments",
    "5 Section 47 enquiries and initial child protection conferences",
    "9 Care leavers",
    "10 Adoption",
    "11 Adopters",
)


def children(viewer: Worker, status: str) -> Iterator[Child]:
    """The children the viewer sees with an open ``status`` episode, by child id."""
    seen = scopes.people_visible_to(viewer, shared=False).values("id")
    episodes = (
        LegalStatusEpisode.objects.current()
        .filter(status=status, person_id__in=seen)
        .select_related("person")
        .prefetch_related(
            Prefetch(
                "person__allocations",
                queryset=Allocation.objects.current()
                .select_related("worker", "team")
                .order_by("start", "id"),
                to_attr="open_allocations",
            )
        )
        .annotate(
            previous=Count(
                "person__episodes",
                filter=Q(
                    person__episodes__status=LegalStatus.CHILD_PROTECTION,
                    person__episodes__end__isnull=False,
                ),
                distinct=True,
            )
        )
        .order_by("person__la_child_id", "person_id", "id")
    )
    for chunk in chunks(episodes):
        with_fields(viewer, [e.person for e in chunk], seen=True)
        for e in chunk:
            held = getattr(e.person, "open_allocations", [])
            yield Child(e.person, e, held[0] if held else None, e.previous)


@register(KEY, "Annex A lists", "people.person", rules.can_export_annex_a)
def write_annex_a(
    viewer: Worker, params: dict[str, str], fmt: str, out: BinaryIO, tally: Tally
) -> None:
    """The workbook: one sheet per list Locus fills (XLSX only: Annex A is a workbook)."""
    if fmt != "xlsx":
        raise ValueError(f"fmt must be 'xlsx' for Annex A, not {fmt!r}")

    def rows(spec: AnnexList) -> Iterator[list[object]]:
        for child in children(viewer, spec.status):
            tally.count(f"{spec.number}:{child.person.pk}", [child.person.pk])
            yield [value(child) for _, value in spec.columns]

    writers.write_xlsx(
        out, [(spec.sheet, [name for name, _ in spec.columns], rows(spec)) for spec in LISTS]
    )
