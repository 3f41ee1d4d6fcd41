"""``locus bench import``: the CIN census import against a raw read-and-insert of the same rows.

A synthetic CIN census return of ``--children`` children (100,000 by default; every child
with a CIN episode and an assessment, some with a section 47 enquiry and a child protection
plan) is written to a temporary file. Locus's import is timed as the data team runs it: the
dry run (``check``: each child validated against the year's DfE schema, matched against the
database) then the import (``apply``: the same again, then every record written and audited,
in one transaction). The raw path, in the same run on the same database, reads the same file
with lxml's ``iterparse`` (no validation, no matching, no audit) and bulk inserts the same
rows into scratch tables. The ratio is Locus's time over the raw path's.

Two sizes are measured, a tenth of ``--children`` then all of it, each with its own file
and children. For each: the times, the ratio (dry run plus import over the raw path), the
import alone over the raw path, the same ratio in processor time (steadier on a shared
machine), and the process's peak resident size so far. Streaming keeps memory flat: what
grows with the file is the set of LA child IDs and UPNs seen (to find duplicates).

Reports::

    {"children", "file_mb", "check_s", "apply_s", "locus_s", "raw_s", "ratio", "import_ratio",
     "cpu_s", "cpu_ratio", "counts", "peak_rss_mb": {"<children>": mb, ...},
     "sizes": [{...the same, for each size}], "targets"}

Targets: within 4x of the raw path, and check plus import under 2 minutes at 100,000.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import resource
import tempfile
import time
from pathlib import Path
from typing import Any, TextIO

from locus.common.validators import upn_check_letter

TARGET_RATIO = 4.0
TARGET_SECONDS = 120.0
ETHNICITIES = ("WBRI", "WOTH", "MWBC", "AIND", "BCRB", "BAFR", "CHNE", "OOTH", "NOBT")
SOURCES = ("1A", "2A", "3A", "5A", "6", "8")
FACTORS = ("1B", "3A", "4B", "10A", "11A", "13A", "14A", "16A", "18B", "24A")
CATEGORIES = ("NEG", "PHY", "SAB", "EMO", "MUL")
REFERENCE = dt.date(2024, 3, 31)


def _day(rng: random.Random, start: dt.date, span: int) -> dt.date:
    return min(REFERENCE, start + dt.timedelta(days=rng.randrange(span)))


def child_xml(n: int, rng: random.Random) -> str:
    """One synthetic child (fake identifiers: BENCH..., a UPN with its right check letter)."""
    birth = dt.date(2006, 1, 1) + dt.timedelta(days=rng.randrange(6000))
    referral = _day(rng, dt.date(2022, 4, 1), 600)
    assessed = _day(rng, referral, 10)
    factors = "".join(
        f"<AssessmentFactors>{f}</AssessmentFactors>"
        for f in rng.sample(FACTORS, rng.randint(1, 3))
    )
    closed = ""
    if rng.random() < 0.5:
        closed = (
            f"<CINclosureDate>{_day(rng, assessed, 200)}</CINclosureDate>"
            "<ReasonForClosure>RC8</ReasonForClosure>"
        )
    s47 = cp = ""
    if rng.random() < 0.3:
        s47 = (
            f"<Section47><S47ActualStartDate>{_day(rng, referral, 5)}</S47ActualStartDate>"
            "<ICPCnotRequired>false</ICPCnotRequired></Section47>"
        )
    if rng.random() < 0.1:
        category = rng.choice(CATEGORIES)
        cp = (
            f"<ChildProtectionPlans><CPPstartDate>{_day(rng, assessed, 60)}</CPPstartDate>"
            f"<InitialCategoryOfAbuse>{category}</InitialCategoryOfAbuse>"
            f"<LatestCategoryOfAbuse>{category}</LatestCategoryOfAbuse>"
            "<NumberOfPreviousCPP>1</NumberOfPreviousCPP></ChildProtectionPlans>"
        )
    return (
        f"<Child><ChildIdentifiers><LAchildID>BENCH{n:07d}</LAchildID>"
        f"<UPN>{upn_check_letter(f'{n:012d}')}{n:012d}</UPN>"
        f"<PersonBirthDate>{birth}</PersonBirthDate>"
        f"<GenderCurrent>{rng.choice('12')}</GenderCurrent></ChildIdentifiers>"
        f"<ChildCharacteristics><Ethnicity>{rng.choice(ETHNICITIES)}</Ethnicity>"
        "<Disabilities><Disability>NONE</Disability></Disabilities></ChildCharacteristics>"
        f"<CINdetails><CINreferralDate>{referral}</CINreferralDate>"
        f"<ReferralSource>{rng.choice(SOURCES)}</ReferralSource>"
        f"<PrimaryNeedCode>N{rng.randint(1, 8)}</PrimaryNeedCode>{closed}"
        f"<Assessments><AssessmentActualStartDate>{assessed}</AssessmentActualStartDate>"
        f"<AssessmentAuthorisationDate>{_day(rng, assessed, 30) if closed else assessed}"
        "</AssessmentAuthorisationDate>"
        f"<FactorsIdentifiedAtAssessment>{factors}</FactorsIdentifiedAtAssessment></Assessments>"
        f"{s47}<ReferralNFA>false</ReferralNFA>{cp}</CINdetails></Child>\n"
    )


def write_return(path: Path, children: int, *, seed: int = 0, first: int = 0) -> int:
    """A 2024 return of ``children`` synthetic children; returns its size in bytes."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        out.write(
            "<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>2024</Year>"
            f"<ReferenceDate>{REFERENCE}</ReferenceDate></CollectionDetails>"
            "<Source><SourceLevel>L</SourceLevel><LEA>999</LEA></Source></Header>\n<Children>\n"
        )
        for n in range(first, first + children):
            out.write(child_xml(n, rng))
        out.write("</Children></Message>\n")
    return path.stat().st_size


