"""What a test gives a share form or service: the usual safeguarding basis, and a purpose."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models

from locus.access.models import Worker
from locus.common import clock
from locus.exports.services import Why
from locus.sharing.forms import basis_post
from locus.sharing.models import Share, ShareKind
from locus.sharing.services import To, record_share
from locus.sharing.vocab import EMERGENCY, SAFEGUARDING, Article6, Condition, Duty

PURPOSE = "To agree a plan that keeps the children safe"
#: The usual basis as a posted form carries it (no purpose: forms with their own).
BASIS_POST = basis_post(SAFEGUARDING)
#: The basis and a purpose as a posted form carries them (a form asking both).
SHARE_POST = basis_post(SAFEGUARDING, PURPOSE)
#: An API token's basis and purpose, as its service takes them.
TOKEN_SHARE = {"basis": SAFEGUARDING, "purpose": "The team dashboard of open cases"}


def token_args(**given: Any) -> dict[str, Any]:
    """What token_create takes besides the actor and name: the basis, a purpose and an
    expiry a month ahead (every token has one), or what ``given`` says instead."""
    return {**TOKEN_SHARE, "expires_on": clock.today() + dt.timedelta(days=30), **given}


def soon_posted(days: int = 30) -> str:
    """An expiry date ``days`` ahead as a token form posts it (dd/mm/yyyy)."""
    return (clock.today() + dt.timedelta(days=days)).strftime("%d/%m/%Y")


#: Why a list that names people is exported, as the export service takes it.
WHY = Why(SAFEGUARDING, "Caseload review with the team's manager")
#: Emergency access's basis (vital interests), as its form posts it.
EMERGENCY_POST = basis_post(EMERGENCY)


def choose_basis(page: Any, purpose: str = "") -> None:
    """In a browser, answer the lawful basis fieldset with the usual safeguarding basis."""
    for label in (Article6.PUBLIC_TASK.label, Condition.SAFEGUARDING.label, Duty.CA1989_S47.label):
        page.get_by_label(str(label), exact=True).check()
    if purpose:
        page.get_by_label("What is the sharing for?").fill(purpose)


def referral_share(actor: Worker, source: models.Model, to: str, people: list[int]) -> Share:
    """A referral written to the sharing register, on the usual basis, to someone outside
    Locus named ``to``, about ``people``."""
    return record_share(
        actor=actor,
        kind=ShareKind.REFERRAL,
        basis=SAFEGUARDING,
        purpose="To ask for help",
        what=["Summary"],
        record_ref="Referral 1",
        source=source,
        recipients=[To(name=to)],
        people=people,
    )
