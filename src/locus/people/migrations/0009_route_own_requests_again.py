"""A request (an identifier or possible-duplicate request) is never routed to the worker who
asked it, and they may not answer it (recording.md). Requests routed to their own requester
before that rule, and still open, were hidden from that requester and left to any
administrator: each is routed again here the way a new one is routed now
(``people.selectors.identifier_query_route``, on this migration's own models): to another
manager of a team holding the other record, else to an administrator other than the
requester, else to nobody (any administrator answers, as for a new request with no one to go
to). Each is in the change trail as a change by the command line's account. Closed requests,
and open ones routed to someone else or to nobody, are left as they are; run again, it finds
nothing to do."""

from django.db import migrations
from django.db.models import F

from locus.audit.migration_ops import record_changes, system_actor
from locus.audit.models import ChangeAction
from locus.people.selectors import identifier_query_route


def route_own_requests_again(apps, schema_editor):
    IdentifierQuery = apps.get_model("people", "IdentifierQuery")
    Worker = apps.get_model("access", "Worker")
    Allocation = apps.get_model("people", "Allocation")
    own = IdentifierQuery.objects.filter(
        closed_at__isnull=True, routed_to_id=F("requested_by_id")
    ).select_related("requested_by", "conflicting")
    changes = []
    for query in own.order_by("id"):
        before = {"routed_to_id": query.routed_to_id}
        answerer = identifier_query_route(
            query.conflicting,
            requester=query.requested_by,
            workers=Worker.objects.all(),
            allocations=Allocation.objects.all(),
        )
        query.routed_to = answerer
        query.save(update_fields=["routed_to"])
        after = {
            "routed_to_id": query.routed_to_id,
            "reason": "Routed again on upgrade: nobody answers their own request",
        }
        changes.append((ChangeAction.UPDATE, query, before, after))
    if changes:
        record_changes(apps, system_actor(apps), changes)


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0003_team_independent"),
        ("audit", "0006_chain_existing"),
        ("people", "0008_episode_one_open_per_status"),
    ]

    operations = [migrations.RunPython(route_own_requests_again, migrations.RunPython.noop)]
