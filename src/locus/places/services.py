"""Writing contexts and school rolls."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, models, transaction

from locus.access import places as access_places
from locus.access import policies
from locus.access.models import Agency, Worker
from locus.audit.models import ChangeAction
from locus.common import clock
from locus.common import services as common
from locus.common.errors import ValidationFailed
from locus.common.modelkit import choice_values
from locus.people.models import Person, PersonKind
from locus.places import postcodes
from locus.places.models import (
    PUBLIC_PLACE_KINDS,
    Context,
    ContextKind,
    ContextMerge,
    CoPresenceMode,
    CoPresenceRule,
    Enrolment,
    LeaveReason,
    Tenure,
)

# The shape of a full UK postcode (outward code, space optional, inward code).
POSTCODE_RE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$")
# What the "Add a place" page adds beyond a context's first fields: an online space's
# platform, a route's end, a home's household and who may see where it is.
PLACE_FIELDS = (
    "platform",
    "url",
    "end_postcode",
    "end_latitude",
    "end_longitude",
    "tenure",
    "housing_provider",
    "adult_care_needs",
    "adult_care_needs_note",
    "address_withheld",
)
CONTEXT_FIELDS = (
    "kind",
    "name",
    "description",
    "address",
    "postcode",
    "latitude",
    "longitude",
    "responsible_agency",
    *PLACE_FIELDS,
)
HOUSEHOLD_FIELDS = (
    "tenure",
    "housing_provider",
    "adult_care_needs",
    "adult_care_needs_note",
    "address_withheld",
)
# The (postcode, latitude, longitude) of a place's point and of a route's end.
POINTS = (("postcode", "latitude", "longitude"), ("end_postcode", "end_latitude", "end_longitude"))
# Kinds that may be merged into each other: the same place recorded twice, perhaps once as
# "other". A home is never one with a park; a peer group is merged on the group's pages.
MERGE_FAMILIES = (frozenset(PUBLIC_PLACE_KINDS),)


def normalise_postcode(postcode: str) -> str:
    compact = postcode.replace(" ", "").upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def _check_point(
    problems: common.Problems, fields: dict[str, Any], names: tuple[str, str, str]
) -> None:
    postcode_field, lat_field, lon_field = names
    postcode = fields.get(postcode_field) or ""
    problems.check(
        not postcode or bool(POSTCODE_RE.match(postcode)),
        postcode_field,
        f"{postcode!r} is not a UK postcode",
    )
    lat, lon = fields.get(lat_field), fields.get(lon_field)
    problems.check(
        (lat is None) == (lon is None), lat_field, "Give both latitude and longitude, or neither"
    )
    if lat is not None:
        problems.check(-90 <= lat <= 90, lat_field, "Latitude must be between -90 and 90")
    if lon is not None:
        problems.check(-180 <= lon <= 180, lon_field, "Longitude must be between -180 and 180")


def _located(fields: dict[str, Any], names: tuple[str, str, str]) -> bool:
    postcode_field, lat_field, _ = names
    return bool(fields.get(postcode_field)) or fields.get(lat_field) is not None


def _check_online(problems: common.Problems, fields: dict[str, Any]) -> None:
    """An online space has a platform (and perhaps a web address), and no place on a map."""
    if fields.get("kind") != ContextKind.ONLINE:
        problems.check(
            not fields.get("platform"), "platform", "Only an online space has a platform"
        )
        problems.check(not fields.get("url"), "url", "Only an online space has a web address")
        return
    url = fields.get("url") or ""
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except DjangoValidationError:
            problems.add("url", "Enter a web address starting with https://, or leave it empty")
    problems.check(not fields.get("postcode"), "postcode", "An online space has no postcode")
    problems.check(fields.get("latitude") is None, "latitude", "An online space has no map point")
    problems.check(not fields.get("address"), "address", "An online space has no address")


def _check_route(problems: common.Problems, fields: dict[str, Any]) -> None:
    """A route runs from a start to an end (postcodes or points), or its description says
    where it goes; only a route has an end."""
    start, end = (_located(fields, names) for names in POINTS)
    if fields.get("kind") != ContextKind.ROUTE:
        problems.check(not end, "end_postcode", "Only a route has an end")
        return
    if not (start or end) and not str(fields.get("description") or "").strip():
        problems.add(
            "postcode",
            "Give where the route starts and ends (postcodes or map points), or describe it",
        )
    elif start != end and (start or end):
        missing = "end_postcode" if start else "postcode"
        words = "ends" if start else "starts"
        problems.add(missing, f"Give where the route {words} too (a postcode or a map point)")


def _check_household(problems: common.Problems, fields: dict[str, Any]) -> None:
    """A home's household: a tenure from the list, a short note only with the flag, no
    responsible organisation (a home's landlord is its housing provider, which sees
    nothing through it); only a home has these."""
    if fields.get("kind") != ContextKind.HOME:
        for name in HOUSEHOLD_FIELDS:
            problems.check(not fields.get(name), name, "Only a home records a household")
        return
    problems.check(
        fields.get("tenure", "") in ("", *Tenure.values), "tenure", "Choose a tenure from the list"
    )
    note = str(fields.get("adult_care_needs_note") or "")
    problems.check(
        not note or bool(fields.get("adult_care_needs")),
        "adult_care_needs_note",
        "Tick that an adult has care and support needs, or leave the note empty",
    )
    problems.check(
        len(note) <= 300, "adult_care_needs_note", "The note must be 300 characters or fewer"
    )
    problems.check(
        fields.get("responsible_agency") is None,
        "responsible_agency",
        "A home has no responsible organisation: record its landlord as the housing provider",
    )
    if fields.get("address_withheld"):
        _check_name_hides_address(problems, fields)


def _name_gives_address(name: str, address: str, postcode: str) -> bool:
    """Whether a home's name holds its postcode or the first line of its address."""
    name = name.lower()
    postcode = postcode.replace(" ", "").lower()
    first_line = address.split(",")[0].strip().lower()
    return bool(
        (postcode and postcode in name.replace(" ", "")) or (first_line and first_line in name)
    )


