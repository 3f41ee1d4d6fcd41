"""Chain the audit rows written before the chain existed, in the order they were written
(id order), so that an upgraded database verifies from its first row."""

from django.db import migrations

from locus.audit import chain

BATCH = 1000
MODELS = (("accessevent", chain.ACCESS), ("changeevent", chain.CHANGE), ("signinevent", chain.SIGN_IN))


def chain_existing(apps, schema_editor):
    ChainHead = apps.get_model("audit", "ChainHead")
    for name, stream in MODELS:
        model = apps.get_model("audit", name)
        head, _ = ChainHead.objects.get_or_create(stream=stream.name)
        seq, prev = head.seq, head.row_hash
        fields = ["id", *stream.plain_names, *stream.content]
        rows = model.objects.filter(seq__isnull=True).order_by("id").only(*fields)
        last = 0
        while batch := list(rows.filter(id__gt=last)[:BATCH]):
            seq, prev = chain.seal_batch(stream, batch, seq=seq, prev=prev)
            model.objects.bulk_update(batch, list(chain.CHAIN_FIELDS), batch_size=BATCH)
            last = batch[-1].id
        if seq != head.seq:
            head.seq, head.row_hash = seq, prev
            head.save()


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_chain")]

    operations = [migrations.RunPython(chain_existing, migrations.RunPython.noop)]
