"""Writing people, their legal-status episodes and allocations.

Each service validates everything first (collecting every problem), then writes
the rows and their audit inside one transaction: nothing is half-written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Container, Mapping
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from locus.access import episodes, policies, recording, transfers
from locus.access.models import Agency, Team, Worker
from locus.access.services import closed_account_passed_on
from locus.audit.models import ChangeAction
from locus.audit.services import record_access
from locus.common import clock
from locus.common.errors import ValidationFailed
from locus.common.modelkit import choice_values
from locus.common.services import (
    Problems,
    check_known_fields,
    check_period,
    clean_text,
    close_period,
    create_audited,
    create_checked,
    first_recorded,
    lock,
    permitted,
    recorded,
    require,
    save_changes,
    save_checked,
    today,
    write_fields,
)
from locus.people import duplicates
from locus.people.identifiers import (
    birth_year_problem,
    date_of_birth_problem,
    la_child_id_problem,
    nhs_number_problem,
    normalise_address,
    upn_problem,
)
from locus.people.models import (
    AddressPeriod,
    Allocation,
    CPCategory,
    EndReason,
    Ethnicity,
    Identifier,
    IdentifierQuery,
    LACLegalStatus,
    LegalStatus,
    LegalStatusEpisode,
    Person,
    PersonKind,
    QueryKind,
    QueryOutcome,
    Sex,
)
from locus.people.selectors import identifier_query_route
from locus.places import postcodes
from locus.places.models import Context, ContextKind
from locus.places.postcodes import Postcode
from locus.places.services import context_create

PERSON_FIELDS = (
    "kind",
    "given_name",
    "family_name",
    "known_as",
    "date_of_birth",
    "sex",
    "ethnicity",
    "la_child_id",
    "upn",
    "nhs_number",
    "home",
    "retain_until",
)


def _blank_to_none(value: Any) -> Any:
    return None if value == "" else value


def identifier_in_use(field: str) -> str:
    """What a worker is told when another record has the identifier they typed.

    The same words whether or not they may see that record: "another person already
    has this UPN" would prove that a child hidden from them is known.
    """
    return f"This {Identifier(field).label} cannot be used here: ask your data team"


def validate_person(
    fields: dict[str, Any],
    *,
    person: Person | None = None,
    in_use: Mapping[str, Container[str]] | None = None,
) -> Problems:
    """Every problem with a person's fields, by field name.

    Shared by the service, the importers and the demo's bulk path so that all
    of them accept and refuse exactly the same records. A bulk writer passes
    ``in_use`` (identifier -> the values other records hold, read once) so that
    each identifier is checked in memory, not by a query per record.
    """
    problems = Problems()
    others = Person.objects.exclude(pk=person.pk) if person is not None else Person.objects.all()
    problems.check(
        bool(str(fields.get("given_name", "")).strip()), "given_name", "Enter a first name"
    )
    problems.check(
        bool(str(fields.get("family_name", "")).strip()), "family_name", "Enter a last name"
    )
    problems.check(
        fields.get("kind") in choice_values(PersonKind),
        "kind",
        f"Unknown kind of person: {fields.get('kind')!r}",
    )
    problems.check(
        fields.get("sex") in choice_values(Sex), "sex", f"Unknown sex code: {fields.get('sex')!r}"
    )
    ethnicity = fields.get("ethnicity")
    problems.check(
        ethnicity in choice_values(Ethnicity),
        "ethnicity",
        f"Unknown ethnicity code {ethnicity!r}: use a DfE code such as WBRI or NOBT",
    )
    dob = fields.get("date_of_birth")
    if dob is not None:
        if isinstance(dob, dt.datetime) or not isinstance(dob, dt.date):
            problems.add("date_of_birth", "Enter the date of birth as a date")
        elif dob > today():
            problems.add("date_of_birth", "The date of birth must not be in the future")
        elif reason := birth_year_problem(dob):
            problems.add("date_of_birth", reason)
    elif fields.get("kind") == PersonKind.YOUNG_PERSON:
        problems.add("date_of_birth", "Enter the young person's date of birth")
    upn = fields.get("upn")
    if upn and (reason := upn_problem(upn)):
        problems.add("upn", reason)
    nhs = fields.get("nhs_number")
    if nhs and (reason := nhs_number_problem(nhs)):
        problems.add("nhs_number", reason)
    la_id = fields.get("la_child_id")
    if la_id and (reason := la_child_id_problem(la_id)):
        problems.add("la_child_id", reason)
    for name in Identifier.values:
        value = fields.get(name)
        if not value or name in problems.errors:
            continue
        if in_use is not None:
            taken = value in in_use.get(name, ())
        else:
            taken = others.filter(**{name: value}).exists()
        if taken:
            problems.add(name, identifier_in_use(name))
    home = fields.get("home")
    if home is not None:
        problems.check(
            isinstance(home, Context) and home.kind == ContextKind.HOME,
            "home",
            "A home must be a context of kind home",
        )
    return problems


def _normalise_person_fields(fields: dict[str, Any]) -> dict[str, Any]:
    out = dict(fields)
    for key in ("la_child_id", "upn", "nhs_number"):
        if key in out:
            value = _blank_to_none(out[key])
            out[key] = value.replace(" ", "").upper() if isinstance(value, str) else value
    for key in ("given_name", "family_name", "known_as"):
        if key in out and isinstance(out[key], str):
            out[key] = out[key].strip()
    return out


@transaction.atomic
def person_create(
    *,
    actor: Worker,
    given_name: str,
    family_name: str,
    date_of_birth: dt.date | None,
    kind: str = PersonKind.YOUNG_PERSON,
    sex: str = Sex.NOT_KNOWN,
    ethnicity: str = Ethnicity.NOBT,
    known_as: str = "",
    la_child_id: str | None = None,
    upn: str | None = None,
    nhs_number: str | None = None,
    home: Context | None = None,
    retain_until: dt.date | None = None,
) -> Person:
    """Record a young person or an adult of concern."""
    permitted(policies.can_record_new, actor)
    fields = _normalise_person_fields(
        dict(
            kind=kind,
            given_name=given_name,
            family_name=family_name,
            known_as=known_as,
            date_of_birth=date_of_birth,
            sex=sex,
            ethnicity=ethnicity,
            la_child_id=la_child_id,
            upn=upn,
            nhs_number=nhs_number,
            home=home,
            retain_until=retain_until,
        )
    )
    if home is not None:
        permitted(policies.can_view_context, actor, home)
    return create_checked(actor, Person, validate_person(fields), fields)


@transaction.atomic
def person_update(*, actor: Worker, person: Person, **changes: Any) -> Person:
    """Change a person's details; only the fields named in ``changes``."""
    permitted(policies.can_edit_person, actor, person)
    check_known_fields("person_update", changes, PERSON_FIELDS)
    new_home = changes.get("home")
    if new_home is not None and new_home.pk != person.home_id:
        # A home names a family's address: only one the actor already sees.
        permitted(policies.can_view_context, actor, new_home)
    current = {name: getattr(person, name) for name in PERSON_FIELDS}
    fields = {**current, **_normalise_person_fields(changes)}
    return save_checked(actor, person, validate_person(fields, person=person), fields)


