"""The CIN census return (XML): children in need, their assessments, enquiries and plans.

The file is streamed (lxml's ``iterparse``, each ``<Child>`` cleared once read, so memory
stays flat whatever the file's size) with a parser that resolves no entity, loads no DTD
and reaches no network; a file with a DOCTYPE is refused. The return's year (its
``ReferenceDate``, else its ``Year``) chooses the DfE schema it is checked against, and
each ``<Child>`` is validated against that year's schema as it is read, so a problem names
the child's element by XPath and line. Older returns and some test files write ``<Sex>``
where the schema has ``<GenderCurrent>``: it is read as the same thing.

Children are matched on their LA child ID, then on their UPN (never to an adult's record,
nor to one born on another day than the return says: ``matching.unlike`` and
``born_unlike``); a child new to Locus needs a date of birth, and a date of birth Locus is
to hold is a young person's (under 25), as on the record page. A CIN episode is matched on its
referral date; an assessment, CIN plan, section 47 enquiry or child protection plan on its
start date within the episode. So importing next year's return updates what this year's
created and never duplicates it.

An import grants nobody sight: the children get no allocation and nobody is recorded as
having first recorded them (each of which is a grant, access/RULES.md); the audit trail
says who imported them. Administrators see them; anyone else once a child is allocated.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import IO, Any

from django.db import connection, models
from lxml import etree

from locus.access.models import Worker
from locus.audit.models import ChangeAction, ChangeEvent
from locus.audit.services import (
    diff,
    people_of,
    people_text,
    record_created_values,
    snapshot,
)
from locus.common import clock
from locus.common.bulk import bulk_insert, insert_values
from locus.interchange import core, files
from locus.interchange.core import (
    FileRejected,
    Problem,
    Progress,
    Report,
    no_progress,
)
from locus.interchange.matching import YOUNG_PERSON, birth_unheld, born_unlike, unlike
from locus.people.identifiers import (
    birth_year_problem,
    la_child_id_problem,
    upn_problem,
)
from locus.people.models import Person
from locus.statutory import codes
from locus.statutory.models import (
    CensusChild,
    ChildProtectionPlan,
    CINAssessment,
    CINEpisode,
    CINPlan,
    Section47Enquiry,
)

XS = "http://www.w3.org/2001/XMLSchema"
CHILD_XPATH = "/Message/Children/Child"
BATCH = 2000  # children matched and written together
TRUE = frozenset({"true", "TRUE", "1"})

# The record kinds a report counts, as the page names them.
CHILD, EPISODE, ASSESSMENT, PLAN, ENQUIRY, CP_PLAN = (
    "child",
    "cin_episode",
    "assessment",
    "cin_plan",
    "section47",
    "cp_plan",
)


# --- The schemas ---------------------------------------------------------------------------


def schema_year(year: int) -> int:
    """The bundled schema for a return of ``year``: the latest one not after it (the 2018
    schema covers the returns up to 2020), the earliest for anything older."""
    years = codes.schema_years()
    return max((y for y in years if y <= year), default=years[0])


@cache
def child_schema(year: int) -> etree.XMLSchema:
    """``year``'s schema with ``<Child>`` made a top-level element, so each child can be
    validated on its own as it is streamed."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    tree = etree.parse(str(codes.schema_path(year)), parser)
    etree.SubElement(tree.getroot(), f"{{{XS}}}element", name="Child", type="childtype")
    return etree.XMLSchema(tree)


# --- Reading -------------------------------------------------------------------------------


@dataclass
class Part:
    """An assessment, CIN plan, section 47 enquiry or CP plan: its start and its values."""

    kind: str
    start: dt.date
    values: dict[str, Any]


@dataclass
class Episode:
    referral_date: dt.date
    values: dict[str, Any]
    parts: list[Part] = field(default_factory=list)


@dataclass
class Child:
    where: str
    la_child_id: str
    upn: str | None
    person: dict[str, Any]
    census: dict[str, Any]
    episodes: list[Episode]
    # Where a problem with the date of birth is said: its PersonBirthDate, or (a return
    # giving none) its ChildIdentifiers.
    born_where: str = ""


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text.strip()[:10]) if text and text.strip() else None


def _text(elem: Any, path: str) -> str:
    return (elem.findtext(path) or "").strip()


class _Counting:
    """The file, counting the bytes the parser has read (the progress shown)."""

    def __init__(self, raw: IO[bytes], size: int, progress: Progress) -> None:
        self.raw, self.size, self.progress, self.done = raw, size, progress, 0

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(n)
        self.done += len(data)
        self.progress(self.done, self.size)
        return data


def _refuse(where: str, field: str, rule: str, message: str) -> FileRejected:
    return FileRejected(Problem(where, field, rule, message))