# --- The raw path ---------------------------------------------------------------------------

# The same rows Locus writes (a person, the census details, an episode and each part of it),
# with the same values from the file, into scratch tables with no index, no key and no check.
SCRATCH = {
    "bench_person": "la_child_id, upn, birth, sex, ethnicity",
    "bench_census": "la_child_id, disabilities, upn_unknown, year",
    "bench_episode": "la_child_id, referral, source, need, closure, reason, nfa, icpc, year",
    "bench_assessment": "la_child_id, referral, start, authorised, factors",
    "bench_plan": "la_child_id, referral, start, finish",
    "bench_s47": "la_child_id, referral, start, target, held, not_required",
    "bench_cp": "la_child_id, referral, start, finish, initial, latest, previous, reviews",
}


# Which of Locus's record kinds (as a report counts them) each scratch table stands for.
SAME_AS = {
    "bench_person": "child",
    "bench_census": "child",
    "bench_episode": "cin_episode",
    "bench_assessment": "assessment",
    "bench_plan": "cin_plan",
    "bench_s47": "section47",
    "bench_cp": "cp_plan",
}


def raw_import(path: Path) -> dict[str, int]:
    """The floor: read with iterparse, insert the same rows with executemany; no checks.
    Returns the rows written to each scratch table."""
    from django.db import connection, transaction
    from lxml import etree

    rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in SCRATCH}
    with connection.cursor() as cursor:
        for table, columns in SCRATCH.items():
            # Typed as text (PostgreSQL needs a type; SQLite takes any), values cast as given.
            typed = ", ".join(f"{c} TEXT" for c in columns.split(", "))
            cursor.execute(f"CREATE TABLE IF NOT EXISTS {table} ({typed})")
    count = 0
    year = None
    written = dict.fromkeys(SCRATCH, 0)

    def flush() -> None:
        with connection.cursor() as cursor:
            for table, batch in rows.items():
                if batch:
                    written[table] += len(batch)
                    marks = ", ".join("%s" for _ in batch[0])
                    sql = f"INSERT INTO {table} VALUES ({marks})"  # noqa: S608 (our scratch table)
                    cursor.executemany(sql, batch)
                    batch.clear()

    def texts(elem: Any, path: str) -> str:
        return json.dumps([e.text for e in elem.iterfind(path)])

    with transaction.atomic():
        for _event, elem in etree.iterparse(
            str(path), tag=("Header", "Child"), resolve_entities=False
        ):
            if elem.tag == "Header":
                year = elem.findtext("CollectionDetails/Year")
                continue
            child = elem
            key = child.findtext("ChildIdentifiers/LAchildID")
            ids = child.find("ChildIdentifiers")
            rows["bench_person"].append(
                (
                    key,
                    ids.findtext("UPN"),
                    ids.findtext("PersonBirthDate"),
                    ids.findtext("GenderCurrent"),
                    child.findtext("ChildCharacteristics/Ethnicity"),
                )
            )
            rows["bench_census"].append(
                (key, texts(child, ".//Disability"), ids.findtext("UPNunknown"), year)
            )
            for d in child.iterfind("CINdetails"):
                referral = d.findtext("CINreferralDate")
                rows["bench_episode"].append(
                    (
                        key,
                        referral,
                        d.findtext("ReferralSource"),
                        d.findtext("PrimaryNeedCode"),
                        d.findtext("CINclosureDate"),
                        d.findtext("ReasonForClosure"),
                        d.findtext("ReferralNFA"),
                        d.findtext("DateOfInitialCPC"),
                        year,
                    )
                )
                for a in d.iterfind("Assessments"):
                    rows["bench_assessment"].append(
                        (
                            key,
                            referral,
                            a.findtext("AssessmentActualStartDate"),
                            a.findtext("AssessmentAuthorisationDate"),
                            texts(a, ".//AssessmentFactors"),
                        )
                    )
                for p in d.iterfind("CINPlanDates"):
                    rows["bench_plan"].append(
                        (
                            key,
                            referral,
                            p.findtext("CINPlanStartDate"),
                            p.findtext("CINPlanEndDate"),
                        )
                    )
                for e in d.iterfind("Section47"):
                    rows["bench_s47"].append(
                        (
                            key,
                            referral,
                            e.findtext("S47ActualStartDate"),
                            e.findtext("InitialCPCtarget"),
                            e.findtext("DateOfInitialCPC"),
                            e.findtext("ICPCnotRequired"),
                        )
                    )
                for c in d.iterfind("ChildProtectionPlans"):
                    rows["bench_cp"].append(
                        (
                            key,
                            referral,
                            c.findtext("CPPstartDate"),
                            c.findtext("CPPendDate"),
                            c.findtext("InitialCategoryOfAbuse"),
                            c.findtext("LatestCategoryOfAbuse"),
                            c.findtext("NumberOfPreviousCPP"),
                            texts(c, ".//CPPreviewDate"),
                        )
                    )
            count += 1
            child.clear()
            while child.getprevious() is not None:
                del child.getparent()[0]
            if count % 2000 == 0:
                flush()
        flush()
    with connection.cursor() as cursor:
        for table in SCRATCH:
            cursor.execute(f"DROP TABLE {table}")
    assert written["bench_person"] == count
    return written