# --- Recording a person: checked for duplicates, held at once, with an address


# What a worker is told when a check matched a record they may not see: the same words
# whatever matched, and however many, so that trying values proves nothing.
MAY_ALREADY_EXIST = "A record may already exist: ask the data team"
SAY_WHY_DIFFERENT = (
    "Say why this is a different person, or ask the data team to check: "
    "the person is not recorded until then"
)


ANSWERED_SAME = (
    "A request of yours about this person was answered: this person already has a record, "
    "so they are not recorded again. Ask the data team if you know more"
)


class PossibleDuplicate(ValidationFailed):
    """The check found records that may be this person: the page shows them (those the
    worker may see) and asks for a reason or a request before recording."""

    def __init__(
        self,
        sought: duplicates.Sought,
        check: duplicates.DuplicateCheck,
        message: str = SAY_WHY_DIFFERENT,
    ) -> None:
        super().__init__({"different_reason": [message]})
        self.sought = sought
        self.check = check


def _address_problems(problems: Problems, address: str, postcode: str) -> Postcode | None:
    """Checks an address and its postcode (against the real postcode list); the postcode's
    place when both are good. Says nothing when neither is given."""
    address = address.strip()
    if not address and not postcode:
        return None
    clean_text(problems, "address", address, missing="Enter the address", limit=300, what="address")
    if not postcode:
        problems.add("postcode", "Enter the postcode")
        return None
    if not postcodes.well_formed(postcode):
        problems.add("postcode", "Enter a full UK postcode, like E8 1EJ")
        return None
    place = postcodes.lookup(postcode)
    if place is None:
        problems.add("postcode", f"{postcodes.normalise(postcode)} is not a postcode we can find")
    return place