DTD_REFUSED = "The file declares a DTD; a CIN census return has none."


def _check_prolog(head: bytes) -> None:
    # A DTD is how entity tricks get in (billion laughs, external entities): a census
    # return has none, so any is refused before the parser sees it.
    found = re.search(rb"<!DOCTYPE|<!ENTITY", head, re.IGNORECASE)
    if found:
        line = head[: found.start()].count(b"\n") + 1
        raise _refuse(
            f"line {line}",
            "DOCTYPE",
            "xml",
            DTD_REFUSED,
        )


class Reader:
    """One pass over a return: yields each valid child, reports each invalid one."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.year: int | None = None
        self.schema_year: int | None = None
        self.reference_date: dt.date | None = None
        self.seen_ids: dict[str, int] = {}
        self.seen_upns: dict[str, int] = {}
        # The dates read that were good against the reference date (see ChildParse.dated).
        self.good_days: dict[str, dt.date] = {}

    def children(self, path: Path, progress: Progress) -> Iterator[Child]:
        size = path.stat().st_size
        if size > files.max_bytes():
            raise _refuse("file", "file", "size", files.too_big_message(size))
        with path.open("rb") as raw:
            _check_prolog(raw.read(64 * 1024))
            raw.seek(0)
            source = _Counting(raw, size, progress)
            # Only the ends of the header and of the children raise events: a Python step
            # per element of a 100,000-child file is most of the time of reading it.
            events = etree.iterparse(
                source,
                events=("end",),
                tag=("Header", "Child"),
                resolve_entities=False,
                no_network=True,
                load_dtd=False,
                huge_tree=False,
                remove_comments=True,
            )
            try:
                yield from self._walk(events)
            except etree.XMLSyntaxError as exc:
                line = max(1, exc.lineno or 1)
                raise _refuse(
                    f"line {line}",
                    "XML",
                    "xml",
                    f"The file is not well-formed XML at line {line}: {exc.msg}. Is it cut "
                    "short? Export the return again.",
                ) from None
        progress(size, size)

    def _walk(self, events: Any) -> Iterator[Child]:
        number = 0
        root_checked = False
        for _event, elem in events:
            if not root_checked:
                self._check_root(elem.getroottree().getroot())
                root_checked = True
            parent = elem.getparent()
            if parent is None:
                continue
            if elem.tag == "Child" and parent.tag != "Children":
                where = f"line {elem.sourceline}"
                wrong = "A <Child> belongs inside <Children>; this one is not read."
                self.report.problem(Problem(where, "Child", "schema", wrong))
                self.report.count(CHILD, core.REJECTED)
                continue
            if elem.tag == "Header":
                self._read_header(elem)
            else:
                if self.schema_year is None:
                    raise _refuse(
                        f"line {elem.sourceline}",
                        "Header/CollectionDetails/ReferenceDate",
                        "required",
                        "The return does not say its year before its children: its Header "
                        "needs CollectionDetails with a Year or a ReferenceDate.",
                    )
                number += 1
                child = self._read_child(elem, number)
                # Memory stays flat: the child and the children before it are let go.
                elem.clear(keep_tail=False)
                while elem.getprevious() is not None:
                    del parent[0]
                if child is not None:
                    yield child
        if not root_checked:
            self._check_root(events.root)

    def _check_root(self, elem: Any) -> None:
        if elem.getroottree().docinfo.doctype:
            # One the first 64 KB did not show (a long comment first, another encoding): the
            # parser loads no DTD and expands no entity, and the file is refused all the same.
            raise _refuse("line 1", "DOCTYPE", "xml", DTD_REFUSED)
        where = f"line {elem.sourceline}"
        qname = etree.QName(elem)
        if qname.namespace:
            raise _refuse(
                where,
                "Message",
                "namespace",
                f"The root element is in the namespace {qname.namespace!r}; a CIN census "
                "return's <Message> has no namespace. Is this another kind of file?",
            )
        if qname.localname != "Message":
            raise _refuse(
                where,
                qname.localname,
                "schema",
                f"The root element is <{qname.localname}>; a CIN census return starts "
                "with <Message>.",
            )

    def _read_header(self, header: Any) -> None:
        details = header.find("CollectionDetails")
        if details is None:
            return
        year_text = _text(details, "Year")
        ref_text = _text(details, "ReferenceDate")
        try:
            self.reference_date = _date(ref_text)
        except ValueError:
            raise _refuse(
                f"/Message/Header/CollectionDetails/ReferenceDate (line "
                f"{details.find('ReferenceDate').sourceline})",
                "ReferenceDate",
                "date",
                f"{ref_text!r} is not a date (the census writes dates as YYYY-MM-DD).",
            ) from None
        self.good_days.clear()  # held to this reference date from here on
        if self.reference_date:
            self.year = self.reference_date.year
        elif re.fullmatch(r"\d{4}", year_text):
            self.year = int(year_text)
        if self.year is not None:
            self.schema_year = schema_year(self.year)
            self.report.details.update(
                {"year": self.year, "schema_year": self.schema_year, "reference_date": ref_text}
            )

    # -- one child ----------------------------------------------------------------------

    def _read_child(self, elem: Any, number: int) -> Child | None:
        self.report.records_read += 1
        base = f"{CHILD_XPATH}[{number}]"
        problems = self._schema_problems(elem, base)
        if not problems:
            child, problems = self._parse(elem, base)
        if problems:
            for problem in problems:
                self.report.problem(problem)
            self.report.count(CHILD, core.REJECTED)
            return None
        return child

    def _checked_against(self) -> str:
        """What the file is checked against, said in a problem: "the 2024 return", or for a
        return newer than the newest schema Locus holds "the 2024 schema, which Locus checks
        this 2026 return against" (not "the 2024 return", which a 2026 file is not)."""
        assert self.schema_year is not None
        if self.year is None or self.year == self.schema_year:
            return f"the {self.schema_year} return"
        return f"the {self.schema_year} schema, which Locus checks this {self.year} return against"

    def _schema_problems(self, elem: Any, base: str) -> list[Problem]:
        assert self.schema_year is not None
        schema = child_schema(self.schema_year)
        # Most children are valid as they stand: the file is searched only for one that
        # is not (the older <Sex>, renamed, then the schema's errors).
        if schema.validate(elem):
            return []
        identifiers = elem.find("ChildIdentifiers")
        renamed = False
        if identifiers is not None and identifiers.find("GenderCurrent") is None:
            for sex in identifiers.findall("Sex"):
                sex.tag = "GenderCurrent"  # the older name of the same item
                renamed = True
            if renamed and schema.validate(elem):
                return []
        key = _text(elem, "ChildIdentifiers/LAchildID")
        return [
            _schema_problem(error, base, key, self._checked_against(), renamed)
            for error in schema.error_log
        ]

    def _parse(self, elem: Any, base: str) -> tuple[Child, list[Problem]]:
        parse = ChildParse(self, elem, base)
        return parse.child(), parse.problems


