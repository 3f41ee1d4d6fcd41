"""Ofsted's Annex A lists (the inspection list set), as far as Locus can honestly fill them.

Annex A asks a local authority for a workbook of eleven lists, one per sheet, with fixed
column names, covering the six months up to a date (its "in the last 12 months" columns, the
twelve). Locus fills five of them, from the CIN census records (``locus.statutory``) and the
legal-status episodes (``people.LegalStatusEpisode``), read by ``annex_a_read``:

* List 3, referrals; List 4, assessments; List 5, section 47 enquiries and initial child
  protection conferences: from the census;
* List 6, children in need; List 7, child protection: the census first, else the
  hand-recorded episodes (the rule is in ``annex_a_read``);
* List 8, children in care: the looked-after episodes (by hand or the SSDA903 import).

Every list keeps Annex A's columns, in Annex A's order and words. A column Locus holds no
data for is left blank (``NOT_HELD``), never guessed; the workbook's last sheet and the page
say which. Columns Locus adds are after Annex A's and say "(added by Locus)".
Lists 1 (contacts), 2 (early help), 9 (care leavers), 10 (adoption) and 11 (adopters) need
records Locus does not hold: the last sheet says so.

Who is listed: the children the asker sees (their scope), each field as their role sees it
(a withheld field reads "Not shared with your role"): the CIN census's codes in words (the
referral source, primary need, factors, categories, closure reason) and the disability are
the detail of a child's status, shown to those who see that detail. Annex A names no child:
it lists the child by the local authority's child id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO, cast

from django.core.exceptions import ObjectDoesNotExist

from locus.access import exports as rules
from locus.access import naming
from locus.access.fields import WITHHELD, PersonField
from locus.access.models import Worker
from locus.common import clock
from locus.exports import annex_a_read as read
from locus.exports import writers
from locus.exports.annex_a_read import Period, Row
from locus.exports.services import Tally, register
from locus.people.models import Person
from locus.people.selectors import visible_fields
from locus.statutory import codes

KEY = "annex-a"
ADDED = " (added by Locus)"

Value = Callable[[Row], object]


@dataclass(frozen=True)
class Column:
    name: str
    value: Value | None  # None: Locus holds no data for it; the cell is left blank

    @property
    def held(self) -> bool:
        return self.value is not None


def _shows(row: Row, name: str) -> bool:
    return name in visible_fields(row.person)


def _field(name: str, value: Callable[[Person], object]) -> Value:
    return lambda r: value(r.person) if _shows(r, name) else WITHHELD


def _detail(value: Value) -> Value:
    """A value that is the detail of the child's status: withheld from a role without it."""
    return lambda r: value(r) if _shows(r, PersonField.LEGAL_STATUS_DETAIL) else WITHHELD


def _cell(key: str, read_value: Callable[[Any], object]) -> Value:
    """``read_value`` of the row's record ``key``, blank when the row has none."""

    def value(r: Row) -> object:
        record = r.cells.get(key)
        return read_value(record) if record is not None else ""

    return value


def _code(list_name: str, code: str) -> str:
    """A DfE code as Annex A writes it: the code and its words ("2A: Schools")."""
    return f"{code}: {codes.label(list_name, code)}" if code else ""


def _age(r: Row) -> object:
    """The child's age at the period's end."""
    return r.person.age_on(r.cells["period_end"]) if _shows(r, PersonField.AGE) else WITHHELD


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("Yes" if value else "No")


def _team(r: Row) -> str:
    return r.allocation.team.name if r.allocation else ""


def _worker(r: Row) -> str:
    return str(r.allocation.worker) if r.allocation else naming.UNALLOCATED


def _disability(p: Person) -> str:
    """Yes or No from the census's disability codes ("NONE" is No); blank without them."""
    try:
        # The reverse of statutory's one-to-one: mypy sees it or not depending on what it
        # has cached, so it is read untyped (neither an error nor an unused ignore).
        census = cast(Any, p).census_child
    except ObjectDoesNotExist:
        return ""
    if not census.disabilities:
        return ""
    return "No" if set(census.disabilities) == {"NONE"} else "Yes"