def _home_for(actor: Worker, address: str, place: Postcode) -> Context:
    """The home at this address: the one already recorded that ``actor`` may see (two
    people at one address share it), or a new one. A home there that ``actor`` may not see
    is never offered (it would tell them who lives there): a second is made, and flagged in
    the trail for the data team as a possible duplicate place."""
    address = " ".join(address.split())
    found = duplicates.homes_at(viewer=actor, address=address, postcode=place.postcode)
    if found.seen is not None:
        return found.seen
    home = context_create(
        actor=actor,
        kind=ContextKind.HOME,
        name=f"Home: {address.splitlines()[0][:180]}",
        address=address,
        postcode=place.postcode,
        latitude=place.latitude,
        longitude=place.longitude,
    )
    if found.hidden:
        record_access(
            actor=actor,
            obj=home,
            detail={"possible_duplicate_place": found.hidden, "for": "the data team"},
        )
    return home


def _move_in(
    actor: Worker, person: Person, home: Context, start: dt.date, *, ending: str = ""
) -> AddressPeriod:
    """Ends the person's open address (as ``ending``) and opens ``home`` from ``start``;
    ``Person.home`` follows. Call after the checks."""
    current = person.addresses.current().first()
    if current is None and person.home_id is not None and person.home_id != home.pk:
        # A home recorded before addresses had a history: kept in it, from the day the
        # person was recorded (its real start is not known), ending with this move.
        since = min(person.created_at.date(), start)
        current = create_audited(
            actor,
            AddressPeriod,
            person=person,
            home_id=person.home_id,
            start=since,
            **recorded(actor),
        )
    if current is not None:
        write_fields(actor, current, ChangeAction.END, {"end": start, "end_reason": ending})
    period = create_audited(
        actor, AddressPeriod, person=person, home=home, start=start, **recorded(actor)
    )
    if person.home_id != home.pk:
        write_fields(actor, person, ChangeAction.UPDATE, {"home": home})
    return period