class ChildParse:
    """One schema-valid ``<Child>`` read into plain values, with the rules the schema does
    not hold: no LA child ID or UPN twice in the file, no date after the return's reference
    date, no date of birth before 1900, no end before its start, no two episodes (or parts
    of one) starting the same day."""

    def __init__(self, reader: Reader, elem: Any, base: str) -> None:
        self.reader, self.elem, self.base = reader, elem, base
        self.good_days = reader.good_days
        self.key = ""
        self.problems: list[Problem] = []

    def where(self, node: Any) -> str:
        return f"{self.base}{_relative(node, self.elem)} (line {node.sourceline})"

    def problem(self, node: Any, rule: str, message: str) -> None:
        self.problems.append(Problem(self.where(node), node.tag, rule, message, self.key))

    def dated(self, node: Any) -> dt.date:
        # A return holds a few thousand distinct dates over a hundred thousand children:
        # one read before, and found good, is taken as it is (no parse, no comparison).
        day = self.good_days.get(node.text)
        if day is not None:
            return day
        try:
            day = _day(node.text)
        except ValueError:
            day = None  # a date the schema allows and Python cannot hold (year 10000)
        if day is None:
            self.problem(node, "date", f"{node.text!r} is not a date between 0001 and 9999.")
            return dt.date.min
        reference = self.reader.reference_date
        if reference and day > reference:
            self.problem(
                node,
                "date",
                f"{day:%d/%m/%Y} is after the return's reference date ({reference:%d/%m/%Y}).",
            )
        else:
            self.good_days[node.text] = day
        return day

    def born(self, node: Any) -> dt.date:
        """The date of birth, held to the rule every other way in holds it to (the person
        service's, ``birth_year_problem``: none before 1900)."""
        found = len(self.problems)
        day = self.dated(node)
        # A date that is no date is reported once, not again as before 1900.
        if len(self.problems) == found and (reason := birth_year_problem(day)):
            self.problem(node, "date", reason)
        return day

    def optional(self, items: dict[str, Any], tag: str) -> dt.date | None:
        node = items.get(tag)
        if node is None:
            return None
        day = self.good_days.get(node.text)  # dated's first step, without its call
        return day if day is not None else self.dated(node)

    def in_order(
        self, items: dict[str, Any], start: dt.date, tag: str, end: dt.date | None
    ) -> None:
        if end is not None and end < start:
            self.problem(
                items[tag],
                "date order",
                f"{tag} ({end:%d/%m/%Y}) is before the start ({start:%d/%m/%Y}).",
            )

    def once(self, seen: dict[Any, int], value: Any, node: Any, what: str, *args: Any) -> None:
        """``value`` (an id, a start date) not seen before where ``seen`` keeps them; else
        the problem ``what.format(*args)`` (formatted only then: a date's strftime for
        every part of every child was a tenth of the time of reading them)."""
        if value in seen:
            message = what.format(*args)
            self.problem(node, "duplicate", f"{message} (the first at line {seen[value]}).")
        else:
            seen[value] = node.sourceline

    # The child is schema-valid, so its shape is known: each element's children are read
    # by tag in one walk (_items), not looked up path by path, which was most of the time
    # of reading a return.

    def child(self) -> Child:
        elem, reader = self.elem, self.reader
        top = _items(elem, "CINdetails")
        ids = _items(top["ChildIdentifiers"])
        key_node = ids["LAchildID"]
        # As Locus keeps them (and every other import reads them): upper case, no spaces,
        # so "a123..." matches the child Locus holds rather than making a second one.
        self.key = _text_of(key_node).replace(" ", "").upper()
        if reason := la_child_id_problem(self.key):
            self.problem(key_node, "identifier", reason)
        self.once(
            reader.seen_ids, self.key, key_node, "LA child ID {} is in the file twice", self.key
        )
        upn = _text_in(ids, "UPN").upper() or None
        if upn is not None:
            # A mistyped UPN could match another child's record and give it this child's
            # census: the DfE check letter catches most slips, as every other import checks.
            if reason := upn_problem(upn):
                self.problem(ids["UPN"], "upn", reason)
            self.once(reader.seen_upns, upn, ids["UPN"], "UPN {} is in the file twice", upn)
        traits = _items(top["ChildCharacteristics"])
        disabilities = traits.get("Disabilities")
        # Only what the return gives: PersonBirthDate is optional (an unborn child has an
        # expected one), and a return without it must not erase the date Locus holds.
        # GenderCurrent and Ethnicity are required by every year's schema.
        person: dict[str, Any] = {
            "sex": _text_in(ids, "GenderCurrent"),
            "ethnicity": _text_in(traits, "Ethnicity"),
        }
        born_node = ids.get("PersonBirthDate")
        if born_node is not None:
            person["date_of_birth"] = self.born(born_node)
        # The schema holds one ChildIdentifiers and at most one PersonBirthDate in it, so
        # their paths are known (what ``where`` would find, without its walk per child).
        born_where = (
            f"{self.base}/ChildIdentifiers/PersonBirthDate (line {born_node.sourceline})"
            if born_node is not None
            else f"{self.base}/ChildIdentifiers (line {top['ChildIdentifiers'].sourceline})"
        )
        census = {
            "disabilities": _texts(disabilities, "Disability"),
            "upn_unknown": _text_in(ids, "UPNunknown"),
            "census_year": reader.year,
        }
        referrals: dict[dt.date, int] = {}
        episodes = [self.episode(details, referrals) for details in top["CINdetails"]]
        where = f"{self.base} (line {elem.sourceline})"
        return Child(where, self.key, upn, person, census, episodes, born_where)

    def episode(self, details: Any, referrals: dict[dt.date, int]) -> Episode:
        items = _items(details, *PART_TAGS)
        node = items["CINreferralDate"]
        referral = self.dated(node)
        self.once(referrals, referral, node, "Two CIN episodes start on {:%d/%m/%Y}", referral)
        closure = self.optional(items, "CINclosureDate")
        self.in_order(items, referral, "CINclosureDate", closure)
        values = {
            "referral_source": _text_in(items, "ReferralSource"),
            "primary_need": _text_in(items, "PrimaryNeedCode"),
            "closure_date": closure,
            "closure_reason": _text_in(items, "ReasonForClosure"),
            "referral_nfa": _text_in(items, "ReferralNFA") in TRUE,
            "initial_cpc_date": self.optional(items, "DateOfInitialCPC"),
            "census_year": self.reader.year,
        }
        episode = Episode(referral, values)
        starts: dict[tuple[str, dt.date], int] = {}
        for tag, (kind, method) in PART_TAGS.items():
            nodes = items[tag]
            if not nodes:
                continue
            read = getattr(self, method)
            for node in nodes:
                start_node = node[0]  # the schema puts each one's start date first
                start = self.dated(start_node)
                what = "Two {} of this episode start on {:%d/%m/%Y}"
                self.once(starts, (kind, start), start_node, what, tag, start)
                episode.parts.append(Part(kind, start, read(_items(node), start)))
        return episode

    def assessment(self, items: dict[str, Any], start: dt.date) -> dict[str, Any]:
        authorised = self.optional(items, "AssessmentAuthorisationDate")
        self.in_order(items, start, "AssessmentAuthorisationDate", authorised)
        factors = items.get("FactorsIdentifiedAtAssessment")
        return {
            "authorised": authorised,
            "factors": _texts(factors, "AssessmentFactors"),
        }

    def plan(self, items: dict[str, Any], start: dt.date) -> dict[str, Any]:
        end = self.optional(items, "CINPlanEndDate")
        self.in_order(items, start, "CINPlanEndDate", end)
        return {"end": end}

    def enquiry(self, items: dict[str, Any], start: dt.date) -> dict[str, Any]:
        return {
            "icpc_target": self.optional(items, "InitialCPCtarget"),
            "icpc_date": self.optional(items, "DateOfInitialCPC"),
            "icpc_not_required": _text_in(items, "ICPCnotRequired") in TRUE,
        }

    def cp_plan(self, items: dict[str, Any], start: dt.date) -> dict[str, Any]:
        end = self.optional(items, "CPPendDate")
        self.in_order(items, start, "CPPendDate", end)
        previous = _text_in(items, "NumberOfPreviousCPP")
        reviews = items.get("Reviews")
        return {
            "end": end,
            "initial_category": _text_in(items, "InitialCategoryOfAbuse"),
            "latest_category": _text_in(items, "LatestCategoryOfAbuse"),
            "previous_plans": min(int(previous), 32767) if previous else None,
            "review_dates": _texts(reviews, "CPPreviewDate"),
        }


