"""Step 7: associations between young people, and with adults of concern."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

from locus.common.bulk import insert_values
from locus.demo import borough, names
from locus.demo.steps.base import Base, _Adult, _pick, _raise, _years_after, _Young
from locus.peers.models import Association, Nature, Relationship
from locus.peers.services import validate_association
from locus.people.models import Person
from locus.places.models import Context, ContextKind


class _Said(TypedDict):
    """What an association says, and who said it and how sure they are."""

    relationship: str
    nature: str
    peer_role: str
    open_to_social_care: bool | None
    open_to_youth_justice: bool | None
    source: str
    confidence: str
    valid_from: dt.date
    valid_until: dt.date | None


Weights = tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class _PeerLink:
    """A kind of link between young people, by what they share."""

    kind: str  # which says who would have told (``Base.source_for``)
    relationships: Weights | str  # how often each relationship is recorded, or the only one
    natures: Weights
    earliest_age: int = 9  # both were at least this old when it began
    low_confidence: bool = False


PEER_LINKS = {
    "classmates": _PeerLink(
        "school",
        (("classmate", 50), ("friend", 50)),
        (("protective", 65), ("unclear", 30), ("risk", 5)),
    ),
    "neighbours": _PeerLink(
        "neighbourhood",
        (("neighbour", 55), ("friend", 45)),
        (("protective", 50), ("unclear", 40), ("risk", 10)),
    ),
    "online": _PeerLink(
        "online",
        Relationship.ONLINE_CONTACT,
        (("unclear", 60), ("risk", 35), ("protective", 5)),
        earliest_age=10,
        low_confidence=True,
    ),
}


class Associations(Base):
    def make_associations(self) -> None:
        step = "associations"
        planned: list[tuple[dict[str, Any], list[int]]] = []
        open_pairs: set[tuple[int, int]] = set()

        def key(person: Person) -> int:
            assert person.pk is not None
            return person.pk  # only for the in-run duplicate check, never for a choice

        def add(
            person: Person,
            *,
            other: Person | None = None,
            other_label: str = "",
            relationship: str,
            nature: str,
            kind: str,
            valid_from: dt.date,
            young: _Young | None,
            contexts: Sequence[Context | None] = (),
            can_end: bool = True,
            low_confidence: bool = False,
            peer_role: str = "",
            open_to: tuple[bool | None, bool | None] = (None, None),
        ) -> None:
            valid_from = min(valid_from, self.today - dt.timedelta(days=1))
            valid_until = None
            if can_end and self.rng.random() < 0.18:
                valid_until = valid_from + dt.timedelta(days=self.rng.randint(30, 400))
                if valid_until >= self.today:
                    valid_until = None
            pair = None
            if other is not None:
                a, b = key(person), key(other)
                pair = (min(a, b), max(a, b))
                if valid_until is None and pair in open_pairs:
                    return  # already recorded: the service would refuse a second open one
            given = self.provenance(kind, young, valid_from, delay_days=60, low=low_confidence)
            # The association's own fields, as validate_association and the row both take them.
            said = _Said(
                relationship=relationship,
                nature=nature,
                peer_role=peer_role,
                open_to_social_care=open_to[0],
                open_to_youth_justice=open_to[1],
                source=given["source"],
                confidence=given["confidence"],
                valid_from=valid_from,
                valid_until=valid_until,
            )
            # check_not_recorded_twice queries the database for an open pair on every
            # call, which for thousands of rows is thousands of queries. So
            # validate_association runs here with the peer described rather than named,
            # and the pair rules (the peer xor a label, not oneself, one open record per
            # pair) are checked in memory against every pair this run has planned; the
            # borough is new, so the table holds none yet.
            problems = validate_association(
                person=person, other=None, other_label=other_label or "peer", **said
            )
            problems.check((other is None) != (not other_label.strip()), "other", "peer xor label")
            # Checked here as validate_association sees a described peer: for a known one,
            # open to social care / youth justice comes from their episodes.
            problems.check(other is None or open_to == (None, None), "other", "open to: derived")
            problems.check(other is None or key(other) != key(person), "other", "not oneself")
            problems.check(
                pair is None or valid_until is not None or pair not in open_pairs,
                "other",
                "already recorded",
            )
            _raise(problems, "association")
            if pair is not None and valid_until is None:
                open_pairs.add(pair)
            # As values, not an Association each: the rows are written (and audited) as
            # values, without the instances' cost.
            row = {
                "person_id": person.pk,
                "other_id": other.pk if other is not None else None,
                "other_label": other_label,
                "recorded_by_id": given["recorded_by"].pk,
                "recorded_at": given["recorded_at"],
                "recorded_in_team_id": given["recorded_by"].team_id,
                **said,
            }
            shared: list[int] = []
            for ctx in contexts:
                if ctx is not None and ctx.pk not in shared:
                    shared.append(ctx.pk)
            planned.append((row, shared))

        def since(a: _Young, b: _Young | None = None, earliest_age: int = 9) -> dt.date:
            floor = max(
                _years_after(a.dob, earliest_age),
                _years_after(b.dob, earliest_age) if b else a.dob,
                self.today - dt.timedelta(days=4 * 365),
            )
            return self.date_between(floor, self.today - dt.timedelta(days=7))

        def p(y: _Young) -> Person:
            return y.record

        def peer_link(
            link: str,
            y: _Young,
            other: _Young,
            contexts: Sequence[Context | None] = (),
            near: Sequence[Context] = (),
        ) -> None:
            """A link between two young people by what they share (``PEER_LINKS``), at one of
            the places ``near`` them when given."""
            spec = PEER_LINKS[link]
            options = spec.relationships
            relationship = options if isinstance(options, str) else _pick(self.rng, options)
            add(
                p(y),
                other=p(other),
                relationship=relationship,
                nature=_pick(self.rng, spec.natures),
                kind=spec.kind,
                valid_from=since(y, other, spec.earliest_age),
                young=y,
                contexts=[self.rng.choice(near)] if near else contexts,
                low_confidence=spec.low_confidence,
            )

        # Siblings share a home.
        for household in self.households:
            for i, a in enumerate(household):
                for b in household[i + 1 :]:
                    younger = a if a.dob > b.dob else b
                    add(
                        p(a),
                        other=p(b),
                        relationship=Relationship.SIBLING,
                        nature=_pick(self.rng, (("protective", 70), ("unclear", 25), ("risk", 5))),
                        kind="family",
                        valid_from=younger.dob,
                        young=a,
                        contexts=[a.home],
                        can_end=False,
                    )
        self.progress(step, 1, 7)
        # Within peer groups.
        for group in self.groups:
            members = [y for y, _ in group.members]
            roles = {id(m): r for m, r in group.members}  # the peer's own role in the group
            natures = {
                "hot": (("risk", 40), ("unclear", 40), ("protective", 20)),
                "school": (("protective", 60), ("unclear", 35), ("risk", 5)),
                "neighbourhood": (("protective", 40), ("unclear", 45), ("risk", 15)),
            }[group.kind]
            for y in members:
                others = [m for m in members if m is not y]
                for other in self.rng.sample(others, min(len(others), self.rng.randint(1, 3))):
                    relationship = _pick(
                        self.rng, (("friend", 60), ("associate", 35), ("partner", 5))
                    )
                    add(
                        p(y),
                        other=p(other),
                        relationship=relationship,
                        nature=_pick(self.rng, natures),
                        kind=group.kind,
                        valid_from=since(y, other, 11),
                        young=y,
                        contexts=[group.context, group.hangout],
                        peer_role=roles[id(other)],
                    )
        self.progress(step, 2, 7)
        # Classmates.
        by_school_year: dict[tuple[str, int], list[_Young]] = {}
        for y in self.young:
            if y.school is not None:
                by_school_year.setdefault((y.school.name, y.year_group), []).append(y)
        for y in self.young:
            if y.school is None:
                continue
            mates = [m for m in by_school_year[(y.school.name, y.year_group)] if m is not y]
            for mate in self.rng.sample(mates, min(len(mates), self.rng.choice((0, 1, 1, 2, 2)))):
                peer_link("classmates", y, mate, contexts=[y.school])
        self.progress(step, 3, 7)
        # Neighbours.
        by_district: dict[str, list[_Young]] = {}
        # Where each household's members stand in their district's list, ascending.
        household_at: dict[int, list[int]] = {}
        for y in self.young:
            local = by_district.setdefault(y.district, [])
            household_at.setdefault(y.household, []).append(len(local))
            local.append(y)
        local_places: dict[str, list[Context]] = {}
        for spec in borough.PLACES:
            if spec.district and spec.kind != ContextKind.HOME:
                local_places.setdefault(spec.district, []).append(self.places[spec.key])
        for y in self.young:
            if self.rng.random() >= 0.6:
                continue
            # A neighbour outside the household: the same draw as choosing from the district
            # list without the household, found by index instead of copying the list.
            local = by_district[y.district]
            skip = household_at[y.household]
            if len(local) == len(skip):
                continue
            index = self.rng.choice(range(len(local) - len(skip)))
            for at in skip:
                if at <= index:
                    index += 1
            other = local[index]
            peer_link("neighbours", y, other, near=local_places.get(y.district, []))
        self.progress(step, 4, 7)
        # Online contacts across the borough.
        online = [self.places[s.key] for s in borough.PLACES if s.kind == ContextKind.ONLINE]
        for y in self.young:
            if self.rng.random() >= (0.08, 0.4, 0.4)[y.exposure]:
                continue
            other = self.rng.choice(self.young)
            if other is y:
                continue
            peer_link("online", y, other, near=online)
        self.progress(step, 5, 7)
        # Peers nobody has named yet.
        for y in self.young:
            if self.rng.random() >= (0.03, 0.25, 0.6)[y.exposure]:
                continue
            add(
                p(y),
                other_label=self.rng.choice(names.UNKNOWN_PEER_LABELS),
                relationship=_pick(
                    self.rng, (("associate", 60), ("online_contact", 25), ("partner", 15))
                ),
                nature=_pick(self.rng, (("risk", 60), ("unclear", 40))),
                kind=self.rng.choice(("hot", "online")),
                valid_from=since(y, None, 11),
                young=y,
                contexts=[g for g, _ in y.groups[:1]],
                low_confidence=True,
                peer_role=_pick(
                    self.peer_rng, (("leading", 35), ("core", 25), ("new", 10), ("unclear", 30))
                ),
                open_to=(
                    _pick(self.peer_rng, ((None, 70), (True, 10), (False, 20))),
                    _pick(self.peer_rng, ((None, 60), (True, 25), (False, 15))),
                ),
            )
        self.progress(step, 6, 7)
        # Adults of concern: who a child knows, never membership of anything.
        adults_by_haunt: dict[str, list[_Adult]] = {}
        for adult in self.adults:
            adults_by_haunt.setdefault(adult.haunt, []).append(adult)
        hot_of = {id(g.context): g.hot_key for g in self.groups}
        for y in self.young:
            if self.rng.random() >= (0.0, 0.15, 0.6)[y.exposure]:
                continue
            hot_keys = [hot_of[id(ctx)] for ctx, _ in y.groups if hot_of.get(id(ctx))]
            haunt = hot_keys[0] if hot_keys else self.rng.choice(sorted(adults_by_haunt))
            adult = self.rng.choice(adults_by_haunt.get(haunt) or self.adults)
            add(
                p(y),
                other=adult.person,
                relationship=_pick(
                    self.rng, (("associate", 60), ("partner", 20), ("online_contact", 20))
                ),
                nature=Nature.RISK,
                kind="adult",
                valid_from=self.date_between(
                    max(_years_after(y.dob, 11), self.today - dt.timedelta(days=730)),
                    self.today - dt.timedelta(days=14),
                ),
                young=y,
                contexts=[self.places[haunt]],
                low_confidence=True,
                peer_role=_pick(self.peer_rng, (("leading", 70), ("unclear", 30))),
            )
        self.progress(step, 7, 7)

        rows = [row for row, _ in planned]
        # The same audit row association_record writes: the fields and the shared places.
        links = [{"contexts": sorted(shared)} for _, shared in planned]
        self.bulk_values(Association, rows, step, links=links)
        insert_values(
            Association.contexts.through,
            [
                {"association_id": row["id"], "context_id": context}
                for row, shared in planned
                for context in shared
            ],
        )