@transaction.atomic
def person_record(
    *,
    actor: Worker,
    holder: Worker | None = None,
    different_reason: str = "",
    address: str = "",
    postcode: str = "",
    **details: Any,
) -> Person:
    """Record a young person or an adult of concern, allocated at once to ``holder`` (the
    recorder, or a worker of the team a manager chooses) so that the record is held and
    seen, with their address when given.

    Before writing, the details are checked for records that may be the same person (a
    similar name and the same date of birth, or the same UPN, NHS number or LA child ID).
    When any match, nothing is written unless the recorder says why this is a different
    person (kept in the trail) or their request about these details was answered "a
    different child" and every record matched now was among those it asked about:
    :class:`PossibleDuplicate` otherwise, and always while the latest answer about these
    details, or about any record matched now, is "the same child"
    (:func:`duplicates.answered_request`).
    """
    permitted(recording.can_record_person, actor)
    holder = holder or actor
    require(recording.may_hold(actor, holder), "a manager allocates within their own team")
    check_known_fields("person_record", details, PERSON_FIELDS)
    require("home" not in details, "a home is recorded from the address")
    fields = _normalise_person_fields({**RECORD_DEFAULTS, **details})
    # Identifiers another record has are the duplicate check's to answer first.
    problems = validate_person(fields, in_use={})
    dob = fields.get("date_of_birth")
    if "date_of_birth" not in problems.errors and isinstance(dob, dt.date):
        adult = fields.get("kind") == PersonKind.ADULT_OF_CONCERN
        if reason := date_of_birth_problem(dob, adult=adult, today=today()):
            problems.add("date_of_birth", reason)
    place = _address_problems(problems, address, postcode.strip())
    problems.raise_if_any()
    sought = duplicates.Sought.of(fields)
    check = duplicates.duplicate_check(viewer=actor, sought=sought)
    confirmed = ""
    if check.found:
        answered = duplicates.answered_request(viewer=actor, sought=sought, matched=check.matched)
        if answered is not None and answered.outcome == QueryOutcome.SAME:
            # Whoever checked found the person already recorded: no reason of the
            # recorder's undoes that; only a later answer saying otherwise does.
            raise PossibleDuplicate(sought, check, ANSWERED_SAME)
        confirmed = different_reason.strip()
        if not confirmed and answered is None:
            raise PossibleDuplicate(sought, check)
        if len(confirmed) > 500:
            raise PossibleDuplicate(sought, check, "Keep the reason to 500 characters or fewer")
        confirmed = confirmed or f"Checked by the data team (request {answered.pk})"  # type: ignore[union-attr]
    validate_person(fields).raise_if_any()
    person = create_audited(actor, Person, **first_recorded(actor), **fields)
    assert holder.team is not None  # may_hold: the recorder or a member of their team
    create_audited(actor, Allocation, person=person, worker=holder, team=holder.team, start=today())
    if place is not None:
        _move_in(actor, person, _home_for(actor, address, place), today())
    outcome = duplicates.RECORDED if check.found else duplicates.NONE_FOUND
    duplicates.log_check(actor=actor, sought=sought, check=check, outcome=outcome, recorded=person)
    _requests_recorded(actor, sought, person)
    if confirmed:
        record_access(
            actor=actor,
            obj=person,
            detail={"different_person": confirmed, "possible_duplicates": check.matched},
            people=check.matched,
        )
    return person


def _requests_recorded(actor: Worker, sought: duplicates.Sought, person: Person) -> None:
    """The recorder's possible-duplicate requests about the name and date of birth
    ``person`` was recorded with (whatever identifiers were typed with them: a mistyped UPN
    is often why the request was asked) name them (``IdentifierQuery.person``): what was
    typed is theirs, and a purge of them deletes those requests with it
    (retention/purge.py), as it does every request naming them."""
    asked = IdentifierQuery.objects.select_for_update().filter(
        kind=QueryKind.DUPLICATE,
        requested_by=actor,
        search_key__startswith=f"{sought.who_key()}|",
        person=None,
    )
    for query in asked.order_by("pk"):
        save_changes(actor=actor, obj=query, fields={"person": person})


RECORD_DEFAULTS: dict[str, Any] = {
    "kind": PersonKind.YOUNG_PERSON,
    "known_as": "",
    "sex": Sex.NOT_KNOWN,
    "ethnicity": Ethnicity.NOBT,
    "date_of_birth": None,
    "la_child_id": None,
    "upn": None,
    "nhs_number": None,
}


@transaction.atomic
def duplicate_query_send(*, actor: Worker, note: str = "", **details: Any) -> IdentifierQuery:
    """Ask the data team (a manager who may see a matching record, or an administrator) to
    check whether the person ``actor`` is recording already has a record. Nothing about the
    match is told to ``actor``; the request keeps what was typed and every record matched."""
    permitted(recording.can_record_person, actor)
    fields = _normalise_person_fields({**RECORD_DEFAULTS, **details})
    sought = duplicates.Sought.of(fields)
    note = note.strip()
    problems = Problems()
    problems.check(len(note) <= 2000, "note", "Keep the note to 2,000 characters or fewer")
    check = duplicates.duplicate_check(viewer=actor, sought=sought)
    shown = {p.pk for p in check.shown}
    problems.check(check.found, "__all__", "No record matches these details now: record the person")
    problems.check(
        not duplicates.open_request(viewer=actor, sought=sought),
        "__all__",
        "You have already asked about these details: the request is open",
    )
    problems.raise_if_any()
    # Routed by a record the worker may not see when there is one: that is what they asked.
    by = next((pk for pk in check.matched if pk not in shown), check.matched[0])
    conflicting = Person.objects.get(pk=by)
    query = create_audited(
        actor,
        IdentifierQuery,
        kind=QueryKind.DUPLICATE,
        requested_by=actor,
        requested_at=clock.now(),
        details=sought.as_detail(),
        search_key=sought.key(),
        note=note,
        conflicting=conflicting,
        routed_to=identifier_query_route(conflicting, requester=actor),
    )
    query.matches.set(check.matched)
    duplicates.log_check(actor=actor, sought=sought, check=check, outcome=duplicates.ASKED)
    return query


