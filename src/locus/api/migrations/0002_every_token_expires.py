"""Every token has an expiry from now on (docs/api.md): each token made without one gets
one here, a year (MAX_DAYS) after it was made or 30 days from today, whichever is later
(the year already past, or nearly), so no program is cut off without warning. The token's
sharing-register row, which said "until revoked", says the same date. Nothing is revoked
or closed here; a token already revoked gets a date too (the column is now required) and
stays revoked, its register row already ended."""

import datetime as dt

from django.db import migrations
from django.utils import timezone

# api.services.MAX_DAYS when this was written (a migration keeps its own copy).
MAX_DAYS = 366
WARNING_DAYS = 30


def _end_of(day: dt.date) -> dt.datetime:
    # Works to the end of the day, in the borough's time (as token_create sets it).
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def give_expiry(apps, schema_editor):
    from locus.common import clock

    ApiToken = apps.get_model("api", "ApiToken")
    Share = apps.get_model("sharing", "Share")
    earliest = clock.today() + dt.timedelta(days=WARNING_DAYS)
    for token in ApiToken.objects.filter(expires_at__isnull=True).order_by("id"):
        made = timezone.localdate(token.created_at)
        token.expires_at = _end_of(max(made + dt.timedelta(days=MAX_DAYS), earliest))
        token.save(update_fields=["expires_at"])
        Share.objects.filter(
            source_type="api.apitoken", source_id=str(token.pk), until__isnull=True
        ).update(until=token.expires_at, until_note="Token expiry")


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
        ("sharing", "0001_initial"),
    ]

    operations = [migrations.RunPython(give_expiry, migrations.RunPython.noop)]
