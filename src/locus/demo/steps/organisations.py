"""Step 1: agencies, teams and workers (the demo personas among them)."""

from __future__ import annotations

from typing import TypedDict

from locus.access.models import Role, Scope, Worker
from locus.access.services import agency_create, team_create, worker_create
from locus.demo import borough, names
from locus.demo.accounts import _DEMO, DEMO_USERNAMES, demo_email
from locus.demo.steps.base import Base, _ascii, _pick


class _Names(TypedDict):
    username: str
    first_name: str
    last_name: str


class Organisations(Base):
    def new_username(self, given: str, family: str) -> str:
        base = f"{_ascii(given)}.{_ascii(family)}"
        name, n = base, 1
        while name in self.usernames or name in DEMO_USERNAMES:
            n += 1
            name = f"{base}{n}"
        self.usernames.add(name)
        return name

    def adult_name(self) -> tuple[str, str]:
        ethnicity = _pick(self.rng, names.ETHNICITY_WEIGHTS)
        given_bg, family_bg = self.backgrounds(ethnicity)
        girls, boys, _ = names.NAME_POOLS[given_bg]
        given = self.rng.choice(girls if self.rng.random() < 0.6 else boys)
        return given, self.rng.choice(names.NAME_POOLS[family_bg][2])

    def add_worker(
        self,
        team_key: str,
        role: str,
        job_title: str,
        *,
        names: _Names | None = None,
        scope: str | None = None,
    ) -> Worker:
        """A worker in the team (none for ``""``), invented unless ``names`` are given."""
        if names is None:
            first_name, last_name = self.adult_name()
            username = self.new_username(first_name, last_name)
            names = _Names(username=username, first_name=first_name, last_name=last_name)
        team = self.teams[team_key] if team_key else None
        worker = worker_create(
            actor=self.system,
            team=team,
            role=role,
            scope=scope,
            job_title=job_title,
            email=demo_email(names["username"]),
            **names,
        )
        if team_key and names["username"] not in DEMO_USERNAMES:
            # Demo personas get exactly the caseloads chosen for them, nothing at random.
            bucket = self.managers if role == Role.MANAGER else self.staff
            bucket.setdefault(team_key, []).append(worker)
        return worker

    def add_demo(self, username: str, team_key: str, role: str, scope: str | None) -> Worker:
        account = _DEMO[username]
        names = _Names(
            username=username, first_name=account.first_name, last_name=account.last_name
        )
        worker = self.add_worker(team_key, role, account.who, names=names, scope=scope)
        self.demo[username] = worker
        return worker

    def make_organisations(self) -> None:
        step = "organisations"
        total = len(borough.AGENCIES) + len(borough.SCHOOLS) + 1
        done = 0
        for spec in borough.AGENCIES:
            agency = agency_create(actor=self.system, name=spec.name, kind=spec.kind)
            self.agencies[spec.key] = agency
            for team_spec in spec.teams:
                self.teams[team_spec.key] = team_create(
                    actor=self.system,
                    agency=agency,
                    name=team_spec.name,
                    independent=team_spec.independent,
                )
                if team_spec.key == "cs":
                    self.add_demo("team.manager", "cs", Role.MANAGER, Scope.TEAM)
                    self.add_demo("practice.manager", "cs", Role.MANAGER, Scope.TEAM)
                    self.add_demo("social.worker", "cs", Role.PRACTITIONER, Scope.TEAM)
                if team_spec.key == "yjs_case":
                    self.add_demo("yjs.worker", "yjs_case", Role.PRACTITIONER, Scope.TEAM)
                if team_spec.key == "police_intel":
                    self.add_demo("police.analyst", "police_intel", Role.ANALYST, Scope.AGENCY)
                if team_spec.key == "quality":
                    self.add_demo("conference.chair", "quality", Role.PRACTITIONER, Scope.TEAM)
                if team_spec.key == "housing":
                    self.add_demo("housing.officer", "housing", Role.PRACTITIONER, Scope.TEAM)
                for role, title, per, minimum in team_spec.staff:
                    for _ in range(self.count(per, minimum)):
                        self.add_worker(team_spec.key, role, title)
            done += 1
            self.progress(step, done, total)
        for school in borough.SCHOOLS:
            agency = agency_create(actor=self.system, name=school.name, kind="education")
            key = f"school:{school.name}"
            self.teams[key] = team_create(
                actor=self.system, agency=agency, name=borough.SCHOOL_TEAM
            )
            self.school_agency[school.name] = agency
            # A school's safeguarding lead sees the school's pupils (agency scope).
            self.add_worker(
                key, Role.PRACTITIONER, "Designated safeguarding lead", scope=Scope.AGENCY
            )
            done += 1
            self.progress(step, done, total)
        self.add_demo("auditor", "", Role.AUDITOR, None)
        self.add_demo("admin", "", Role.ADMINISTRATOR, None)
        self.add_demo("data.officer", "", Role.ADMINISTRATOR, None)
        self.progress(step, total, total)
