"""Field, constraint and ``Meta`` factories for shapes several models share.

Each says one rule once (an optional link, a pair linked once, a date that follows
another), so the models state what differs. The period constraints stand in
``common.models`` beside :class:`Provenance`.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from functools import cache, reduce
from typing import Any, TypeVar, overload

from django.db import models


def link_meta(owner: str, linked: str, name: str, said: tuple[str, str] | None = None) -> type:
    """The ``Meta`` of a row joining two records (a child named in a referral, a child on a
    plan): each pair once, in the order added, and found quickly from the linked side too
    ("the referrals naming this child"). ``said``: its verbose name and plural, where the
    class name would not read ("child on a referral", not "referral child")."""

    class Meta:
        ordering = ["id"]
        constraints = [once_each(name, [owner, linked])]
        indexes = [models.Index(fields=[linked, owner])]
        if said is not None:
            verbose_name, verbose_name_plural = said

    return Meta


def merge_meta(name: str, merged: str, into: str, *more: models.BaseConstraint) -> type:
    """The ``Meta`` of a record that one record was merged (or split) into another by a
    worker: newest first, and never into itself (the check is ``name``)."""

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(**{merged: models.F(into)}), name=name),
            *more,
        ]

    return Meta


_M = TypeVar("_M", bound=models.Model)


@overload
def optional_fk(
    to: type[_M],
    related_name: str = ...,
    *,
    on_delete: Callable[..., None] = ...,
    help_text: str = ...,
    one_to_one: bool = ...,
) -> models.ForeignKey[_M | None, _M | None]: ...


@overload
def optional_fk(
    to: str,
    related_name: str = ...,
    *,
    on_delete: Callable[..., None] = ...,
    help_text: str = ...,
    one_to_one: bool = ...,
) -> models.ForeignKey[Any, Any]: ...


def optional_fk(
    to: str | type[models.Model],
    related_name: str = "+",
    *,
    on_delete: Callable[..., None] = models.PROTECT,
    help_text: str = "",
    one_to_one: bool = False,
) -> models.ForeignKey[Any, Any]:
    """A link a record may be without, for now or for good: who approved it (once someone
    has), the conference that agreed a plan, the group a meeting maps (when it maps one).
    ``one_to_one`` makes it a one-to-one link (the record a revision replaced). Given the
    model class rather than its name, the field is typed as that model."""
    field = models.OneToOneField if one_to_one else models.ForeignKey
    return field(
        to,
        on_delete=on_delete,
        null=True,
        blank=True,
        related_name=related_name,
        help_text=help_text,
    )


def after_constraint(
    name: str, later: str, earlier: str, *, or_same: bool = False
) -> models.CheckConstraint:
    """``later`` comes after ``earlier`` (or on the same day or instant, with ``or_same``)."""
    lookup = f"{later}__gte" if or_same else f"{later}__gt"
    return models.CheckConstraint(condition=models.Q(**{lookup: models.F(earlier)}), name=name)


def once_each(name: str, fields: list[str]) -> models.UniqueConstraint:
    """Each combination of ``fields`` once: a team's name in its agency, a document's
    version number."""
    return models.UniqueConstraint(fields=fields, name=name)


def once_where_set(name: str, fields: list[str], field: str) -> models.UniqueConstraint:
    """Each combination of ``fields`` once, among the rows where ``field`` is set."""
    return models.UniqueConstraint(
        fields=fields, condition=models.Q(**{f"{field}__isnull": False}), name=name
    )


def link_or_text(name: str, link: str, text: str) -> models.CheckConstraint:
    """A row names someone either by a link to their record or in words, never both: an
    attendee with no account, a peer not yet known to Locus."""
    return models.CheckConstraint(
        condition=(models.Q(**{f"{link}__isnull": False}) & models.Q(**{text: ""}))
        | (models.Q(**{f"{link}__isnull": True}) & ~models.Q(**{text: ""})),
        name=name,
    )


def described_when(name: str, field: str, value: str, text: str) -> models.CheckConstraint:
    """Where ``field`` is ``value`` (an "other" basis, a refusal), ``text`` says what or why."""
    return models.CheckConstraint(
        condition=~models.Q(**{field: value}) | ~models.Q(**{text: ""}), name=name
    )


def current_indexes(end: str, *links: str) -> list[models.Index]:
    """For a period record, one index per link with the period's ``end``: what is current
    for a person, a worker or a group (``PeriodQuerySet.current``) is found quickly."""
    return dated_indexes(end, *links)


def dated_indexes(day: str, *links: str) -> list[models.Index]:
    """One index per link with ``day``: a record's rows are listed by date quickly (a
    child's notes by the day of contact, a case's documents by the date they bear)."""
    return [models.Index(fields=[link, day]) for link in links]


def exactly_one(name: str, *links: str) -> models.CheckConstraint:
    """Exactly one of ``links`` is set: a row belongs to one record of several kinds (a
    note on a child, a context case or a peer group), and that record decides who sees it."""
    return models.CheckConstraint(
        condition=reduce(
            operator.or_,
            (models.Q(**{f"{other}__isnull": other != link for other in links}) for link in links),
        ),
        name=name,
    )


# --- Meta of a record due by a date, and of a dated record about someone -------------------


def due_meta() -> type:
    """The ``Meta`` of a record due by a date, then held (a conference, a plan's review):
    soonest first, and found by status and date quickly (the overdue and upcoming lists)."""

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"])]

    return Meta


def dated_meta(day: str, *links: str) -> type:
    """The ``Meta`` of a dated record about someone (a safety mapping session, a context
    weighting): newest first, and each link's records found by date quickly. With no
    links, newest first alone: a record's history of corrections, the runs of a job."""

    class Meta:
        ordering = [f"-{day}", "-id"]
        indexes = dated_indexes(day, *links)

    return Meta


def choice_values(choices: type[models.Choices]) -> frozenset[Any]:
    """The values of a vocabulary, to check a value against: ``value in
    choice_values(Nature)``. Django builds ``Choices.values`` as a new list on every read,
    and the bulk paths (an import, the demo's borough) check values hundreds of thousands
    of times; a vocabulary never changes once its class is made."""
    if not (isinstance(choices, type) and issubclass(choices, models.Choices)):
        raise TypeError(f"choices must be a Choices class, not {choices!r}")
    return _values(choices)


@cache
def _values(choices: type[models.Choices]) -> frozenset[Any]:
    return frozenset(choices.values)
