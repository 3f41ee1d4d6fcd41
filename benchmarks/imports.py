"""``locus bench import``: the CIN census import against a raw read-and-insert of the same rows.

A synthetic CIN census return of ``--children`` children (100,000 by default; every child
with a CIN episode and an assessment, some with a section 47 enquiry and a child protection
plan) is written to a temporary file. Locus's import is timed as the data team runs it: the
dry run (``check``: each child validated against the year's DfE schema, matched against the
database) then the import (``apply``: the same again, then every record written and audited,
in one transaction). The raw path, in the same run on the same database, reads the same file
with lxml's ``iterparse`` (no validation, no matching, no audit) and bulk inserts the same
rows into scratch tables. The ratio is Locus's time over the raw path's.

Memory: the process's peak resident size after the dry run of a file a tenth of the size,
then after the full one. Streaming keeps it flat: what grows with the file is the set of LA
child IDs and UPNs seen (to find duplicates), a few megabytes at 100,000 children.

Reports::

    {"children", "file_mb", "check_s", "apply_s", "locus_s", "raw_s", "ratio",
     "peak_rss_mb": {"<children>": mb, ...}, "counts", "targets"}

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
    """One synthetic child (fake identifiers: BENCH..., a UPN of the right shape)."""
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
        f"<UPN>B{n:012d}</UPN><PersonBirthDate>{birth}</PersonBirthDate>"
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

SCRATCH = {
    "bench_child": "la_child_id, upn, birth, sex, ethnicity, disabilities",
    "bench_episode": "la_child_id, referral, source, need, closure, reason",
    "bench_assessment": "la_child_id, referral, start, authorised, factors",
    "bench_s47": "la_child_id, referral, start, not_required",
    "bench_cp": "la_child_id, referral, start, initial, latest",
}


def raw_import(path: Path) -> int:
    """The floor: read with iterparse, insert the same rows with executemany; no checks."""
    from django.db import connection, transaction
    from lxml import etree

    rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in SCRATCH}
    with connection.cursor() as cursor:
        for table, columns in SCRATCH.items():
            cursor.execute(f"CREATE TABLE IF NOT EXISTS {table} ({columns})")
    count = 0

    def flush() -> None:
        with connection.cursor() as cursor:
            for table, batch in rows.items():
                if batch:
                    marks = ", ".join("%s" for _ in batch[0])
                    sql = f"INSERT INTO {table} VALUES ({marks})"  # noqa: S608 (our scratch table)
                    cursor.executemany(sql, batch)
                    batch.clear()

    with transaction.atomic():
        for _event, child in etree.iterparse(str(path), tag="Child", resolve_entities=False):
            key = child.findtext("ChildIdentifiers/LAchildID")
            ids = child.find("ChildIdentifiers")
            rows["bench_child"].append(
                (
                    key,
                    ids.findtext("UPN"),
                    ids.findtext("PersonBirthDate"),
                    ids.findtext("GenderCurrent"),
                    child.findtext("ChildCharacteristics/Ethnicity"),
                    json.dumps([d.text for d in child.iterfind(".//Disability")]),
                )
            )
            for details in child.iterfind("CINdetails"):
                referral = details.findtext("CINreferralDate")
                rows["bench_episode"].append(
                    (
                        key,
                        referral,
                        details.findtext("ReferralSource"),
                        details.findtext("PrimaryNeedCode"),
                        details.findtext("CINclosureDate"),
                        details.findtext("ReasonForClosure"),
                    )
                )
                for a in details.iterfind("Assessments"):
                    factors = [f.text for f in a.iterfind(".//AssessmentFactors")]
                    rows["bench_assessment"].append(
                        (
                            key,
                            referral,
                            a.findtext("AssessmentActualStartDate"),
                            a.findtext("AssessmentAuthorisationDate"),
                            json.dumps(factors),
                        )
                    )
                for s in details.iterfind("Section47"):
                    rows["bench_s47"].append(
                        (
                            key,
                            referral,
                            s.findtext("S47ActualStartDate"),
                            s.findtext("ICPCnotRequired"),
                        )
                    )
                for p in details.iterfind("ChildProtectionPlans"):
                    rows["bench_cp"].append(
                        (
                            key,
                            referral,
                            p.findtext("CPPstartDate"),
                            p.findtext("InitialCategoryOfAbuse"),
                            p.findtext("LatestCategoryOfAbuse"),
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
    return count


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
        job_title="Data team",
    )


def ensure_schema() -> None:
    from django.db import connection

    if "people_person" not in connection.introspection.table_names():
        from locus.common import schema

        schema.migrate()


def run(children: int, *, seed: int, err: TextIO | None = None) -> dict[str, Any]:
    from locus.interchange.cin import CinImporter

    ensure_schema()
    admin = importer_worker()
    importer = CinImporter()
    results: dict[str, Any] = {"children": children, "peak_rss_mb": {}}
    with tempfile.TemporaryDirectory(prefix="locus-bench-import-") as folder:
        small, big = Path(folder) / "small.xml", Path(folder) / "return.xml"
        # Numbered apart from any earlier run's children in the same database.
        first = int(time.time()) % 1000 * 10_000
        write_return(small, max(1, children // 10), seed=seed, first=first)
        results["file_mb"] = round(write_return(big, children, seed=seed, first=first) / 2**20, 1)
        importer.check(small)
        results["peak_rss_mb"][str(max(1, children // 10))] = _peak_rss_mb()

        started = time.perf_counter()
        dry = importer.check(big)
        results["check_s"] = round(time.perf_counter() - started, 2)
        results["peak_rss_mb"][str(children)] = _peak_rss_mb()
        started = time.perf_counter()
        done = importer.apply(big, by=admin)
        results["apply_s"] = round(time.perf_counter() - started, 2)
        assert dry.ok and done.ok, (dry.problems[:3], done.problems[:3])
        results["counts"] = done.as_dict()["counts"]

        started = time.perf_counter()
        raw = raw_import(big)
        results["raw_s"] = round(time.perf_counter() - started, 2)
        assert raw == children
    results["locus_s"] = round(results["check_s"] + results["apply_s"], 2)
    results["ratio"] = round(results["locus_s"] / max(results["raw_s"], 1e-9), 2)
    results["targets"] = {
        "ratio_within_4x": results["ratio"] <= TARGET_RATIO,
        "under_2_minutes": results["locus_s"] < TARGET_SECONDS,
    }
    return results


def main(children: int, *, seed: int, as_json: bool, out: TextIO, err: TextIO) -> int:
    """The ``locus bench import`` command."""
    if not as_json:
        print(f"CIN census import benchmark: {children:,} children (seed {seed}).", file=out)
    results = run(children, seed=seed, err=err)
    if as_json:
        print(json.dumps(results), file=out)
        return 0
    met = results["targets"]
    print(
        f"File {results['file_mb']} MB. Locus: dry run {results['check_s']} s + import "
        f"{results['apply_s']} s = {results['locus_s']} s; raw iterparse + insert "
        f"{results['raw_s']} s; ratio {results['ratio']}x "
        f"(target {TARGET_RATIO:g}x: {'met' if met['ratio_within_4x'] else 'NOT met'}; "
        f"under 2 minutes: {'yes' if met['under_2_minutes'] else 'NO'}).",
        file=out,
    )
    peaks = ", ".join(f"{n} children: {mb} MB" for n, mb in results["peak_rss_mb"].items())
    print(f"Peak resident memory after the dry run of {peaks}.", file=out)
    print(f"Imported: {results['counts']}", file=out)
    return 0
