"""Editing a policy: a new version each time, never an overwrite (docs/policies.md)."""

from __future__ import annotations

from django.db import transaction

from locus.access import sharing as rules
from locus.access.models import Worker
from locus.common.modelkit import choice_values
from locus.common.services import Problems, clean_text, create_audited, permitted, recorded
from locus.policies.models import PolicyKind, PolicyVersion

MAX_TITLE = 200
MAX_TEXT = 100_000
MAX_SUMMARY = 300


@transaction.atomic
def policy_edit(*, actor: Worker, kind: str, title: str, text: str, summary: str) -> PolicyVersion:
    """Write the next version of the ``kind`` policy: administrators only.

    The older versions stay as they were, so a decision can be read against the policy in
    force when it was made.
    """
    permitted(rules.can_edit_policies, actor)
    if kind not in choice_values(PolicyKind):
        raise ValueError(f"policy_edit: kind must be one of {PolicyKind.values}, not {kind!r}")
    problems = Problems()
    title = clean_text(
        problems, "title", title, missing="Enter the title", limit=MAX_TITLE, what="title"
    )
    text = clean_text(
        problems, "text", text, missing="Enter the policy's text", limit=MAX_TEXT, what="text"
    )
    summary = clean_text(
        problems,
        "summary",
        summary,
        missing="Say what changed in this version",
        limit=MAX_SUMMARY,
        what="summary",
    )
    problems.raise_if_any()
    # One writer at a time per kind: the row lock on the latest version orders the numbers.
    latest = PolicyVersion.objects.select_for_update().filter(kind=kind).order_by("-number").first()
    return create_audited(
        actor,
        PolicyVersion,
        kind=kind,
        number=(latest.number + 1) if latest else 1,
        title=title,
        text=text,
        summary=summary,
        **recorded(actor, "by", "at"),
    )