def filled(name: str, value: Value) -> Column:
    return Column(name, value)


def blank(name: str) -> Column:
    return Column(name, None)


# The columns every list starts and ends with, in Annex A's words. Age is at the period's
# end (set on the row as it is read).
CHILD = (
    filled("Child Unique ID", _field(PersonField.LA_CHILD_ID, lambda p: p.la_child_id or "")),
    filled("Gender", _field(PersonField.SEX, lambda p: p.get_sex_display())),
    filled("Ethnicity", _field(PersonField.ETHNICITY, lambda p: p.ethnicity)),
    filled("Date of Birth", _field(PersonField.DATE_OF_BIRTH, lambda p: p.date_of_birth)),
    filled("Age of Child (Years)", _age),
)
DISABILITY = filled("Does the Child have a Disability", _detail(lambda r: _disability(r.person)))
HOLDER = (filled("Allocated Team", _team), filled("Allocated Worker", _worker))


def _factors(a: Any) -> str:
    seen = dict.fromkeys(a.factors)
    return "; ".join(f"{c}: {codes.short_factor(c)}" for c in seen)


@dataclass(frozen=True)
class AnnexList:
    number: int
    title: str
    source: str  # what fills it, in words, for the page and the workbook's last sheet
    columns: tuple[Column, ...]
    rows: Callable[[Worker, Period], Iterator[Row]]

    @property
    def sheet(self) -> str:
        return f"List {self.number} {self.title}"

    @property
    def blank_columns(self) -> list[str]:
        return [c.name for c in self.columns if not c.held]


def _end(r: Row, day: dt.date | None) -> object:
    """A date from a record as it stood at the period's end: a later one is not shown."""
    end: dt.date = r.cells["period_end"]
    return day if day is not None and day <= end else ""


def _when(key: str, name: str) -> Value:
    return lambda r: _end(r, getattr(r.cells[key], name)) if key in r.cells else ""


def _closure_reason(r: Row) -> str:
    census = r.cells.get("census")
    if census is None or not _when("census", "closure_date")(r):
        return ""
    return _code(codes.CLOSURE_REASON, census.closure_reason)


def _category(r: Row, *, initial: bool) -> object:
    plan = r.cells.get("plan")
    if plan is not None:
        return (
            plan.get_initial_category_display() if initial else plan.get_latest_category_display()
        )
    # A hand-recorded episode holds one category: it is both the first and the latest known.
    return r.cells["episode"].get_cp_category_display()


def _latest_review(r: Row) -> object:
    plan = r.cells.get("plan")
    if plan is None:
        return ""
    days = [dt.date.fromisoformat(d) for d in plan.review_dates]
    return _end(r, max((d for d in days if d <= r.cells["period_end"]), default=None))


