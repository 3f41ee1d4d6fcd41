"""A home the housing association recorded, and its household's consent, added with the demo's
other protected home (:func:`locus.demo.steps.outreach.add_demo_outreach`), through the
services as the personas, each step on the day it happened:

* ``housing.officer`` records Flat 3, Linnet House, a flat of the association's to which it
  moved a family away from the estate where their child was exploited (a management transfer);
* ``social.worker``, who holds the child's case, records the move to the flat's address: a home
  the association recorded is not hers to see (a home is seen by whoever recorded it, or
  through a child one sees), so a second home is made there, flagged in the trail for the
  data team;
* ``admin`` (the data team) merges that duplicate into the association's home, so the family
  lives at the one home;
* ``social.worker`` (her team holds a resident's case) records the household's consent to the
  protective work at the flat: refused at first, then given.

Signed in as ``housing.officer``, "Protecting this home" shows the consent and its history,
and no way to record it (a partner does not; ``access.outreach.can_record_consent``), nor the
child: a partner sees no child.
"""

from __future__ import annotations

from locus.common.services import today
from locus.demo.caseload import held_by
from locus.demo.casework import _persona, _StoryClock
from locus.outreach import services
from locus.outreach.models import Consent
from locus.people.services import address_record
from locus.places.models import Context, ContextKind, Tenure
from locus.places.services import context_create, context_merge

PARTNER_HOME = "Flat 3, Linnet House"
ADDRESS = "Flat 3, Linnet House, Hackney, London"
POSTCODE = "E9 5AB"  # a real Hackney postcode in E9, away from the Rowan Estate (E5)
# The household's consent to the protective work at the flat, as it stood (days ago).
CONSENTS = (
    (
        28,
        Consent.REFUSED,
        "The parents fear the older boys would see workers calling at the new flat; we meet "
        "the family at the family centre meanwhile.",
    ),
    (
        9,
        Consent.GIVEN,
        "Agreed at the family centre: the association fits a video door entry and workers "
        "call by appointment.",
    ),
)


def add_partner_home(story: _StoryClock) -> Context | None:
    """The association's home with its consent (None when a persona or a child is missing)."""
    housing, lead, admin = (_persona(u) for u in ("housing.officer", "social.worker", "admin"))
    if housing is None or lead is None or admin is None or housing.team is None:
        return None
    # The last child on her caseload: the first ones are the other demo stories'.
    child = held_by(lead).last()
    if child is None:
        return None
    story.days_ago(35)
    home = context_create(
        actor=housing,
        kind=ContextKind.HOME,
        name=PARTNER_HOME,
        address=ADDRESS,
        postcode=POSTCODE,
        description="A two-bedroom flat let to a family moved from the Rowan Estate for their "
        "safety (a management transfer).",
        tenure=Tenure.SOCIAL_RENTED,
        housing_provider=housing.team.agency,
    )
    story.days_ago(30)
    moved = address_record(
        actor=lead, person=child, address=ADDRESS, postcode=POSTCODE, start=today()
    )
    story.days_ago(29)
    context_merge(
        actor=admin,
        duplicate=moved.home,
        kept=home,
        reason="The same flat: the housing association recorded it when it let it to the "
        "family, and the child's move made a second home at its address.",
    )
    for days_ago, consent, reason in CONSENTS:
        story.days_ago(days_ago)
        services.home_consent_record(
            actor=lead, home=home, consent=consent, on=today(), reason=reason
        )
    return home
