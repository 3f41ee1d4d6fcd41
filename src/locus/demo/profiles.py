"""Demo aspirational profiles, managed moves, an HSB meeting and a MACE panel.

Call :func:`add_demo_profiles_and_moves` after ``generate_borough`` (and after the
other demo additions, if any). It acts as the demo personas through the services,
so every row has its audit trail and follows the same rules as the app:

* **profiles** for three children on ``social.worker``'s caseload and for the two
  moved pupils: aspirations, interests, talents, trusted adults, safe places,
  protective peers, mostly in the young people's own words, one changed and one
  ended so that the history shows;
* **two managed moves** out of ``school.dsl``'s school: one where harm moved with
  the child (harming incidents at the old school before, and at the new school
  after), and one where it did not (harmed at the old school, nothing after);
* a held **contextual HSB meeting** about the first move (the young person who
  harmed, a young person harmed, the old school as a location), with decisions
  and actions, one building on the child's profile;
* a held **MACE panel** chaired by ``police.analyst``: young people harmed, an adult
  person of concern, the place he was seen and a place with an approved context
  plan (when the demo context cases were added first), with a partner's
  representative on the list; that place's action lands on its plan;
* **police intelligence**: a restricted incident ``police.analyst`` recorded about a child
  ``school.dsl`` and ``social.worker`` see, which only the police see
  (:mod:`locus.demo.intelligence`).

Choices follow names, never ids, so one seed gives the same story on every run of
the day. Safe to call again: it adds nothing if the demo panels are there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypedDict, Unpack

from django.db import transaction
from django.utils import timezone

from locus.access.lookups import sees_context_lastingly
from locus.access.models import Worker
from locus.access.panel_meetings import can_write_item
from locus.access.policies import can_name_people
from locus.access.selectors import visible_person_ids
from locus.access.services import system_worker
from locus.casework.models import CaseStatus, ContextPlan, PlanStatus
from locus.common.models import Confidence, Source
from locus.common.services import today
from locus.demo import borough
from locus.demo.caseload import held_by
from locus.demo.intelligence import add_police_intelligence
from locus.incidents.models import Incident, Involvement
from locus.incidents.services import incident_record
from locus.moves.models import ManagedMove
from locus.moves.services import managed_move_record
from locus.panels.models import AgendaItem, PanelMeeting
from locus.panels.services import (
    agenda_item_add,
    item_discussion_record,
    panel_action_add,
    panel_action_update,
    panel_attendee_add,
    panel_create,
    panel_decision_add,
    panel_hold,
)
from locus.peers.models import Association, Nature
from locus.people.models import Person, PersonKind, Sex
from locus.places.models import Context, ContextKind, Enrolment, LeaveReason
from locus.places.services import enrolment_create, enrolment_end
from locus.profiles.models import ProfileItem
from locus.profiles.services import profile_item_add, profile_item_change, profile_item_end
from locus.sharing.vocab import POLICE_DISCLOSURE, SAFEGUARDING, Basis

HSB_TITLE = "Contextual HSB meeting: Year 9 harassment"
MACE_TITLE = "MACE panel: where young people are approached"
NOT_SECONDARY = ("Primary", "pupil referral", "Sixth Form")
MOVE_AGO = 150  # days: long enough for incidents after the move to show


@dataclass
class Story:
    """What the demo made, for the caller (and the tests) to look at."""

    profiles: list[Person] = field(default_factory=list)
    moves: list[ManagedMove] = field(default_factory=list)
    panels: list[PanelMeeting] = field(default_factory=list)
    intelligence: list[Incident] = field(default_factory=list)  # restricted, police only


def _persona(username: str) -> Worker | None:
    return Worker.objects.filter(username=username, is_active=True).first()


def _ago(days: int, hour: int = 13) -> dt.datetime:
    day = today() - dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _by_name(qs: object) -> list[Person]:
    return list(qs.order_by("family_name", "given_name", "id"))  # type: ignore[attr-defined]


def _caseload(worker: Worker) -> list[Person]:
    return list(held_by(worker).filter(kind=PersonKind.YOUNG_PERSON))


# --- Profiles ---------------------------------------------------------------------------------

# Words a young person might say, by kind; each child gets a different slice.
ASPIRATIONS = [
    "I want to be a mechanic and have my own garage one day",
    "Be a paramedic like my auntie",
    "Get my GCSEs and go to college to do music production",
    "Play football for a proper club",
]
INTERESTS = [
    "Drawing manga and making my own characters",
    "Boxing at the club on Tuesdays and Thursdays",
    "Cooking for my little brothers",
    "Making beats on my phone",
]
TALENTS = [
    "Very good with younger children: patient and funny (youth worker)",
    "Fast runner: came second in the borough athletics",
    "Fixes bikes for half the estate",
    "Writes lyrics and performs them",
]
TRUSTED_ADULTS = [
    "My nan. I can tell her anything",
    "Mr Okafor, my form tutor",
    "Dee at the youth club",
    "My coach, he doesn't judge",
]
SAFE_PLACES = [
    "The library, nobody bothers you there",
    "The youth club on a weekday evening",
    "My nan's flat",
    "The boxing gym",
]


def _protective_peer(worker: Worker, child: Person) -> Person | None:
    """A current protective associate the recorder may name, if the child has one."""
    pairs = Association.objects.current().filter(nature=Nature.PROTECTIVE)
    ids = {
        *pairs.filter(person=child, other__isnull=False).values_list("other_id", flat=True),
        *pairs.filter(other=child).values_list("person_id", flat=True),
    }
    seen = visible_person_ids(worker, ids)
    peers = _by_name(Person.objects.filter(id__in=seen, kind=PersonKind.YOUNG_PERSON))
    return peers[0] if peers else None


def _safe_place(child: Person) -> Context | None:
    """A public place the child's incidents never happened at: where they feel safe."""
    # Placeless missing episodes left out: a NULL in a NOT IN list would exclude every place.
    risky = Involvement.objects.filter(person=child, incident__context__isnull=False).values(
        "incident__context_id"
    )
    return (
        Context.objects.filter(kind=ContextKind.OPEN_SPACE)
        .exclude(id__in=risky)
        .order_by("name", "id")
        .first()
    )