LISTS = (
    AnnexList(
        3,
        "Referrals",
        "the CIN census's referrals (each CIN episode's referral date and source)",
        (
            *CHILD,
            filled("Date of referral", _cell("referral", lambda e: e.referral_date)),
            filled(
                "Referral Source",
                _detail(
                    _cell("referral", lambda e: _code(codes.REFERRAL_SOURCE, e.referral_source))
                ),
            ),
            filled("Referral NFA?", _cell("referral", lambda e: _yes_no(e.referral_nfa))),
            filled("Number of Referrals in Last 12 Months", lambda r: r.cells["in_year"]),
            *HOLDER,
            filled(
                "Re-referral Within 12 Months of a Previous Referral" + ADDED,
                lambda r: _yes_no(bool(r.cells["again"])),
            ),
        ),
        read.referrals,
    ),
    AnnexList(
        4,
        "Assessments",
        "the CIN census's assessments (start, authorisation, factors)",
        (
            *CHILD,
            DISABILITY,
            filled("Continuous Assessment Start Date", _cell("assessment", lambda a: a.start)),
            blank("Child Seen During Continuous Assessment"),
            filled(
                "Continuous Assessment Date of Authorisation", _when("assessment", "authorised")
            ),
            blank("Was the child assessed as requiring LA children's social care support?"),
            *HOLDER,
            filled(
                "Factors Identified at Assessment" + ADDED, _detail(_cell("assessment", _factors))
            ),
        ),
        read.assessments,
    ),
    AnnexList(
        5,
        "Section 47 and ICPCs",
        "the CIN census's section 47 enquiries and initial child protection conferences",
        (
            *CHILD,
            DISABILITY,
            filled(
                "Strategy discussion initiating Section 47 Enquiry Start Date",
                _cell("enquiry", lambda s: s.start),
            ),
            filled(
                "Was an Initial Child Protection Conference deemed unnecessary?",
                _cell("enquiry", lambda s: _yes_no(s.icpc_not_required)),
            ),
            filled("Date of Initial Child Protection Conference", _when("enquiry", "icpc_date")),
            filled(
                "Did the Initial Child Protection Conference Result in a Child Protection Plan",
                lambda r: _yes_no(r.cells["plan"]),
            ),
            filled(
                "Number of Section 47 Enquiries in the last 12 months",
                lambda r: r.cells["enquiries"],
            ),
            filled("Number of ICPCs in the last 12 months", lambda r: r.cells["conferences"]),
            *HOLDER,
        ),
        read.enquiries,
    ),
    AnnexList(
        6,
        "Children in need",
        "the CIN census's episodes; for a child with none, the child in need (s.17) "
        "episodes recorded in Locus",
        (
            *CHILD,
            DISABILITY,
            filled(
                "CIN Start Date",
                lambda r: (
                    r.cells["census"].referral_date
                    if "census" in r.cells
                    else r.cells["episode"].start
                ),
            ),
            filled(
                "Primary Need Code",
                _detail(_cell("census", lambda e: _code(codes.PRIMARY_NEED, e.primary_need))),
            ),
            blank("Date Child Was Last Seen"),
            filled(
                "CIN Closure Date",
                lambda r: _when("census", "closure_date")(r) or _when("episode", "end")(r),
            ),
            filled(
                "Reason for Closure",
                _detail(_closure_reason),
            ),
            filled("Case Status", lambda r: r.cells["case_status"]),
            *HOLDER,
        ),
        read.children_in_need,
    ),
    AnnexList(
        7,
        "Child protection",
        "the CIN census's child protection plans; for a child with none, the child "
        "protection episodes recorded in Locus",
        (
            *CHILD,
            DISABILITY,
            filled(
                "Child Protection Plan Start Date",
                lambda r: (r.cells.get("plan") or r.cells["episode"]).start,
            ),
            filled("Initial Category of Abuse", _detail(lambda r: _category(r, initial=True))),
            filled("Latest Category of Abuse", _detail(lambda r: _category(r, initial=False))),
            blank("Date of the Last Statutory Visit"),
            blank("Was the Child Seen Alone?"),
            filled("Date of latest review conference", lambda r: _latest_review(r)),
            filled(
                "Child Protection Plan End Date",
                lambda r: _when("plan", "end")(r) or _when("episode", "end")(r),
            ),
            blank(
                "Subject to Emergency Protection Order or Protected Under Police Powers in "
                "Last Six Months (Y/N)"
            ),
            filled("Number of Previous Child Protection Plans", lambda r: r.cells["previous"]),
            *HOLDER,
        ),
        read.child_protection,
    ),
    AnnexList(
        8,
        "Children in care",
        "the looked-after episodes recorded in Locus (by hand or by the SSDA903 import)",
        (
            *CHILD,
            blank("Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)"),
            DISABILITY,
            filled("Date Started to be Looked After", lambda r: r.cells["began"]),
            blank("Child's Category of Need"),
            filled(
                "Is this a second or subsequent period of being a Looked After Child within "
                "the last 12 months (Y/N)",
                lambda r: _yes_no(bool(r.cells["again"])),
            ),
            filled("Start date of current legal status", _cell("episode", lambda e: e.start)),
            filled("Child's Legal Status", _detail(_cell("episode", lambda e: e.detail))),
            blank("Date of Latest Statutory Review"),
            blank("Date of Last Social Work Visit"),
            blank("What is the permanence plan for this child?"),
            blank("Date of Last IRO Visit / Contact to the Child"),
            blank("Date of Last Health Assessment"),
            blank("Date of Last Dental Check"),
            blank("Number of Placements in the Last 12 months"),
            filled("Date Ceased to be Looked After", lambda r: _end(r, r.cells["ceased"])),
            blank("Reason Ceased to be Looked After"),
            blank("Start Date of Most Recent Placement"),
            blank("Placement Type"),
            blank("Placement Provider"),
            blank("Placement postcode"),
            blank("URN of Placement"),
            blank("Placement Location"),
            blank("LA of Placement"),
            blank(
                "Number of Episodes the Child has been 'Missing' from their Placement in the "
                "last 12 months"
            ),
            blank(
                "Number of Episodes the Child has been 'Absent' from their Placement in the "
                "last 12 months"
            ),
            blank(
                "Was the child offered a Return Interview after their last missing episode (Y/N)?"
            ),
            blank(
                "Did the child accept a Return Interview after their last missing episode (Y/N)?"
            ),
            *HOLDER,
        ),
        read.children_in_care,
    ),
)