@transaction.atomic
def address_record(
    *,
    actor: Worker,
    person: Person,
    address: str,
    postcode: str,
    start: dt.date | None,
    reason: str = EndReason.MOVED,
) -> AddressPeriod:
    """Record where ``person`` lives from ``start``: a move (the old address ends that day)
    or a correction (the old one was wrong: the new one takes its dates). The old address
    stays in the history either way."""
    permitted(recording.can_change_address, actor, person)
    problems = Problems()
    place = _address_problems(problems, address, postcode.strip())
    if place is None and not problems.errors:
        problems.add("address", "Enter the address")
    problems.check(
        reason in choice_values(EndReason),
        "reason",
        "Choose whether they moved or it was corrected",
    )
    current = person.addresses.current().first()
    if reason == EndReason.CORRECTED:
        problems.check(current is not None, "reason", "There is no address to correct")
        start = current.start if current is not None else start
    else:
        check_period(problems, start, None)
        if current is not None and start is not None and start < current.start:
            problems.add(
                "start",
                "The move must be on or after the move to the last address, "
                f"{current.start:%d/%m/%Y}",
            )
    if current is not None and place is not None:
        same = normalise_address(current.home.address) == normalise_address(address)
        problems.check(
            not (same and current.home.postcode == place.postcode),
            "address",
            "This is the address they live at now",
        )
    problems.raise_if_any()
    assert place is not None and start is not None
    return _move_in(actor, person, _home_for(actor, address, place), start, ending=reason)


def validate_episode(
    *,
    status: str,
    start: dt.date | None,
    end: dt.date | None,
    cp_category: str,
    lac_legal_status: str,
) -> Problems:
    problems = Problems()
    problems.check(
        status in choice_values(LegalStatus), "status", f"Unknown legal status: {status!r}"
    )
    check_period(problems, start, end)
    # Each detail belongs to one kind of episode: needed there, refused on any other.
    details = (
        (
            LegalStatus.CHILD_PROTECTION,
            "cp_category",
            cp_category,
            CPCategory.values,
            "A child protection plan needs its category (NEG, PHY, SAB, EMO or MUL)",
            "Only a child protection plan has a category",
        ),
        (
            LegalStatus.LOOKED_AFTER,
            "lac_legal_status",
            lac_legal_status,
            LACLegalStatus.values,
            "A looked-after episode needs its legal status (such as C2 or V2)",
            "Only a looked-after episode has a legal status",
        ),
    )
    for owner, field, value, allowed, needed, refused in details:
        if status == owner:
            problems.check(value in allowed, field, needed)
        elif value:
            problems.add(field, refused)
    return problems