class _Known(TypedDict, total=False):
    """A protective peer or a safe place that Locus knows, for a profile item to name."""

    peer: Person
    place: Context | None


def _profile(worker: Worker, child: Person, n: int) -> None:
    """A profile for ``child``, the ``n``-th made, recorded by ``worker`` over some months."""
    said = today() - dt.timedelta(days=120 - 10 * n)

    def add(kind: str, text: str, **known: Unpack[_Known]) -> ProfileItem:
        return profile_item_add(
            actor=worker,
            person=child,
            kind=kind,
            text=text,
            own_words=kind != "talent",  # a talent is often a worker's observation
            recorded_on=said,
            **known,
        )

    k = n % 4
    first = add("aspiration", ASPIRATIONS[k])
    add("interest", INTERESTS[k])
    add("talent", TALENTS[k])
    add("trusted_adult", TRUSTED_ADULTS[k])
    place = _safe_place(child)
    club = add("safe_place", SAFE_PLACES[k], place=place)
    peer = _protective_peer(worker, child)
    if peer is not None:
        add("protective_peer", f"{peer.given_name} looks out for me", peer=peer)
    else:
        add("protective_peer", "My cousin who is at college: she tells me when I'm being stupid")
    if n == 0:
        # History: the words changed, and a safe place no longer is one.
        profile_item_change(
            actor=worker,
            item=first,
            text=ASPIRATIONS[k] + ", or teach it at college",
            own_words=True,
            changed_on=said + dt.timedelta(days=60),
        )
        profile_item_end(
            actor=worker,
            item=club,
            ended_on=said + dt.timedelta(days=45),
            reason="Older boys started waiting outside",
        )


# --- Managed moves ----------------------------------------------------------------------------


def _secondary_schools() -> list[Context]:
    qs = Context.objects.filter(kind=ContextKind.SCHOOL)
    for word in NOT_SECONDARY:
        qs = qs.exclude(name__icontains=word)
    return list(qs.order_by("name", "id"))


# The single-sex schools' one sex, by name: a child moves only to a school that takes them.
SCHOOL_SEX = {spec.name: spec.sex for spec in borough.SCHOOLS if spec.sex}


def _takes(school: Context, child: Person) -> bool:
    return SCHOOL_SEX.get(school.name, child.sex) == child.sex


