"""The demo's disputed association (not corrected, with the child's statement) and an ended
association with its reason."""

from __future__ import annotations

import pytest
from django.urls import reverse

from locus.access.models import Worker
from locus.casework.selectors import my_work
from locus.demo.disputes import ACCOUNT, END_REASON, WAITING_ACCOUNT, add_demo_disputes
from locus.demo.generator import Summary
from locus.peers.models import Association
from locus.rectification.models import About, Dispute, Outcome
from tests.factories import client_for

pytestmark = pytest.mark.django_db


def test_the_demo_child_disputes_an_association_and_one_has_ended(borough: Summary) -> None:
    dispute = add_demo_disputes()
    assert dispute is not None
    assert dispute.about == About.ASSOCIATION and dispute.account == ACCOUNT
    assert dispute.outcome == Outcome.NOT_CORRECTED and dispute.flagged
    assert dispute.decided_by == Worker.objects.get(username="team.manager")
    ended = Association.objects.get(end_reason=END_REASON)
    assert ended.valid_until is not None
    page = client_for(Worker.objects.get(username="social.worker")).get(
        reverse("person", args=[dispute.person_id])
    )
    assert "Accuracy disputed" in page.content.decode()
    assert add_demo_disputes() is None  # safe to run again


def test_a_whole_record_dispute_waits_on_the_team_manager_s_work(borough: Summary) -> None:
    decided = add_demo_disputes()
    waiting = Dispute.objects.get(account=WAITING_ACCOUNT)
    assert waiting.about == About.RECORD and waiting.outcome == Outcome.OPEN
    assert decided is not None and waiting.person_id != decided.person_id
    manager = Worker.objects.get(username="team.manager")
    [item] = [i for i in my_work(viewer=manager) if i.shown and i.shown[0] == "disputes_shown"]
    assert item.shown == ("disputes_shown", waiting.pk)
    assert item.url == reverse("accuracy", args=[waiting.person_id])