def _check_name_hides_address(problems: common.Problems, fields: dict[str, Any]) -> None:
    """A home whose address is withheld is named without it: its name is shown wherever
    the home is (a child's page, an incident), to everyone who sees it."""
    gives = _name_gives_address(
        str(fields.get("name") or ""),
        str(fields.get("address") or ""),
        str(fields.get("postcode") or ""),
    )
    problems.check(
        not gives,
        "name",
        "When the address is withheld, name the home without its address, like "
        "\u201cFamily home of A.B.\u201d",
    )


def validate_context(fields: dict[str, Any]) -> common.Problems:
    problems = common.Problems()
    problems.check(
        fields.get("kind") in choice_values(ContextKind),
        "kind",
        f"Unknown kind of context: {fields.get('kind')!r}",
    )
    problems.check(bool(str(fields.get("name", "")).strip()), "name", "Enter the context's name")
    for names in POINTS:
        _check_point(problems, fields, names)
    _check_online(problems, fields)
    _check_route(problems, fields)
    _check_household(problems, fields)
    return problems


def _context_fields(fields: dict[str, Any]) -> dict[str, Any]:
    out = dict(fields)
    out["name"] = str(out.get("name", "")).strip()
    for name in ("platform", "url", "adult_care_needs_note"):
        if name in out:
            out[name] = str(out[name] or "").strip()
    for postcode_field, _, _ in POINTS:
        if out.get(postcode_field):
            out[postcode_field] = normalise_postcode(out[postcode_field])
    return out


def _check_real_postcodes(
    problems: common.Problems, fields: dict[str, Any], *, before: Context | None = None
) -> None:
    """Each postcode typed must be a real one (``places.postcodes``); a place given a
    postcode and no point is placed on it. A postcode already on the record is not looked
    up again (older records kept what they were given)."""
    for postcode_field, lat_field, lon_field in POINTS:
        postcode = fields.get(postcode_field)
        if not postcode or (before is not None and getattr(before, postcode_field) == postcode):
            continue
        if postcode_field in problems.errors:
            continue  # not a postcode's shape: already said
        found = postcodes.lookup(postcode)
        if found is None:
            problems.add(
                postcode_field,
                f"{postcode} is not in the postcode directory: check it, or give a map point",
            )
        elif fields.get(lat_field) is None:
            fields[lat_field], fields[lon_field] = found.latitude, found.longitude


