"""Reads about incidents, for a viewer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from locus.access import lookups, scopes
from locus.access.models import Worker
from locus.access.selectors import visible_person_ids, withhold_unseen_places
from locus.common.periods import on_days_q
from locus.incidents.models import Incident, IncidentRevision, Involvement
from locus.places.models import Context


@dataclass
class InvolvementView:
    role: str
    role_label: str
    person_id: int
    name: str | None  # None when the viewer may not see who it was
    pk: int = 0  # the involvement's own id, for its Remove link


def _view(inv: Involvement, visible: set[int]) -> InvolvementView:
    return InvolvementView(
        role=inv.role,
        role_label=inv.get_role_display(),
        person_id=inv.person_id,
        name=inv.person.full_name if inv.person_id in visible else None,
        pk=inv.pk,
    )


def incidents_for(
    *,
    viewer: Worker,
    kind: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[Incident]:
    """Incidents the viewer may see, newest first, optionally by kind and date (inclusive)."""
    qs = scopes.incidents_visible_to(viewer)
    if kind:
        qs = qs.filter(kind=kind)
    qs = qs.filter(on_days_q("occurred_at", since, until))
    return (
        qs.select_related("context", "reporting_agency")
        .prefetch_related(
            Prefetch(
                "involvements",
                queryset=Involvement.objects.select_related("person").order_by("role", "id"),
            )
        )
        .order_by("-occurred_at", "-id")
    )


def involvement_views(
    *, viewer: Worker, incidents: list[Incident]
) -> dict[int, list[InvolvementView]]:
    """Who was involved in each incident, named only where the viewer may see them; and
    where it happened, blanked (``place_withheld``) where the viewer may not see the place.
    Every page, download and API answer that lists incidents asks this, so none names a
    person or a place the others would not."""
    withhold_unseen_places(viewer, incidents)
    people = {inv.person_id for incident in incidents for inv in incident.involvements.all()}
    # In their own right: a forum share shows a child's shared fields, not the incidents
    # she was in (nor her role in them).
    visible = visible_person_ids(viewer, people, shared=False)
    out: dict[int, list[InvolvementView]] = {}
    for incident in incidents:
        out[incident.pk] = [_view(inv, visible) for inv in incident.involvements.all()]
    return out


def shown_incidents(involvements: dict[int, list[InvolvementView]]) -> dict[str, list]:
    """What a list of incidents showed, for its read in the trail: the incidents, and the
    people named in them (those the viewer may not see are shown by role only)."""
    return {
        "shown": [str(pk) for pk in involvements],
        "people_shown": sorted(
            {v.person_id for views in involvements.values() for v in views if v.name}
        ),
    }


def recent_incidents(*, viewer: Worker, limit: int = 10) -> list[Incident]:
    return list(incidents_for(viewer=viewer)[:limit])


def incident_for(*, viewer: Worker, incident_id: object) -> Incident:
    """One incident the viewer sees (``access_incident``: else 404), read as the list reads
    them (:func:`incidents_for`)."""
    incident = lookups.access_incident(viewer, incident_id)
    return incidents_for(viewer=viewer).get(pk=incident.pk)


def withhold_place(*, viewer: Worker, incident: Incident) -> bool:
    """Blank where ``incident`` happened if it is a home the viewer may not see, as every
    page that shows it does (``access.selectors.withhold_unseen_places``), and say whether
    it was: the amend page then says it was a home and offers no place to choose."""
    withhold_unseen_places(viewer, [incident])
    return bool(getattr(incident, "place_withheld", False))


def place_choices(*, viewer: Worker) -> list[Context]:
    """The places an incident may be recorded at: those the viewer sees."""
    return list(scopes.contexts_visible_to(viewer).order_by("name", "id"))


@dataclass
class RemovedView:
    involvement: InvolvementView
    removed_at: dt.datetime
    removed_by: str
    reason: str


@dataclass
class IncidentHistory:
    revisions: list[IncidentRevision]
    removed: list[RemovedView]

    def people_shown(self) -> list[int]:
        return sorted({r.involvement.person_id for r in self.removed if r.involvement.name})

    def shown(self) -> dict[str, list[int]]:
        """The revisions and the removed involvements the history lists, by id, for the
        page's read in the trail."""
        return {
            "revisions_shown": [r.pk for r in self.revisions],
            "removed_shown": [r.involvement.pk for r in self.removed],
        }


def incident_history(*, viewer: Worker, incident: Incident) -> IncidentHistory:
    """The versions an amendment replaced, and the people taken out, newest first; a removed
    person is named only where the viewer may see them."""
    revisions = list(
        incident.revisions.select_related("context", "revised_by").order_by("-revised_at", "-id")
    )
    withhold_unseen_places(viewer, revisions)
    removed = list(
        Involvement.with_removed.filter(incident=incident, removed_at__isnull=False)
        .select_related("person", "removed_by")
        .order_by("-removed_at", "-id")
    )
    visible = visible_person_ids(viewer, {inv.person_id for inv in removed}, shared=False)
    return IncidentHistory(
        revisions=revisions,
        removed=[
            RemovedView(
                involvement=_view(inv, visible),
                removed_at=inv.removed_at,
                removed_by=str(inv.removed_by),
                reason=inv.removal_reason,
            )
            for inv in removed
            if inv.removed_at is not None
        ],
    )


def involvement_of(*, incident: Incident, involvement_id: object) -> Involvement:
    """One current involvement of an incident already read for the viewer (else 404)."""
    return lookups.one_or_404(Involvement.objects.filter(incident=incident), involvement_id)
