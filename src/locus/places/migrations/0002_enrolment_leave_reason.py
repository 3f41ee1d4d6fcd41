# Why a pupil left a school's roll: a reason from a short list, and words for "other".

from django.db import migrations, models

REASONS = [
    ("moved_school", "Moved to another school"),
    ("moved_away", "Moved out of the area"),
    ("excluded", "Permanently excluded"),
    ("end_year_11", "Left at the end of year 11"),
    ("end_year_13", "Left at the end of year 13"),
    ("other", "Other"),
]


class Migration(migrations.Migration):
    dependencies = [("places", "0001_initial")]
    operations = [
        migrations.AddField(
            "enrolment",
            "leave_reason",
            models.CharField(blank=True, choices=REASONS, max_length=20),
        ),
        migrations.AddField(
            "enrolment", "leave_reason_detail", models.CharField(blank=True, max_length=200)
        ),
    ]