def _pronouns(child: Person) -> tuple[str, str, str]:
    """How the demo's words speak of the child: by the sex on the record, or "they"."""
    by_sex: dict[str, tuple[str, str, str]] = {
        Sex.MALE: ("he", "his", "him"),
        Sex.FEMALE: ("she", "her", "her"),
    }
    return by_sex.get(child.sex, ("they", "their", "them"))


def _a_pupil(child: Person) -> str:
    by_sex: dict[str, str] = {Sex.MALE: "a boy", Sex.FEMALE: "a girl"}
    return by_sex.get(child.sex, "a pupil")


# What the schools reported, as (days ago, summary): harm at the old school before the first
# move and at the new school after it, and the bullying that the second move was about.
HARM_BEFORE = (
    (MOVE_AGO + 80, "Sexualised comments and touching in the corridor between lessons"),
    (MOVE_AGO + 30, "Shared an intimate image of a classmate in a year group chat"),
)
HARM_AFTER = (
    (MOVE_AGO - 40, "Unwanted touching at the lockers; reported by a teacher"),
    (MOVE_AGO - 95, "Sexual comments to a Year 8 pupil on the way out of school"),
)
BULLIED = (
    (MOVE_AGO + 50, "Persistent bullying by a group of older pupils, online and at the gates"),
)


def _incidents(
    system: Worker,
    where: Context,
    kind: str,
    involvements: list[tuple[Person, str]],
    reports: tuple[tuple[int, str], ...],
) -> None:
    """One incident at ``where`` for each report, the same people involved in each."""
    for days_ago, summary in reports:
        incident_record(
            actor=system,
            kind=kind,
            occurred_at=_ago(days_ago),
            context=where,
            summary=summary,
            involvements=involvements,
            source=Source.PROFESSIONAL,
            confidence=Confidence.HIGH,
            reporting_agency=where.responsible_agency,
        )


def _on_roll(school: Context, since: dt.date) -> list[Person]:
    """Young people on the school's roll from ``since`` until now, by name: the school's
    incidents about them from then on fall within their time there."""
    on_roll = Enrolment.objects.current().open_on(since).filter(school=school)
    ids = on_roll.values("person_id")
    return _by_name(Person.objects.filter(id__in=ids, kind=PersonKind.YOUNG_PERSON))


def _quiet_since(people: list[Person], day: dt.date, at: Context | None = None) -> list[Person]:
    """Those with nothing recorded from ``day`` on (at ``at``, when given): the demo's story is
    then the only one (and a child who moves school has nothing at the old one after)."""
    later = Involvement.objects.filter(person__in=people, incident__occurred_at__date__gte=day)
    if at is not None:
        later = later.filter(incident__context=at)
    ids = set(later.values_list("person_id", flat=True))
    return [p for p in people if p.pk not in ids]


class _Decision(TypedDict):
    """Why the child moved, what the panel decided and who decided it."""

    reason: str
    panel_decision: str
    decided_by: str


def _move(
    dsl: Worker,
    system: Worker,
    child: Person,
    old: Context,
    new: Context,
    moved_on: dt.date,
    **decision: Unpack[_Decision],
) -> ManagedMove:
    move = managed_move_record(
        actor=dsl, person=child, from_school=old, to_school=new, moved_on=moved_on, **decision
    )
    # The rolls follow: the old school closes its roll on the eve of the move (its own
    # staff), and the new school opens one (here the system, for the new school).
    enrolment = Enrolment.objects.current().get(person=child, school=old)
    enrolment_end(
        actor=dsl,
        enrolment=enrolment,
        end=moved_on - dt.timedelta(days=1),
        leave_reason=LeaveReason.MOVED_SCHOOL,
    )
    enrolment_create(actor=system, person=child, school=new, start=moved_on)
    return move


