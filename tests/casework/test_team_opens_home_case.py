"""The case's own team opens its context case, a home's included.

A home is seen only through a child the viewer sees; its context case used to follow the home
alone. Sign-offs are asked of a manager of the case's team, who need see none of the home's
residents: the manager was told "You are asked to sign off a context case's closure", and
the link, the case and every page the sign-off needs answered "Page not found". The team
works the case, so its practitioners and managers open it on every casework page; nobody else
gains anything, and a role without the home address is told only that it is a home
(``naming.PLACE_WITHHELD``), never which.

The tests marked "failed before" failed on the code before the fix; so did those on the case's
notes and documents.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from locus.access import context_cases as policies
from locus.access import fields, naming, scopes
from locus.casework import selectors, services
from locus.casework.models import ApprovalSubject, ContextCase
from locus.notifications.models import Notification, NotificationKind
from locus.places.models import Context, ContextKind
from tests.casework.helpers import (
    assess,
    finish_actions,
    level,
    plan_agreed,
    refer,
    refreshed,
    request_closure,
    screen,
    submit,
)
from tests.documents.helpers import attach, document_store  # noqa: F401 (a fixture)
from tests.factories import World, client_for, make_context
from tests.notes.helpers import write

pytestmark = pytest.mark.django_db

HOME_NAME = "Flat 9, Sample Court"
PAGES = ("context-case", "context-assessment", "context-conference", "context-plan")


def unseen_home(world: World) -> Context:
    """A home the case's lead recorded, where nobody the team holds lives: the lead sees it
    (she recorded it), her team's manager and practitioners do not."""
    home = make_context(world.social_worker, kind=ContextKind.HOME, name=HOME_NAME)
    for name in ("team_manager", "teammate"):
        assert not scopes.contexts_visible_to(world.persona(name)).filter(pk=home.pk).exists()
    return home


def home_case(world: World, *, screening: bool = False) -> ContextCase:
    """A case on :func:`unseen_home`, led by social_worker (team A); with ``screening``, at a
    level whose screening team_manager is asked to sign off."""
    extra: dict[str, Any] = {}
    if screening:
        complex_level = level("Complex")
        complex_level.screening_sign_off = True
        complex_level.save()
        extra = {"level": complex_level, "manager": world.team_manager}
    referral = screen(
        world, refer(world, actor=world.social_worker, context=unseen_home(world)), **extra
    )
    assert referral.case is not None
    return referral.case


def told_url(world: World, subject: str) -> str:
    """Where the sign-off request's notification to team_manager leads."""
    told = Notification.objects.filter(
        recipient=world.team_manager, kind=NotificationKind.SIGN_OFF_REQUEST
    ).order_by("-id")
    for notification in told:
        if ApprovalSubject(subject).label.lower() in notification.text:
            return notification.url
    raise AssertionError(f"team_manager was not told of the {subject} sign-off")


def test_the_case_s_team_opens_its_home_case_and_nobody_else_gains_it(world: World) -> None:
    """Failed before: the team's manager and practitioner got 404 on a case their team leads."""
    case = home_case(world)
    for name in ("team_manager", "teammate", "social_worker"):
        viewer = world.persona(name)
        assert policies.cases_visible_to(viewer).filter(pk=case.pk).exists(), name
        assert policies.sees_case(viewer, case), name
        assert client_for(viewer).get(reverse("context-case", args=[case.pk])).status_code == 200
    # Another team of the same service, another agency, a partner: the home is not theirs.
    for name in ("other_social_worker", "yjs_worker", "police_analyst", "partner_worker"):
        viewer = world.persona(name)
        assert not policies.cases_visible_to(viewer).filter(pk=case.pk).exists(), name
        page = reverse("context-case", args=[case.pk])
        assert client_for(viewer).get(page).status_code == 404, name
    # Opening the case opens the case, not the home: its page stays closed to them.
    place = reverse("context", args=[case.context_id])
    assert client_for(world.team_manager).get(place).status_code == 404


def test_each_sign_off_s_notification_opens_for_the_manager_asked(world: World) -> None:
    """Failed before: every sign-off on the home's case (screening, assessment, plan,
    closure) told team_manager of a page that answered 404, and so did the case's pages."""
    case = home_case(world, screening=True)
    manager = client_for(world.team_manager)
    assert manager.get(told_url(world, ApprovalSubject.SCREENING)).status_code == 200
    services.screening_sign_off(actor=world.team_manager, case=case, approve=True)

    case = submit(world, case)
    assert manager.get(told_url(world, ApprovalSubject.ASSESSMENT)).status_code == 200
    services.assessment_approve(actor=world.team_manager, assessment=case.assessment)

    case = plan_agreed(world, refreshed(case))
    services.plan_submit(actor=world.social_worker, plan=case.plan, manager=world.team_manager)
    assert manager.get(told_url(world, ApprovalSubject.PLAN)).status_code == 200
    for page in PAGES:
        assert manager.get(reverse(page, args=[case.pk])).status_code == 200, page
    services.plan_approve(actor=world.team_manager, plan=refreshed(case).plan)

    finish_actions(world, case)
    request_closure(world, refreshed(case))
    closure = told_url(world, ApprovalSubject.CLOSURE)
    assert closure == reverse("context-closure", args=[case.pk])
    html = manager.get(closure).content.decode()
    assert "Decide on closing the case" in html
    # The manager sees which home: their role has the home address.
    assert HOME_NAME in html


