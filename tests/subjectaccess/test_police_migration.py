"""The migration that keeps the record of consulting the police on an export: exports made
before it that included restricted police incidents say the record was not kept, rather than
pretending to one; others keep empty fields.

Run in a child process on a new database, as tests/sharing/test_migration.py does."""

from __future__ import annotations

import pytest

from tests.databases import new_database  # noqa: F401 (a fixture)
from tests.scripts import migration_prelude, run_script

_MIGRATE = (
    migration_prelude(("subjectaccess", "0002_package_release_approval"))
    + r"""
Person = old.get_model("people", "Person")
Request = old.get_model("subjectaccess", "SubjectAccessRequest")
Package = old.get_model("subjectaccess", "SubjectAccessPackage")
admin = Worker.objects.create(username="old.admin", password="!", role="administrator")
child = Person.objects.create(
    given_name="Old", family_name="Child", date_of_birth=dt.date(2011, 1, 1),
    created_at=timezone.now(),
)
asked = Request.objects.create(
    reference="SAR-2025-0001", received_on=dt.date(2025, 1, 2), requester="subject",
    person=child, person_ref="Person 1", due_on=dt.date(2025, 2, 2), assigned_to=admin,
    recorded_by=admin, recorded_at=timezone.now(),
)
for include in (True, False):
    Package.objects.create(
        request=asked, made_by=admin, made_at=timezone.now(), include_restricted=include
    )
call_command("migrate", verbosity=0, interactive=False)
from locus.subjectaccess.models import SubjectAccessPackage
print(json.dumps({
    str(p.include_restricted): [p.police_consulted, p.police_outcome, str(p.police_consulted_on)]
    for p in SubjectAccessPackage.objects.all()
}))
"""
)


@pytest.mark.django_db
def test_an_export_that_included_restricted_incidents_says_the_record_was_not_kept(
    new_database: dict[str, str],  # noqa: F811
) -> None:
    migrated = run_script(_MIGRATE, env=new_database)
    who, outcome, on = migrated["True"]
    assert who == outcome
    assert who.startswith("Not recorded: made before Locus kept the record")
    assert on == "None"  # no day is made up
    assert migrated["False"] == ["", "", "None"]
