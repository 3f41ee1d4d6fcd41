"""A demo co-presence rule, added to a generated borough.

Call :func:`add_demo_co_presence_rule` after ``generate_borough``. ``team.manager`` counts
being at Kingsgate Shopping Centre around the same time only out of hours: by day the centre
is full of young people after school and on Saturdays, which Locus detects too (the place
page shows both). Made through the service as the persona; safe to call again.
"""

from __future__ import annotations

from locus.access.models import Worker
from locus.places.models import Context, CoPresenceMode, CoPresenceRule
from locus.places.services import co_presence_rule_set

CENTRE = "Kingsgate Shopping Centre"
REASON = (
    "Hundreds of young people pass through the centre after school and on Saturdays, so "
    "being there on the same afternoon says nothing. After 18:00 the centre is quiet and "
    "security tell us the young people there are the ones we worry about."
)


def add_demo_co_presence_rule() -> CoPresenceRule | None:
    """``team.manager``'s out-of-hours rule for the shopping centre; None when the borough
    has no centre or no manager, or the centre already has a rule."""
    manager = Worker.objects.filter(username="team.manager", is_active=True).first()
    centre = Context.objects.filter(name=CENTRE).order_by("id").first()
    if manager is None or centre is None:
        return None
    if CoPresenceRule.objects.filter(context=centre, ended_at__isnull=True).exists():
        return None
    return co_presence_rule_set(
        actor=manager, context=centre, mode=CoPresenceMode.OUT_OF_HOURS, reason=REASON
    )