def _moves(story: Story, system: Worker, dsl: Worker, team_ids: set[int]) -> None:
    schools = [s for s in _secondary_schools() if s.responsible_agency_id is not None]
    old = next((s for s in schools if s.responsible_agency_id == dsl.agency_id), None)
    if old is None:
        return
    others = [s for s in schools if s.pk != old.pk]
    if len(others) < 2:
        return
    moved_on = today() - dt.timedelta(days=MOVE_AGO)
    # On the old school's roll since its first incident below, the CSC team's children first
    # (so that ``social.worker`` and ``team.manager`` follow the story too).
    pupils = _on_roll(old, today() - dt.timedelta(days=max(d for d, _ in HARM_BEFORE + BULLIED)))
    pupils.sort(key=lambda p: p.pk not in team_ids)
    quiet_ones = _quiet_since(pupils, moved_on)
    if len(pupils) < 4 or not quiet_ones:
        return
    quiet = quiet_ones[0]
    rest = [p for p in pupils if p.pk != quiet.pk]
    movers = _quiet_since(rest, moved_on, at=old)
    if len(rest) < 3 or not movers:
        return
    harming = movers[0]
    harmed, bystander = [p for p in rest if p.pk != harming.pk][:2]
    # Each moves to a school that takes them (a boy to a boys' school, never a girl); the
    # first to one with a pupil on its roll since the first incident there, who is harmed.
    since = today() - dt.timedelta(days=max(d for d, _ in HARM_AFTER))
    first_new, new_pupils = next(
        ((s, found) for s in others if _takes(s, harming) and (found := _on_roll(s, since))),
        (None, []),
    )
    second_new = next((s for s in others if s != first_new and _takes(s, quiet)), None)
    if first_new is None or second_new is None:
        return
    after = [(harming, "harming"), (new_pupils[0], "harmed")]

    # 1. Harm moved with the child.
    _incidents(system, old, "hsb", [(harming, "harming"), (harmed, "harmed")], HARM_BEFORE)
    his = _pronouns(harming)[1]
    story.moves.append(
        _move(
            dsl,
            system,
            harming,
            old,
            first_new,
            moved_on,
            reason=f"Harmful sexual behaviour towards {_a_pupil(harmed)} in {his} year, "
            "twice this term",
            panel_decision="Managed move for a six-week trial with a safety plan at the new "
            "school; to be reviewed at the contextual HSB meeting",
            decided_by="In-year fair access panel",
        )
    )
    _incidents(system, first_new, "hsb", after, HARM_AFTER)

    # 2. Harm did not move: the child harmed before moved for their safety, and is doing well.
    _incidents(system, old, "bullying", [(quiet, "harmed"), (bystander, "harming")], BULLIED)
    story.moves.append(
        _move(
            dsl,
            system,
            quiet,
            old,
            second_new,
            moved_on + dt.timedelta(days=7),
            reason=f"Bullied by a group of older pupils; {_pronouns(quiet)[0]} asked to move "
            "away from them",
            panel_decision="Move agreed, with a mentor at the new school for the first term",
            decided_by="Head teachers of both schools, with the family",
        )
    )


# --- Panels -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Panel:
    """A demo panel's settings: what it is, when (days ago) and where it met, and the law
    that lets its members share."""

    kind: str
    title: str
    days_ago: int
    place: str
    basis: Basis


HSB = _Panel("hsb", HSB_TITLE, 42, "Hackney Service Centre, room 2", SAFEGUARDING)
MACE = _Panel("mace", MACE_TITLE, 21, "Police station, conference room", POLICE_DISCLOSURE)


def _create(panel: _Panel, organiser: Worker, chair: Worker, members: list[Worker]) -> PanelMeeting:
    return panel_create(
        actor=organiser,
        kind=panel.kind,
        title=panel.title,
        meets_on=today() - dt.timedelta(days=panel.days_ago),
        place=panel.place,
        chair=chair,
        basis=panel.basis,
        attendees=members,
    )


def _hold(meeting: PanelMeeting, chair: Worker, summary: str, review_on: dt.date | None) -> None:
    """The meeting took place, with everyone on its list there."""
    everyone = list(meeting.attendees.values_list("id", flat=True))
    panel_hold(
        actor=chair, meeting=meeting, attended=everyone, summary=summary, review_on=review_on
    )


def _setter(organisers: Sequence[Worker], person: Person) -> Worker | None:
    """The first organiser who may name ``person`` on an agenda: the IT administrator sets
    none (``panel_meetings.can_set_agenda``)."""
    return next((w for w in organisers if can_name_people(w, [person])), None)


