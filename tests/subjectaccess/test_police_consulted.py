"""Restricted police incidents go into an export only with the record of consulting the
reporting force (DPA 2018 Sch 2 Part 1 para 2): who was consulted, when, and what they said,
kept on the export, shown on the request's page and written to the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest

from locus.common import clock
from locus.common.errors import ValidationFailed
from locus.subjectaccess.models import SubjectAccessPackage
from locus.subjectaccess.package import package_ask
from tests.factories import World, changes_for, client_for, nothing_written
from tests.subjectaccess.conftest import Scene, other_admin

CONSULTED = {
    "police_consulted": "DS Ada Example, Public Protection Unit, Borough Police",
    "police_consulted_on": dt.date(2025, 11, 3),
    "police_outcome": "Agreed to disclosure: the investigation is closed.",
}


def _ask(world: World, scene: Scene, **details: object) -> SubjectAccessPackage:
    return package_ask(
        actor=world.admin,
        request=scene.request,
        approver=other_admin(world),
        include_restricted=True,
        **details,  # type: ignore[arg-type]
    )


def test_restricted_incidents_need_the_record_of_consulting_the_police(
    world: World, scene: Scene
) -> None:
    """A bare tick is refused, naming each thing to record; so is a day ahead."""
    other_admin(world)
    with nothing_written(SubjectAccessPackage), pytest.raises(ValidationFailed) as refused:
        _ask(world, scene)
    assert {"police_consulted", "police_consulted_on", "police_outcome"} <= set(
        refused.value.errors
    )
    ahead = {**CONSULTED, "police_consulted_on": clock.today() + dt.timedelta(days=1)}
    with pytest.raises(ValidationFailed) as refused:
        _ask(world, scene, **ahead)
    assert set(refused.value.errors) == {"police_consulted_on"}


def test_the_consultation_is_kept_on_the_export_and_in_the_audit_trail(
    world: World, scene: Scene
) -> None:
    made = _ask(world, scene, **CONSULTED)
    made.refresh_from_db()
    assert made.police_consulted == CONSULTED["police_consulted"]
    assert made.police_consulted_on == CONSULTED["police_consulted_on"]
    assert made.police_outcome == CONSULTED["police_outcome"]
    after = changes_for(made)[0].after
    assert after["police_consulted"] == CONSULTED["police_consulted"]
    assert after["police_outcome"] == CONSULTED["police_outcome"]
    page = client_for(world.admin).get(f"/data/subject-access/{scene.request.pk}/")
    assert (
        "Included after consulting DS Ada Example, Public Protection Unit, Borough Police "
        "on 3 Nov 2025: Agreed to disclosure" in page.content.decode()
    )


def test_the_export_form_asks_for_the_consultation(world: World, scene: Scene) -> None:
    approver = other_admin(world)
    base = f"/data/subject-access/{scene.request.pk}/"
    response = client_for(world.admin).post(
        f"{base}export/", {"include_restricted": "on", "approver": approver.pk}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Say who at the reporting police force was consulted" in page
    assert "Enter the day the police were consulted" in page
    assert not SubjectAccessPackage.objects.exists()
