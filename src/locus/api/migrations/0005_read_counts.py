"""Each token's reads counted per limit and fixed window in a table of Locus's own (docs/api.md),
so reads served in parallel are each counted. Starts empty: counts kept in the cache before
are left to expire there."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('api', '0004_end_inactive_holders_tokens'),
    ]

    operations = [
        migrations.CreateModel(
            name='ApiReadCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('limit', models.CharField(max_length=16)),
                ('window_start', models.DateTimeField()),
                ('count', models.PositiveIntegerField()),
                ('token', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='read_counts', to='api.apitoken')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('token', 'limit', 'window_start'), name='api_read_count_one_per_window')],
            },
        ),
    ]