@transaction.atomic
def context_create(
    *,
    actor: Worker,
    kind: str,
    name: str,
    description: str = "",
    address: str = "",
    postcode: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    responsible_agency: Agency | None = None,
    **place: Any,
) -> Context:
    """Record a context: a place, a school, a home, an online space, a route or a peer
    group. ``place`` gives the fields named in :data:`PLACE_FIELDS` (an online space's
    platform, a route's end, a home's household)."""
    common.permitted(access_places.can_add_place, actor)
    common.check_known_fields("context_create", place, PLACE_FIELDS)
    fields = _context_fields(
        {
            "kind": kind,
            "name": name,
            "description": description,
            "address": address,
            "postcode": postcode,
            "latitude": latitude,
            "longitude": longitude,
            "responsible_agency": responsible_agency,
            **place,
        }
    )
    problems = validate_context(fields)
    # A new online space says where it is; older ones (and the demo's) may not.
    problems.check(
        kind != ContextKind.ONLINE or bool(fields.get("platform")),
        "platform",
        "Enter the platform, like a messaging app, a game or a website",
    )
    _check_real_postcodes(problems, fields)
    return common.create_checked(actor, Context, problems, fields)


@transaction.atomic
def context_update(*, actor: Worker, context: Context, **changes: Any) -> Context:
    """Change a context's details; only the fields named in ``changes``."""
    common.permitted(access_places.can_edit_place, actor, context)
    common.check_known_fields("context_update", changes, CONTEXT_FIELDS)
    changed = {name for name, value in changes.items() if value != getattr(context, name)}
    if {"kind", "responsible_agency"} & changed:
        # Turning a home into a "park" would publish an address; changing who is
        # responsible changes who sees it. Administrators only.
        common.permitted(policies.is_administrator, actor)
    if "address_withheld" in changed:
        # Hiding an address is for the team that holds a resident's case, which then
        # still sees it; showing it again is theirs to decide too.
        common.permitted(access_places.can_withhold_address, actor, context)
    fields = _context_fields({**{f: getattr(context, f) for f in CONTEXT_FIELDS}, **changes})
    problems = validate_context(fields)
    _check_real_postcodes(problems, fields, before=context)
    return common.save_checked(actor, context, problems, fields)


def _mergeable(duplicate: Context, kept: Context) -> bool:
    if duplicate.kind == kept.kind:
        return True
    return any({duplicate.kind, kept.kind} <= family for family in MERGE_FAMILIES)


# Links to a place that are its history, not its present: they keep naming the place
# they named (an incident's earlier versions, a peer group's merges, a place's own merge).
HISTORY_LINKS = frozenset(
    {
        ("places.ContextMerge", "merged"),
        ("places.ContextMerge", "kept"),
        ("incidents.IncidentRevision", "context"),
        ("peers.GroupChange", "group"),
        ("peers.GroupChange", "into"),
    }
)


def context_links() -> list[models.ForeignObject]:
    """Every foreign key to a context, found from the model (links added by later apps
    included), less :data:`HISTORY_LINKS`. A many-to-many link is moved through its table's
    own foreign key, which is among these."""
    links: list[models.ForeignObject] = []
    for rel in Context._meta.get_fields(include_hidden=True):
        if not rel.auto_created or rel.concrete or rel.many_to_many:
            continue
        field = rel.field  # type: ignore[union-attr]
        if (field.model._meta.label, field.name) not in HISTORY_LINKS:
            links.append(field)
    return links


