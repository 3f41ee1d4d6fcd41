"""Reading the authority's policies: the latest version of each, and a policy's history."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from locus.access import sharing as rules
from locus.access.models import Worker
from locus.common.errors import NotPermitted
from locus.common.ids import parse_id
from locus.common.modelkit import choice_values
from locus.policies.models import KIND_HINTS, PolicyKind, PolicyVersion


@dataclass(frozen=True)
class PolicyEntry:
    kind: PolicyKind
    hint: str
    latest: PolicyVersion | None


def _readable(viewer: Worker) -> None:
    if not rules.can_read_policies(viewer):
        raise NotPermitted("not found")


def kind_of(value: str) -> PolicyKind:
    if value not in choice_values(PolicyKind):
        raise Http404("Not found")
    return PolicyKind(value)


def policies(viewer: Worker) -> list[PolicyEntry]:
    """Each kind of policy with its latest version (None before the first is written)."""
    _readable(viewer)
    latest: dict[str, PolicyVersion] = {}
    for version in PolicyVersion.objects.select_related("by").order_by("kind", "-number"):
        latest.setdefault(version.kind, version)
    return [PolicyEntry(k, KIND_HINTS[k], latest.get(k.value)) for k in PolicyKind]


def history(viewer: Worker, kind: PolicyKind) -> list[PolicyVersion]:
    """Every version of a policy, newest first."""
    _readable(viewer)
    return list(PolicyVersion.objects.filter(kind=kind).select_related("by").order_by("-number"))


def version(viewer: Worker, kind: PolicyKind, number: object) -> PolicyVersion:
    _readable(viewer)
    found = PolicyVersion.objects.filter(kind=kind, number=parse_id(number)).first()
    if found is None:
        raise Http404("Not found")
    return found
