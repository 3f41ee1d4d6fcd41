"""The demo's subject access export waiting for data.officer to approve its release."""

from __future__ import annotations

import pytest
from django.urls import reverse

from locus.access import subjectaccess as rules
from locus.access.models import Worker
from locus.common.models import JobState
from locus.demo.generator import Summary
from locus.demo.subjectaccess import add_demo_subject_access
from locus.subjectaccess.models import RequestStatus
from tests.factories import client_for

pytestmark = pytest.mark.django_db


def test_an_export_admin_made_waits_in_data_officer_s_my_work(borough: Summary) -> None:
    requests = add_demo_subject_access()
    assert len(requests) == 3
    waiting = requests[2]
    package = waiting.packages.get()
    admin, officer = (Worker.objects.get(username=u) for u in ("admin", "data.officer"))
    assert package.made_by == admin and package.approver == officer
    assert package.state == JobState.DONE and package.approved_at is None
    assert waiting.status == RequestStatus.IN_PROGRESS
    assert rules.may_approve_release(officer, package)
    assert not rules.may_approve_release(admin, package)
    work = client_for(officer).get("/my-work/").content.decode()
    assert waiting.reference in work and "Check the export" in work
    page = client_for(officer).get(reverse("subject-access-request", args=[waiting.pk]))
    assert reverse("subject-access-approve", args=[waiting.pk, package.pk]) in (
        page.content.decode()
    )