def _move_links(duplicate: Context, kept: Context) -> dict[str, list[int]]:
    """Point every link to ``duplicate`` at ``kept``; return the ids moved, per link.

    A link that must be unique per place (an open context case, a child on a list once)
    and exists on both refuses the merge with a message: the worker resolves it first.
    A many-to-many row that ``kept`` already has is dropped (the link is there).
    """
    moved: dict[str, list[int]] = {}
    for field in context_links():
        model = field.model
        rows = model._base_manager.filter(**{field.name: duplicate})
        if model._meta.auto_created:
            other = next(
                f for f in model._meta.concrete_fields if f.is_relation and f.name != field.name
            )
            already = model._base_manager.filter(**{field.name: kept}).values(other.attname)
            rows.filter(**{f"{other.attname}__in": already}).delete()
        ids = sorted(rows.values_list("pk", flat=True))
        if not ids:
            continue
        try:
            with transaction.atomic():
                rows.update(**{field.name: kept})
        except IntegrityError as exc:
            raise ValidationFailed(
                {
                    "kept": [
                        f"Both places have {model._meta.verbose_name_plural} that may be "
                        "recorded only once per place: resolve them before merging"
                    ]
                }
            ) from exc
        moved[f"{model._meta.label}.{field.name}"] = ids
    return moved


@transaction.atomic
def context_merge(*, actor: Worker, duplicate: Context, kept: Context, reason: str) -> ContextMerge:
    """Merge ``duplicate`` into ``kept``: everything that points at the duplicate (incidents,
    rolls, residents, cases, notes, documents...) moves to the place kept, in one
    transaction, and a merge record says which, into which, by whom and why. The
    duplicate stays, marked merged, so its address answers with the place kept."""
    common.permitted(access_places.can_merge_places, actor, duplicate, kept)
    problems = common.Problems()
    reason = common.clean_text(
        problems,
        "reason",
        reason,
        missing="Say why these are the same place",
        limit=1000,
        what="reason",
    )
    problems.check(duplicate.pk != kept.pk, "kept", "Choose another place to merge into")
    problems.check(
        duplicate.kind != ContextKind.PEER_GROUP and kept.kind != ContextKind.PEER_GROUP,
        "kept",
        "Peer groups are merged from the group's own page",
    )
    problems.check(
        _mergeable(duplicate, kept),
        "kept",
        f"A {duplicate.get_kind_display().lower()} cannot be merged into a "
        f"{kept.get_kind_display().lower()}",
    )
    merged = ContextMerge.objects.filter(merged__in=[duplicate, kept]).exists()
    problems.check(not merged, "kept", "One of these places has already been merged")
    # The household's address is withheld at the place kept too, whose name is then shown
    # to everyone who sees the household's home: not its address.
    problems.check(
        not (
            duplicate.address_withheld
            and not kept.address_withheld
            and _name_gives_address(kept.name, kept.address, kept.postcode)
        ),
        "kept",
        "This home's address is withheld, and the home kept is named by its address: rename "
        "it without its address first, like \u201cFamily home of A.B.\u201d",
    )
    problems.raise_if_any()
    moved = _move_links(duplicate, kept)
    if duplicate.address_withheld and not kept.address_withheld:
        # The household moves to the place kept: its address is then withheld too.
        common.write_fields(actor, kept, ChangeAction.UPDATE, {"address_withheld": True})
    return common.create_audited(
        actor,
        ContextMerge,
        merged=duplicate,
        kept=kept,
        reason=reason,
        moved=moved,
        **common.recorded(actor),
    )


@transaction.atomic
def enrolment_create(
    *, actor: Worker, person: Person, school: Context, start: dt.date, end: dt.date | None = None
) -> Enrolment:
    common.permitted(policies.can_record_about_person, actor, person)
    # A school's roll gives the school sight of the child: only the school itself
    # (or an administrator) puts a child on it.
    common.permitted(policies.can_manage_roll, actor, school)
    problems = common.Problems()
    problems.check(school.kind == ContextKind.SCHOOL, "school", "Choose a school")
    problems.check(
        person.kind == PersonKind.YOUNG_PERSON, "person", "Only a young person goes on a roll"
    )
    common.check_period(problems, start, end)
    # Said of the child chosen: the roll's form shows it on its "person" field.
    common.check_none_open(
        problems,
        end,
        Enrolment.objects.current().filter(person=person, school=school),
        "person",
        "This young person is already on this school's roll",
    )
    problems.raise_if_any()
    enrolment = common.create_audited(
        actor, Enrolment, person=person, school=school, start=start, end=end
    )
    return enrolment