# The parts of an episode, in the schema's order: tag, the kind a report counts, the reader.
PART_TAGS = {
    "Assessments": (ASSESSMENT, "assessment"),
    "CINPlanDates": (PLAN, "plan"),
    "Section47": (ENQUIRY, "enquiry"),
    "ChildProtectionPlans": (CP_PLAN, "cp_plan"),
}


def _items(elem: Any, *repeated: str) -> dict[str, Any]:
    """``elem``'s child elements by tag: the element for a tag the schema allows once, a
    list for each of ``repeated`` (empty when there is none)."""
    if not repeated:
        return {node.tag: node for node in elem}
    items: dict[str, Any] = {tag: [] for tag in repeated}
    for node in elem:
        tag = node.tag
        if tag in repeated:
            items[tag].append(node)
        else:
            items[tag] = node
    return items


def _text_of(node: Any) -> str:
    return (node.text or "").strip() if node is not None else ""


def _text_in(items: dict[str, Any], tag: str) -> str:
    """``_text_of(items.get(tag))`` in one call (a child has a dozen such)."""
    node = items.get(tag)
    return (node.text or "").strip() if node is not None else ""


def _texts(node: Any, tag: str) -> list[str]:
    """The texts of ``node``'s ``tag`` children (a list such as the disabilities)."""
    return [(n.text or "").strip() for n in node if n.tag == tag] if node is not None else []


