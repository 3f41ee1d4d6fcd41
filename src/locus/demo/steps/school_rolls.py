"""Step 4: school rolls, by age (with managed moves and exclusions)."""

from __future__ import annotations

import datetime as dt

from locus.common.services import Problems, check_period
from locus.demo import borough
from locus.demo.steps.base import Base, _raise, _Young
from locus.places.models import ContextKind, Enrolment, LeaveReason


class SchoolRolls(Base):
    def school_choice(self, young: _Young, phase: str) -> borough.SchoolSpec | None:
        options = [
            s
            for s in self.school_specs
            if (s.phase == phase or (phase == "sixth" and s.sixth_form and s.phase != "college"))
            and (not s.sex or s.sex == young.sex)
        ]
        if not options:
            return None
        local = [s for s in options if s.district == young.district]
        if local and self.rng.random() < 0.65:
            return self.rng.choice(local)
        return self.rng.choice(options)

    def make_school_rolls(self) -> None:
        rolls: list[Enrolment] = []
        open_pairs: set[tuple[int, str]] = set()

        def enrol(
            young: _Young,
            spec: borough.SchoolSpec,
            start: dt.date,
            end: dt.date | None,
            reason: str = "",
        ):
            school = self.schools[spec.name]
            problems = Problems()
            check_period(problems, start, end)
            problems.check(school.kind == ContextKind.SCHOOL, "school", "Choose a school")
            # enrolment_create's "already on the roll" query, done in memory.
            key = (young.index, spec.name)
            problems.check(end is not None or key not in open_pairs, "school", "already on roll")
            _raise(problems, "enrolment")
            if end is None:
                open_pairs.add(key)
                young.school, young.school_start = school, start
            rolls.append(
                Enrolment(
                    person=young.record, school=school, start=start, end=end, leave_reason=reason
                )
            )

        college = next(s for s in self.school_specs if s.phase == "college")
        pru = next(s for s in self.school_specs if s.phase == "pru")
        for young in self.young:
            yg = young.year_group
            if yg <= 6:
                spec = self.school_choice(young, "primary")
                if spec:
                    enrol(young, spec, dt.date(self.acad_year - yg, 9, 1), None)
            elif yg <= 11:
                spec = self.school_choice(young, "secondary")
                assert spec is not None
                start = dt.date(self.acad_year - (yg - 7), 9, 1)
                moved = (young.exposure == 2 and self.rng.random() < 0.15) or (
                    young.exposure >= 1 and self.rng.random() < 0.04
                )
                if moved and yg >= 8:
                    # A managed move or exclusion: the first roll ended, the child moved on.
                    end = self.date_between(
                        start + dt.timedelta(days=200), self.today - dt.timedelta(days=30)
                    )
                    to = pru if young.exposure == 2 else self.school_choice(young, "secondary")
                    if to is None or to.name == spec.name:
                        to = pru
                    # A pupil sent to the pupil referral unit was excluded; others moved school.
                    left = LeaveReason.EXCLUDED if to is pru else LeaveReason.MOVED_SCHOOL
                    enrol(young, spec, start, end, left)
                    enrol(young, to, end + dt.timedelta(days=1), None)
                else:
                    enrol(young, spec, start, None)
            elif yg <= 13:
                start = dt.date(self.acad_year - (yg - 12), 9, 1)
                roll = self.rng.random()
                if roll < 0.55:
                    spec = self.school_choice(young, "sixth")
                    if spec:
                        enrol(young, spec, start, None)
                elif roll < 0.8:
                    enrol(young, college, start, None)
            elif self.rng.random() < 0.5:
                start = dt.date(self.acad_year - (yg - 12), 9, 1)
                enrol(
                    young,
                    college,
                    start,
                    dt.date(self.acad_year, 7, 20),
                    LeaveReason.END_OF_YEAR_13,
                )
        self.bulk(Enrolment, rolls, "school rolls")
