"""The audit trail in the practice's words.

Each event becomes a :class:`Row`: who did what to which record, said plainly
("Read the record of Ciara Smith", "Changed the context plan for Kingsgate
Shopping Centre: closure requested by"). Every kind of record is described once,
in :data:`KINDS` (model label to :class:`Kind`); a record type not listed there
(a new app's, a new audited action's) is still described from its model's
verbose name and the person or context it points at, so it reads acceptably.

The naming rule is the trail's (``access/RULES.md``): a person is named only to
a viewer who may see them (an administrator), otherwise "person #12"; a public
place is named, a home or peer group only to a viewer who sees it. Auditors
see which fields changed, never their values. What a worker typed into a search is the
auditor's to read, and the worker's, never the administrator's (``access/trail.py``).

A page describes its events together: one query per kind of record on the
page, whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone

from locus.access import places as access_places
from locus.access import policies, scopes, trail
from locus.access.fields import WITHHELD, admin_fields, column_shown
from locus.access.models import Worker
from locus.audit.models import AccessAction, AccessEvent, ChangeAction, ChangeEvent
from locus.audit.selectors import FILTER_WORDS
from locus.audit.services import COMMAND_LINE, PEOPLE_SHOWN_KEYS, PERSON, points_at
from locus.common.ids import as_id

CONTEXT = "places.context"
WITHHELD_SEARCH = trail.SEARCH_TEXT_WITHHELD[0].lower() + trail.SEARCH_TEXT_WITHHELD[1:]
Event = AccessEvent | ChangeEvent


@dataclass(frozen=True)
class Kind:
    """How to speak of one kind of record.

    ``about``: the paths (Django lookups, first one set wins) from the record to
    what names it, a person or a context or a meeting; empty for a record that
    names itself. ``phrase`` says the record with that name in place of ``{}``.
    """

    noun: str
    plural: str = ""
    about: tuple[str, ...] = ()
    phrase: str = ""

    def say(self, name: str | None, pk: object) -> str:
        if name is None:
            return f"{self.noun} #{pk}" if pk not in (None, "") else self.plural or self.noun
        return (self.phrase or f"{self.noun} for {{}}").format(name)


def _k(noun: str, about: str = "", phrase: str = "", plural: str = "") -> Kind:
    return Kind(noun, plural or f"{noun}s", tuple(p for p in about.split("|") if p), phrase)


_CASE = "case__context"
_PLAN = "plan__case__context"

KINDS: dict[str, Kind] = {
    PERSON: _k("person", phrase="record of {}", plural="people"),
    "people.legalstatusepisode": _k("legal status", "person", "legal status of {}"),
    "people.allocation": _k("allocation", "person", "allocation of {}"),
    CONTEXT: _k("context", phrase="record of {}"),
    "places.enrolment": _k(
        "school roll entry", "person", "school roll entry for {}", "school rolls"
    ),
    "peers.association": _k("association", "person", "association of {}"),
    "peers.groupmembership": _k("group membership", "person", "group membership of {}"),
    "peers.peermappurpose": _k("peer map purpose", "person", "purpose for the peer map of {}"),
    "incidents.incident": _k("incident", "context", "incident at {}"),
    "incidents.involvement": _k("involvement", "person", "involvement of {} in an incident"),
    "cocase.meeting": _k("peer group mapping meeting", "group", "mapping meeting about {}"),
    "cocase.meetingchild": _k("child at a meeting", "person", "{} at a mapping meeting"),
    "cocase.invitee": _k("meeting invitation", "worker", "meeting invitation for {}"),
    "cocase.decision": _k("meeting decision", "meeting__group", "decision of the meeting about {}"),
    "cocase.intervention": _k("intervention", "person|group", "intervention for {}"),
    "cocase.interventionupdate": _k(
        "intervention update",
        "action__person|action__group",
        "update on the intervention for {}",
    ),
    "casework.referral": _k("referral", "context", "referral about {}"),
    "casework.referralcontext": _k("context on a referral", "context", "{} on a referral"),
    "casework.referralchild": _k("child on a referral", "person", "{} on a referral"),
    "casework.contextcase": _k("context case", "context", "context case for {}"),
    "casework.contextassessment": _k("context assessment", _CASE, "context assessment for {}"),
    "casework.domainfinding": _k(
        "assessment finding", f"assessment__{_CASE}", "assessment finding for {}"
    ),
    "casework.evidence": _k(
        "assessment evidence",
        f"finding__assessment__{_CASE}",
        "assessment evidence for {}",
        "evidence",
    ),
    "casework.contextconference": _k("context conference", _CASE, "context conference for {}"),
    "casework.conferenceattendee": _k(
        "conference attendee", f"conference__{_CASE}", "attendee of the conference for {}"
    ),
    "casework.conferencedecision": _k(
        "conference decision", f"conference__{_CASE}", "decision of the conference for {}"
    ),
    "casework.contextplan": _k("context plan", _CASE, "context plan for {}"),
    "casework.plangoal": _k("plan goal", _PLAN, "goal of the context plan for {}"),
    "casework.planaction": _k("plan action", _PLAN, "action on the context plan for {}"),
    "casework.planactionupdate": _k(
        "plan action update", f"action__{_PLAN}", "update on an action of the plan for {}"
    ),
    "casework.planchild": _k("child on a context plan", "person", "{} on a context plan"),
    "casework.planreview": _k("plan review", _PLAN, "review of the context plan for {}"),
    "casework.goalprogress": _k(
        "goal progress", f"review__{_PLAN}", "progress on a goal of the plan for {}"
    ),
    "casework.approval": _k("sign-off", _CASE, "sign-off on the context case for {}"),
    "profiles.profileitem": _k("profile item", "person", "aspirational profile of {}"),
    "panels.panelmeeting": _k("panel meeting", phrase="{}"),
    "panels.panelattendee": _k("panel attendee", "meeting", "attendee of the {}"),
    "panels.agendaitem": _k("agenda item", "person|context", "agenda item about {}"),
    "panels.paneldecision": _k("panel decision", "meeting", "decision of the {}"),
    "panels.panelaction": _k("panel action", "meeting", "action of the {}"),
    "panels.actionprogress": _k(
        "panel action progress", "action__meeting", "progress on an action of the {}"
    ),
    "moves.managedmove": _k("managed move", "person", "managed move of {}"),
    "access.worker": _k("worker account", phrase="worker account of {}"),
    "access.team": _k("team", phrase="team {}"),
    "access.agency": _k("agency", phrase="agency {}", plural="agencies"),
    "audit.trail": _k("audit trail", phrase="audit trail", plural="audit trail"),
    # A purge's redaction by record: its id is the record type whose events it blanked.
    "audit.redaction": _k("audit trail redaction"),
    "linked.case": _k("linked case"),
    "linked.cluster": _k("linked cluster"),
    "api.apitoken": _k("API token"),
    # Not a model: the trail's row for a request of emergency access (granted or refused).
    "access.breakglassrequest": _k("emergency access request"),
    "notifications.notification": _k("notification"),
    # Not a model: the row saying a command was run at the command line, by a worker who
    # signed in there, or unattended (a timer's daily purge) as the system account.
    COMMAND_LINE: _k("command line run"),
}

ACCESS_VERBS: dict[str, str] = {
    AccessAction.VIEW: "Read",
    AccessAction.SEARCH: "Searched",
    AccessAction.EXPORT: "Exported",
    AccessAction.BREAK_GLASS: "Opened with break-glass",
    AccessAction.REFUSED: "Refused",
}
CHANGE_VERBS: dict[str, str] = {
    ChangeAction.CREATE: "Recorded",
    ChangeAction.UPDATE: "Changed",
    ChangeAction.END: "Ended",
    ChangeAction.DELETE: "Deleted",
}


def model_of(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _fk_named(model: type[models.Model], target: str) -> str | None:
    return next((f.name for f in model._meta.concrete_fields if points_at(f, target)), None)


def kind_of(label: str) -> Kind:
    """The registered kind, or one made from the model: its verbose name, about the
    person (else the context) it points at. Never fails: any label reads."""
    if label in KINDS:
        return KINDS[label]
    model = model_of(label)
    if model is None:
        words = label.rpartition(".")[2].replace("_", " ") or "record"
        return _k(words)
    about = _fk_named(model, PERSON) or _fk_named(model, CONTEXT) or ""
    noun = str(model._meta.verbose_name)
    # A record that points at nobody is said by its own name: "threshold level #3".
    return Kind(
        noun, str(model._meta.verbose_name_plural), (about,) if about else (), "" if about else "{}"
    )


def field_label(label: str, key: str) -> str:
    """A field's human name (its verbose name) from the key the trail stored."""
    model = model_of(label)
    if model is not None:
        for name in (key, key.removesuffix("_id")):
            try:
                found = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            return str(getattr(found, "verbose_name", name))
    return key.removesuffix("_id").replace("_", " ")


