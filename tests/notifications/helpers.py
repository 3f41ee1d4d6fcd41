from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from locus.notifications.models import Notification


@contextmanager
def new_notifications() -> Iterator[list[Notification]]:
    """The notifications written inside the block (filled in as it ends)."""
    last = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    made: list[Notification] = []
    yield made
    made += Notification.objects.filter(pk__gt=last).select_related("recipient").order_by("pk")


def who_and_what(made: list[Notification]) -> list[tuple[str, str]]:
    return [(n.recipient.username, n.kind) for n in made]