# --- The run ----------------------------------------------------------------------------------


def _peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux: the process's peak resident size so far.
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def importer_worker() -> Any:
    """The administrator the import is recorded as (made once in the bench database)."""
    from locus.access.models import Role, Scope, Worker
    from locus.access.services import system_worker, worker_create

    found = Worker.objects.filter(username="bench-importer").first()
    if found is not None:
        return found
    return worker_create(
        actor=system_worker(),
        username="bench-importer",
        first_name="Bench",
        last_name="Importer",
        team=None,
        role=Role.ADMINISTRATOR,
        scope=Scope.ALL,
        password=None,
        email="bench-importer@bench.example",
        job_title="Data team",
    )


def ensure_schema() -> None:
    from django.db import connection

    if "people_person" not in connection.introspection.table_names():
        from locus.common import schema

        schema.migrate()


class _Timer:
    """Wall and processor time of a block: on a machine shared with other work the wall
    time swings with the load, the processor time (this process's) much less."""

    def __enter__(self) -> _Timer:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        # Kept unrounded: the ratios of a small run's hundredths would divide by zero.
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def _ratio(a: float, b: float) -> float:
    return round(a / max(b, 1e-9), 2)


def measure(children: int, *, seed: int, folder: Path, first: int) -> dict[str, Any]:
    """One size: the dry run, the import and the raw path of the same file."""
    from locus.interchange.cin import CinImporter

    admin = importer_worker()
    importer = CinImporter()
    path = folder / f"return-{children}.xml"
    result: dict[str, Any] = {"children": children}
    result["file_mb"] = round(write_return(path, children, seed=seed, first=first) / 2**20, 1)
    with _Timer() as check:
        dry = importer.check(path)
    with _Timer() as apply:
        done = importer.apply(path, by=admin)
    assert dry.ok and done.ok, (dry.problems[:3], done.problems[:3])
    with _Timer() as raw:
        written = raw_import(path)
    path.unlink()
    counts = done.as_dict()["counts"]
    # The same rows in both paths: as many in each scratch table as Locus created records.
    same = {t: written[t] == counts.get(kind, {}).get("created", 0) for t, kind in SAME_AS.items()}
    assert all(same.values()), (written, counts)
    result.update(
        check_s=round(check.wall, 2),
        apply_s=round(apply.wall, 2),
        locus_s=round(check.wall + apply.wall, 2),
        raw_s=round(raw.wall, 3),
        ratio=_ratio(check.wall + apply.wall, raw.wall),
        import_ratio=_ratio(apply.wall, raw.wall),
        cpu_s={
            "check": round(check.cpu, 2),
            "apply": round(apply.cpu, 2),
            "raw": round(raw.cpu, 2),
        },
        cpu_ratio=_ratio(check.cpu + apply.cpu, raw.cpu),
        peak_rss_mb=_peak_rss_mb(),
        counts=counts,
        raw_rows=sum(written.values()),
    )
    return result