@transaction.atomic
def episode_start(
    *,
    actor: Worker,
    person: Person,
    status: str,
    start: dt.date,
    agency: Agency,
    cp_category: str = "",
    lac_legal_status: str = "",
    end: dt.date | None = None,
) -> LegalStatusEpisode:
    """Open (or record a past) legal-status episode for a person."""
    permitted(episodes.can_open_episode, actor, person)
    # The agency holding an episode sees the child: only an agency opens its own.
    require(episodes.acts_for(actor, agency.pk), "an agency opens only its own episodes")
    # The fields the rules check are the fields written.
    fields: dict[str, Any] = {
        "status": status,
        "start": start,
        "end": end,
        "cp_category": cp_category,
        "lac_legal_status": lac_legal_status,
    }
    problems = validate_episode(**fields)
    if status in choice_values(LegalStatus):
        # Two workers recording the same status at once: the second waits on the person's
        # row and is then told of the first's episode, rather than meeting the database's
        # constraint. (The row is held, not read back: the caller's copy of the person keeps
        # what it holds.)
        Person.objects.select_for_update().filter(pk=person.pk).values_list("pk").first()
        same = person.episodes.filter(status=status)
        if end is None and same.current().exists():
            problems.add(
                "status",
                f"{LegalStatus(status).label} is already open for this person: end it first",
            )
        elif start is not None and not {"start", "end"} & problems.errors.keys():
            _check_no_overlap(problems, same, start, end)
    problems.raise_if_any()
    return create_audited(actor, LegalStatusEpisode, person=person, agency=agency, **fields)


def overlap_field(
    start: dt.date, end: dt.date | None, held_start: dt.date, held_end: dt.date | None
) -> str | None:
    """The rule "a child is open to each status once at a time", for an episode from
    ``start`` to ``end`` (open when ``None``) beside one of the same child's episodes of the
    same status held from ``held_start`` to ``held_end``: ``None`` when they share no day
    but the day one ends and the next starts (a change, or a handover); else the field the
    overlap is said on, ``"start"`` when it falls inside the held episode (or the new one is
    left open), ``"end"`` when the end runs into it. The episode form and the SSDA903
    import both ask it."""
    shares = (held_end is None or held_end > start) and (end is None or held_start < end)
    if not (shares or held_start == start):
        return None
    return "start" if held_start <= start or end is None else "end"


def _check_no_overlap(
    problems: Problems,
    same: QuerySet[LegalStatusEpisode],
    start: dt.date,
    end: dt.date | None,
) -> None:
    """``same`` (the child's episodes of the status) holds none overlapping ``start`` to
    ``end`` (:func:`overlap_field`); the first that does, by its start, is named."""
    for other in same.order_by("start", "pk"):
        if (on := overlap_field(start, end, other.start, other.end)) is None:
            continue
        until = f"to {other.end:%d/%m/%Y}" if other.end else "and still open"
        problems.add(
            on,
            f"{other.get_status_display()} is recorded from {other.start:%d/%m/%Y} {until}: "
            "this overlaps it, and a child is open to each status once at a time",
        )
        return


def _ending(
    episode: LegalStatusEpisode,
    end: dt.date | None,
    reason: str,
    *,
    end_field: str = "end",
    what: str = "end date",
) -> tuple[Problems, dict[str, Any]]:
    """The problems with ending ``episode`` on ``end`` for ``reason``, and the fields written.

    An end takes effect at once (the scopes read an ended episode as closed), so it is
    recorded on the day, never in advance.
    """
    problems = Problems()
    problems.check(episode.end is None, end_field, "This episode has already ended")
    if end is None:
        problems.add(end_field, f"Enter the {what}")
    elif end < episode.start:
        problems.add(
            end_field, f"The {what} must be on or after the start date, {episode.start:%d/%m/%Y}"
        )
    elif end > today():
        problems.add(end_field, f"The {what} must not be in the future")
    reason = clean_text(
        problems,
        "reason",
        reason,
        missing="Say why, for the record",
        limit=500,
        what="reason",
    )
    return problems, {"end": end, "end_reason": reason}


@transaction.atomic
def episode_end(
    *, actor: Worker, episode: LegalStatusEpisode, end: dt.date, reason: str
) -> LegalStatusEpisode:
    """End an open episode on ``end``, saying why; the episode stays in the history."""
    permitted(episodes.can_change_episode, actor, episode)
    # Decided on the row as it stands now: a second tab must not end it again.
    problems, fields = _ending(lock(episode), end, reason)
    problems.raise_if_any()
    return write_fields(actor, episode, ChangeAction.END, fields)


