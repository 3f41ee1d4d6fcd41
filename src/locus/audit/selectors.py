"""Reading the audit trail (auditors and administrators; the view checks)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import QueryDict

from locus.audit.models import AccessEvent, ChangeEvent


@dataclass
class AuditFilter:
    actor: str = ""
    record_type: str = ""
    record_id: str = ""

    @classmethod
    def from_query(cls, query: QueryDict) -> AuditFilter:
        return cls(
            actor=query.get("actor", "").strip()[:150],
            record_type=query.get("record_type", "").strip()[:40],
            record_id=query.get("record_id", "").strip()[:40],
        )

    def apply(self, qs: QuerySet) -> QuerySet:
        if self.actor:
            qs = qs.filter(actor__username=self.actor)
        if self.record_type:
            qs = qs.filter(record_type=self.record_type)
        if self.record_id:
            qs = qs.filter(record_id=self.record_id)
        return qs


def access_events(*, filters: AuditFilter) -> QuerySet[AccessEvent]:
    return filters.apply(AccessEvent.objects.select_related("actor").order_by("-at", "-id"))


def change_events(*, filters: AuditFilter) -> QuerySet[ChangeEvent]:
    return filters.apply(ChangeEvent.objects.select_related("actor").order_by("-at", "-id"))
