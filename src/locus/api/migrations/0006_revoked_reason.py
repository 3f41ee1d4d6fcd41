"""An administrator's reason for revoking a token is kept on the token, for its holder's
tokens page: the notification telling the holder no longer carries it (free text stays out
of notifications, docs/notifications.md). Tokens an administrator revoked before take their
reason back from their sharing-register row's end note ("Revoked by an administrator: ..."),
each copy in the change trail as the command line's account's; others keep none. Run
again, it finds nothing to do."""

from django.db import migrations, models

from locus.audit.migration_ops import record_changes, system_actor
from locus.audit.models import ChangeAction
from locus.sharing.services import source_of

# The end note's opening (kept here: a migration keeps its own; api.services.REVOKED_BY_ADMIN).
REVOKED_BY_ADMIN = "Revoked by an administrator: "


def reasons_from_the_register(apps, schema_editor):
    ApiToken = apps.get_model("api", "ApiToken")
    Share = apps.get_model("sharing", "Share")
    changes = []
    for token in ApiToken.objects.filter(revoked_at__isnull=False, revoked_reason="").order_by("id"):
        source_type, source_id = source_of(token)
        notes = Share.objects.filter(
            source_type=source_type,
            source_id=source_id,
            until_note__startswith=REVOKED_BY_ADMIN,
        ).values_list("until_note", flat=True)
        note = notes.order_by("id").first()
        if note is None:
            continue
        token.revoked_reason = note.removeprefix(REVOKED_BY_ADMIN)[:90]
        token.save(update_fields=["revoked_reason"])
        # Not a snapshot: the trail never keeps a token's hash (api.services.token_trail).
        after = {"revoked_reason": token.revoked_reason}
        changes.append((ChangeAction.UPDATE, token, {"revoked_reason": ""}, after))
    if changes:
        record_changes(apps, system_actor(apps), changes)


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0003_team_independent"),
        ("api", "0005_read_counts"),
        ("audit", "0006_chain_existing"),
        ("sharing", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="revoked_reason",
            field=models.CharField(blank=True, max_length=90),
        ),
        migrations.RunPython(reasons_from_the_register, migrations.RunPython.noop),
    ]
