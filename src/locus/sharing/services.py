"""Writing the sharing register: one service every way of sharing calls (docs/sharing.md).

Each path that lets a record reach someone outside the holding team (a meeting, a panel, a
conference, a referral, an export, an API token, emergency access) checks the basis with
:func:`check_share` among its own checks, then calls :func:`record_share` in its own
transaction, so a share and its register row commit or roll back together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction

from locus.access import break_glass, naming
from locus.access.models import Agency, BreakGlass, Worker
from locus.access.services import break_glass_end, break_glass_request
from locus.common import clock
from locus.common.modelkit import choice_values
from locus.common.services import Problems, create_audited, save_changes
from locus.sharing.models import Recipient, Share, ShareKind
from locus.sharing.vocab import Article6, Basis, Condition, Duty

MAX_PURPOSE = 2000
MAX_OTHER = 300


@dataclass(frozen=True)
class To:
    """With whom: a worker, or a partner by name (and organisation, and agency if known)."""

    worker: Worker | None = None
    name: str = ""
    agency: Agency | None = None

    @property
    def words(self) -> str:
        if self.worker is not None:
            return naming.holder_text(self.worker)
        return self.name.strip()

    @property
    def agency_of(self) -> Agency | None:
        if self.agency is not None:
            return self.agency
        team = self.worker.team if self.worker is not None else None
        return team.agency if team is not None else None


def check_basis(problems: Problems, basis: Basis) -> None:
    """Each part of the basis chosen from the law's list, and "other" duty stated."""
    problems.check(
        basis.article6 in choice_values(Article6),
        "article6",
        "Choose the UK GDPR article 6 basis for sharing",
    )
    problems.check(
        basis.condition in choice_values(Condition),
        "condition",
        "Choose the condition for special category or criminal offence data, or say none is shared",
    )
    problems.check(basis.duty in choice_values(Duty), "duty", "Choose the statutory duty or power")
    if basis.duty == Duty.OTHER:
        problems.check(bool(basis.duty_other.strip()), "duty_other", "Say which duty or power")
    problems.check(
        len(basis.duty_other) <= MAX_OTHER,
        "duty_other",
        f"The duty or power must be {MAX_OTHER} characters or fewer",
    )


def check_share(
    problems: Problems, basis: Basis, purpose: str, purpose_field: str = "share_purpose"
) -> None:
    """The basis, and a purpose in words (named by the form's own field)."""
    check_basis(problems, basis)
    problems.check(bool(purpose.strip()), purpose_field, "Say what the sharing is for")
    problems.check(
        len(purpose) <= MAX_PURPOSE,
        purpose_field,
        f"The purpose must be {MAX_PURPOSE} characters or fewer",
    )


def basis_values(basis: Basis) -> dict[str, object]:
    """A basis as the fields of a record that carries one (``BasisFields``)."""
    return {
        "article6": basis.article6,
        "condition": basis.condition,
        "duty": basis.duty,
        "duty_other": basis.duty_other.strip() if basis.duty == Duty.OTHER else "",
        "guidance": basis.guidance,
    }


def source_of(obj: models.Model) -> tuple[str, str]:
    return obj._meta.label_lower, str(obj.pk)


@transaction.atomic
def record_share(
    *,
    actor: Worker,
    kind: str,
    basis: Basis,
    purpose: str,
    what: Sequence[str],
    record_ref: str,
    source: models.Model,
    recipients: Iterable[To] = (),
    people: Iterable[int] = (),
    until: dt.datetime | None = None,
    until_note: str = "",
    purpose_field: str = "share_purpose",
) -> Share:
    """Write one row of the sharing register (audited), with whom it went to.

    The caller has already checked the basis and purpose with its other checks; this
    checks again, so that no path can write a row without them.
    """
    problems = Problems()
    problems.check(kind in choice_values(ShareKind), "kind", "Choose what kind of sharing this is")
    check_share(problems, basis, purpose, purpose_field)
    problems.check(bool(what), "what", "Say what was shared")
    problems.raise_if_any()
    if source.pk is None:
        raise ValueError("record_share: source must be a saved record")
    source_type, source_id = source_of(source)
    share = create_audited(
        actor,
        Share,
        kind=kind,
        **basis_values(basis),
        purpose=purpose.strip(),
        what=[str(w) for w in what],
        record_ref=record_ref[:200],
        people=sorted({int(p) for p in people}),
        by=actor,
        by_team=actor.team if actor.team_id else None,
        at=clock.now(),
        until=until,
        until_note=until_note[:120],
        source_type=source_type,
        source_id=source_id,
    )
    _add_recipients(actor, share, recipients)
    return share