def run(children: int, *, seed: int, err: TextIO | None = None) -> dict[str, Any]:
    """A tenth of the size, then the size: the targets are judged at the size."""
    ensure_schema()
    sizes = [max(1, children // 10), children]
    # Numbered apart from any earlier run's children in the same database.
    first = int(time.time()) % 1000 * 1_000_000
    with tempfile.TemporaryDirectory(prefix="locus-bench-import-") as folder:
        runs = []
        for n, size in enumerate(sizes):
            runs.append(measure(size, seed=seed, folder=Path(folder), first=first + n * size))
            if err is not None:
                print(f"{size:,} children measured.", file=err)
    results = dict(runs[-1])
    results["sizes"] = runs
    results["peak_rss_mb"] = {str(r["children"]): r["peak_rss_mb"] for r in runs}
    results["targets"] = {
        "ratio_within_4x": results["ratio"] <= TARGET_RATIO,
        "under_2_minutes": results["locus_s"] < TARGET_SECONDS,
    }
    return results


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main(children: int, *, seed: int, as_json: bool, out: TextIO, err: TextIO) -> int:
    """The ``locus bench import`` command."""
    if not as_json:
        print(f"CIN census import benchmark: {children:,} children (seed {seed}).", file=out)
    results = run(children, seed=seed, err=None if as_json else err)
    if as_json:
        print(json.dumps(results), file=out)
        return 0
    head = (
        f"{'children':>9} {'MB':>5} {'dry run':>8} {'import':>8} {'total':>8} {'raw':>7} "
        f"{'ratio':>6} {'import/raw':>10} {'cpu ratio':>9} {'peak MB':>8}"
    )
    print(head, file=out)
    for r in results["sizes"]:
        print(
            f"{r['children']:>9,} {r['file_mb']:>5} {r['check_s']:>7}s {r['apply_s']:>7}s "
            f"{r['locus_s']:>7}s {r['raw_s']:>6}s {r['ratio']:>5}x {r['import_ratio']:>9}x "
            f"{r['cpu_ratio']:>8}x {r['peak_rss_mb']:>8}",
            file=out,
        )
    met = results["targets"]
    n = f"{results['children']:,}"
    print(
        f"Within {TARGET_RATIO:g}x of the raw path at {n} children: "
        f"{_met(met['ratio_within_4x'])} ({results['ratio']}x; the import alone "
        f"{results['import_ratio']}x).",
        file=out,
    )
    print(
        f"Dry run + import under 2 minutes at {n} children: "
        f"{_met(met['under_2_minutes'])} ({results['locus_s']} s).",
        file=out,
    )
    print(f"Imported: {results['counts']}", file=out)
    return 0