# The lists Locus cannot fill, and why (the workbook's last sheet and the page say it).
NOT_FILLED = (
    ("1 Contacts", "Locus holds no contacts with the front door (the CIN census holds none)."),
    ("2 Early help", "Locus holds no early help assessments."),
    ("9 Care leavers", "Locus holds no care leaver records (eligibility, pathway plans)."),
    ("10 Adoption", "Locus holds no adoption decisions, matches or orders."),
    ("11 Adopters", "Locus holds no records of adopters."),
)


def parse_end(value: str | None) -> dt.date:
    """The period's end from a run's parameters: a date (ISO), not after today; today when
    none is given."""
    today = clock.today()
    if not value:
        return today
    try:
        end = dt.date.fromisoformat(value)
    except ValueError as error:
        raise ValueError(f"end must be a date like 2026-03-31, not {value!r}") from error
    if end > today:
        raise ValueError(f"end must not be after today ({today.isoformat()}), not {value!r}")
    return end


def _about(period: Period) -> Iterator[list[object]]:
    yield ["Period", f"{period.start.isoformat()} to {period.end.isoformat()} (six months)"]
    yield ["Twelve-month columns", f"{period.year_start.isoformat()} to {period.end.isoformat()}"]
    for spec in LISTS:
        yield [spec.sheet, f"Filled from {spec.source}."]
        if spec.blank_columns:
            yield [
                "",
                "Left blank, as Locus holds no data for them: " + "; ".join(spec.blank_columns),
            ]
    for name, why in NOT_FILLED:
        yield [f"List {name}", f"Not filled. {why}"]


@register(KEY, "Annex A lists", "people.person", rules.can_export_annex_a)
def write_annex_a(
    viewer: Worker, params: dict[str, str], fmt: str, out: BinaryIO, tally: Tally
) -> None:
    """The workbook: one sheet per list Locus fills, for the six months to ``params["end"]``
    (today by default), then a sheet saying what is not filled (XLSX only: Annex A is a
    workbook)."""
    if fmt != "xlsx":
        raise ValueError(f"fmt must be 'xlsx' for Annex A, not {fmt!r}")
    period = Period(parse_end(params.get("end")))

    def rows(spec: AnnexList) -> Iterator[list[object]]:
        for row in spec.rows(viewer, period):
            row.cells["period_end"] = period.end
            tally.count(row.key, [row.person.pk])
            yield [c.value(row) if c.value is not None else "" for c in spec.columns]

    sheets: list[writers.Sheet] = [
        (spec.sheet, [c.name for c in spec.columns], rows(spec)) for spec in LISTS
    ]
    sheets.append(("Not filled", ["Annex A", "What Locus holds"], _about(period)))
    writers.write_xlsx(out, sheets)
