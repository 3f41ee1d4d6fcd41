"""The DfE's CIN census code lists, in words, read from the census schemas Locus bundles.

The schemas carry every code list as an enumeration with its meaning beside it, so the
words come from the same file the codes are checked against, for every year bundled (a code
dropped in a later year, such as 18A, keeps its words for the older returns).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from lxml import etree

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "interchange" / "schemas" / "cin"
XS = "{http://www.w3.org/2001/XMLSchema}"
# The schemas separate a heading from its detail with an en dash ("HEALTH SERVICES - GP").
DASH = "\N{EN DASH}"

REFERRAL_SOURCE = "referralsourcetype"
PRIMARY_NEED = "primaryneedcodetype"
CLOSURE_REASON = "reasonforclosuretype"
FACTOR = "assessmentfactorstype"
CP_CATEGORY = "categoryofabuse"
DISABILITY = "disabilitytype"
GENDER = "gendertype"
ETHNICITY = "ethnicitytype"

# Assessment factors that name harm outside the family home, the concern of contextual
# safeguarding: going missing, sexual and criminal exploitation, trafficking, gangs, the
# child's own socially unacceptable behaviour, and abuse by another child (18B, 19B).
# Not these: abuse by an adult (18C, 19C) and FGM or abuse linked to faith or belief (22A,
# 23A), where the census does not say whether the harm came from inside the family or not.
EXTRA_FAMILIAL = frozenset({"10A", "11A", "12A", "13A", "14A", "18B", "19B", "24A"})


def schema_years() -> list[int]:
    return sorted(
        int(m.group(1))
        for p in SCHEMA_DIR.glob("CIN_schema_*.xsd")
        if (m := re.search(r"(\d{4})", p.name))
    )


def schema_path(year: int) -> Path:
    return SCHEMA_DIR / f"CIN_schema_{year}.xsd"


@cache
def code_lists() -> dict[str, dict[str, str]]:
    """Each list's codes and their words, every bundled year together (the latest words
    win), keyed by the schema's type name."""
    found: dict[str, dict[str, str]] = {}
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    for year in schema_years():
        tree = etree.parse(str(schema_path(year)), parser)
        for simple in tree.iter(f"{XS}simpleType"):
            name = simple.get("name")
            if not name:
                continue
            for enum in simple.iter(f"{XS}enumeration"):
                words = " ".join("".join(enum.itertext()).split())
                code = enum.get("value", "")
                found.setdefault(name, {})[code] = tidy(words) or code
    return found


def tidy(words: str) -> str:
    """The schema's words as a page shows them: "SCHOOLS" as "Schools", no stray bracket."""
    words = words.lstrip("(").strip()
    if words.isupper() or re.match(rf"^[A-Z &]{{3,}} [{DASH}-] ", words):
        head, _, rest = words.partition(f" {DASH} ")
        # "LA SERVICES" stays LA: the one acronym among the lists' capitalised headings.
        words = head.capitalize().replace("La ", "LA ") + (f": {rest}" if rest else "")
    return words


def label(list_name: str, code: str) -> str:
    """``code`` in words, or the code itself when the list does not know it."""
    return code_lists().get(list_name, {}).get(code, code)


def codes(list_name: str) -> frozenset[str]:
    return frozenset(code_lists().get(list_name, {}))


def short_factor(code: str) -> str:
    """A factor's words up to the colon: "Child sexual exploitation", not the whole rule."""
    return re.split(r": | - ", label(FACTOR, code), maxsplit=1)[0].strip()
