"""Setting the retention rules, and placing and lifting legal holds (each audited)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse

from locus.access import retention as rules
from locus.access.models import Worker
from locus.audit.models import ChangeAction
from locus.common import clock
from locus.common.modelkit import choice_values
from locus.common.services import (
    Problems,
    clean_reason,
    clean_text,
    create_audited,
    save_changes,
    write_fields,
)
from locus.notifications.models import NotificationKind
from locus.notifications.services import notify, on_day
from locus.people.models import Person
from locus.retention.models import (
    MAXIMUM,
    RELEASE_DAYS,
    RULES,
    HeldKind,
    HoldReason,
    LegalHold,
    RetentionRule,
    RuleKind,
    in_force,
)

MAX_REASON = 2000


@transaction.atomic
def rule_set(*, actor: Worker, kind: str, amount: int | None, reason: str) -> RetentionRule:
    """An administrator sets how long one kind of record is kept, saying why (the policy it
    follows). The change is audited with its before and after.

    A longer amount (or the one in force) applies at once. A shorter one applies only
    ``RELEASE_DAYS`` after it is set: until then the purge keeps the amount in force now, so
    one person alone cannot shorten a rule and purge what it kept at once. Shortening again
    while one waits keeps the amount in force (the longest of the window); the wait starts
    again from today, unless the new amount is no shorter than the one waiting (a reason
    reworded keeps its day)."""
    rules.require(rules.can_manage_retention(actor), "retention rules are for the data team")
    if kind not in choice_values(RuleKind):
        raise ValueError(f"kind: not a retention rule: {kind!r}")
    unit = RULES[kind].unit
    problems = Problems()
    ok = type(amount) is int and 1 <= amount <= MAXIMUM[unit]
    problems.check(ok, "amount", f"Enter a whole number of {unit} from 1 to {MAXIMUM[unit]}")
    reason = clean_reason(
        problems,
        reason,
        missing="Say why the rule is set so (the policy it follows)",
        limit=MAX_REASON,
    )
    problems.raise_if_any()
    assert amount is not None  # checked above
    current = RetentionRule.objects.select_for_update().filter(kind=kind).first()
    today = clock.today()
    now_kept = in_force(kind, current, today)
    fields = {
        "amount": amount,
        "reason": reason,
        "changed_by": actor,
        "changed_at": clock.now(),
        "previous_amount": None,
        "applies_from": None,
    }
    if amount < now_kept:
        fields["previous_amount"] = now_kept
        fields["applies_from"] = today + dt.timedelta(days=RELEASE_DAYS)
        if current is not None and current.pending_on(today) and amount >= current.amount:
            fields["applies_from"] = current.applies_from
    if current is None:
        return create_audited(actor, RetentionRule, kind=kind, **fields)
    return save_changes(actor=actor, obj=current, fields=fields)


@transaction.atomic
def hold_place(
    *,
    actor: Worker,
    held_kind: str,
    held_id: object,
    reason: str,
    detail: str,
    review_on: dt.date | None,
) -> LegalHold:
    """Stop the purge of a person or a context case (and what hangs off it) while
    proceedings, a complaint or an inquiry need it. A manager on a record they may open,
    or an administrator."""
    rules.require(rules.can_hold(actor), "legal holds are for managers and administrators")
    problems = Problems()
    record = rules.held_record(actor, held_kind, held_id)
    what = "person" if held_kind == HeldKind.PERSON else "context case"
    problems.check(
        record is not None, "held_id", f"Enter the number of a {what} whose record you may open"
    )
    problems.check(
        reason in choice_values(HoldReason), "reason", "Choose why the record must be kept"
    )
    detail = clean_text(
        problems,
        "detail",
        detail,
        missing="Say which proceedings, by their reference (never the child's name)",
        limit=MAX_REASON,
        what="detail",
    )
    if review_on is None:
        problems.add("review_on", "Enter the date the hold is to be reviewed")
    elif review_on <= clock.today():
        problems.add("review_on", "The review date must be in the future")
    problems.raise_if_any()
    assert record is not None
    return create_audited(
        actor,
        LegalHold,
        held_kind=held_kind,
        held_id=record.pk,
        person=record if isinstance(record, Person) else None,
        case=None if isinstance(record, Person) else record,
        reason=reason,
        detail=detail,
        review_on=review_on,
        placed_by=actor,
        placed_at=clock.now(),
    )


@transaction.atomic
def hold_lift(*, actor: Worker, hold: LegalHold, reason: str) -> LegalHold:
    """Lift a hold, saying why (the proceedings ended): the record then follows its rule once
    the release period is over (``RELEASE_DAYS``), and the worker who placed the hold, if
    someone else lifts it, is told."""
    hold = rules.access_hold(actor, hold.pk)
    hold = LegalHold.objects.select_for_update().select_related("placed_by").get(pk=hold.pk)
    problems = Problems()
    problems.check(hold.lifted_at is None, "reason", "This hold has already been lifted")
    reason = clean_reason(problems, reason, missing="Say why the hold is lifted", limit=MAX_REASON)
    problems.raise_if_any()
    lifted = {"lifted_by": actor, "lifted_at": clock.now(), "lifted_reason": reason}
    hold = write_fields(actor, hold, ChangeAction.END, lifted)
    _tell_placer(actor, hold)
    return hold


def _tell_placer(actor: Worker, hold: LegalHold) -> None:
    """The worker who placed the hold (knowing of the proceedings) hears that someone else
    lifted it: who, when, and the day the record may be purged from. The reason is on the
    hold's page (free text stays out of notifications, as it does for every other one); the
    link goes there while they may read it, else to the home page."""
    placer = hold.placed_by
    assert hold.lifted_on is not None and hold.purge_from is not None  # just lifted
    url = (
        reverse("retention-hold", args=[hold.pk])
        if rules.may_see_hold(placer, hold)
        else reverse("dashboard")
    )
    text = (
        f"A legal hold you placed ({hold.get_reason_display().lower()}) was lifted by "
        f"{str(actor)[:60]} on {on_day(hold.lifted_on)}: the record may be purged from "
        f"{on_day(hold.purge_from)}"
    )
    notify(placer, NotificationKind.HOLD_LIFTED, actor=actor, about=hold, url=url, text=text)