@dataclass
class Row:
    """One event, said plainly (the trail page's row and the CSV's line)."""

    event: Event
    at: dt.datetime
    worker: str
    action: str
    record: str
    description: str
    fields: list[str] = field(default_factory=list)
    # (field label, before, after): for viewers who may read values only.
    changes: list[tuple[str, Any, Any]] = field(default_factory=list)
    # The person the record column refers to (by name, or "person #12" to a viewer who may
    # not see them): what an export of the trail logs as the people its rows named.
    person: int | None = None

    @property
    def people(self) -> list[int]:
        """Whom the row refers to (its record's person, if any): what an export of the trail
        logs as the people it named, so the trail's search by person finds the export."""
        return [self.person] if self.person is not None else []

    @property
    def fields_text(self) -> str:
        return ", ".join(self.fields)


def _follow(obj: Any, path: str) -> Any:
    for step in path.split("__"):
        obj = getattr(obj, step, None)
        if obj is None:
            return None
    return obj


class Namer:
    """Names what records are about, by the trail's naming rule, for one viewer."""

    def __init__(self, viewer: Worker) -> None:
        self.viewer = viewer
        self.everyone = scopes.person_filter(viewer) is None
        self.sees_any = scopes.sees_case_records(viewer)
        self.people: set[int] = set()
        self.contexts: set[int] = set()

    def learn(self, anchors: Iterable[models.Model]) -> None:
        """Which of these people and restricted contexts the viewer may name: at
        most one query each, none for administrators and auditors."""
        if self.everyone or not self.sees_any:
            return
        people = {a.pk for a in anchors if a._meta.label_lower == PERSON}
        places = {
            a.pk
            for a in anchors
            if a._meta.label_lower == CONTEXT and getattr(a, "is_restricted", False)
        }
        if people:
            self.people |= set(
                scopes.people_visible_to(self.viewer)
                .filter(pk__in=people)
                .values_list("pk", flat=True)
            )
        if places:
            self.contexts |= set(
                scopes.contexts_visible_to(self.viewer)
                .filter(pk__in=places)
                .values_list("pk", flat=True)
            )

    def name(self, obj: Any) -> str:
        label = obj._meta.label_lower
        if label == PERSON:
            if self.everyone or obj.pk in self.people:
                return str(obj)
            return f"person #{obj.pk}"
        if label == CONTEXT:
            if not obj.is_restricted or self.everyone or obj.pk in self.contexts:
                return obj.name
            return f"a {obj.get_kind_display().lower()} (#{obj.pk})"
        if label == "panels.panelmeeting":
            return f"{obj.get_kind_display()} of {obj.meets_on:%-d %B %Y}"
        if label == "access.worker":
            return obj.get_full_name() or obj.username
        if label in ("access.team", "access.agency"):
            return obj.name
        return f"{obj._meta.verbose_name} #{obj.pk}"


