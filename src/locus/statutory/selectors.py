"""Reading a child's CIN census records for their page."""

from __future__ import annotations

from dataclasses import dataclass

from locus.access.fields import PersonField
from locus.access.models import Worker
from locus.people.models import Person
from locus.people.selectors import visible_fields
from locus.statutory import codes
from locus.statutory.models import CINEpisode


@dataclass(frozen=True)
class Factor:
    code: str
    label: str
    extra_familial: bool


@dataclass(frozen=True)
class EpisodeRow:
    episode: CINEpisode
    referral_source: str
    primary_need: str
    closure_reason: str
    factors: list[Factor]
    enquiries: int
    cp_plans: list[str]  # "Neglect from 1 Aug 2023 (now Emotional abuse)"
    extra_familial: bool


def cin_for(viewer: Worker, person: Person) -> list[EpisodeRow]:
    """The child's CIN episodes, newest first, with their assessments' factors (those
    naming harm outside the family flagged) and plans. Four queries, whatever the number.
    The caller has checked that the viewer may see the child's page, and attached the fields
    they see (``people.selectors.with_fields``): a census record is the detail of the child's
    social care status, so a viewer who may not see the status is given none (not even that
    there are some: the page withholds the status without saying whether there is one)."""
    if PersonField.LEGAL_STATUS not in visible_fields(person):
        return []
    episodes = (
        CINEpisode.objects.filter(person=person)
        .prefetch_related("assessments", "enquiries", "cp_plans")
        .order_by("-referral_date", "-id")
    )
    rows = []
    for episode in episodes:
        seen = dict.fromkeys(f for a in episode.assessments.all() for f in a.factors)
        factors = [
            Factor(code, codes.short_factor(code), code in codes.EXTRA_FAMILIAL) for code in seen
        ]
        plans = [
            f"{p.get_initial_category_display()} from {p.start:%-d %b %Y}"
            + (
                f" (latest: {p.get_latest_category_display()})"
                if p.latest_category != p.initial_category
                else ""
            )
            + (f", ended {p.end:%-d %b %Y}" if p.end else "")
            for p in episode.cp_plans.all()
        ]
        rows.append(
            EpisodeRow(
                episode=episode,
                referral_source=codes.label(codes.REFERRAL_SOURCE, episode.referral_source),
                primary_need=codes.label(codes.PRIMARY_NEED, episode.primary_need)
                if episode.primary_need
                else "",
                closure_reason=codes.label(codes.CLOSURE_REASON, episode.closure_reason)
                if episode.closure_reason
                else "",
                factors=factors,
                enquiries=len(episode.enquiries.all()),
                cp_plans=plans,
                extra_familial=any(f.extra_familial for f in factors),
            )
        )
    return rows
