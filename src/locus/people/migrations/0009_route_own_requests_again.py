"""A request (an identifier or possible-duplicate request) is never routed to the worker who
asked it, and they may not answer it (recording.md). Requests routed to their own requester
before that rule, and still open, were hidden from that requester and left to any
administrator: each is routed again here the way a new one was routed when this migration
was written (``_answerer``, a copy of that rule kept here, on this migration's own models, so
that the migration replays the same whatever the live rule becomes): to another manager of a
team holding the other record, else to an administrator other than the requester, else to
nobody (any administrator answers, as for a new request with no one to go to). Each is in
the change trail as a change by the command line's account. Closed requests, and open ones
routed to someone else or to nobody, are left as they are; run again, it finds nothing to
do."""

from django.db import migrations
from django.db.models import F

from locus.audit.migration_ops import record_changes, system_actor
from locus.audit.models import ChangeAction

# As the rule stood when this migration was written: the command line's own account answers
# nobody, and the roles and scope by their stored values.
SYSTEM_USERNAME = "locus.system"
MANAGER, ADMINISTRATOR, ALL = "manager", "administrator", "all"


def _answerer(Worker, Allocation, query):
    """Who answered ``query`` then: the first (by id) active manager of a team with an open
    allocation of the other record, else the first active administrator who sees everything;
    never the requester, nor another account with their email."""
    requester = query.requested_by
    among = (
        Worker.objects.filter(is_active=True)
        .exclude(username=SYSTEM_USERNAME)
        .exclude(pk=requester.pk)
        .order_by("pk")
    )
    if email := requester.email.strip():
        among = among.exclude(email__iexact=email)
    holding = Allocation.objects.filter(end__isnull=True, person_id=query.conflicting_id)
    return (
        among.filter(role=MANAGER, team__in=holding.values("team")).first()
        or among.filter(role=ADMINISTRATOR, scope=ALL).first()
    )


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
        query.routed_to = _answerer(Worker, Allocation, query)
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