def _on_agenda(organisers: Sequence[Worker], meeting: PanelMeeting, **item: Any) -> AgendaItem:
    """Put ``item`` on the agenda as the first organiser who may name what it is about."""
    person, context = item.get("person"), item.get("context")
    setter = next(
        w
        for w in organisers
        if (person is None or can_name_people(w, [person]))
        and (context is None or sees_context_lastingly(w, context))
    )
    return agenda_item_add(actor=setter, meeting=meeting, **item)


def _hsb_meeting(story: Story, sw: Worker, manager: Worker, others: list[Worker]) -> None:
    if not story.moves:
        return
    move = story.moves[0]
    # The school's safeguarding lead sets it up: she sees the pupils on its agenda.
    dsl, *rest = others
    meeting = _create(HSB, dsl, manager, [sw, *rest])
    organisers = (dsl, manager, sw)
    agenda = partial(_on_agenda, organisers, meeting)
    he, his, him = _pronouns(move.person)
    harming = agenda(
        kind="harming",
        person=move.person,
        reason=f"Harmful sexual behaviour at {his} old school and again since the managed move",
    )
    # Those harmed where the child harmed (never the child: a child harmed in another of
    # those incidents is listed once, as the young person who harmed).
    victims = _by_name(
        Person.objects.filter(
            involvements__incident__involvements__person=move.person,
            involvements__incident__involvements__role="harming",
            involvements__role="harmed",
        )
        .exclude(pk=move.person.pk)
        .distinct()
    )
    for victim in [v for v in victims if _setter(organisers, v)][:2]:
        agenda(
            kind="harmed",
            person=victim,
            reason="Harmed by a pupil at school; safety at school and online",
        )
    school = agenda(
        kind="location",
        context=move.to_school,
        reason="Two incidents since the move: corridors and lockers between lessons",
    )
    _hold(
        meeting,
        manager,
        f"The harm moved with {him}: the team looked at supervision at the new school "
        "rather than another move.",
        review_on=None,
    )
    writer = next(w for w in (manager, sw, *others) if can_write_item(w, harming))
    item_discussion_record(
        actor=writer,
        item=harming,
        discussion=f"Engages with {his} youth worker. Has a trusted adult and a talent to "
        "build on.",
    )
    panel_decision_add(
        actor=manager,
        meeting=meeting,
        text="No further move: work with the new school on supervision at changeovers",
    )
    panel_decision_add(
        actor=writer, meeting=meeting, item=harming, text="Refer for an AIM3 assessment"
    )
    strengths = list(
        ProfileItem.objects.current()
        .filter(person=move.person, kind__in=["talent", "trusted_adult"])
        .order_by("kind", "id")
    )
    due = today() + dt.timedelta(days=28)
    owner = next((w for w in others if w.agency_id == move.to_school.responsible_agency_id), sw)
    # The talent in its words, without who saw it: "(youth worker)".
    talent = next((i.text.split(" (")[0] for i in strengths if i.kind == "talent"), "")
    way_in = f"{his} talent ({talent[:1].lower()}{talent[1:]})" if talent else f"what {he} enjoys"
    # Those who attended agree the actions: on the young person, one of them who may write
    # about the child.
    panel_action_add(
        actor=writer,
        item=harming,
        description=f"Weekly sessions with a youth worker, using {way_in} as the way in",
        owner=sw,
        due_on=due,
        builds_on=strengths,
    )
    panel_action_add(
        actor=manager,
        item=school,
        description="Staff on the corridors at every changeover; review the lockers area",
        owner=owner,
        due_on=due + dt.timedelta(days=14),
    )
    story.panels.append(meeting)