@lru_cache(maxsize=65536)
def _day(text: str | None) -> dt.date | None:
    # A return holds a few thousand distinct dates over a hundred thousand children.
    return _date(text)


def _relative(node: Any, child: Any) -> str:
    """``node``'s XPath below ``child``: "/ChildIdentifiers/UPN", with positions where a
    parent holds several of the same name ("/CINdetails[2]/Assessments")."""
    steps = []
    while node is not None and node is not child:
        parent = node.getparent()
        same = [n for n in parent if n.tag == node.tag] if parent is not None else [node]
        step = node.tag if len(same) == 1 else f"{node.tag}[{same.index(node) + 1}]"
        steps.append(step)
        node = parent
    return "".join(f"/{s}" for s in reversed(steps))


_ELEMENT = re.compile(r"^Element '([^']+)': (.*)$", re.DOTALL)


def _schema_problem(error: Any, base: str, key: str, against: str, renamed: bool) -> Problem:
    """A schema error in words the data team can act on; ``against``: what the file was checked
    against ("the 2024 return")."""
    path = base + (error.path or "/Child")[len("/Child") :]
    message = error.message
    if renamed:
        path = path.replace("GenderCurrent", "Sex")
        message = message.replace("GenderCurrent", "Sex")
    found = _ELEMENT.match(message)
    name, detail = found.groups() if found else (path.rsplit("/", 1)[-1], message)
    name = re.sub(r"\[\d+\]$", "", name)
    value = re.search(r"'([^']*)' is not a valid value|The value '([^']*)'", detail)
    given = next((g for g in value.groups() if g is not None), "") if value else ""
    if "facet 'enumeration'" in detail:
        rule, text = "code", f"{given!r} is not a DfE code for {name} in {against}."
    elif "xs:date" in detail:
        rule, text = (
            "date",
            f"{given!r} is not a date: the census writes dates as YYYY-MM-DD, a real day.",
        )
    elif "Missing child element" in detail:
        wanted = re.search(r"Expected is (?:one of )?\( ?([^)]*?) ?\)", detail)
        rule = "required"
        text = f"{name} is missing {wanted.group(1) if wanted else 'an element'}."
    elif "not expected" in detail:
        wanted = re.search(r"Expected is (?:one of )?\( ?([^)]*?) ?\)", detail)
        rule = "schema"
        text = f"{name} is not expected here in {against}" + (
            f" (expected: {wanted.group(1)})." if wanted else "."
        )
    elif "Character content" in detail:
        rule, text = "schema", f"{name} has text outside its elements; only elements belong there."
    else:
        rule, text = "schema", detail.strip()
    return Problem(f"{path} (line {error.line})", name, rule, text, key)


