"""Recovery codes kept in plain text (django-otp's StaticDevice and StaticToken) move to
Locus's own device, hashed in place: workers keep the codes they printed, and the plain
codes, with the devices that held them, go.

Not reversible in substance: the plain codes cannot be got back from their hashes, so going
back leaves the old tables empty (workers still have their authenticator app, and an
administrator can reset the second factor to issue new codes).
"""

from django.db import migrations

from locus.signin.recovery import kept_form


def hash_plain_codes(apps, schema_editor):
    StaticDevice = apps.get_model("otp_static", "StaticDevice")
    StaticToken = apps.get_model("otp_static", "StaticToken")
    RecoveryCodeDevice = apps.get_model("signin", "RecoveryCodeDevice")
    RecoveryCode = apps.get_model("signin", "RecoveryCode")
    for old in StaticDevice.objects.order_by("pk"):
        new = RecoveryCodeDevice.objects.create(
            user_id=old.user_id, name=old.name, confirmed=old.confirmed
        )
        # created_at is set on create (auto_now_add): the old device's dates are kept.
        RecoveryCodeDevice.objects.filter(pk=new.pk).update(
            created_at=old.created_at, last_used_at=old.last_used_at
        )
        codes = []
        for token in StaticToken.objects.filter(device=old).values_list("token", flat=True):
            salt, digest = kept_form(token)
            codes.append(RecoveryCode(device=new, salt=salt, digest=digest))
        RecoveryCode.objects.bulk_create(codes)
    # The devices' codes go with them (on_delete=CASCADE).
    StaticToken.objects.all().delete()
    StaticDevice.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("signin", "0002_recovery_codes_hashed"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(hash_plain_codes, migrations.RunPython.noop)]
