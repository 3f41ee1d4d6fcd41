"""Last year's statutory returns for the demo borough, for the data team to import.

``write_demo_returns`` writes, into ``<data>/returns/``, the CIN census return
(``cin-census-<year>.xml``) and the SSDA903 tables (``ssda903-<year>.zip``) that the
borough's case system would have sent for the census year ending on 31 March before
today (``locus.common.clock``). They are written from the borough's own children, so
that importing them shows what an import does to records Locus already holds:

* most children in the CIN return are demo children (matched on their LA child ID, so
  the import adds their CIN episodes, assessments with their factors, some of them
  extra-familial such as 11A and 24A, section 47 enquiries and child protection plans);
  a few children with no ethnicity recorded in Locus get the one the case system holds
  (the import updates them); a few children are new to Locus;
* two records are deliberately invalid (a date that does not exist, an unknown
  assessment factor), so the dry run has problems to show and "import the valid
  records" has something to leave out; every other record is valid against the bundled
  schema for the year;
* the SSDA903 tables hold a few looked-after demo children (their legal status as the
  borough has it), placements at the borough's real postcodes and missing episodes, one
  of them with an impossible date.

Every choice comes from ``random.Random(seed)`` over lists ordered by LA child ID, so a
seed, a borough and a day give the same bytes. Nothing is imported: loading the files
is the data team's job (README, "The data team's walk-through").
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from locus.access.models import Worker
from locus.demo.caseload import held_by
from locus.demo.steps.base import SYNTHETIC_LA_CODE
from locus.people.models import (
    Ethnicity,
    LegalStatus,
    LegalStatusEpisode,
    Person,
    PersonKind,
    Sex,
)
from locus.places.models import Context, ContextKind

# How many children of each sort the returns hold (the CIN return grows with the borough).
NEW_CHILDREN = 4
CORRECTED = 3  # demo children whose ethnicity Locus has not obtained and the return gives
LOOKED_AFTER = 4
FEATURED = 3  # the first children on social.worker's caseload, always in the CIN return
EXTRA_FAMILIAL_FACTORS = ("11A", "24A", "10A", "13A")
FACTORS = ("24A", "11A", "13A", "10A", "14A", "18B", "3A", "4A", "1B", "2B", "16A", "17A", "4B")
CIN_SOURCES = ("6", "2A", "5B", "3E", "1A", "8", "5D")
NEEDS = ("N1", "N6", "N4", "N5")
# The two invalid records, each with one thing wrong (their rule in the importer's words).
BAD_FACTOR = "11Z"  # not a DfE assessment factor: rule "code"
BAD_DAY = "02-31"  # 31 February: rule "date"


@dataclass
class DemoReturns:
    """The files written and what is in them (the tests and the demo's output use it)."""

    reference_date: dt.date
    cin: Path
    ssda903: Path
    matched: list[str] = field(default_factory=list)  # demo children in the CIN return
    corrected: list[str] = field(default_factory=list)  # of those, the ones it updates
    new: list[str] = field(default_factory=list)  # children Locus does not hold
    invalid: list[str] = field(default_factory=list)  # rejected by the dry run
    featured: str = ""  # a child to look at after the import: "Name (LA child ID C...)"
    looked_after: list[str] = field(default_factory=list)  # demo children in the SSDA903
    looked_after_new: list[str] = field(default_factory=list)
    missing_invalid: int = 0

    @property
    def paths(self) -> list[Path]:
        return [self.cin, self.ssda903]


def _caseload() -> list[Person]:
    """``social.worker``'s caseload in the order her home page lists it (by name)."""
    worker = Worker.objects.filter(username="social.worker").first()
    if worker is None:
        return []
    return list(held_by(worker).filter(kind=PersonKind.YOUNG_PERSON, la_child_id__isnull=False))


def featured_child() -> str:
    """The child the walk-through looks at after the census import, "Name (LA child ID
    C...)": the first on ``social.worker``'s caseload, who is always in the return."""
    first = next(iter(_caseload()), None)
    return f"{first.full_name} (LA child ID {first.la_child_id})" if first else ""


def reference_date(today: dt.date) -> dt.date:
    """The last day of the census year before ``today``: the 31 March before it."""
    if not isinstance(today, dt.date):
        raise ValueError(f"today: a date is needed, not {today!r}")
    year = today.year if today > dt.date(today.year, 3, 31) else today.year - 1
    return dt.date(year, 3, 31)


def return_paths(folder: Path, today: dt.date) -> tuple[Path, Path]:
    year = reference_date(today).year
    return folder / f"cin-census-{year}.xml", folder / f"ssda903-{year}.zip"


def write_demo_returns(folder: Path, *, seed: int, today: dt.date) -> DemoReturns:
    """Write the two returns into ``folder`` (made if missing), replacing any there."""
    if not isinstance(seed, int):
        raise ValueError(f"seed: an integer is needed, not {seed!r}")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    cin_path, ssda_path = return_paths(folder, today)
    made = DemoReturns(reference_date=reference_date(today), cin=cin_path, ssda903=ssda_path)
    rng = random.Random(seed)
    cin_path.write_bytes(_CinReturn(rng, made).xml())
    ssda_path.write_bytes(_Ssda903(rng, made).zipped())
    return made


def _days(rng: random.Random, low: int, high: int) -> dt.timedelta:
    return dt.timedelta(days=rng.randint(low, high))


def _iso(day: dt.date) -> str:
    return day.isoformat()


def _sub(parent: Any, tag: str, text: str | None = None) -> Any:
    elem = etree.SubElement(parent, tag)
    if text is not None:
        elem.text = text
    return elem


class _Return:
    """What each return is written from: the random source, what was made, and the census
    year (from 1 April to the reference date)."""

    def __init__(self, rng: random.Random, made: DemoReturns) -> None:
        self.rng = rng
        self.made = made
        self.ref = made.reference_date
        self.year_start = dt.date(self.ref.year - 1, 4, 1)


class _CinReturn(_Return):
    """The CIN census return: children, each with one CIN episode of the census year."""

    def __init__(self, rng: random.Random, made: DemoReturns) -> None:
        super().__init__(rng, made)
        self.episodes = self._statutory_episodes()

    def _statutory_episodes(self) -> dict[int, LegalStatusEpisode]:
        """Each child's CIN or CP episode open during the census year (the latest)."""
        found: dict[int, LegalStatusEpisode] = {}
        qs = LegalStatusEpisode.objects.open_during(self.year_start, self.ref).filter(
            status__in=[LegalStatus.CHILD_IN_NEED, LegalStatus.CHILD_PROTECTION]
        )
        for episode in qs.order_by("person_id", "start", "id"):
            found[episode.person_id] = episode
        return found

    def _children(self) -> tuple[list[Person], list[Person], Person | None]:
        """The demo children in the return (featured first), those whose ethnicity it gives,
        and one more whose record is invalid."""
        young = list(
            Person.objects.filter(
                kind=PersonKind.YOUNG_PERSON,
                la_child_id__isnull=False,
                date_of_birth__lt=self.year_start,
            ).order_by("la_child_id")
        )
        by_pk = {p.pk: p for p in young}
        chosen = [by_pk[p.pk] for p in _caseload() if p.pk in by_pk][:FEATURED]
        size = max(12, min(60, len(young) // 8))
        first = {p.pk for p in chosen}
        statutory = [p for p in young if p.pk in self.episodes and p.pk not in first]
        chosen += self.rng.sample(statutory, min(len(statutory), size // 2))
        picked = {p.pk for p in chosen}
        unobtained = [p for p in young if p.ethnicity == Ethnicity.NOBT and p.pk not in picked]
        corrected = self.rng.sample(unobtained, min(len(unobtained), CORRECTED))
        chosen += corrected
        picked.update(p.pk for p in corrected)
        rest = [p for p in young if p.pk not in picked]
        more = self.rng.sample(rest, min(len(rest), max(0, size - len(chosen))))
        chosen += more
        picked.update(p.pk for p in more)
        spare = [p for p in rest if p.pk not in picked]
        return chosen, corrected, (self.rng.choice(spare) if spare else None)

    def xml(self) -> bytes:
        chosen, corrected, bad = self._children()
        made = self.made
        root = etree.Element("Message")
        header = _sub(root, "Header")
        details = _sub(header, "CollectionDetails")
        _sub(details, "Collection", "CIN")
        _sub(details, "Year", str(self.ref.year))
        _sub(details, "ReferenceDate", _iso(self.ref))
        source = _sub(header, "Source")
        _sub(source, "SourceLevel", "L")
        _sub(source, "LEA", SYNTHETIC_LA_CODE)
        children = _sub(root, "Children")
        featured = {p.pk for p in chosen[:FEATURED]}
        for person in chosen:
            ethnicity = person.ethnicity
            if person in corrected:
                ethnicity = self.rng.choice(("BAFR", "WOTH", "MWBC", "ABAN", "BCRB"))
                made.corrected.append(person.la_child_id or "")
            self._held_child(
                children,
                person,
                ethnicity=ethnicity,
                episode=self.episodes.get(person.pk),
                extra_familial=person.pk in featured,
            )
            made.matched.append(person.la_child_id or "")
        made.featured = featured_child()
        taken = _la_child_ids()
        for n in range(NEW_CHILDREN + 1):
            la_id = self._new_id(taken)
            age = self.rng.randint(11, 16)
            dob = self._dob(age)
            # The last new child is born on 31 February: the invalid record with a bad date.
            text = f"{dob.year}-{BAD_DAY}" if n == NEW_CHILDREN else _iso(dob)
            self._child(
                children,
                la_id=la_id,
                upn=None,
                dob=text,
                sex=self.rng.choice((Sex.MALE, Sex.FEMALE)),
                ethnicity=self.rng.choice(("BAFR", "WOTH", "OOTH", "AOTH")),
                episode=None,
                extra_familial=n % 2 == 0,
            )
            (made.invalid if n == NEW_CHILDREN else made.new).append(la_id)
        if bad is not None:
            self._held_child(
                children,
                bad,
                ethnicity=bad.ethnicity,
                episode=None,
                extra_familial=False,
                factor=BAD_FACTOR,
            )
            made.invalid.append(bad.la_child_id or "")
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)

    def _new_id(self, taken: set[str]) -> str:
        while True:
            la_id = f"C{self.rng.randint(1_000_000, 9_999_999)}"
            if la_id not in taken:
                taken.add(la_id)
                return la_id

    def _dob(self, age: int) -> dt.date:
        return dt.date(self.ref.year - age, 1, 1) + _days(self.rng, 0, 364)

    def _held_child(
        self,
        children: Any,
        person: Person,
        *,
        ethnicity: str,
        episode: LegalStatusEpisode | None,
        extra_familial: bool,
        factor: str = "",
    ) -> None:
        """A child Locus holds, identified as its record is (the rest as given)."""
        self._child(
            children,
            la_id=person.la_child_id or "",
            upn=person.upn,
            dob=_iso(person.date_of_birth) if person.date_of_birth else "",
            sex=person.sex,
            ethnicity=ethnicity,
            episode=episode,
            extra_familial=extra_familial,
            factor=factor,
        )

    def _child(
        self,
        children: Any,
        *,
        la_id: str,
        upn: str | None,
        dob: str,
        sex: str,
        ethnicity: str,
        episode: LegalStatusEpisode | None,
        extra_familial: bool,
        factor: str = "",
    ) -> None:
        child = _sub(children, "Child")
        ids = _sub(child, "ChildIdentifiers")
        _sub(ids, "LAchildID", la_id)
        if upn:
            _sub(ids, "UPN", upn)
        else:
            _sub(ids, "UPNunknown", self.rng.choice(("UN2", "UN4")))
        if dob:
            _sub(ids, "PersonBirthDate", dob)
        _sub(ids, "GenderCurrent", sex)
        traits = _sub(child, "ChildCharacteristics")
        _sub(traits, "Ethnicity", ethnicity)
        _sub(_sub(traits, "Disabilities"), "Disability", "NONE")
        born = dt.date.fromisoformat(dob) if dob and not dob.endswith(BAD_DAY) else None
        factors = self._factors(extra_familial, episode)
        if factor:
            factors = [factor, *factors[1:]]
        self._episode(_sub(child, "CINdetails"), episode, born, factors)

    def _factors(self, extra_familial: bool, episode: LegalStatusEpisode | None) -> list[str]:
        picked = self.rng.sample(FACTORS, self.rng.randint(1, 3))
        if extra_familial:
            picked = [*self.rng.sample(EXTRA_FAMILIAL_FACTORS, 2), *picked]
        if episode is not None and episode.status == LegalStatus.CHILD_PROTECTION:
            picked.append("16A" if episode.cp_category == "NEG" else "17A")
        return list(dict.fromkeys(picked))  # each once, in order

    def _episode(
        self,
        details: Any,
        episode: LegalStatusEpisode | None,
        born: dt.date | None,
        factors: Sequence[str],
    ) -> None:
        """One CIN episode: the child's CIN or CP episode in Locus when there is one in the
        census year, else a referral of the year closed after its assessment."""
        rng, ref = self.rng, self.ref
        earliest = max(self.year_start, (born or self.year_start) + dt.timedelta(days=1))
        cp = episode is not None and episode.status == LegalStatus.CHILD_PROTECTION
        if episode is None:
            referral = earliest + _days(rng, 0, max(0, (ref - earliest).days - 60))
            ended: dt.date | None = referral + _days(rng, 25, 45)
        elif cp:
            referral = episode.start - _days(rng, 20, 45)
            if born is not None:
                referral = max(referral, born + dt.timedelta(days=1))
            ended = episode.end
        else:
            referral = episode.start
            ended = episode.end
        closure = ended if ended is not None and ended <= ref else None
        _sub(details, "CINreferralDate", _iso(referral))
        _sub(details, "ReferralSource", rng.choice(CIN_SOURCES))
        _sub(details, "PrimaryNeedCode", "N1" if cp else rng.choice(NEEDS))
        if closure is not None:
            _sub(details, "CINclosureDate", _iso(closure))
            _sub(details, "ReasonForClosure", "RC7" if episode is not None else "RC8")
        if cp:
            assert episode is not None
            _sub(details, "DateOfInitialCPC", _iso(episode.start))
        # The assessment starts the day after the referral (or on it, when that is the
        # reference date) and is authorised within weeks, if by the reference date.
        start = min(referral + dt.timedelta(days=1), ref)
        assessment = _sub(details, "Assessments")
        _sub(assessment, "AssessmentActualStartDate", _iso(start))
        authorised = start + _days(rng, 10, 30)
        if closure is not None:
            authorised = max(start, min(authorised, closure))
        if authorised <= ref:
            _sub(assessment, "AssessmentAuthorisationDate", _iso(authorised))
        found = _sub(assessment, "FactorsIdentifiedAtAssessment")
        for code in factors:
            _sub(found, "AssessmentFactors", code)
        # A CIN plan follows the authorised assessment of a child in need (to the closure).
        planned = closure is None or closure > authorised + dt.timedelta(days=1)
        if episode is not None and not cp and authorised < ref and planned:
            plan = _sub(details, "CINPlanDates")
            _sub(plan, "CINPlanStartDate", _iso(authorised + dt.timedelta(days=1)))
            if closure is not None:
                _sub(plan, "CINPlanEndDate", _iso(closure))
        if cp:
            assert episode is not None
            enquiry = _sub(details, "Section47")
            _sub(enquiry, "S47ActualStartDate", _iso(referral))
            _sub(enquiry, "InitialCPCtarget", _iso(referral + dt.timedelta(days=15)))
            _sub(enquiry, "DateOfInitialCPC", _iso(episode.start))
            _sub(enquiry, "ICPCnotRequired", "false")
        _sub(details, "ReferralNFA", "false")
        if cp:
            assert episode is not None
            self._cp_plan(details, episode, closure)

    def _cp_plan(self, details: Any, episode: LegalStatusEpisode, closure: dt.date | None) -> None:
        plan = _sub(details, "ChildProtectionPlans")
        _sub(plan, "CPPstartDate", _iso(episode.start))
        if closure is not None:
            _sub(plan, "CPPendDate", _iso(closure))
        category = episode.cp_category or "NEG"
        _sub(plan, "InitialCategoryOfAbuse", category)
        _sub(plan, "LatestCategoryOfAbuse", category)
        _sub(plan, "NumberOfPreviousCPP", "1")  # the schema's positiveInteger: at least 1
        reviews = [
            episode.start + dt.timedelta(days=days)
            for days in (90, 270)
            if episode.start + dt.timedelta(days=days) <= min(self.ref, closure or self.ref)
        ]
        if reviews:
            dates = _sub(plan, "Reviews")
            for day in reviews:
                _sub(dates, "CPPreviewDate", _iso(day))


# --- The SSDA903 tables -------------------------------------------------------------------

HEADER = ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB")
EPISODES = (
    "CHILD",
    "DECOM",
    "RNE",
    "LS",
    "CIN",
    "PLACE",
    "PLACE_PROVIDER",
    "DEC",
    "REC",
    "REASON_PLACE_CHANGE",
    "HOME_POST",
    "PL_POST",
    "URN",
)
MISSING = ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END")
# (PLACE, PLACE_PROVIDER, URN): foster care with the LA's carers, then a children's home.
FOSTER = ("U4", "PR1", "XXXXXXX")
CHILDRENS_HOME = ("K2", "PR4", "SC941532")


def _uk(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


class _Ssda903(_Return):
    """Header, Episodes and Missing for a few looked-after demo children and one new one."""

    def __init__(self, rng: random.Random, made: DemoReturns) -> None:
        super().__init__(rng, made)
        homes = Context.objects.filter(kind=ContextKind.HOME).exclude(postcode="")
        self.postcodes = sorted(set(homes.values_list("postcode", flat=True)))
        if not self.postcodes:
            raise ValueError("folder: the borough has no homes to place children near")

    def _looked_after(self) -> list[tuple[Person, LegalStatusEpisode]]:
        """Looked-after demo children (male or female, as the return codes them) whose
        episode was open during the census year, and the episode."""
        qs = (
            # Still open: the return (open at its end) must not reopen an ended episode.
            LegalStatusEpisode.objects.current()
            .open_on(self.ref - dt.timedelta(days=60))
            .filter(
                status=LegalStatus.LOOKED_AFTER,
                person__sex__in=[Sex.MALE, Sex.FEMALE],
                person__la_child_id__isnull=False,
            )
            .select_related("person")
            .order_by("person__la_child_id", "start", "id")
        )
        latest = {e.person_id: e for e in qs}
        pairs = [(e.person, e) for e in latest.values()]  # in LA child ID order, as queried
        return self.rng.sample(pairs, min(len(pairs), LOOKED_AFTER))

    def zipped(self) -> bytes:
        header: list[list[str]] = []
        episodes: list[list[str]] = []
        missing: list[list[str]] = []
        children = self._looked_after()
        for n, (person, episode) in enumerate(children):
            la_id = person.la_child_id or ""
            dob = _uk(person.date_of_birth) if person.date_of_birth else ""
            header.append([la_id, person.sex, dob, person.ethnicity, person.upn or "UN5", "", ""])
            self.made.looked_after.append(la_id)
            runs, placed = self._episodes(la_id, episode.start, episode.lac_legal_status or "C2")
            episodes += runs
            if n < 2:  # the first two went missing during the year
                missing += self._missing(la_id, dob, placed, bad=n == 1)
        # A child new to Locus: taken into care during the year, from another authority.
        taken = _la_child_ids()
        taken.update(self.made.new + self.made.invalid)
        la_id = ""
        while not la_id or la_id in taken:
            la_id = f"C{self.rng.randint(1_000_000, 9_999_999)}"
        born = dt.date(self.ref.year - 14, 1, 1) + _days(self.rng, 0, 364)
        header.append([la_id, Sex.FEMALE, _uk(born), "BAFR", "UN4", "", ""])
        start = self.year_start + _days(self.rng, 30, 150)
        episodes += self._episodes(la_id, start, "V2", moves=False)[0]
        self.made.looked_after_new.append(la_id)
        out = io.BytesIO()
        stamp = (self.ref.year, self.ref.month, self.ref.day, 0, 0, 0)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, columns, rows in (
                ("header.csv", HEADER, header),
                ("episodes.csv", EPISODES, episodes),
                ("missing.csv", MISSING, missing),
            ):
                text = io.StringIO()
                writer = csv.writer(text, lineterminator="\r\n")
                writer.writerow(columns)
                writer.writerows(rows)
                # A fixed time in the archive, so one seed gives the same bytes every run.
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, text.getvalue().encode("utf-8"))
        return out.getvalue()

    def _episodes(
        self, la_id: str, start: dt.date, status: str, *, moves: bool = True
    ) -> tuple[list[list[str]], dt.date]:
        """One episode in foster care from ``start``; with ``moves``, a move to a
        children's home during the census year (still open at its end). Also the day the
        last placement began."""
        home_post, first_post, second_post = self.rng.sample(self.postcodes, 3)
        first = [la_id, _uk(start), "S", status, "N1", *FOSTER[:2]]
        if not moves:
            return [[*first, "", "", "", home_post, first_post, FOSTER[2]]], start
        moved = max(start + dt.timedelta(days=30), self.year_start + _days(self.rng, 20, 200))
        return [
            [*first, _uk(moved), "X1", "CARPL", home_post, first_post, FOSTER[2]],
            [la_id, _uk(moved), "P", status, "N1", *CHILDRENS_HOME[:2], "", "", "",
             home_post, second_post, CHILDRENS_HOME[2]],
        ], moved  # fmt: skip

    def _missing(self, la_id: str, dob: str, placed: dt.date, *, bad: bool) -> list[list[str]]:
        """Two missing episodes from the placement begun on ``placed`` (held at the census
        year's end); with ``bad``, the second is dated 31 February (rejected by the dry run)."""
        first = min(placed + _days(self.rng, 5, 30), self.ref - dt.timedelta(days=10))
        second = min(first + _days(self.rng, 10, 40), self.ref - dt.timedelta(days=2))
        rows = [
            [la_id, dob, "M", _uk(first), _uk(first + dt.timedelta(days=1))],
            [la_id, dob, "A", _uk(second), _uk(second)],
        ]
        if bad:
            rows[1][3] = f"31/02/{self.ref.year}"
            rows[1][4] = ""
            self.made.missing_invalid += 1
        return rows


def _la_child_ids() -> set[str]:
    """Every LA child ID Locus holds: a new child in a return must have none of them."""
    held = Person.objects.filter(la_child_id__isnull=False).values_list("la_child_id", flat=True)
    return {la_id for la_id in held if la_id}