def _load(label: str, ids: set[int], kind: Kind) -> dict[int, models.Model]:
    model = model_of(label)
    if model is None or not ids:
        return {}
    qs = model._default_manager.filter(pk__in=ids)
    related = [p for p in kind.about if p]
    if related:
        qs = qs.select_related(*related)
    return {obj.pk: obj for obj in qs}


def _anchor(obj: models.Model, kind: Kind) -> models.Model | None:
    if not kind.about:
        return obj
    for path in kind.about:
        found = _follow(obj, path)
        if found is not None:
            return found
    return None


def _verb(event: Event) -> str:
    verbs: Mapping[str, str] = dict(
        ACCESS_VERBS if isinstance(event, AccessEvent) else CHANGE_VERBS
    )
    if event.action in verbs:
        return verbs[event.action]
    # An action added since: its label, or its code in words.
    shown = event.get_action_display()
    return str(shown).replace("_", " ").capitalize()


def _in_order(key: str) -> tuple[int, str]:
    """Where a logged filter's words go in the line: the trail's own in its form's order, any
    other's after them, alphabetically (never as the database kept the keys: PostgreSQL's
    JSON orders them by length, SQLite as written, and the line must read the same on both)."""
    words = key.replace("_", " ")
    found = FILTER_WORDS.index(words) if words in FILTER_WORDS else len(FILTER_WORDS)
    return found, words


