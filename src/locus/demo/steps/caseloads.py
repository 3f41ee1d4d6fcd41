"""Step 5: legal-status episodes and caseloads (the demo personas' among them)."""

from __future__ import annotations

import datetime as dt

from locus.access.models import Worker
from locus.common.modelkit import choice_values
from locus.common.services import Problems, check_period
from locus.demo.steps.base import Base, _pick, _raise, _years_after, _Young
from locus.people.models import Allocation, CPCategory, LACLegalStatus, LegalStatusEpisode
from locus.people.services import validate_episode


class Caseloads(Base):
    OPEN_STATUS = {
        0: ((None, 77.5), ("EH", 6.0), ("CIN", 11.0), ("CP", 2.5), ("LAC", 3.0)),
        1: ((None, 51.0), ("EH", 13.0), ("CIN", 25.0), ("CP", 4.0), ("LAC", 7.0)),
        2: ((None, 42.0), ("EH", 10.0), ("CIN", 30.0), ("CP", 6.0), ("LAC", 12.0)),
    }
    YJS_OPEN = {0: 0.025, 1: 0.12, 2: 0.33}
    PAST_EPISODES = {0: 0.22, 1: 0.45, 2: 0.6}
    STATUS_AGENCY = {"EH": "youth", "CIN": "csc", "CP": "csc", "LAC": "csc", "YJS": "yjs"}
    START_DAYS = {
        "EH": (30, 365),
        "CIN": (14, 540),
        "CP": (30, 450),
        "LAC": (60, 1800),
        "YJS": (30, 540),
    }

    def open_start(self, young: _Young, status: str) -> dt.date:
        low, high = self.START_DAYS[status]
        start = self.today - dt.timedelta(days=self.rng.randint(low, high))
        earliest = (
            _years_after(young.dob, 10) if status == "YJS" else young.dob + dt.timedelta(days=1)
        )
        return min(max(start, earliest), self.today)

    def episode(
        self, young: _Young, status: str, start: dt.date, end: dt.date | None
    ) -> LegalStatusEpisode:
        cp = (
            _pick(self.rng, (("NEG", 45), ("EMO", 35), ("PHY", 8), ("SAB", 4), ("MUL", 8)))
            if status == "CP"
            else ""
        )
        lac = (
            _pick(self.rng, (("C2", 50), ("V2", 28), ("C1", 12), ("J1", 4), ("L1", 3), ("L2", 3)))
            if status == "LAC"
            else ""
        )
        _raise(
            validate_episode(
                status=status, start=start, end=end, cp_category=cp, lac_legal_status=lac
            ),
            "legal-status episode",
        )
        assert cp in choice_values(CPCategory) or not cp
        assert lac in choice_values(LACLegalStatus) or not lac
        return LegalStatusEpisode(
            person=young.record,
            status=status,
            cp_category=cp,
            lac_legal_status=lac,
            agency=self.agencies[self.STATUS_AGENCY[status]],
            start=start,
            end=end,
        )

    def team_for(self, young: _Young, status: str, start: dt.date) -> str:
        if status == "EH":
            return "early_help"
        if status == "YJS":
            return "yjs_case" if self.rng.random() < 0.7 else "yjs_prev"
        if status == "LAC":
            return "cic"
        if status == "CIN" and (self.today - start).days <= 90:
            return "assessment"
        return "cin"

    def promote(self, pool: list[_Young], status: str, need: int) -> None:
        """Open ``status`` for young people in ``pool`` (demo caseloads at small sizes)."""
        for young in pool[:need]:
            young.csc_status = status
            young.csc_start = self.open_start(young, status)

    def make_casework(self) -> None:
        for young in self.young:
            young.csc_status = _pick(self.rng, self.OPEN_STATUS[young.exposure])
            if young.csc_status:
                young.csc_start = self.open_start(young, young.csc_status)
            young.yjs_open = self.rng.random() < self.YJS_OPEN[young.exposure]

        # The demo caseloads, chosen here so that one seed gives the same ones.
        sw_target = min(25, max(6, self.size // 200))
        no_police = max(2, sw_target // 5)
        main_need = sw_target - no_police
        pool = [
            y
            for y in self.young
            if y.exposure == 2 and y.csc_status in ("CIN", "CP") and y.year_group >= 8
        ]
        if len(pool) < main_need:
            extra = [
                y
                for y in self.young
                if y.exposure == 2 and y.csc_status in (None, "EH") and y.year_group >= 8
            ]
            self.promote(
                self.rng.sample(extra, min(len(extra), main_need - len(pool))), "CIN", main_need
            )
            pool = [
                y
                for y in self.young
                if y.exposure == 2 and y.csc_status in ("CIN", "CP") and y.year_group >= 8
            ]
        self.sw_main = self.rng.sample(pool, min(main_need, len(pool)))
        quiet = [
            y for y in self.young if y.exposure == 0 and y.csc_status == "CIN" and y.year_group >= 7
        ]
        if len(quiet) < no_police:
            extra = [
                y
                for y in self.young
                if y.exposure == 0 and y.csc_status is None and y.year_group >= 7
            ]
            self.promote(
                self.rng.sample(extra, min(len(extra), no_police - len(quiet))), "CIN", no_police
            )
            quiet = [
                y
                for y in self.young
                if y.exposure == 0 and y.csc_status == "CIN" and y.year_group >= 7
            ]
        # Known to children's social care only: the generator keeps police records away from
        # them, so that the police analyst demonstrably cannot see some of the caseload.
        self.police_excluded = self.rng.sample(quiet, min(no_police, len(quiet)))
        sw_caseload = self.sw_main + self.police_excluded
        yjs_target = min(20, max(5, self.size // 250))
        shared = self.sw_main[: max(2, len(self.sw_main) // 4)]
        for young in shared:
            young.yjs_open = True
        yjs_others = [y for y in self.young if y.yjs_open and y not in shared]
        yjs_caseload = shared + self.rng.sample(
            yjs_others, min(len(yjs_others), yjs_target - len(shared))
        )
        for young in self.police_excluded:
            young.yjs_open = False  # a YJS order would mean a police record
        for young in self.young:
            if young.yjs_open:
                young.yjs_start = self.open_start(young, "YJS")

        episodes: list[LegalStatusEpisode] = []
        allocations: list[Allocation] = []
        sw = self.demo["social.worker"]
        yw = self.demo["yjs.worker"]
        sw_ids = {id(y) for y in sw_caseload}
        yjs_ids = {id(y) for y in yjs_caseload}
        cs_pool = [
            y
            for y in self.young
            if y.exposure == 2 and y.csc_status in ("CIN", "CP") and id(y) not in sw_ids
        ]

        def allocate(young: _Young, worker: Worker, start: dt.date, end: dt.date | None) -> None:
            problems = Problems()
            check_period(problems, start, end)
            # allocation_create's "already allocated" query, done in memory.
            problems.check(
                end is not None or worker not in young.workers, "worker", "already allocated"
            )
            _raise(problems, "allocation")
            if end is None:
                young.workers.append(worker)
            assert worker.team is not None
            allocations.append(
                Allocation(
                    person=young.record, worker=worker, team=worker.team, start=start, end=end
                )
            )

        cs_staff = self.staff["cs"]
        excluded = {id(y) for y in self.police_excluded}
        cs_ids = {id(y) for y in cs_pool}
        for young in self.young:
            opened: dict[str, dt.date] = {}
            if young.csc_status and young.csc_start:
                status, start = young.csc_status, young.csc_start
                episodes.append(self.episode(young, status, start, None))
                opened[status] = start
                if id(young) in sw_ids:
                    allocate(young, sw, start, None)
                elif id(young) in cs_ids:
                    allocate(young, self.rng.choice(cs_staff), start, None)
                else:
                    allocate(
                        young,
                        self.rng.choice(self.staff[self.team_for(young, status, start)]),
                        start,
                        None,
                    )
            if young.yjs_open and young.yjs_start:
                episodes.append(self.episode(young, "YJS", young.yjs_start, None))
                opened["YJS"] = young.yjs_start
                worker = (
                    yw
                    if id(young) in yjs_ids
                    else self.rng.choice(self.staff[self.team_for(young, "YJS", young.yjs_start)])
                )
                allocate(young, worker, young.yjs_start, None)
            # Past, closed episodes (and the allocations that went with them).
            if self.rng.random() < self.PAST_EPISODES[young.exposure]:
                cursor = min([*opened.values(), self.today]) - dt.timedelta(days=30)
                for _ in range(self.rng.randint(1, 2)):
                    status = _pick(
                        self.rng, (("EH", 35), ("CIN", 40), ("CP", 10), ("YJS", 10), ("LAC", 5))
                    )
                    if status == "YJS" and id(young) in excluded:
                        status = "EH"
                    end = cursor - dt.timedelta(days=self.rng.randint(0, 200))
                    start = end - dt.timedelta(days=self.rng.randint(60, 540))
                    floor = _years_after(young.dob, 10 if status == "YJS" else 5)
                    if start < floor or end >= self.today:
                        break
                    episodes.append(self.episode(young, status, start, end))
                    team = self.team_for(young, status, start)
                    if team == "assessment":
                        team = "cin"
                    allocate(young, self.rng.choice(self.staff[team]), start, end)
                    cursor = start - dt.timedelta(days=30)
        self.bulk(LegalStatusEpisode, episodes, "casework")
        self.bulk(Allocation, allocations, "casework")