# The episodes whose detail changes over time: a plan's category, a looked-after legal status.
CHANGEABLE = {
    LegalStatus.CHILD_PROTECTION: "cp_category",
    LegalStatus.LOOKED_AFTER: "lac_legal_status",
}


@transaction.atomic
def episode_change(
    *, actor: Worker, episode: LegalStatusEpisode, start: dt.date, detail: str, reason: str
) -> LegalStatusEpisode:
    """A child protection plan's category, or a looked-after child's legal status, becomes
    ``detail`` on ``start``: the open episode ends that day (with ``reason``) and the next
    opens the same day, held by the same agency. Both or neither are written; returns the
    new episode."""
    permitted(episodes.can_change_episode, actor, episode)
    # Locked and read afresh: two changes at once would otherwise end it twice (the first
    # reason overwritten) and open two plans.
    problems, ending = _ending(
        lock(episode), start, reason, end_field="start", what="date of the change"
    )
    field = CHANGEABLE.get(LegalStatus(episode.status))
    if field is None:
        problems.add(
            "__all__",
            f"{episode.get_status_display()} has no category or legal status to change: end it",
        )
        problems.raise_if_any()
    assert field is not None
    opening: dict[str, Any] = {
        "status": episode.status,
        "start": start,
        "end": None,
        "cp_category": "",
        "lac_legal_status": "",
        field: detail,
    }
    # The date was checked as the end of this episode: the same day opens the next.
    for name, messages in validate_episode(**opening).errors.items():
        for message in messages if name != "start" else ():
            problems.add(name, message)
    problems.check(
        detail != getattr(episode, field) or field in problems.errors,
        field,
        "Choose a different one: the episode has this already",
    )
    problems.raise_if_any()
    write_fields(actor, episode, ChangeAction.END, ending)
    return create_audited(
        actor, LegalStatusEpisode, person=episode.person, agency_id=episode.agency_id, **opening
    )


@transaction.atomic
def allocation_create(
    *, actor: Worker, person: Person, worker: Worker, start: dt.date, team: Team | None = None
) -> Allocation:
    """Allocate a person to a worker (and so to the worker's team).

    Managers allocate within their own team; administrators anywhere.
    """
    team = team or worker.team
    allowed = policies.can_allocate(actor, team.pk if team is not None else None)
    require(allowed, "only a team manager or an administrator allocates cases")
    # Allocating is not a way in: a manager allocates only a child they already see
    # (one their agency holds or one they recorded, e.g. from a referral), not one
    # seen through break-glass.
    permitted(policies.sees_lastingly, actor, person)
    return allocate(actor=actor, person=person, worker=worker, team=team, start=start)


def allocate(
    *, actor: Worker, person: Person, worker: Worker, team: Team | None, start: dt.date
) -> Allocation:
    """Check and write an allocation, audited, for a caller that has already checked who may:
    :func:`allocation_create`, or a transfer accepted by the receiving team's manager (who
    does not see the child until the case is theirs)."""
    problems = Problems()
    problems.check(team is not None, "worker", "The worker belongs to no team")
    problems.check(worker.is_active, "worker", "The worker's account is not active")
    problems.check(
        team is None or worker.team_id == team.pk, "team", "The worker is not a member of that team"
    )
    # A partner organisation's staff, an independent chair or an analyst holds no case.
    why = transfers.why_holds_no_cases(worker) if team is not None else ""
    problems.check(not why, "worker", why)
    check_period(problems, start, None)
    problems.check(
        not Allocation.objects.current().filter(person=person, worker=worker).exists(),
        "worker",
        "This person is already allocated to this worker",
    )
    problems.raise_if_any()
    assert team is not None
    allocation = create_audited(
        actor, Allocation, person=person, worker=worker, team=team, start=start
    )
    return allocation