def _add_recipients(actor: Worker, share: Share, recipients: Iterable[To]) -> None:
    known = {(r.worker_id, r.name) for r in share.recipients.all()}
    for to in recipients:
        words = to.words
        key = (to.worker.pk if to.worker else None, words[:300])
        if not words or key in known:
            continue
        known.add(key)
        create_audited(
            actor, Recipient, share=share, worker=to.worker, agency=to.agency_of, name=words[:300]
        )


@transaction.atomic
def add_recipients(*, actor: Worker, source: models.Model, recipients: Iterable[To]) -> None:
    """Someone joins a sharing still open (a worker invited to a meeting, a partner put on a
    panel's list): each of its open register rows names them too."""
    source_type, source_id = source_of(source)
    wanted = list(recipients)
    now = clock.now()
    for share in Share.objects.filter(source_type=source_type, source_id=source_id):
        if share.until is None or share.until > now:
            _add_recipients(actor, share, wanted)


@transaction.atomic
def end_shares(*, actor: Worker, source: models.Model, note: str) -> int:
    """The sharing through ``source`` ended now (a meeting closed, emergency access ended):
    each of its register rows still open says until when."""
    source_type, source_id = source_of(source)
    now = clock.now()
    ended = 0
    for share in Share.objects.filter(source_type=source_type, source_id=source_id):
        if fields := share_ending(share, now=now, note=note):
            save_changes(actor=actor, obj=share, fields=fields)
            ended += 1
    return ended


def share_ending(share: Any, *, now: dt.datetime, note: str) -> dict[str, Any] | None:
    """What ending a register row at ``now`` writes on it, or None when it has ended
    already (its own date passed, or it was ended before): for ``end_shares`` and a data
    migration's historical rows alike."""
    if share.until is not None and share.until <= now:
        return None
    return {"until": now, "until_note": note}


@transaction.atomic
def add_people(*, actor: Worker, source: models.Model, people: Iterable[int]) -> None:
    """Whom a sharing was about, once known (a background export, when its file is made)."""
    source_type, source_id = source_of(source)
    ids = {int(p) for p in people}
    for share in Share.objects.filter(source_type=source_type, source_id=source_id):
        save_changes(actor=actor, obj=share, fields={"people": sorted(ids | set(share.people))})


# --- Emergency access: the sight and its register row, in one transaction ---------------------


@transaction.atomic
def emergency_open(
    *, actor: Worker, person_id: object, category: str, reason: str, basis: Basis
) -> BreakGlass | None:
    """Open emergency sight (``access.services.break_glass_request``) and write its register
    row: the emergency's reason is its purpose, and it lasts as long as the sight does.
    ``None`` when the id is no one's (the request is logged all the same)."""
    use = break_glass_request(actor=actor, person_id=person_id, category=category, reason=reason)
    if use is not None:
        record_share(
            actor=actor,
            kind=ShareKind.BREAK_GLASS,
            basis=basis,
            purpose=break_glass.purpose_of(use),
            what=["The child's whole record, read-only"],
            record_ref=f"Emergency access {use.pk}",
            source=use,
            recipients=[To(worker=actor)],
            people=[use.person_id],
            until=use.expires_at,
            until_note="When the emergency access ends",
            purpose_field="reason",
        )
    return use


@transaction.atomic
def emergency_end(*, actor: Worker, use: BreakGlass) -> BreakGlass:
    """End emergency sight early; its register row ends with it."""
    ended = break_glass_end(actor=actor, use=use)
    end_shares(actor=actor, source=use, note="Ended by the worker")
    return ended