def test_the_sign_off_picker_offers_only_managers_who_open_the_case(world: World) -> None:
    """Failed before: team_manager was offered, and asked, without being able to open it."""
    case = home_case(world)
    offered = policies.eligible_managers(case, ApprovalSubject.ASSESSMENT)
    assert world.team_manager in offered
    for manager in offered:
        assert policies.cases_visible_to(manager).filter(pk=case.pk).exists(), manager


@pytest.fixture
def no_home_address(monkeypatch: pytest.MonkeyPatch) -> None:
    """Children's social care practitioners and managers without the home address."""
    key = (fields.CASEWORK, str(fields.CSC))
    row = fields.FIELD_TABLE[key] - {fields.PersonField.HOME_ADDRESS.value}
    monkeypatch.setitem(fields.FIELD_TABLE, key, row)


@pytest.mark.usefixtures("no_home_address")
def test_a_role_without_the_home_address_opens_the_case_but_not_which_home(
    world: World,
) -> None:
    """Failed before: the manager got 404 (now the case opens, the home stays unnamed)."""
    case = home_case(world)
    case = submit(world, case)
    manager = client_for(world.team_manager)
    for page in ("context-case", "context-assessment", "context-cases"):
        args = [] if page == "context-cases" else [case.pk]
        html = manager.get(reverse(page, args=args)).content.decode()
        assert HOME_NAME not in html, page
    html = manager.get(reverse("context-case", args=[case.pk])).content.decode()
    assert naming.PLACE_WITHHELD in html
    sign_off = manager.get(reverse("context-assessment-signoff", args=[case.pk]))
    assert sign_off.status_code == 200
    assert HOME_NAME not in sign_off.content.decode()
    # My work names no home either, and leads to the sign-off page.
    items = [i for i in selectors.my_work(viewer=world.team_manager) if "ign" in i.what]
    assert [i.subject for i in items] == [naming.PLACE_WITHHELD]
    # The lead recorded the home, so she still sees which.
    lead = client_for(world.social_worker).get(reverse("context-case", args=[case.pk]))
    assert HOME_NAME in lead.content.decode()


def manager_is_told_only_a_home(world: World, urls: list[str], told: str) -> None:
    """Each page opens for the team's manager, without the home's name, saying ``told``."""
    manager = client_for(world.team_manager)
    for url in urls:
        response = manager.get(url)
        assert response.status_code == 200, url
        assert HOME_NAME not in response.text and told in response.text, url


@pytest.mark.usefixtures("no_home_address")
def test_the_case_s_notes_do_not_name_the_home_to_a_role_without_its_address(
    world: World,
) -> None:
    """The team's manager opens the case's chronology (and its print), the note form and a
    note on it: each named the home in its heading and on its "Context case opened" row,
    though the case's own pages do not."""
    case = submit(world, home_case(world))
    note = write(world.social_worker, case)
    on_case = ["case", case.pk]
    urls = [reverse(page, args=on_case) for page in ("chronology", "chronology-print", "note-add")]
    manager_is_told_only_a_home(
        world, [*urls, reverse("note", args=[note.pk])], naming.PLACE_WITHHELD
    )
    # The lead recorded the home, so her chronology names it.
    lead = client_for(world.social_worker).get(reverse("chronology", args=on_case))
    assert f"{HOME_NAME}: context case" in lead.text


@pytest.mark.usefixtures("no_home_address", "document_store")
def test_the_case_s_documents_do_not_name_the_home_to_a_role_without_its_address(
    world: World,
) -> None:
    """The team's manager opens the case's documents, the upload form, a document and the
    forms to replace or remove it: each named its record "Context case: <the home>"."""
    case = submit(world, home_case(world))
    document = attach(world.social_worker, case)
    urls = [reverse(page, args=["case", case.pk]) for page in ("documents", "document-add")]
    pages = ("document", "document-replace", "document-remove")
    urls += [reverse(page, args=[document.pk]) for page in pages]
    manager_is_told_only_a_home(world, urls, f"Context case: {naming.PLACE_WITHHELD}")
    lead = client_for(world.social_worker).get(reverse("document", args=[document.pk]))
    assert f"Context case: {HOME_NAME}" in lead.text


@pytest.mark.usefixtures("no_home_address")
def test_a_child_on_the_plan_is_shown_the_case_without_the_home(world: World) -> None:
    """A child the team holds is on the home's case's plan: the team's manager opens the
    child's page and chronology, whose context plans and conference rows named the home."""
    case = plan_agreed(world, assess(world, home_case(world)))
    services.plan_child_add(actor=world.social_worker, plan=case.plan, person=world.csc_child)
    child = ["person", world.csc_child.pk]
    urls = [reverse("person", args=[world.csc_child.pk]), reverse("chronology", args=child)]
    manager_is_told_only_a_home(world, urls, naming.PLACE_WITHHELD)
    lead = client_for(world.social_worker).get(reverse("chronology", args=child))
    assert f"Context conference: {HOME_NAME}" in lead.text
