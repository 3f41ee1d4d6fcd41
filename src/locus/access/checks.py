"""The system check that names the accounts without a work email (``access.W001``).

Every account a person signs in with has their work email (``services.EMAIL_NEEDED``):
separation of duties tells one person's accounts apart by it. Accounts made before that
rule keep working (locking them out of a live system is not the remedy), but are named here,
on ``locus migrate`` and ``django-admin check --database default``, until each has one. A
database check: Django runs it only when asked for a database.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core import checks
from django.db import DatabaseError

from locus.access.models import Worker
from locus.access.selectors import without_email

#: How many of their usernames the warning lists (then "and N more").
LISTED = 20


@checks.register(checks.Tags.database)
def accounts_without_email(
    app_configs: Any = None, databases: Sequence[str] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    if not databases:
        return []
    try:
        usernames = list(
            without_email(Worker.objects.filter(is_active=True))
            .order_by("username")
            .values_list("username", flat=True)
        )
    except DatabaseError:  # a database not made yet: no accounts at all
        return []
    if not usernames:
        return []
    named = ", ".join(usernames[:LISTED])
    if len(usernames) > LISTED:
        named += f" and {len(usernames) - LISTED} more"
    count = len(usernames)
    accounts = "account has" if count == 1 else "accounts have"
    return [
        checks.Warning(
            f"{count} active {accounts} no work email: {named}. Separation of duties "
            "cannot tell such an account from a second account of the same person.",
            hint="Give each its holder's work email on the admin site (Workers, "
            "filter 'No work email').",
            id="access.W001",
        )
    ]
