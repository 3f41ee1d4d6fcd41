"""The demo's waiting transfer: proposed by social.worker, for her team's managers."""

from __future__ import annotations

import pytest

from locus.access.models import Worker
from locus.demo.generator import Summary
from locus.demo.steps.transfers import add_demo_transfer
from locus.transfers.selectors import transfers_to_accept

pytestmark = pytest.mark.django_db


def test_the_demo_managers_have_a_transfer_to_accept(borough: Summary) -> None:
    transfer = add_demo_transfer()
    worker = Worker.objects.get(username="social.worker")
    assert transfer is not None and transfer.proposed_by == worker
    assert transfer.from_allocation.worker == worker and transfer.to_team == worker.team
    for username in ("team.manager", "practice.manager"):
        manager = Worker.objects.get(username=username)
        assert transfers_to_accept(manager) == [transfer]
    assert transfers_to_accept(worker) == []
    assert add_demo_transfer() is None  # safe to run again
