"""A worker made inactive in the admin has their tokens ended (docs/api.md): each in the change
trail, its sharing-register row closed. A worker made inactive before that, or some other
way, kept tokens that no longer work (an inactive worker's token is refused) but whose
register rows stayed open until the token's expiry, as though the sharing went on. Each such
token is ended here as deactivation ends one (``api.services.tokens_end``): revoked now, its
register rows still open closed now with the note "Holder no longer active", each change in
the change trail as the command line's account's, with that reason. Active workers' tokens,
and tokens already revoked, are left as they are; run again, it finds nothing to do."""

from django.db import migrations

from locus.api.services import token_trail
from locus.audit.migration_ops import record_changes, system_actor
from locus.audit.models import ChangeAction
from locus.audit.services import snapshot
from locus.common import clock
from locus.sharing.services import share_ending, source_of

# The note on each token ended and its register rows (kept here: a migration keeps its own).
HOLDER_INACTIVE = "Holder no longer active"


def end_inactive_holders_tokens(apps, schema_editor):
    ApiToken = apps.get_model("api", "ApiToken")
    Share = apps.get_model("sharing", "Share")
    now = clock.now()
    changes = []
    live = ApiToken.objects.filter(revoked_at__isnull=True, worker__is_active=False)
    for token in live.order_by("id"):
        before = token_trail(token)
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        source_type, source_id = source_of(token)
        shares = Share.objects.filter(source_type=source_type, source_id=source_id)
        for share in shares.order_by("id"):
            if fields := share_ending(share, now=now, note=HOLDER_INACTIVE):
                was = snapshot(share)
                for name, value in fields.items():
                    setattr(share, name, value)
                share.save(update_fields=list(fields))
                changes.append((ChangeAction.UPDATE, share, was, snapshot(share)))
        after = {**token_trail(token), "reason": HOLDER_INACTIVE}
        changes.append((ChangeAction.END, token, before, after))
    if changes:
        record_changes(apps, system_actor(apps), changes)


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0003_team_independent"),
        ("api", "0003_expiry_required"),
        ("audit", "0006_chain_existing"),
        ("sharing", "0001_initial"),
    ]

    operations = [migrations.RunPython(end_inactive_holders_tokens, migrations.RunPython.noop)]