# --- Matching and writing --------------------------------------------------------------------


PART_MODELS: dict[str, type[models.Model]] = {
    ASSESSMENT: CINAssessment,
    PLAN: CINPlan,
    ENQUIRY: Section47Enquiry,
    CP_PLAN: ChildProtectionPlan,
}


def _changed(obj: models.Model, values: dict[str, Any]) -> bool:
    different = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            different = True
    return different


class Batch:
    """Children matched against the database together, and (when writing) written together:
    a few queries a batch, whatever its size.

    New records are written from the values read (``insert_values``) and audited from the
    same values (``record_created_values``): one change row each, with its id and its
    people, as for any record created, without a model instance per row. Records Locus
    had are loaded, compared and updated as model instances (a return imported again)."""

    def __init__(self, report: Report, by: Worker | None, write: bool) -> None:
        self.report = report
        self.by = by
        self.write = write
        self.now = clock.now()
        self.today = clock.today()  # read once: a date of birth is held to it per child
        self.agency_id = by.agency_id if by is not None else None
        self.created: dict[type[models.Model], list[dict[str, Any]]] = {}
        self.updated: list[tuple[models.Model, dict[str, Any]]] = []

    def run(self, children: list[Child]) -> None:
        matched = self._match(children)
        new: list[Child] = []
        known: list[tuple[Child, Person]] = []
        for child in children:
            found = matched.get(child.la_child_id)
            person = found if isinstance(found, Person) else None
            if found is False or self._refused_birth(child, person):
                continue  # a conflict, or a date of birth Locus may not hold: reported
            if person is None:
                new.append(child)
            else:
                known.append((child, person))
        if new:
            self._new_children(new)
        if known:
            self._known_children(known)
        if self.write:
            self._audit()

    def _refused_birth(self, child: Child, person: Person | None) -> bool:
        """Whether ``child`` is refused for their date of birth (reported at its element):
        a child new to Locus needs one, as every other way of recording a young person
        asks; and a date Locus is to hold (a new child's, or one for a record holding none)
        is a young person's, under 25 and not in the future, as the record page and the
        people file hold it (``matching.birth_unheld``, the SSDA903 import's rule too). A date
        Locus holds already is the return's (``born_unlike``)."""
        born = child.person.get("date_of_birth")
        if born is None and person is None:
            rule = "required"
            message = (
                "PersonBirthDate is missing: a child new to Locus is recorded with their "
                "date of birth, as on the record page and in the people file (an unborn "
                "child's expected date is not one: import the child once born)."
            )
        elif born is not None and (reason := birth_unheld(person, born=born, today=self.today)):
            rule, message = "date", f"{reason} ({born:%d/%m/%Y})."
        else:
            return False
        where = child.born_where or child.where
        problem = Problem(where, "PersonBirthDate", rule, message, child.la_child_id)
        self.report.problem(problem)
        self.report.count(CHILD, core.REJECTED)
        return True

    def _create(self, model: type[models.Model], rows: list[dict[str, Any]]) -> None:
        """Insert new rows (giving each its id) and keep them for the audit."""
        if self.write and rows:
            insert_values(model, rows)
            self.created.setdefault(model, []).extend(rows)

    def _new_children(self, children: list[Child]) -> None:
        """Children found nowhere in Locus: they and everything of theirs are created
        (a dry run only counts them)."""
        report = self.report
        report.count(CHILD, core.CREATED, len(children))
        episodes: list[tuple[dict[str, Any], Episode]] = []
        if not self.write:
            for child in children:
                for episode in child.episodes:
                    report.count(EPISODE, core.CREATED)
                    for part in episode.parts:
                        report.count(part.kind, core.CREATED)
            return
        people = [self._new_person(child) for child in children]
        self._create(Person, people)
        census = []
        for child, person in zip(children, people, strict=True):
            census.append({"person_id": person["id"], **child.census})
            episodes.extend((self._new_episode(person["id"], e), e) for e in child.episodes)
        self._create(CensusChild, census)
        self._episodes(episodes)

    def _new_person(self, child: Child) -> dict[str, Any]:
        # Named by the LA child ID until a worker records the name (the return has none).
        return {
            "kind": YOUNG_PERSON,
            "given_name": "Child",
            "family_name": child.la_child_id,
            "created_at": self.now,
            "recorded_by_id": None,
            **self._person_values(child),
        }

    @staticmethod
    def _person_values(child: Child) -> dict[str, Any]:
        values = {**child.person, "la_child_id": child.la_child_id}
        if child.upn:
            values["upn"] = child.upn
        return values

    def _new_episode(self, person_id: int, episode: Episode) -> dict[str, Any]:
        return {
            "person_id": person_id,
            "referral_date": episode.referral_date,
            "agency_id": self.agency_id,
            "created_at": self.now,
            "recorded_by_id": None,
            **episode.values,
        }

    def _episodes(self, pairs: list[tuple[dict[str, Any], Episode]]) -> None:
        """Create new episodes (given as rows) and, once they have ids, their parts."""
        self._create(CINEpisode, [row for row, _ in pairs])
        parts: dict[str, list[dict[str, Any]]] = {kind: [] for kind in PART_MODELS}
        for row, episode in pairs:
            self.report.count(EPISODE, core.CREATED)
            for part in episode.parts:
                self.report.count(part.kind, core.CREATED)
                parts[part.kind].append(
                    {
                        "episode_id": row.get("id"),
                        "person_id": row["person_id"],
                        "start": part.start,
                        **part.values,
                    }
                )
        for kind, model in PART_MODELS.items():
            self._create(model, parts[kind])

    def _known_children(self, pairs: list[tuple[Child, Person]]) -> None:
        """Children Locus has: updated where the return says otherwise; their episodes and
        parts matched on their dates."""
        people = [person for _, person in pairs]
        census = {c.person_id: c for c in CensusChild.objects.filter(person__in=people)}
        episodes = {
            (e.person_id, e.referral_date): e for e in CINEpisode.objects.filter(person__in=people)
        }
        new_census: list[dict[str, Any]] = []
        new_episodes: list[tuple[dict[str, Any], Episode]] = []
        old_episodes: list[tuple[CINEpisode, Episode]] = []
        for child, person in pairs:
            different = self._update(person, self._person_values(child))
            record = census.get(person.pk)
            if record is None:
                new_census.append({"person_id": person.pk, **child.census})
            elif self._update(record, child.census):
                different = True
            self.report.count(CHILD, core.UPDATED if different else core.UNCHANGED)
            for episode in child.episodes:
                found = episodes.get((person.pk, episode.referral_date))
                if found is None:
                    new_episodes.append((self._new_episode(person.pk, episode), episode))
                else:
                    changed = self._update(found, episode.values)
                    self.report.count(EPISODE, core.UPDATED if changed else core.UNCHANGED)
                    old_episodes.append((found, episode))
        self._create(CensusChild, new_census)
        self._episodes(new_episodes)
        self._parts(old_episodes)

    def _update(self, obj: models.Model, values: dict[str, Any]) -> bool:
        """Set ``values`` on a record Locus had; True (and kept for writing) if it changed."""
        before = snapshot(obj)
        if _changed(obj, values):
            self.updated.append((obj, before))
            return True
        return False

    def _match(self, children: list[Child]) -> dict[str, Person | bool | None]:
        """Each child's person: by LA child ID, then by UPN; False when the two disagree
        (reported as a conflict), None when the child is new."""
        ids = [c.la_child_id for c in children]
        upns = [c.upn for c in children if c.upn]
        by_id = {p.la_child_id: p for p in _people_where("la_child_id", ids)}
        by_upn = {p.upn: p for p in _people_where("upn", upns)}
        found: dict[str, Person | bool | None] = {}
        for child in children:
            person = by_id.get(child.la_child_id)
            holder = by_upn.get(child.upn) if child.upn else None
            other = holder is not None and (
                holder.pk != person.pk
                if person is not None
                else holder.la_child_id not in (None, "", child.la_child_id)
            )
            if holder is not None and other:
                self._conflict(
                    child,
                    f"UPN {child.upn} is held in Locus by the child with LA child ID "
                    f"{holder.la_child_id or '(none)'}, not by {child.la_child_id}.",
                    holder,
                )
                found[child.la_child_id] = False
                continue
            match = person or holder
            born = child.person.get("date_of_birth")
            reason = unlike(match, upn=child.upn, born=born, by_upn_only=person is None)
            if reason:
                self._conflict(child, reason, match)
                found[child.la_child_id] = False
            elif reason := born_unlike(person, la_child_id=child.la_child_id, born=born):
                self._conflict(child, reason, person, born=True)
                found[child.la_child_id] = False
            else:
                found[child.la_child_id] = match
        return found

    def _conflict(self, child: Child, text: str, about: Person | None, born: bool = False) -> None:
        """``child`` rejected: an identifier of theirs is held by ``about``'s record (or,
        ``born``, the record their LA child ID found holds another date of birth)."""
        name, where = ("PersonBirthDate", child.born_where) if born else ("UPN", child.where)
        problem = Problem(where, name, "conflict", text, child.la_child_id)
        self.report.problem(problem, about=about)
        self.report.count(CHILD, core.REJECTED)

    def _parts(self, pairs: list[tuple[CINEpisode, Episode]]) -> None:
        """Match the parts of episodes Locus had on their start dates."""
        known = [e for e, _ in pairs]
        existing: dict[tuple[str, int, dt.date], Any] = {}
        for kind, model in PART_MODELS.items():
            if known:
                for row in model._default_manager.filter(episode__in=known):
                    existing[kind, row.episode_id, row.start] = row  # type: ignore[attr-defined]
        new: dict[str, list[dict[str, Any]]] = {kind: [] for kind in PART_MODELS}
        for made, episode in pairs:
            for part in episode.parts:
                found = existing.get((part.kind, made.pk, part.start))
                if found is None:
                    self.report.count(part.kind, core.CREATED)
                    new[part.kind].append(
                        {
                            "episode_id": made.pk,
                            "person_id": made.person_id,
                            "start": part.start,
                            **part.values,
                        }
                    )
                else:
                    changed = self._update(found, part.values)
                    self.report.count(part.kind, core.UPDATED if changed else core.UNCHANGED)
        for kind, model in PART_MODELS.items():
            self._create(model, new[kind])

    def _audit(self) -> None:
        assert self.by is not None
        for model, rows in self.created.items():
            record_created_values(actor=self.by, model=model, rows=rows)
        if self.updated:
            by_model: dict[type[models.Model], list[models.Model]] = {}
            for obj, _ in self.updated:
                by_model.setdefault(type(obj), []).append(obj)
            for model, objs in by_model.items():
                names = [f.name for f in model._meta.concrete_fields if not f.primary_key]
                model._default_manager.bulk_update(objs, names, batch_size=500)
            events = []
            for obj, before in self.updated:
                old, new = diff(before, snapshot(obj))
                events.append(
                    ChangeEvent(
                        actor=self.by,
                        at=self.now,
                        action=ChangeAction.UPDATE,
                        record_type=obj._meta.label_lower,
                        record_id=str(obj.pk),
                        before=old,
                        after=new,
                        people=people_text(people_of(obj)),
                    )
                )
            bulk_insert(ChangeEvent, events)
        self.created, self.updated = {}, []


