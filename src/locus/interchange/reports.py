"""Taking a purged person out of the import runs' reports (docs/retention.md).

A run keeps its check and apply reports (``ImportRun.check_report``, ``apply_report``: a
``core.Report`` as a dict) as the record of what an import found. A report names a person in
its problems: each is one line (or element) of the file, with ``record`` the row's key (its
LAchildID, say), ``about`` the id of the record Locus holds that it names, and a message that
may quote the row's identifiers and date of birth. When the retention rules purge a person,
each problem naming them (by ``about``, or by their LA child ID, UPN or NHS number anywhere in
it) loses those identifiers and their date of birth; the other problems, the counts and the
totals stay as they were. The run's audit events held the reports as they were, so they are
blanked by record, and one change event says the rule and the run.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast

from locus.audit.models import ChangeAction
from locus.audit.services import record_change, redact_records
from locus.interchange.models import ImportRun
from locus.people.models import Person
from locus.subjectaccess.redaction import date_pattern, identifier_pattern

# What an identifier or a date of birth of a purged person becomes in a report.
REMOVED = "[removed under the retention rules]"
REPORTS = ("check_report", "apply_report")
# A problem's words: where it is, the column, its key and what it says.
PROBLEM_TEXT = ("where", "field", "record", "message")


def _identifiers(person: Person) -> list[str]:
    return [x for x in (person.la_child_id, person.upn, person.nhs_number) if x]


def _scrub_value(value: Any, patterns: list[re.Pattern[str]]) -> Any:
    """``value`` (a report's details: strings, lists, dicts) with every match taken out."""
    if isinstance(value, str):
        for pattern in patterns:
            value = pattern.sub(REMOVED, value)
        return value
    if isinstance(value, list):
        return [_scrub_value(v, patterns) for v in value]
    if isinstance(value, dict):
        return {k: _scrub_value(v, patterns) for k, v in value.items()}
    return value


def scrub_report(report: Mapping[str, Any], person: Person) -> dict[str, Any]:
    """``report`` without ``person``: each problem naming them (``about`` them, or holding
    one of their identifiers) has their identifiers and date of birth taken out and names
    nobody Locus holds; their identifiers are taken out of the details; they leave the
    report's people. The counts and every other problem stay as they were."""
    naming = [identifier_pattern(x) for x in _identifiers(person)]
    born = [date_pattern(person.date_of_birth)] if person.date_of_birth else []
    problems = []
    for problem in report.get("problems", []):
        texts = [str(problem.get(k) or "") for k in PROBLEM_TEXT]
        about_them = problem.get("about") == person.pk
        if about_them or any(p.search(t) for p in naming for t in texts):
            problem = {**problem, **_scrub_value(dict(problem), naming + born)}
            if about_them:
                problem["about"] = None
        problems.append(problem)
    return {
        **report,
        "problems": problems,
        "details": _scrub_value(report.get("details", {}), naming),
        "people": [pk for pk in report.get("people", []) if pk != person.pk],
    }


def _naming(person: Person) -> list[ImportRun]:
    """The runs whose reports may name ``person``: narrowed by the reports' text (an
    identifier as it is held; their id only for a person with none, as every report holds
    most short numbers), then read."""
    runs = ImportRun.objects.annotate(
        **{f"{name}_text": Cast(name, TextField()) for name in REPORTS}
    )
    match = Q()
    for text in _identifiers(person) or [str(person.pk)]:
        for name in REPORTS:
            match |= Q(**{f"{name}_text__icontains": text})
    return list(runs.filter(match).only("id", *REPORTS).order_by("pk"))


@transaction.atomic
def scrub_person(*, actor: Any, person: Person, why: Mapping[str, Any]) -> int:
    """Take ``person`` out of every import run's reports (the purge of ``person``, in its
    transaction, before their row goes): the reports rewritten by :func:`scrub_report`,
    the run's earlier audit events (which held the reports as they were) blanked by record,
    and one change event per run saying ``why`` (the rule and the run), nothing it held.
    Returns how many runs changed."""
    changed: list[ImportRun] = []
    for run in _naming(person):
        fields = {
            name: scrub_report(report, person)
            for name in REPORTS
            if (report := getattr(run, name)) is not None
        }
        if all(fields[name] == getattr(run, name) for name in fields):
            continue
        ImportRun.objects.filter(pk=run.pk).update(**fields)
        changed.append(run)
    if changed:
        redact_records(
            actor=actor,
            record_type=ImportRun._meta.label_lower,
            ids=[run.pk for run in changed],
            why=why,
        )
    for run in changed:
        record_change(actor=actor, action=ChangeAction.UPDATE, obj=run, after=dict(why))
    return len(changed)
