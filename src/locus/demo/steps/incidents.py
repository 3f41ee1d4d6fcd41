"""Step 8: incidents, concentrated at the hot places, and who was involved."""

from __future__ import annotations

import datetime as dt
from typing import Any

from locus.access.models import Agency, AgencyKind, Role, Scope, Worker
from locus.common.modelkit import choice_values
from locus.common.models import Confidence, Source
from locus.demo import borough
from locus.demo.accounts import DEMO_USERNAMES
from locus.demo.steps.base import _Adult, _pick, _raise, _Weighted, _Young
from locus.demo.steps.organisations import Organisations
from locus.incidents.models import Incident, IncidentKind, Involvement, InvolvementRole
from locus.incidents.services import validate_incident
from locus.people.models import Person
from locus.places.models import Context, ContextKind

# Who first knew of an incident the demo records: the agency reporting it.
_AGENCY_SOURCE: dict[str, str] = {
    AgencyKind.POLICE: Source.POLICE,
    AgencyKind.EDUCATION: Source.SCHOOL,
}


class Incidents(Organisations):
    def incident_day(self, pattern: str) -> dt.date:
        """A past day, shaped by where it happened (``pattern``)."""
        horizon = 3 * 365
        if pattern == "recent":  # an emerging hotspot: most in the last nine months
            days = (
                self.rng.randint(1, 270)
                if self.rng.random() < 0.7
                else self.rng.randint(1, horizon)
            )
        elif pattern == "summer":
            for _ in range(20):
                days = self.rng.randint(1, horizon)
                if (self.today - dt.timedelta(days=days)).month in (5, 6, 7, 8, 9):
                    break
        elif pattern == "weekday":
            for _ in range(20):
                days = self.rng.randint(1, horizon)
                if (self.today - dt.timedelta(days=days)).weekday() < 5:
                    break
        else:
            days = self.rng.randint(1, horizon)
        return self.today - dt.timedelta(days=days)

    def incident_hour(self, pattern: str) -> int:
        if pattern == "school":
            return self.rng.randint(8, 15)
        if pattern == "night":
            return self.rng.choice((19, 20, 21, 22, 23))
        if pattern == "bus":
            return self.rng.choice((15, 15, 16, 16, 17, 8))
        return _pick(
            self.rng,
            (
                (15, 12),
                (16, 16),
                (17, 16),
                (18, 12),
                (19, 10),
                (20, 10),
                (21, 8),
                (22, 6),
                (13, 5),
                (23, 5),
            ),
        )

    def make_incidents(self) -> None:
        step = "incidents"
        total = round(0.6 * self.size)
        n_missing = round(total * 0.2)
        excluded = {id(y) for y in self.police_excluded}
        hot_specs = [p for p in borough.PLACES if p.hot]
        hot_names = [self.places[p.key].name for p in hot_specs]

        def workers_of(agency_key: str) -> list[Worker]:
            agency = self.agencies.get(agency_key) or self.school_agency.get(agency_key)
            assert agency is not None
            teams = [k for k, t in self.teams.items() if t.agency_id == agency.pk]
            pool = [
                w for k in teams for w in self.staff.get(k, []) if w.username not in DEMO_USERNAMES
            ]
            return pool or [
                w for k in teams for w in self.staff.get(k, []) + self.managers.get(k, [])
            ]

        recorders: dict[str, list[Worker]] = {}

        def recorded_by(agency_key: str) -> Worker:
            if agency_key not in recorders:
                recorders[agency_key] = workers_of(agency_key)
            return self.rng.choice(recorders[agency_key])

        incidents: list[dict[str, Any]] = []  # rows, written as values
        involvement_plan: list[list[tuple[Person, str]]] = []
        agency_of: dict[str, Agency] = {**self.agencies, **self.school_agency}

        def record(
            kind: str,
            when: dt.datetime,
            context: Context,
            agency_key: str,
            people: list[tuple[Person, str]],
            summary: str,
        ) -> None:
            # Provenance follows the reporting agency (no draw: the demo's sequence stays).
            agency = agency_of[agency_key]
            source = _AGENCY_SOURCE.get(agency.kind, Source.PROFESSIONAL)
            # The fields checked are the fields written (the place by its id).
            fields: dict[str, Any] = {
                "kind": kind,
                "occurred_at": when,
                "summary": summary,
                "source": source,
                "confidence": Confidence.HIGH,
            }
            _raise(
                validate_incident(**fields, context=context, involvements=people),
                "incident",
            )
            assert kind in choice_values(IncidentKind)
            incidents.append(
                {
                    **fields,
                    "context_id": context.pk,
                    "reporting_agency_id": agency.pk,
                    "recorded_by_id": recorded_by(agency_key).pk,
                    "recorded_at": min(
                        when + dt.timedelta(hours=self.rng.randint(1, 72)), self.midnight
                    ),
                }
            )
            involvement_plan.append(people)

        # Missing episodes: a few young people go missing again and again.
        prone_draw = _Weighted(
            self.young,
            [
                (5.0 if y.csc_status == "LAC" else 0.0) + (0.05, 1.0, 4.0)[y.exposure]
                for y in self.young
            ],
        )
        prone = prone_draw.sample(self.rng, max(3, round(self.size * 0.04)))
        # A long tail: a few go missing often (a dozen times or more), most once or twice.
        repeat = _Weighted(prone, [(rank + 1) ** -0.5 for rank in range(len(prone))])
        for _ in range(n_missing):
            y = repeat.draw(self.rng)
            agency_key = "police" if self.rng.random() < 0.75 and id(y) not in excluded else "csc"
            day = self.incident_day("any")
            hour = self.incident_hour("night")
            template = self.rng.choice(borough.SUMMARIES["missing"])
            summary = template.format(hot=self.rng.choice(hot_names))
            record(
                "missing",
                self.at(day, hour),
                y.home,
                agency_key,
                [(y.record, InvolvementRole.MISSING)],
                summary,
            )
        self.progress(step, n_missing, total)

        # Everything else: concentrated at the hot places.
        rest = total - n_missing
        pupils: dict[str, list[_Young]] = {}
        for y in self.young:
            if y.school is not None:
                pupils.setdefault(y.school.name, []).append(y)
        school_names = [s.name for s in self.school_specs if pupils.get(s.name)]
        school_draw = _Weighted(school_names, [len(pupils[n]) for n in school_names])
        other_places = [p for p in borough.PLACES if not p.hot and p.kind != ContextKind.ONLINE]
        online_places = [p for p in borough.PLACES if p.kind == ContextKind.ONLINE]
        everyone = _Weighted(self.young, [self.exposure_weight(y) for y in self.young])
        by_district: dict[str, list[_Young]] = {}
        for y in self.young:
            by_district.setdefault(y.district, []).append(y)
        adults_at: dict[str, list[_Adult]] = {}
        for adult in self.adults:
            adults_at.setdefault(adult.haunt, []).append(adult)
        role_weight = {
            "leading": 0.5,
            "core": 1.0,
            "peripheral": 1.5,
            "new": 3.0,
            "unclear": 1.0,
            "": 1.0,
        }
        harm_weight = {
            "leading": 4.0,
            "core": 3.0,
            "peripheral": 1.0,
            "new": 0.3,
            "unclear": 1.0,
            "": 1.0,
        }
        draw_cache: dict[str, tuple[_Weighted, _Weighted]] = {}

        def draws_for(where: str) -> tuple[_Weighted, _Weighted]:
            """Who may be harmed, and who may be harming, in incidents at ``where``."""
            if where == "online":
                return everyone, everyone
            if where in draw_cache:
                return draw_cache[where]
            kids: list[_Young] = []
            roles: list[str] = []
            if where.startswith("hot:"):
                hot_key = where[4:]
                seen: set[int] = set()
                for g in self.groups:
                    if g.hot_key == hot_key:
                        for y, role in g.members:
                            if id(y) not in seen:
                                seen.add(id(y))
                                kids.append(y)
                                roles.append(role)
                for y in by_district.get(self.place_specs[hot_key].district, []):
                    if y.exposure and id(y) not in seen:
                        seen.add(id(y))
                        kids.append(y)
                        roles.append("")
            elif where.startswith("school:"):
                kids = pupils[where[7:]]
                roles = [""] * len(kids)
            else:
                kids = [
                    y for y in by_district.get(where, []) if y.exposure or self.rng.random() < 0.3
                ]
                roles = [""] * len(kids)
            # Newer, younger members are harmed more often; leading and core ones harm more.
            harmed_draw = _Weighted(
                kids,
                [
                    role_weight[r] * (2.0 if y.year_group < 10 else 1.0)
                    for y, r in zip(kids, roles, strict=True)
                ],
            )
            harming_draw = _Weighted(
                kids,
                [harm_weight[r] * (1.0 + y.exposure) for y, r in zip(kids, roles, strict=True)],
            )
            draw_cache[where] = (harmed_draw, harming_draw)
            return harmed_draw, harming_draw

        for n in range(rest):
            roll = self.rng.random()
            adult_key = ""
            if roll < 0.45:
                spec = _pick(
                    self.rng,
                    (
                        (hot_specs[0], 30),
                        (hot_specs[1], 25),
                        (hot_specs[2], 25),
                        (hot_specs[3], 20),
                    ),
                )
                context = self.places[spec.key]
                kind = _pick(self.rng, borough.HOT_KINDS[spec.key])
                where = f"hot:{spec.key}"
                pattern = {"centre": "recent", "marsh_fields": "summer", "bus_h5": "weekday"}.get(
                    spec.key, "any"
                )
                hour_pattern = "bus" if spec.key == "bus_h5" else "any"
                if kind == "sexual_assault":
                    agency_key = "police" if self.rng.random() < 0.7 else "health"
                elif spec.key == "centre" and self.rng.random() < 0.35:
                    agency_key = "partner"
                else:
                    agency_key = _pick(
                        self.rng,
                        (("police", 80), ("youth", 8), ("community_safety", 8), ("csc", 4)),
                    )
                adult_key = spec.key
            elif roll < 0.70:
                school_name = school_draw.draw(self.rng)
                context = self.schools[school_name]
                kind = _pick(self.rng, borough.SCHOOL_KINDS)
                where = f"school:{school_name}"
                pattern, hour_pattern = "weekday", "school"
                agency_key = school_name if self.rng.random() < 0.9 else "csc"
            elif roll < 0.90:
                spec = self.rng.choice(other_places)
                context = self.places[spec.key]
                kind = _pick(
                    self.rng,
                    borough.VULNERABLE_HOME_KINDS
                    if spec.kind == ContextKind.HOME
                    else borough.PLACE_KINDS,
                )
                where = spec.district
                pattern, hour_pattern = "any", "any"
                if kind == "sexual_assault":
                    agency_key = "police" if self.rng.random() < 0.7 else "health"
                else:
                    agency_key = _pick(
                        self.rng,
                        (("police", 75), ("youth", 10), ("community_safety", 10), ("csc", 5)),
                    )
                adult_key = "stairwell" if spec.kind == ContextKind.HOME else ""
            else:
                spec = self.rng.choice(online_places)
                context = self.places[spec.key]
                kind = _pick(self.rng, borough.ONLINE_KINDS)
                where = "online"
                pattern, hour_pattern = "any", "any"
                agency_key = _pick(self.rng, (("police", 50), ("school", 30), ("csc", 20)))
                adult_key = "centre"
            police = agency_key == "police"

            harmed_draw, harming_draw = draws_for(where)
            avoid = list(self.police_excluded) if police else []
            harmed = harmed_draw.sample(
                self.rng, 1 if self.rng.random() < 0.85 else 2, exclude=avoid
            )
            if not harmed:
                harmed = everyone.sample(self.rng, 1, exclude=avoid)
            if agency_key == "school":
                school = harmed[0].school
                agency_key = school.name if school is not None else "csc"
            taken = avoid + harmed
            # Often nobody is named as harming (unknown, or not yet identified).
            n_harming = 0 if self.rng.random() < 0.3 else self.rng.choice((1, 1, 1, 2, 2, 3))
            if kind == "online_harm":
                n_harming = min(n_harming, 1)
            harming = harming_draw.sample(self.rng, n_harming, exclude=taken)
            taken += harming
            people: list[tuple[Person, str]] = [(y.record, InvolvementRole.HARMED) for y in harmed]
            people += [(y.record, InvolvementRole.HARMING) for y in harming]
            if kind in ("cse", "cce", "grooming") and adult_key and self.rng.random() < 0.5:
                adult = self.rng.choice(adults_at.get(adult_key) or self.adults)
                people.append((adult.person, InvolvementRole.HARMING))
            if self.rng.random() < 0.4:
                present = harming_draw.sample(self.rng, self.rng.randint(1, 2), exclude=taken)
                taken += present
                people += [(y.record, InvolvementRole.PRESENT) for y in present]
            else:
                present = []
            if self.rng.random() < 0.1:
                reporter = harmed_draw.sample(self.rng, 1, exclude=taken)
                people += [(y.record, InvolvementRole.REPORTER) for y in reporter]
            else:
                reporter = []
            day = self.incident_day(pattern)
            if where.startswith("school:"):
                # At a school, while everyone involved is on its roll.
                joined = max(
                    y.school_start or day for y in (*harmed, *harming, *present, *reporter)
                )
                if day < joined:
                    day = self.date_between(joined, self.today - dt.timedelta(days=1))
            if hour_pattern == "school" and day.weekday() >= 5:
                hour_pattern = "any"
            when = self.at(day, self.incident_hour(hour_pattern))
            summary = self.rng.choice(borough.SUMMARIES[kind]).format(place=context.name)
            record(kind, when, context, agency_key, people, summary)
            if n % 200 == 0:
                self.progress(step, n_missing + n, total)

        self.bulk_values(Incident, incidents, step)
        involvements = [
            {"incident_id": incident["id"], "person_id": person.pk, "role": role}
            for incident, people in zip(incidents, involvement_plan, strict=True)
            for person, role in people
        ]
        self.bulk_values(Involvement, involvements, step)

        # school.dsl works at the school with the most pupils involved in incidents.
        involved: dict[str, set[int]] = {}
        young_by_person = {id(y.person): y for y in self.young}
        for people in involvement_plan:
            for person, _ in people:
                y = young_by_person.get(id(person))
                if y is not None and y.school is not None:
                    involved.setdefault(y.school.name, set()).add(y.index)
        ranked = sorted(
            (s for s in self.school_specs if s.phase == "secondary"),
            key=lambda s: (-len(involved.get(s.name, ())), s.name),
        )
        self.add_demo("school.dsl", f"school:{ranked[0].name}", Role.PRACTITIONER, Scope.AGENCY)