@transaction.atomic
def enrolment_end(
    *,
    actor: Worker,
    enrolment: Enrolment,
    end: dt.date,
    leave_reason: str,
    leave_reason_detail: str = "",
) -> Enrolment:
    """Take a pupil off the roll on ``end``, saying why (``leave_reason_detail`` when "other").

    The row stays, with its dates and reason: the child's school history.
    """
    common.permitted(policies.can_record_about_person, actor, enrolment.person)
    common.permitted(policies.can_manage_roll, actor, enrolment.school)
    problems = common.Problems()
    problems.check(
        leave_reason in choice_values(LeaveReason), "leave_reason", "Choose why the pupil left"
    )
    detail = ""
    if leave_reason == LeaveReason.OTHER:
        detail = common.clean_text(
            problems,
            "leave_reason_detail",
            leave_reason_detail,
            missing="Say why the pupil left",
            limit=200,
            what="reason",
        )
    return common.close_period(
        actor=actor,
        obj=enrolment,
        end=end,
        already_ended="This pupil has already left the roll",
        problems=problems,
        also={"leave_reason": leave_reason, "leave_reason_detail": detail},
    )


# --- A place's co-presence rule --------------------------------------------------------------

# The widest narrower window: the linked pages' window is 30 days, and a rule must narrow it.
MAX_RULE_WINDOW_DAYS = 29


def _rule_in_force(context: Context) -> CoPresenceRule | None:
    # Locked so that two managers changing one place's rule at once write one after the other.
    return (
        CoPresenceRule.objects.select_for_update()
        .filter(context=context, ended_at__isnull=True)
        .first()
    )


def _end_rule(actor: Worker, rule: CoPresenceRule, reason: str) -> None:
    common.write_fields(
        actor,
        rule,
        ChangeAction.END,
        {"ended_at": clock.now(), "ended_by": actor, "end_reason": reason},
    )


def _rule_reason(problems: common.Problems, reason: str, missing: str) -> str:
    return common.clean_text(problems, "reason", reason, missing=missing, limit=1000, what="reason")


@transaction.atomic
def co_presence_rule_set(
    *,
    actor: Worker,
    context: Context,
    mode: str,
    reason: str,
    window_days: int | None = None,
) -> CoPresenceRule:
    """Set the place's co-presence rule: ``exclude``, ``window`` (``window_days``, 1 to 29:
    narrower than the linked pages' 30) or ``out_of_hours``, with a reason. A rule already in
    force is ended (kept, with this reason) and the new one written: the rows are the
    history. A manager of a team only (``access.places.can_set_co_presence_rule``)."""
    common.permitted(access_places.can_set_co_presence_rule, actor, context)
    problems = common.Problems()
    problems.check(mode in choice_values(CoPresenceMode), "mode", "Choose what the rule does")
    reason = _rule_reason(problems, reason, "Say why this place needs the rule")
    if mode == CoPresenceMode.WINDOW:
        problems.check(
            window_days is not None and 1 <= window_days <= MAX_RULE_WINDOW_DAYS,
            "window_days",
            f"Enter a number of days from 1 to {MAX_RULE_WINDOW_DAYS}",
        )
    else:
        problems.check(
            window_days is None, "window_days", "Only a narrower window has a number of days"
        )
    current = _rule_in_force(context)
    problems.check(
        current is None or (current.mode, current.window_days) != (mode, window_days),
        "mode",
        "This place already has this rule",
    )
    problems.raise_if_any()
    if current is not None:
        _end_rule(actor, current, f"Replaced: {reason}")
    return common.create_audited(
        actor,
        CoPresenceRule,
        context=context,
        mode=mode,
        window_days=window_days,
        reason=reason,
        **common.recorded(actor, "set_by", "set_at"),
    )


@transaction.atomic
def co_presence_rule_remove(*, actor: Worker, context: Context, reason: str) -> CoPresenceRule:
    """End the place's rule in force, with a reason; co-presence there counts as anywhere
    else again. The ended rule stays as history."""
    common.permitted(access_places.can_set_co_presence_rule, actor, context)
    problems = common.Problems()
    reason = _rule_reason(problems, reason, "Say why the rule is removed")
    current = _rule_in_force(context)
    problems.check(current is not None, "reason", "This place has no rule to remove")
    problems.raise_if_any()
    assert current is not None
    _end_rule(actor, current, reason)
    return current