def _mace_panel(
    story: Story,
    sw: Worker,
    manager: Worker,
    police: Worker,
    others: list[Worker],
    team_ids: set[int],
) -> None:
    meeting = _create(MACE, manager, police, [sw, *others])
    panel_attendee_add(
        actor=manager,
        meeting=meeting,
        name="Dee Morgan",
        organisation="Shopping centre security (partner)",
    )
    # An adult who harmed young people, preferably one of the CSC team's children.
    adults = Person.objects.filter(kind=PersonKind.ADULT_OF_CONCERN, involvements__role="harming")
    # One the chair (police) may name on the agenda: the IT administrator sets none.
    named = set(adults.values_list("pk", flat=True))
    adults = adults.filter(
        pk__in=visible_person_ids(police, named, shared=False, break_glass=False)
    )
    adult = (
        adults.filter(
            involvements__incident__involvements__person_id__in=team_ids,
            involvements__incident__involvements__role="harmed",
        )
        .order_by("family_name", "given_name", "id")
        .first()
        or adults.order_by("family_name", "given_name", "id").first()
    )
    place = None
    if adult is not None:
        place = (
            Context.objects.filter(incidents__involvements__person=adult)
            .exclude(kind__in=[ContextKind.HOME, ContextKind.PEER_GROUP])
            .order_by("name", "id")
            .first()
        )
        harmed = _by_name(
            Person.objects.filter(
                kind=PersonKind.YOUNG_PERSON,
                involvements__role="harmed",
                involvements__incident__involvements__person=adult,
            ).distinct()
        )
        harmed.sort(key=lambda p: p.pk not in team_ids)
        organisers = (manager, police)
        agenda = partial(_on_agenda, organisers, meeting)
        for child in [c for c in harmed if _setter(organisers, c)][:2]:
            agenda(
                kind="harmed",
                person=child,
                reason="Exploited by an adult seen with young people in the town centre",
            )
        agenda(
            kind="person_of_concern",
            person=adult,
            reason="Seen with several young people; offers lifts and cannabis",
            source="police",
            confidence="medium",
        )
    # The place the adult was seen, and a place with an approved context plan (the demo
    # context cases' shopping centre, when they were added first): its action lands there.
    planned = (
        ContextPlan.objects.filter(status=PlanStatus.ACTIVE)
        .exclude(case__status=CaseStatus.CLOSED)
        .exclude(case__context__kind__in=[ContextKind.HOME, ContextKind.PEER_GROUP])
        .order_by("case__context__name", "id")
        .first()
    )
    places = [p for p in (place, planned.case.context if planned else None) if p is not None]
    locations = [
        _on_agenda(
            (manager, police),
            meeting,
            kind="location",
            context=where,
            reason="Where the young people are approached, after school and at weekends",
        )
        for where in dict.fromkeys(places)
    ]
    _hold(
        meeting,
        police,
        "Patterns around the town centre; partners to share what their staff see.",
        review_on=today() + dt.timedelta(weeks=9),
    )
    panel_decision_add(
        actor=police,
        meeting=meeting,
        text="Share sightings weekly between police, youth service and centre security",
    )
    for location in locations:
        assert location.context is not None
        action = panel_action_add(
            actor=police,
            item=location,
            description=f"Joint patrols at {location.context.name} by police and the site's "
            "staff, Friday and Saturday evenings",
            owner=police,
            due_on=today() + dt.timedelta(days=21),
        )
        if action.plan_action_id is None:
            panel_action_update(
                actor=police,
                action=action,
                status="in_progress",
                note="First two patrols done; two young people spoken to.",
            )
    story.panels.append(meeting)


@transaction.atomic
def add_demo_profiles_and_moves() -> Story:
    """Add the demo profiles, moves and panels to a generated borough (nothing if present)."""
    story = Story()
    sw = _persona("social.worker")
    manager = _persona("team.manager")
    dsl = _persona("school.dsl")
    police = _persona("police.analyst")
    yjs = _persona("yjs.worker")
    if sw is None or manager is None or dsl is None or police is None:
        return story
    if PanelMeeting.objects.filter(title__in=[HSB_TITLE, MACE_TITLE]).exists():
        return story
    system = system_worker()
    team_ids = set(held_by(sw, team=True).values_list("id", flat=True))
    _moves(story, system, dsl, team_ids)
    children = _caseload(sw)[:3]
    for n, child in enumerate(children):
        _profile(sw, child, n)
        story.profiles.append(child)
    for n, move in enumerate(story.moves, start=len(children)):
        if not ProfileItem.objects.filter(person=move.person).exists():
            _profile(system, move.person, n)
            story.profiles.append(move.person)
    others = [w for w in (dsl, police, yjs) if w is not None]
    _hsb_meeting(story, sw, manager, others)
    _mace_panel(story, sw, manager, police, [w for w in (dsl, yjs) if w is not None], team_ids)
    if restricted := add_police_intelligence(police, [dsl, sw]):
        story.intelligence.append(restricted)
    return story
