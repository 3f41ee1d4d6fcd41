"""Writes about linked cases: a team's review of a link."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from locus.access import policies
from locus.access.models import Worker
from locus.common import clock
from locus.common.modelkit import choice_values
from locus.common.services import Problems, clean_text, create_audited, permitted, save_changes
from locus.linked.models import LinkReview, ReviewOutcome
from locus.linked.selectors import LinkedCase

REASON_LIMIT = 2000


@transaction.atomic
def link_review_record(
    *,
    actor: Worker,
    holder: Worker,
    case: LinkedCase,
    outcome: str,
    reason: str = "",
    contacted_on: dt.date | None = None,
) -> LinkReview:
    """Mark ``case`` (a link from ``holder``'s caseload, as ``actor``'s page shows it now, from
    ``selectors.link_to_review``) reviewed for the holder's team, keeping the evidence it rests
    on so that new evidence brings it back. A later review of the pair replaces the last; the
    audit trail keeps both, with the two children's ids."""
    permitted(policies.can_review_links_of, actor, holder)
    problems = Problems()
    problems.check(outcome in choice_values(ReviewOutcome), "outcome", "Choose what you found")
    if outcome == ReviewOutcome.NOT_RELEVANT:
        reason = clean_text(
            problems,
            "reason",
            reason,
            missing="Say why the link is not relevant",
            limit=REASON_LIMIT,
            what="reason",
        )
    else:
        reason = reason.strip()
        problems.check(
            len(reason) <= REASON_LIMIT,
            "reason",
            f"The reason must be {REASON_LIMIT} characters or fewer",
        )
    if outcome == ReviewOutcome.CONTACTED:
        if contacted_on is None:
            problems.add("contacted_on", "Enter the date you contacted the holder")
        elif contacted_on > clock.today():
            problems.add(
                "contacted_on", "The date you contacted the holder must not be in the future"
            )
    else:
        contacted_on = None
    problems.raise_if_any()
    counts, team_id = case.counts, holder.team_id
    assert counts is not None  # every link from the selector carries its counts
    assert team_id is not None  # the permission asks for the holder's team
    fields = {
        "outcome": outcome,
        "reason": reason,
        "contacted_on": contacted_on,
        "n_direct": counts.n_direct,
        "n_shared_incidents": counts.n_shared_incidents,
        "n_shared_associates": counts.n_shared_associates,
        "n_co_presence": counts.n_co_presence,
        "window_days": counts.window_days,
        "latest_evidence_on": counts.latest,
        "reviewed_by": actor,
        "reviewed_at": clock.now(),
    }
    existing = (
        LinkReview.objects.select_for_update()
        .filter(team_id=team_id, child=case.child, other_id=case.other_id)
        .first()
    )
    if existing is not None:
        return save_changes(actor=actor, obj=existing, fields=fields)
    return create_audited(
        actor,
        LinkReview,
        team_id=team_id,
        child=case.child,
        other_id=case.other_id,
        **fields,
    )