# How the trail's page says a logged detail: its key's words, with ``{}`` where the value
# goes. A key not listed reads "its key in words: its value" (``detail_words``). The
# downloads of the trail keep the keys and values as logged ("items 7, team False").
DETAIL_WORDS: dict[str, str] = {
    "q": "searched for {}",
    "items": "{} items shown",
    "team": "team view: {}",
    "via": "from {}",
    "shown": "showing {}",
    "summarised": "{} summarised",
    "unnamed": "{} not named",
    "window": "period: {}",
    "window_days": "period: {} days",
    "page": "page {}",
    "rows": "{} rows",
    "limit": "limit: {}",
    "format": "format: {}",
}
# Values the system chose, said in words (any other value is said as it is).
VALUE_WORDS: dict[str, dict[str, str]] = {
    "shown": {
        "strong": "links on strong evidence",
        "weak": "links on weaker evidence",
        "reviewed": "links reviewed",
    },
}
# A typed text's name, said where its value is withheld (``access/trail.py``).
HIDDEN_WORDS = {"q": "what was searched for"}
_WEEKS = re.compile(r"^(\d+)w$")


def _value_words(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    if text in VALUE_WORDS.get(key, {}):
        return VALUE_WORDS[key][text]
    weeks = _WEEKS.match(text)
    return f"last {weeks.group(1)} weeks" if weeks else text


def detail_words(key: str, value: Any) -> str:
    """One logged detail as the trail's page says it: "7 items shown", "team view: no"."""
    said = _value_words(key, value)
    return DETAIL_WORDS.get(key, key.replace("_", " ") + ": {}").format(said)


def _filters_text(values: Mapping[str, Any], show_values: bool, words: bool = False) -> str:
    """The logged filters in words: each with its value, or (``show_values`` false) the name
    alone of a text the worker may have typed, followed by saying the search text is withheld
    (``access/trail.py``): a value the system chose (an export's format, a page's name), a
    count or a yes-or-no answer is no text typed, and is said to anyone. ``words``: each said
    as the page says it (``detail_words``), else as logged (the downloads)."""
    parts = []
    withheld = False
    for key in sorted(values, key=_in_order):
        value = values[key]
        # Lists of ids are counted ("3 shown"), not spelt out.
        if key in PEOPLE_SHOWN_KEYS or isinstance(value, list | dict) or value in ("", None):
            continue
        name = key.replace("_", " ")
        hidden = not show_values and trail.typed(key, value)
        withheld = withheld or hidden
        if hidden:
            parts.append(HIDDEN_WORDS.get(key, name) if words else name)
        else:
            parts.append(detail_words(key, value) if words else f"{name} {value}")
    said = ", ".join(parts)
    return f"{said}; {WITHHELD_SEARCH}" if withheld else said


def _count_shown(detail: Mapping[str, Any]) -> int | None:
    for key in ("people_shown", "shown", "named"):
        value = detail.get(key)
        if isinstance(value, list):
            return len(value)
    return None


# The pages a read names by ``via`` or ``page`` that are a worker's own view of their work,
# not a search: the trail says which page was opened.
_PAGES = {"my work": "My work", "home": "the home page"}


def _access_description(
    event: AccessEvent, verb: str, record: str, kind: Kind, viewer: Worker, words: bool
) -> str:
    detail = event.detail if isinstance(event.detail, dict) else {}
    if event.record_type == "audit.trail":
        given = detail.get("filters")
        filters = given if isinstance(given, dict) else detail
        said = _filters_text({k: v for k, v in filters.items() if k != "rows"}, True)
        if event.action == AccessAction.EXPORT:
            text = f"Exported {detail.get('rows', 0)} rows of the audit trail"
        else:
            text = f"{verb} the audit trail"
        return f"{text} with filters {said}" if said else text
    if event.record_type == "access.breakglassrequest":
        # The request, not a read: whom it asked for (by id: it may name nobody) and the answer.
        answer = "granted" if detail.get("granted") else "refused"
        return f"Asked for emergency access to person #{detail.get('asked_for', '')}: {answer}"
    if event.action == AccessAction.REFUSED:
        return f"Refused reads through the {record}: past its limit of {detail.get('limit')}"
    opened = None if event.record_id else _PAGES.get(str(detail.get("via") or detail.get("page")))
    if opened:
        # A worker's own page of work, logged as a read of what it lists: "Searched context
        # cases: 0 shown" said nothing of it (the count was of the people it names).
        text = f"Opened {opened}"
    elif event.record_id:
        text = f"{verb} the {record}"
        if detail.get("page"):
            text += f" ({detail['page']} page)"
    else:
        text = f"{verb} {kind.plural}"
    shown = None if opened else _count_shown(detail)
    if shown is not None:
        text += f": {shown} shown"
    rest = {k: v for k, v in detail.items() if k not in ("page",) and not (opened and k == "via")}
    # What was typed or chosen: for the auditor and the worker who typed it (access/trail.py).
    typed = trail.reads_search_text(viewer, event.actor_id)
    said = _filters_text(rest, typed, words)
    if said and not event.record_id:
        text += f" ({said})" if words else f" (details: {said})"
    return text


# The records whose columns are a person's fields (``access/fields.MODEL_FIELDS``): their
# values follow the field table, as in the admin (an administrator reads their row's,
# whatever Django's superuser flag says).
PERSON_RECORDS = frozenset({PERSON, "people.legalstatusepisode"})


def _values(
    event: ChangeEvent, key: str, shown: frozenset[str], places_withheld: set[str]
) -> tuple[Any, Any]:
    """The values of ``key`` before and after the change, as the viewer may read them: a
    person's fields by the field table, and where a home is (``access.places``) only
    within its holding team (``places_withheld``: the homes withheld from the viewer)."""
    before, after = event.before or {}, event.after or {}
    hidden = (event.record_type in PERSON_RECORDS and not column_shown(key, shown)) or (
        event.record_type == CONTEXT
        and event.record_id in places_withheld
        and key in access_places.LOCATION_FIELDS
    )
    if hidden:
        return (WITHHELD if key in before else None), (WITHHELD if key in after else None)
    return before.get(key), after.get(key)


def readable_values(event: ChangeEvent, viewer: Worker) -> tuple[dict[str, Any], dict[str, Any]]:
    """``event``'s values before and after, as ``viewer`` may read them (``_values``), for a
    page that shows them whole (the admin site's change record)."""
    places_withheld = (
        access_places.location_withheld_from(viewer, [event.record_id])
        if event.record_type == CONTEXT
        else set()
    )
    shown = admin_fields(viewer)
    before, after = event.before or {}, event.after or {}
    pairs = {k: _values(event, k, shown, places_withheld) for k in {*before, *after}}
    return (
        {k: pairs[k][0] for k in before},
        {k: pairs[k][1] for k in after},
    )


def _person_of(event: Event, anchor: models.Model | None) -> int | None:
    """The person a row's record column refers to: the record's person, or a person's own
    event whose record is gone (it still reads "person #12")."""
    if anchor is not None and anchor._meta.label_lower == PERSON:
        return int(anchor.pk)
    return as_id(event.record_id) if event.record_type == PERSON else None


def describe(events: Sequence[Event], *, viewer: Worker, words: bool = False) -> list[Row]:
    """Rows for ``events`` (a page's worth, or a chunk of an export), for ``viewer``.
    ``words``: a read's details as the trail's page says them ("7 items shown", "team view:
    no"); without it, as logged ("items 7, team False"), which the downloads keep."""
    show_values = policies.can_read_audit_values(viewer)
    shown = admin_fields(viewer) if show_values else frozenset()
    places_withheld = (
        access_places.location_withheld_from(
            viewer,
            (
                e.record_id
                for e in events
                if isinstance(e, ChangeEvent) and e.record_type == CONTEXT
            ),
        )
        if show_values
        else set()
    )
    wanted: dict[str, set[int]] = defaultdict(set)
    for event in events:
        pk = as_id(event.record_id)
        if pk is not None:
            wanted[event.record_type].add(pk)
    loaded = {label: _load(label, ids, kind_of(label)) for label, ids in wanted.items()}
    namer = Namer(viewer)
    namer.learn(
        a
        for label, objs in loaded.items()
        for obj in objs.values()
        if (a := _anchor(obj, kind_of(label))) is not None
    )
    rows = []
    for event in events:
        kind = kind_of(event.record_type)
        obj = loaded.get(event.record_type, {}).get(as_id(event.record_id) or 0)
        anchor = _anchor(obj, kind) if obj is not None else None
        record = kind.say(namer.name(anchor) if anchor is not None else None, event.record_id)
        verb = _verb(event)
        row = Row(
            event=event,
            at=timezone.localtime(event.at),
            worker=f"{namer.name(event.actor)} ({event.actor.username})",
            action=verb,
            record=record,
            description="",
            person=_person_of(event, anchor),
        )
        if isinstance(event, ChangeEvent):
            before, after = event.before or {}, event.after or {}
            keys = list(after) + [k for k in before if k not in after]
            row.fields = [field_label(event.record_type, k) for k in keys]
            if show_values:
                row.changes = [
                    (field_label(event.record_type, k), *_values(event, k, shown, places_withheld))
                    for k in keys
                ]
            row.description = f"{verb} the {record}"
            if event.record_type == COMMAND_LINE:
                # Where the work came from, said to every reader of the trail (the auditor
                # too): no case record, and what the trail is for.
                how = (
                    "Ran unattended at the command line"
                    if after.get("unattended")
                    else "Signed in at the command line to run"
                )
                row.description = (
                    f"{how} {after.get('command', '')} "
                    f"(the computer's login name: {after.get('login_name', '')})"
                )
            if row.fields and event.action != ChangeAction.CREATE:
                row.description += f"; changed: {row.fields_text}"
        else:
            row.description = _access_description(event, verb, record, kind, viewer, words)
        rows.append(row)
    return rows