@transaction.atomic
def allocation_end(
    *, actor: Worker, allocation: Allocation, end: dt.date, reason: str
) -> Allocation:
    """End ``allocation`` on ``end`` for ``reason`` (the case closed, a co-worker stepped
    back): the worker no longer holds the child; the row stays, with why."""
    allowed = policies.can_allocate(actor, allocation.team_id)
    require(allowed, "only a team manager or an administrator ends an allocation")
    problems = Problems()
    why = clean_text(
        problems,
        "reason",
        reason,
        missing="Say why the allocation ends, for the record",
        limit=500,
        what="reason",
    )
    ended = close_period(
        actor=actor,
        obj=allocation,
        end=end,
        already_ended="This allocation has already ended",
        problems=problems,
        also={"end_reason": why},
    )
    closed_account_passed_on(actor=actor, worker=ended.worker)
    return ended


# --- Identifier queries: a refused identifier, checked by someone who may see the other record


def _normalise_identifier(value: str) -> str:
    return value.replace(" ", "").upper()


@transaction.atomic
def identifier_query_send(
    *, actor: Worker, person: Person, field: str, value: str, note: str = ""
) -> IdentifierQuery:
    """Ask for an identifier that cannot be used on ``person`` to be checked.

    Open to whoever may change the person's details (and so was refused the identifier).
    The request names the other record for the one who answers it, never for the actor.
    """
    permitted(policies.can_edit_person, actor, person)
    value = _normalise_identifier(str(value))
    note = note.strip()
    problems = Problems()
    problems.check(
        field in choice_values(Identifier), "field", "Choose the UPN, NHS number or LA child ID"
    )
    problems.check(bool(value) and len(value) <= 20, "value", "Enter the identifier")
    problems.check(len(note) <= 2000, "note", "Keep the note to 2,000 characters or fewer")
    problems.raise_if_any()
    label = Identifier(field).label
    conflicting = Person.objects.exclude(pk=person.pk).filter(**{field: value}).first()
    # One open request per worker, person and identifier: the same question is asked once.
    question = dict(requested_by=actor, person=person, field=field, value=value)
    if conflicting is None:
        problems.add("value", f"This {label} can be used: save it on the change details page")
    elif IdentifierQuery.objects.filter(**question, closed_at__isnull=True).exists():
        problems.add("value", f"You have already asked about this {label}: the request is open")
    problems.raise_if_any()
    assert conflicting is not None
    return create_audited(
        actor,
        IdentifierQuery,
        **question,
        requested_at=clock.now(),
        note=note,
        conflicting=conflicting,
        routed_to=identifier_query_route(conflicting, requester=actor),
    )


@transaction.atomic
def identifier_query_close(
    *, actor: Worker, query: IdentifierQuery, note: str, outcome: str = ""
) -> IdentifierQuery:
    """The manager it was routed to while they may still answer it (or an administrator),
    never the requester, closes a request, saying what was done; a possible-duplicate
    request also with its ``outcome`` (a different child, who may then be recorded, or the
    same child). The row is locked while it is answered, so two answers cannot both go
    through. A request whose answerer moved on is routed on first, as a new one would be."""
    query = IdentifierQuery.objects.select_for_update().get(pk=query.pk)
    routed = query.closed_at is None and query.routed_to_id is not None
    if routed and not policies.routed_answerer_may_answer(query):
        # Another team, another role, gone, or their team no longer holds the record: the
        # answerer the lists show now (selectors.identifier_query_route), in the trail.
        routed_on = identifier_query_route(query.conflicting, requester=query.requested_by)
        save_changes(actor=actor, obj=query, fields={"routed_to": routed_on})
    permitted(policies.can_answer_identifier_query, actor, query)
    note = note.strip()
    problems = Problems()
    problems.check(query.closed_at is None, "note", "This request is already closed")
    fields: dict[str, Any] = {}
    if query.kind == QueryKind.DUPLICATE:
        problems.check(
            outcome in choice_values(QueryOutcome),
            "outcome",
            "Choose whether it is a different child or the same child",
        )
        fields["outcome"] = outcome
    problems.check(bool(note), "note", "Say what was done, for the record")
    problems.check(len(note) <= 2000, "note", "Keep the note to 2,000 characters or fewer")
    problems.raise_if_any()
    return save_changes(
        actor=actor,
        obj=query,
        fields={**fields, "closed_at": clock.now(), "closed_by": actor, "closing_note": note},
    )
