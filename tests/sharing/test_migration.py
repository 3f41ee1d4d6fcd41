"""The data migration: each lawful basis recorded the old way (one list mixing duties,
guidance and consent) becomes the structured basis, and the old words stay readable.

Run in a child process on a new database (SQLite, or a new PostgreSQL database beside the
test one when the suite runs on PostgreSQL), as tests/common/test_schema.py builds its own.
"""

from __future__ import annotations

from typing import Any

import pytest

from locus.sharing.vocab import Article6, Condition, Duty
from tests.databases import new_database  # noqa: F401 (a fixture)
from tests.scripts import migration_prelude, run_script

_MIGRATE = (
    migration_prelude(
        ("cocase", "0004_forums_shared_fields"), ("panels", "0004_forums_shared_fields")
    )
    + r"""
Meeting = old.get_model("cocase", "Meeting")
Panel = old.get_model("panels", "PanelMeeting")
now = timezone.now()
worker = Worker.objects.create(username="old.worker", password="!")
values = ["ca1989_s47", "ca1989_s17", "cda1998_s115", "working_together_2023", "consent", "other"]
for value in values:
    Meeting.objects.create(
        title=value, purpose="Map the group", lawful_basis=value,
        lawful_basis_other="Localism Act 2011 s.1" if value == "other" else "",
        proposed_by=worker, proposed_at=now,
    )
    Panel.objects.create(
        kind="mace", title=value, meets_on=now.date(), chair=worker,
        lawful_basis=value, review_on=now.date() + dt.timedelta(days=84),
        lawful_basis_other="Localism Act 2011 s.1" if value == "other" else "",
        created_by=worker, created_at=now,
    )
call_command("migrate", verbosity=0, interactive=False)
from locus.mapping.models import Meeting as NewMeeting
from locus.panels.models import PanelMeeting as NewPanel
fields = ("title", "lawful_basis", "lawful_basis_other", "article6", "condition", "duty",
          "duty_other", "guidance")
print(json.dumps({
    "meetings": {m["title"]: m for m in NewMeeting.objects.values(*fields)},
    "panels": {p["title"]: p for p in NewPanel.objects.values(*fields)},
}))
"""
)


def _migrated(env: dict[str, str]) -> dict[str, Any]:
    return run_script(_MIGRATE, env=env)


EXPECTED = {
    "ca1989_s47": (Article6.PUBLIC_TASK, Duty.CA1989_S47, False),
    "ca1989_s17": (Article6.PUBLIC_TASK, Duty.CA1989_S17, False),
    "cda1998_s115": (Article6.PUBLIC_TASK, Duty.CDA1998_S115, False),
    # Guidance is not a duty: the duty is left to be stated, the guidance kept as followed.
    "working_together_2023": (Article6.PUBLIC_TASK, Duty.OTHER, True),
    "consent": (Article6.CONSENT, Duty.OTHER, False),
    "other": (Article6.PUBLIC_TASK, Duty.OTHER, False),
}


@pytest.mark.django_db
def test_each_old_basis_becomes_the_structured_basis_and_stays_readable(
    new_database: dict[str, str],  # noqa: F811
) -> None:
    migrated = _migrated(new_database)
    for table in ("meetings", "panels"):
        rows = migrated[table]
        assert set(rows) == set(EXPECTED)
        for old, (article6, duty, guidance) in EXPECTED.items():
            row = rows[old]
            assert (row["article6"], row["duty"], row["guidance"]) == (article6, duty, guidance)
            assert row["condition"] == Condition.SAFEGUARDING  # Sch 1 paragraph 18
            assert row["lawful_basis"] == old  # what was first recorded, kept
        assert rows["other"]["duty_other"] == "Localism Act 2011 s.1"
        assert "Working Together" in rows["working_together_2023"]["duty_other"]
        assert rows["ca1989_s47"]["duty_other"] == ""