def _people_where(column: str, values: list[str]) -> list[Person]:
    """The people whose ``column`` is one of ``values`` (strings): their ids in one query
    written out (the ORM's ``__in``, and a raw query set's adapting of each value, spent
    more time on a batch's 2,000 values than the database took to find them), then the
    records of those found, usually none or few (a return's new children, or next year's
    return, where each is loaded as a record anyway)."""
    if not values:
        return []
    quote = connection.ops.quote_name
    marks = ", ".join(["%s"] * len(values))
    table = quote(Person._meta.db_table)
    pk = quote(Person._meta.pk.column)
    sql = f"SELECT {pk} FROM {table} WHERE {quote(column)} IN ({marks})"  # noqa: S608 (our names)
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        found = [row[0] for row in cursor.fetchall()]
    return list(Person.objects.filter(pk__in=found).order_by()) if found else []


@dataclass
class CinImporter(core.Importer):
    kind: str = "cin"
    label: str = "CIN census return (XML)"
    accepts: str = "XML"

    def check(self, path: Path, *, progress: Progress = no_progress) -> Report:
        report = Report(kind=self.kind, dry_run=True)
        with core.cycles_uncollected():
            self._pass(path, report, progress, by=None, writing=False, valid_only=True)
        return report

    def write_pass(self, path: Path, *, by: Worker, valid_only: bool, progress: Progress) -> Report:
        report = Report(kind=self.kind, dry_run=False)
        self._pass(path, report, progress, by=by, writing=True, valid_only=valid_only)
        return report

    def _pass(
        self,
        path: Path,
        report: Report,
        progress: Progress,
        *,
        by: Worker | None,
        writing: bool,
        valid_only: bool,
    ) -> None:
        reader = Reader(report)
        pending: list[Child] = []

        def flush() -> None:
            # Without valid_only, the first problem stops the writing (all will be undone);
            # the reading goes on, so the report lists every problem.
            write = writing and (valid_only or not report.problems_total)
            Batch(report, by, write).run(pending)
            pending.clear()

        for child in reader.children(path, progress):
            pending.append(child)
            if len(pending) >= BATCH:
                flush()
        if pending:
            flush()


IMPORTERS = (CinImporter(),)
