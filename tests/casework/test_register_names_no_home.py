"""The sharing register names a context conference's place only when it is a public one. A
home is a family's address and a peer group a list of young people, and every reader of the
register sees its rows, the information governance lead among them, who opens no case; so
they are named by their kind only ("a home", "a peer group"), on the page and in the CSV.

Rows written before this named the place; a data migration restates them. It is run in a
child process on a new database, as tests/sharing/test_migration.py does."""

from __future__ import annotations

import pytest
from django.urls import reverse

from locus.access import scopes
from tests.casework.helpers import conference_of, home_plan
from tests.databases import new_database  # noqa: F401 (a fixture)
from tests.factories import World, client_for
from tests.scripts import migration_prelude, run_script

_MIGRATE = (
    migration_prelude(("casework", "0008_protective_actions"), ("sharing", "0001_initial"), teams=1)
    + r"""
Context, Case, Conference, Level, Share = (
    old.get_model(*name.split("."))
    for name in (
        "places.Context", "casework.ContextCase", "casework.ContextConference",
        "casework.ThresholdLevel", "sharing.Share",
    )
)
now = timezone.now()
lead = Worker.objects.create(username="old.lead", password="!", team=team_a)
level = Level.objects.first()
basis = {"article6": "6_1_e", "condition": "sch1_18", "duty": "ca2004_s10"}
for kind, name in (
    ("home", "12 Acacia Avenue"), ("peer_group", "The Eastfield lot"), ("open_space", "The Rec")
):
    place = Context.objects.create(kind=kind, name=name, created_at=now)
    case = Case.objects.create(
        context=place, status="plan", threshold_level=level, lead=lead, team=team_a,
        opened_on=now.date(), opened_by=lead, opened_at=now,
    )
    conference = Conference.objects.create(case=case, status="held", due_on=now.date())
    Share.objects.create(
        kind="conference", **basis, purpose="To agree a plan", what=["Minutes"],
        record_ref=f"Context conference {conference.pk}: {name}", by=lead, at=now,
        source_type="casework.contextconference", source_id=str(conference.pk),
    )
Share.objects.create(
    kind="referral", **basis, purpose="To refer", what=["The referral"],
    record_ref="Referral 7: 12 Acacia Avenue", by=lead, at=now,
    source_type="casework.referral", source_id="7",
)
call_command("migrate", verbosity=0, interactive=False)
from locus.sharing.models import Share as NewShare
print(json.dumps({"refs": sorted(NewShare.objects.values_list("record_ref", flat=True))}))
"""
)


@pytest.mark.django_db
def test_the_register_does_not_name_a_home(world: World) -> None:
    case = home_plan(world).case
    assert not scopes.contexts_visible_to(world.auditor).filter(pk=world.home.pk).exists()
    for url in (reverse("sharing-register"), reverse("sharing-register-csv")):
        response = client_for(world.auditor).get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert f"Context conference {conference_of(case).pk}: a home" in page, url
        assert world.home.name not in page, url


@pytest.mark.django_db
def test_existing_register_rows_name_a_home_or_a_group_by_its_kind_only(
    new_database: dict[str, str],  # noqa: F811
) -> None:
    refs = run_script(_MIGRATE, env=new_database)["refs"]
    places = sorted(r.split(": ", 1)[1] for r in refs if r.startswith("Context conference"))
    assert places == ["The Rec", "a home", "a peer group"]
    assert "Referral 7: 12 Acacia Avenue" in refs  # not a conference's row: left alone
