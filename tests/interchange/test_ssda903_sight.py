"""An SSDA903 import widens nobody's sight: the placements and children it writes are
recorded by nobody (the audit trail names the importing administrator), so the
administrator's agency does not see every foster carer's address through "recorded by"."""

from __future__ import annotations

from pathlib import Path

from locus.access import scopes
from locus.access.fields import PersonField, role_fields
from locus.access.models import Role, Scope
from locus.audit.models import ChangeAction, ChangeEvent
from locus.incidents.models import Incident
from locus.interchange.ssda903 import IMPORTERS
from locus.places.models import Context, ContextKind
from tests.factories import World, make_worker, move_worker

DATA = Path(__file__).parent / "data" / "ssda903"


def test_placement_homes_are_not_seen_through_the_importing_administrator(
    world: World,
) -> None:
    """docs/imports-ssda903.md tells the data team to import as an administrator in the
    children's social care agency's team, and says a home is seen only through a child the
    viewer may see, as far as their role sees a home address. A CSC analyst (agency-wide,
    no home address) must not see the placements because the administrator "recorded" them.
    (A missing episode's place is seen by whoever sees that incident, as for any incident.)"""
    move_worker(world.admin, world.csc_team_a)
    analyst = make_worker(
        world.system, team=world.csc_team_b, role=Role.ANALYST, scope=Scope.AGENCY
    )
    assert PersonField.HOME_ADDRESS not in role_fields(analyst)
    before = ChangeEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    assert IMPORTERS[0].apply(DATA / "year1", by=world.admin).ok
    placements = Context.objects.filter(kind=ContextKind.HOME, name__startswith="Placement")
    at_incidents = Incident.objects.filter(context__isnull=False).values("context_id")
    quiet = placements.exclude(pk__in=at_incidents)
    assert quiet.exists()
    seen = scopes.contexts_visible_to(analyst).filter(pk__in=quiet.values("pk"))
    assert list(seen.values_list("name", flat=True)) == []
    assert set(placements.values_list("recorded_by", flat=True)) == {None}
    created = ChangeEvent.objects.filter(
        id__gt=before, record_type="places.context", action=ChangeAction.CREATE
    )
    assert {e.actor_id for e in created} == {world.admin.pk}
    assert created.count() == placements.count()
