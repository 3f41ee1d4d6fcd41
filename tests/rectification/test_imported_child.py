"""A child an import recorded (the CIN census, the SSDA903 return) whom nobody holds is
children's social care's own statutory record: a dispute of it is decided by a manager there
who sees the child, within the month, not left undecided until the case is allocated.

In the world every child is recorded by the system's account, in no team, as an import
records them: ``police_child`` is allocated to nobody and seen by police through the
incident their agency reported."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import escape

from locus.access import rectification as rules
from locus.access.models import Scope
from locus.rectification.models import About
from tests.factories import World, client_for, make_person
from tests.rectification.test_deciding_agency import decides, manager, raised, refused


def _police_recorder(world: World) -> object:
    return manager(world, world.police_team, "police_recorder", Scope.AGENCY)


def test_an_imported_unheld_childs_record_is_decided_in_childrens_social_care(
    world: World,
) -> None:
    police_manager = manager(world, world.police_team, "police_manager", Scope.AGENCY)
    csc_manager = manager(world, world.csc_team_b, "csc_all_manager", Scope.ALL)
    d = raised(world, world.police_child, About.RECORD, by=_police_recorder(world))
    assert rules.decision_offered(csc_manager, d) == (True, "")
    refused(police_manager, d, rules.CSC_DECIDES)
    assert rules.decision_offered(world.admin, d) == (False, "")
    decides(csc_manager, d)


def test_the_csc_manager_who_recorded_it_does_not_decide_it(world: World) -> None:
    recorder = manager(world, world.csc_team_b, "csc_recorder", Scope.ALL)
    d = raised(world, world.police_child, About.RECORD, by=recorder)
    refused(recorder, d, rules.RECORDED_IT)
    decides(manager(world, world.csc_team_a, "csc_other_manager", Scope.ALL), d)


def test_a_detail_the_import_wrote_is_decided_in_childrens_social_care(world: World) -> None:
    csc_manager = manager(world, world.csc_team_b, "csc_all_manager", Scope.ALL)
    d = raised(world, world.police_child, About.FIELD, "name", by=_police_recorder(world))
    assert rules.decision_offered(csc_manager, d) == (True, "")
    refused(manager(world, world.police_team, "police_manager", Scope.AGENCY), d, rules.CSC_DECIDES)
    decides(csc_manager, d)


def test_the_accuracy_page_tells_a_police_manager_children_s_social_care_decides(
    world: World,
) -> None:
    police_manager = manager(world, world.police_team, "police_manager", Scope.AGENCY)
    raised(world, world.police_child, About.RECORD, by=_police_recorder(world))
    page = client_for(police_manager).get(reverse("accuracy", args=[world.police_child.pk]))
    assert escape("A manager in children's social care decides it") in page.content.decode()


def test_a_child_first_recorded_in_a_team_stays_with_that_agency(world: World) -> None:
    """Allocated to nobody but recorded by youth justice: youth justice decides, not children's
    social care (who may see every child)."""
    child = make_person(world.yjs_worker, given_name="Yan", family_name="Unallocated")
    d = raised(world, child, About.RECORD, by=world.yjs_worker)
    csc_manager = manager(world, world.csc_team_b, "csc_all_manager", Scope.ALL)
    refused(csc_manager, d, rules.NOT_HOLDING_AGENCY)
    decides(manager(world, world.yjs_team, "yjs_manager", Scope.AGENCY), d)
