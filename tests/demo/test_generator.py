"""The synthetic borough: shape, invariants, audit, determinism and the demo personas."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connection
from django.db.models import Count, DateTimeField, F, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from locus.access.models import Agency, AgencyKind, Role, Scope, Team, Worker
from locus.access.scopes import incidents_visible_to, people_visible_to
from locus.access.services import system_worker
from locus.audit.models import ChangeAction, ChangeEvent
from locus.common import clock
from locus.common.models import Confidence, Source
from locus.common.validators import nhs_number_problem, upn_problem
from locus.demo import borough as spec
from locus.demo.generator import (
    DEMO_ACCOUNTS,
    borough_summary,
    ensure_demo_accounts,
    generate_borough,
)
from locus.demo.postcodes import HACKNEY_BBOX, hackney_postcodes
from locus.incidents.models import Incident, IncidentKind, Involvement, InvolvementRole
from locus.peers.models import Association, GroupMembership, GroupRole, Nature, Relationship
from locus.people.models import (
    Allocation,
    Identifier,
    LegalStatus,
    LegalStatusEpisode,
    Person,
    PersonKind,
)
from locus.people.services import validate_person
from locus.places.models import Context, ContextKind, Enrolment
from tests.demo.conftest import (
    PASSWORD,
    PEOPLE,
    SEED,
    canonical_dump,
    just_before_midnight,
    wipe,
)

pytestmark = pytest.mark.django_db


def young_people():
    return Person.objects.filter(kind=PersonKind.YOUNG_PERSON)


SMALL = 40


def test_a_borough_made_a_second_before_midnight_is_dated_that_day(borough):
    # The borough was made at 23:59:59 and this runs at 00:00:01 the next day: every date
    # in it counts from the day it was made, which the summary says, and not from today.
    assert borough.day is not None
    assert clock.today() == borough.day + dt.timedelta(days=1)
    started = [
        *Enrolment.objects.values_list("start", flat=True),
        *LegalStatusEpisode.objects.values_list("start", flat=True),
        *Allocation.objects.values_list("start", flat=True),
        *GroupMembership.objects.values_list("since", flat=True),
        *Association.objects.values_list("valid_from", flat=True),
    ]
    assert max(started) <= borough.day
    assert max(Person.objects.values_list("date_of_birth", flat=True)) <= borough.day
    newest = max(Incident.objects.values_list("occurred_at", flat=True))
    assert timezone.localtime(newest).date() < borough.day
    ages = [p.age_on(borough.day) for p in young_people()]
    assert min(ages) >= 10 and max(ages) <= 18


def test_summary_counts_what_was_made(borough):
    assert borough.created
    assert borough.counts["young people"] == PEOPLE
    assert borough.counts == borough_summary().counts
    assert borough.counts["adults of concern"] > 0
    assert borough.counts["incidents"] == round(0.6 * PEOPLE)
    assert borough.counts["associations"] >= 2 * PEOPLE


def test_agencies_of_every_kind_and_one_education_agency_per_school(borough):
    kinds = set(Agency.objects.values_list("kind", flat=True))
    assert len(kinds) >= 6
    assert kinds == set(AgencyKind.values)
    schools = Context.objects.filter(kind=ContextKind.SCHOOL).select_related("responsible_agency")
    assert schools.count() == len(spec.SCHOOLS)
    for school in schools:
        agency = school.responsible_agency
        assert agency is not None and agency.kind == AgencyKind.EDUCATION
        assert agency.name == school.name
        # Every agency's staff belong to its teams; every school has a safeguarding team.
        assert Worker.objects.filter(team__agency=agency).exists()
    csc = Agency.objects.get(name=spec.CSC_NAME)
    assert set(Team.objects.filter(agency=csc).values_list("name", flat=True)) >= {
        "Contextual Safeguarding Team",
        "Assessment Team",
        "Children in Need Team",
        "Children in Care Team",
    }


def test_young_people_are_10_to_18_and_adults_19_to_40(borough):
    day = borough.day
    ages = [p.age_on(day) for p in young_people()]
    assert len(ages) == PEOPLE
    assert min(ages) >= 10 and max(ages) <= 18
    assert len(set(ages)) >= 7  # a spread, not one cohort
    adults = Person.objects.filter(kind=PersonKind.ADULT_OF_CONCERN)
    assert adults.exists()
    for adult in adults:
        assert 19 <= adult.age_on(day) <= 40
        assert adult.upn is None and adult.la_child_id is None


def test_identifiers_are_valid(borough):
    people = list(young_people())
    for person in people:
        assert person.upn is not None and upn_problem(person.upn) is None, person.upn
        assert person.upn[1:4] == "999"  # an LA code no authority has: never a real UPN
        assert person.la_child_id
    with_nhs = [p.nhs_number for p in people if p.nhs_number]
    assert len(with_nhs) > PEOPLE // 3
    assert all(nhs_number_problem(n) is None for n in with_nhs)
    assert all(n.startswith("999") for n in with_nhs)  # the range never issued to anyone
    assert len({p.upn for p in people}) == len(people)


def test_ethnicity_and_sex_are_mixed(borough):
    ethnicities = Counter(young_people().values_list("ethnicity", flat=True))
    assert len(ethnicities) >= 10
    assert max(ethnicities.values()) < 0.4 * PEOPLE
    sexes = Counter(young_people().values_list("sex", flat=True))
    assert sexes["1"] > PEOPLE // 3 and sexes["2"] > PEOPLE // 3


def test_siblings_share_a_home(borough):
    homes = Counter(young_people().values_list("home_id", flat=True))
    assert None not in homes
    assert any(n > 1 for n in homes.values())
    sibling = Association.objects.filter(relationship=Relationship.SIBLING).first()
    assert sibling is not None and sibling.other is not None
    assert sibling.person.home_id == sibling.other.home_id


def test_pupils_are_on_school_rolls_by_age(borough):
    open_rolls = Enrolment.objects.filter(end__isnull=True).select_related("person", "school")
    assert open_rolls.count() > PEOPLE // 2
    phases = {s.name: s.phase for s in spec.SCHOOLS}
    day = borough.day
    for roll in open_rolls:
        age = roll.person.age_on(day)
        if phases[roll.school.name] == "primary":
            assert age <= 11
        assert roll.start <= day
    # Nobody is on two rolls at once.
    doubles = Enrolment.objects.filter(end__isnull=True).values("person").annotate(n=Count("id"))
    assert not doubles.filter(n__gt=1).exists()


def test_every_pupil_who_left_a_roll_left_for_a_reason(borough):
    left = Enrolment.objects.filter(end__isnull=False)
    assert left.exists()
    assert not left.filter(leave_reason="").exists()
    # Those sent on to the pupil referral unit were excluded from the school they left.
    assert left.filter(leave_reason="excluded").exists()


def test_every_context_on_a_real_hackney_postcode(borough):
    real = {pc.postcode: pc for pc in hackney_postcodes()}
    contexts = Context.objects.all()
    placed = 0
    for context in contexts:
        if context.kind in (ContextKind.ONLINE, ContextKind.PEER_GROUP):
            assert context.postcode == ""
            continue
        assert context.postcode in real, context
        pc = real[context.postcode]
        assert context.latitude == pytest.approx(pc.latitude)
        assert context.longitude == pytest.approx(pc.longitude)
        assert HACKNEY_BBOX["lat_min"] <= context.latitude <= HACKNEY_BBOX["lat_max"]
        assert HACKNEY_BBOX["lon_min"] <= context.longitude <= HACKNEY_BBOX["lon_max"]
        placed += 1
    assert placed > PEOPLE // 2
    kinds = set(contexts.values_list("kind", flat=True))
    assert kinds == set(ContextKind.values)


def test_legal_status_episodes(borough):
    episodes = LegalStatusEpisode.objects.all()
    open_statuses = Counter(episodes.filter(end__isnull=True).values_list("status", flat=True))
    assert set(open_statuses) == set(LegalStatus.values)
    assert 0.05 * PEOPLE <= open_statuses["CIN"] <= 0.35 * PEOPLE
    assert episodes.filter(end__isnull=False).count() > PEOPLE // 10  # history too
    for episode in episodes.filter(status=LegalStatus.CHILD_PROTECTION):
        assert episode.cp_category
    for episode in episodes.filter(status=LegalStatus.LOOKED_AFTER):
        assert episode.lac_legal_status
    assert not episodes.filter(end__lt=F("start")).exists()
    # Every open episode has someone holding the case.
    for episode in episodes.filter(end__isnull=True).select_related("person"):
        assert Allocation.objects.filter(
            person=episode.person, end__isnull=True, team__agency=episode.agency
        ).exists()


def test_some_children_have_both_a_csc_and_a_yjs_worker(borough):
    both = (
        Allocation.objects.filter(end__isnull=True)
        .values("person")
        .annotate(
            csc=Count("id", filter=Q(team__agency__kind=AgencyKind.CHILDRENS_SOCIAL_CARE)),
            yjs=Count("id", filter=Q(team__agency__kind=AgencyKind.YOUTH_JUSTICE)),
        )
        .filter(csc__gt=0, yjs__gt=0)
    )
    assert both.exists()


def test_peer_groups_have_members_roles_and_provenance(borough):
    groups = Context.objects.filter(kind=ContextKind.PEER_GROUP)
    assert groups.count() >= 5
    for group in groups:
        size = GroupMembership.objects.filter(group=group).count()
        assert 3 <= size <= 12, (group.name, size)
    memberships = GroupMembership.objects.all()
    assert set(memberships.values_list("role", flat=True)) <= set(GroupRole.values)
    assert memberships.filter(role=GroupRole.LEADING).exists()
    for m in memberships:
        assert m.source in Source.values and m.confidence in Confidence.values
        assert m.recorded_by_id is not None and m.recorded_at is not None
        assert m.person.kind == PersonKind.YOUNG_PERSON


def test_every_association_has_provenance(borough):
    associations = Association.objects.all()
    assert associations.count() > 0
    day = borough.day
    for a in associations:
        assert a.source in Source.values
        assert a.confidence in Confidence.values
        assert a.recorded_by_id is not None and a.recorded_at is not None
        assert a.valid_from <= day
        assert a.valid_until is None or a.valid_until >= a.valid_from
        assert (a.other_id is None) != (a.other_label == "")
        assert a.other_id != a.person_id
    assert set(associations.values_list("nature", flat=True)) == set(Nature.values)
    assert associations.filter(valid_until__isnull=False).exists()  # some ended
    assert associations.exclude(other_label="").exists()  # some peers not yet known
    with_adults = associations.filter(other__kind=PersonKind.ADULT_OF_CONCERN)
    assert with_adults.exists()
    assert set(with_adults.values_list("nature", flat=True)) == {Nature.RISK}
    assert associations.filter(contexts__isnull=False).exists()  # shared contexts
    # At most one open record per pair, whichever way round it was written.
    pairs = Counter(
        tuple(sorted((a, b)))
        for a, b in associations.filter(other__isnull=False, valid_until__isnull=True).values_list(
            "person_id", "other_id"
        )
    )
    assert max(pairs.values()) == 1


def test_incidents_have_a_place_and_the_right_people(borough):
    incidents = Incident.objects.prefetch_related("involvements__person")
    assert set(incidents.values_list("kind", flat=True)) >= {
        IncidentKind.MISSING,
        IncidentKind.ROBBERY,
        IncidentKind.PEER_PHYSICAL,
    }
    now = clock.now()
    for incident in incidents:
        assert incident.context_id is not None
        assert incident.occurred_at < now
        assert incident.occurred_at <= incident.recorded_at < now
        roles = [v.role for v in incident.involvements.all()]
        if incident.kind == IncidentKind.MISSING:
            assert roles == [InvolvementRole.MISSING]
            assert incident.involvements.get().person.kind == PersonKind.YOUNG_PERSON
        else:
            assert InvolvementRole.HARMED in roles
            assert InvolvementRole.MISSING not in roles
        people = [v.person_id for v in incident.involvements.all()]
        assert len(people) == len(set(people))  # one role each
    roles = set(Involvement.objects.values_list("role", flat=True))
    assert roles == set(InvolvementRole.values)


def test_the_same_child_can_be_harmed_in_one_incident_and_harming_in_another(borough):
    harmed = set(
        Involvement.objects.filter(role=InvolvementRole.HARMED).values_list("person", flat=True)
    )
    harming = set(
        Involvement.objects.filter(role=InvolvementRole.HARMING).values_list("person", flat=True)
    )
    assert harmed & harming


def test_incidents_concentrate_at_the_hot_places(borough):
    hot = [p.name for p in spec.PLACES if p.hot]
    others = Incident.objects.exclude(kind=IncidentKind.MISSING)
    at_hot = others.filter(context__name__in=hot).count()
    assert at_hot >= 0.3 * others.count()
    busiest = (
        others.values("context__name").annotate(n=Count("id")).order_by("-n", "context__name")[:6]
    )
    assert len(set(hot) & {row["context__name"] for row in busiest}) >= 3
    # Police report most; schools report what happens in school.
    by_agency = Counter(others.values_list("reporting_agency__kind", flat=True))
    assert by_agency.most_common(1)[0][0] == AgencyKind.POLICE
    at_school = others.filter(context__kind=ContextKind.SCHOOL)
    assert at_school.filter(reporting_agency__kind=AgencyKind.EDUCATION).count() > (
        at_school.count() // 2
    )


def test_every_created_row_has_its_change_event(borough):
    from locus.audit.services import record_type_of

    models = [
        Agency,
        Team,
        Worker,
        Context,
        Person,
        Enrolment,
        LegalStatusEpisode,
        Allocation,
        GroupMembership,
        Association,
        Incident,
        Involvement,
    ]
    for model in models:
        record_type = record_type_of(model())
        ids = {str(pk) for pk in model._default_manager.values_list("pk", flat=True)}
        audited = set(
            ChangeEvent.objects.filter(
                record_type=record_type, action=ChangeAction.CREATE
            ).values_list("record_id", flat=True)
        )
        assert ids <= audited, (record_type, len(ids - audited))
    event = ChangeEvent.objects.filter(record_type="peers.association").first()
    assert event is not None and "contexts" in event.after
    # No password hash ever reaches the trail.
    assert not ChangeEvent.objects.filter(record_type="access.worker", after__has_key="password")


@pytest.mark.parametrize("model", [Context, Person, Association, Incident, Involvement])
def test_a_row_written_as_values_is_audited_as_it_reads_back(borough, model):
    """The borough writes its bulk rows, and their change events, from plain values: each
    event holds what the row holds, and names who it is about, as auditing the record
    itself (``record_creations``) would."""
    from locus.audit.services import people_of, people_text, record_type_of, snapshot

    system = system_worker()
    events = {
        e.record_id: e
        for e in ChangeEvent.objects.filter(
            record_type=record_type_of(model()), action=ChangeAction.CREATE
        )
    }
    # A time is written in the borough's zone and read back in UTC: the same instant.
    times = [f.attname for f in model._meta.concrete_fields if isinstance(f, DateTimeField)]

    def instants(fields: dict[str, Any]) -> dict[str, Any]:
        return {
            k: dt.datetime.fromisoformat(v) if k in times and v else v for k, v in fields.items()
        }

    rows = list(model._default_manager.order_by("pk"))
    assert rows
    for row in rows:
        event = events[str(row.pk)]
        after = {k: v for k, v in event.after.items() if k != "contexts"}
        assert instants(after) == instants(snapshot(row)), (model, row.pk)
        assert event.people == people_text(people_of(row)), (model, row.pk)
        assert event.actor_id == system.pk


def test_running_again_adds_nothing(borough):
    again = generate_borough(seed=SEED + 1, people=PEOPLE + 50)
    assert not again.created
    assert again.counts == borough.counts


def test_demo_accounts(borough):
    accounts = ensure_demo_accounts(PASSWORD)
    assert [u for u, _ in accounts] == [a.username for a in DEMO_ACCOUNTS]
    workers = {w.username: w for w in Worker.objects.filter(username__in=[u for u, _ in accounts])}
    assert len(workers) == len(DEMO_ACCOUNTS) == 11
    for worker in workers.values():
        assert worker.check_password(PASSWORD)

    sw, yw = workers["social.worker"], workers["yjs.worker"]
    assert (sw.role, sw.scope, sw.team.name) == (
        Role.PRACTITIONER,
        Scope.TEAM,
        "Contextual Safeguarding Team",
    )
    assert sw.team.agency.kind == AgencyKind.CHILDRENS_SOCIAL_CARE
    assert (yw.role, yw.team.agency.kind) == (Role.PRACTITIONER, AgencyKind.YOUTH_JUSTICE)
    manager = workers["team.manager"]
    assert (manager.role, manager.scope, manager.team_id) == (Role.MANAGER, Scope.TEAM, sw.team_id)
    analyst = workers["police.analyst"]
    assert (analyst.role, analyst.scope) == (Role.ANALYST, Scope.AGENCY)
    assert analyst.team.agency.kind == AgencyKind.POLICE
    dsl = workers["school.dsl"]
    assert (dsl.role, dsl.scope) == (Role.PRACTITIONER, Scope.AGENCY)
    assert dsl.team.agency.kind == AgencyKind.EDUCATION
    assert workers["auditor"].role == Role.AUDITOR and workers["auditor"].team is None
    admin = workers["admin"]
    assert (admin.role, admin.scope, admin.is_superuser) == (Role.ADMINISTRATOR, Scope.ALL, True)

    sw_cases = set(
        Allocation.objects.filter(worker=sw, end__isnull=True).values_list("person", flat=True)
    )
    yw_cases = set(
        Allocation.objects.filter(worker=yw, end__isnull=True).values_list("person", flat=True)
    )
    assert len(sw_cases) >= 6 and len(yw_cases) >= 5
    assert sw_cases & yw_cases  # some children are shared
    assert set(people_visible_to(sw).values_list("id", flat=True)) >= sw_cases
    assert set(people_visible_to(manager).values_list("id", flat=True)) >= sw_cases

    # The school's lead sees the school's pupils, and works at the busiest school.
    pupils = set(
        Enrolment.objects.filter(
            school__responsible_agency=dsl.team.agency, end__isnull=True
        ).values_list("person", flat=True)
    )
    assert pupils and pupils <= set(people_visible_to(dsl).values_list("id", flat=True))
    assert not people_visible_to(workers["auditor"]).exists()


def test_demo_accounts_again_with_another_password(borough):
    ensure_demo_accounts(PASSWORD)
    count = Worker.objects.count()
    ensure_demo_accounts("another-demo-password-2")
    assert Worker.objects.count() == count
    sw = Worker.objects.get(username="social.worker")
    assert sw.check_password("another-demo-password-2")
    assert not sw.check_password(PASSWORD)


def test_the_personas_share_one_hash_made_once_and_checked_once(borough):
    # A hash is slow by design and the personas share the printed password: ten hashes
    # were a second of the demo's start, and ten checks a second of every restart.
    ensure_demo_accounts("a-third-demo-password-3")
    usernames = [a.username for a in DEMO_ACCOUNTS]
    hashes = set(Worker.objects.filter(username__in=usernames).values_list("password", flat=True))
    assert len(hashes) == 1
    verify = MD5PasswordHasher.verify
    with mock.patch.object(MD5PasswordHasher, "verify", autospec=True, side_effect=verify) as seen:
        ensure_demo_accounts("a-third-demo-password-3")
    assert seen.call_count == 1
    assert Worker.objects.get(username="admin").check_password("a-third-demo-password-3")


def test_police_analyst_cannot_see_a_csc_only_child_on_the_caseload(borough):
    sw = Worker.objects.get(username="social.worker")
    analyst = Worker.objects.get(username="police.analyst")
    caseload = Person.objects.filter(allocations__worker=sw, allocations__end__isnull=True)
    police_linked = Involvement.objects.filter(
        incident__reporting_agency__kind=AgencyKind.POLICE
    ).values("person")
    csc_only = caseload.exclude(id__in=police_linked)
    assert csc_only.exists()
    hidden = csc_only.exclude(id__in=people_visible_to(analyst).values("id"))
    assert hidden.exists()
    # ...while the analyst does see plenty of children through police-held incidents.
    assert people_visible_to(analyst).count() > PEOPLE // 10
    assert incidents_visible_to(analyst).exists()


def test_same_seed_same_borough_other_seed_another(borough):
    # Small boroughs (in this test's transaction, rolled back after it) prove it as well as
    # the shared one would, at a fraction of the time.
    wipe()
    with clock.frozen_at(just_before_midnight()):
        generate_borough(seed=SEED, people=SMALL)
        first = canonical_dump()
        wipe()
        generate_borough(seed=SEED, people=SMALL)
        assert canonical_dump() == first
        wipe()
        generate_borough(seed=SEED + 1, people=SMALL)
    other = canonical_dump()
    assert other["people"] != first["people"]
    assert other["incidents"] != first["incidents"]
    # The organisations are fixed; the people in them are not.
    assert other["agencies"] == first["agencies"]


def test_sight_comes_from_casework_not_from_who_typed_it_in(borough):
    # The generator records as the system account (which belongs to no agency), so
    # being "the recorder" gives no one extra sight of the synthetic children.
    from locus.access.services import SYSTEM_USERNAME

    recorders = set(Person.objects.values_list("recorded_by__username", flat=True))
    recorders |= set(Context.objects.values_list("recorded_by__username", flat=True))
    assert recorders == {SYSTEM_USERNAME}


def test_identifiers_are_checked_in_memory_not_by_a_query_per_person(borough):
    # The borough's people are checked with validate_person, whose uniqueness rule would
    # otherwise ask the database once per identifier per person: read them once instead.
    wipe()
    with CaptureQueriesContext(connection) as queries:
        generate_borough(seed=SEED, people=SMALL)
    asked = [
        q["sql"]
        for q in queries
        if 'FROM "people_person"' in q["sql"]
        and "COUNT(" not in q["sql"]
        and "sqlite_sequence" not in q["sql"]  # bulk_insert reading the next id, once a batch
    ]
    assert len(asked) <= len(Identifier.values), asked[:5]


def test_validate_person_in_memory_refuses_an_identifier_in_use(borough):
    person = young_people().exclude(upn=None).first()
    assert person is not None
    fields = {
        "kind": PersonKind.YOUNG_PERSON,
        "given_name": "Ada",
        "family_name": "Example",
        "date_of_birth": person.date_of_birth,
        "sex": "2",
        "ethnicity": person.ethnicity,
        "upn": person.upn,
    }
    by_query = validate_person(fields)
    in_memory = validate_person(fields, in_use={"upn": {person.upn}})
    assert by_query.errors == in_memory.errors and "upn" in in_memory.errors
    assert not validate_person(fields, in_use={"upn": set()}).errors


def test_homes_have_tenures_and_the_housing_association_lets_the_social_rented_ones(borough):
    from locus.places.models import Tenure

    homes = Context.objects.filter(kind=ContextKind.HOME)
    tenures = set(homes.values_list("tenure", flat=True))
    assert {Tenure.SOCIAL_RENTED, Tenure.TEMPORARY, Tenure.OWNER_OCCUPIED} <= tenures
    social = homes.filter(tenure=Tenure.SOCIAL_RENTED)
    assert social.exists()
    assert set(social.values_list("housing_provider__name", flat=True)) == {
        "Rowan Housing Association"
    }
    assert not homes.exclude(tenure=Tenure.SOCIAL_RENTED).filter(housing_provider__isnull=False)
    # Being the landlord shows the housing officer none of them.
    from locus.access import scopes
    from locus.access.models import Worker

    officer = Worker.objects.get(username="housing.officer")
    assert not scopes.contexts_visible_to(officer).filter(kind=ContextKind.HOME).exists()
