"""Step 6: peer groups and their members."""

from __future__ import annotations

import datetime as dt

from locus.common.modelkit import choice_values
from locus.common.services import Problems, check_period
from locus.demo import borough
from locus.demo.steps.base import (
    Base,
    _age_on,
    _Group,
    _pick,
    _raise,
    _Weighted,
    _years_after,
    _Young,
)
from locus.peers.models import GroupMembership, GroupRole
from locus.peers.services import validate_provenance
from locus.places.models import Context, ContextKind


class PeerGroups(Base):
    def fill_group(self, candidates: list[_Young], weights: list[float], size: int) -> list[_Young]:
        eligible = [
            (y, w) for y, w in zip(candidates, weights, strict=True) if len(y.groups) < 2 and w > 0
        ]
        if len(eligible) < 3:
            return []
        draw = _Weighted([y for y, _ in eligible], [w for _, w in eligible])
        return draw.sample(self.rng, min(size, len(eligible)))

    def make_groups(self) -> None:
        step = "peer groups"
        contexts: list[Context] = []
        planned: list[tuple[Context, str, Context | None, list[_Young], str]] = []
        teens = [y for y in self.young if _age_on(y.dob, self.today) >= 12]
        sw_main = {id(y) for y in self.sw_main}
        hot = [p for p in borough.PLACES if p.hot]
        per_hot = 1 + self.size // 1500
        for place in hot:
            hangout = self.places[place.key]
            for letter in "ABCDEFGHIJ"[:per_hot]:
                weights = [
                    (self.exposure_weight(y) if y.exposure else 0.0)
                    * (3.0 if y.district == place.district else 1.0)
                    * (20.0 if id(y) in sw_main else 1.0)
                    for y in teens
                ]
                members = self.fill_group(teens, weights, self.rng.randint(4, 12))
                if not members:
                    continue
                name = f"{hangout.name} peer group {letter}"
                ctx = self.context(
                    ContextKind.PEER_GROUP,
                    name,
                    postcode=None,
                    description=f"Young people who spend time around {hangout.name}; "
                    "mapped by the Contextual Safeguarding Team.",
                )
                planned.append((ctx, "hot", hangout, members, place.key))
                for y in members:
                    y.groups.append((ctx, ""))
        secondaries = [s for s in self.school_specs if s.phase in ("secondary", "college")]
        by_school_year: dict[tuple[str, int], list[_Young]] = {}
        for y in self.young:
            if y.school is not None:
                by_school_year.setdefault((y.school.name, y.year_group), []).append(y)
        for _ in range(self.count(40, 4)):
            spec = self.rng.choice(secondaries)
            yg = self.rng.randint(7, 13)
            pupils = by_school_year.get((spec.name, yg), [])
            members = self.fill_group(
                pupils, [1.0 + y.exposure for y in pupils], self.rng.randint(3, 8)
            )
            if not members:
                continue
            name = f"{spec.short} Year {yg} friendship group"
            n = sum(1 for c in contexts if c.name.startswith(name)) + 1
            ctx = self.context(
                ContextKind.PEER_GROUP,
                name if n == 1 else f"{name} {n}",
                postcode=None,
                description=f"Friendship group of Year {yg} pupils at {spec.name}.",
            )
            contexts.append(ctx)
            planned.append((ctx, "school", self.schools[spec.name], members, ""))
            for y in members:
                y.groups.append((ctx, ""))
        per_district = 1 + self.size // 2500
        for district, group_names in borough.NEIGHBOURHOOD_GROUPS.items():
            local = [y for y in teens if y.district == district]
            for name in group_names[:per_district]:
                members = self.fill_group(
                    local, [1.0 + 2 * y.exposure for y in local], self.rng.randint(3, 10)
                )
                if not members:
                    continue
                ctx = self.context(
                    ContextKind.PEER_GROUP,
                    name,
                    postcode=None,
                    description=f"Young people from the {district} area who spend time together.",
                )
                hangouts = [
                    self.places[p.key]
                    for p in borough.PLACES
                    if p.district == district
                    and p.kind
                    in (ContextKind.OPEN_SPACE, ContextKind.OTHER, ContextKind.FOOD_OUTLET)
                ]
                planned.append(
                    (
                        ctx,
                        "neighbourhood",
                        self.rng.choice(hangouts) if hangouts else None,
                        members,
                        "",
                    )
                )
                for y in members:
                    y.groups.append((ctx, ""))
        for y in self.young:
            y.groups.clear()  # filled again below with roles, now that every group is planned
        self.bulk(Context, [p[0] for p in planned], step)

        memberships: list[GroupMembership] = []
        for ctx, kind, hangout_ctx, members, hot_key in planned:
            oldest = min(members, key=lambda y: (y.dob, y.index))
            group = _Group(context=ctx, kind=kind, hangout=hangout_ctx, members=[], hot_key=hot_key)
            for y in members:
                role: str
                if kind == "hot" and y is oldest:
                    role = GroupRole.LEADING
                else:
                    role = _pick(
                        self.rng, (("core", 45), ("peripheral", 30), ("new", 15), ("unclear", 10))
                    )
                since = max(
                    self.today - dt.timedelta(days=self.rng.randint(30, 720)),
                    _years_after(y.dob, 11),
                )
                since = min(since, self.today - dt.timedelta(days=1))
                until = None
                if self.rng.random() < 0.12:
                    until = since + dt.timedelta(days=self.rng.randint(30, 300))
                    if until >= self.today:
                        until = None
                given = self.provenance(kind, y, since)
                problems = Problems()
                problems.check(ctx.kind == ContextKind.PEER_GROUP, "group", "Choose a peer group")
                problems.check(role in choice_values(GroupRole), "role", "Unknown role")
                validate_provenance(
                    problems, source=given["source"], confidence=given["confidence"]
                )
                check_period(problems, since, until, start_field="since", end_field="until")
                _raise(problems, "group membership")
                memberships.append(
                    GroupMembership(
                        person=y.record, group=ctx, role=role, since=since, until=until, **given
                    )
                )
                if until is None:
                    group.members.append((y, role))
                    y.groups.append((ctx, role))
            self.groups.append(group)
        self.bulk(GroupMembership, memberships, step)
