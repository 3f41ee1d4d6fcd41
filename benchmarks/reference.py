"""Plain NetworkX implementations of the peer-network operations: the benchmark's reference.

Each is what a careful developer would write with NetworkX and the standard
library, without the vectorised tricks of ``locus.analysis``: a MultiGraph
with edge attributes, ``connected_components``, ``louvain_communities``,
breadth-first search with a cutoff, and linked cases by walking neighbours
and dictionaries of incidents. The benchmark checks that both give the same
answers.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np

from benchmarks.synthetic import Synthetic
from locus.analysis.network import OPEN_END

Counts = tuple[int, int, int, int]


def build_graph(data: Synthetic) -> nx.MultiGraph:
    """Every association as a keyed edge (key = edge index) with its attributes."""
    graph = nx.MultiGraph()
    graph.add_nodes_from(range(data.n))
    graph.add_edges_from(
        (u, v, i, {"nature": nat, "since": s, "until": t})
        for i, (u, v, nat, s, t) in enumerate(
            zip(
                data.src.tolist(),
                data.dst.tolist(),
                data.nature.tolist(),
                data.since.tolist(),
                data.until.tolist(),
                strict=True,
            )
        )
    )
    return graph


def open_graph(graph: nx.MultiGraph) -> nx.MultiGraph:
    """The network as it stands now: only associations that have not ended."""
    current = nx.MultiGraph()
    current.add_nodes_from(graph)
    current.add_edges_from(
        (u, v, k, d) for u, v, k, d in graph.edges(keys=True, data=True) if d["until"] == OPEN_END
    )
    return current


def components(graph: nx.MultiGraph) -> list[set[int]]:
    return [set(c) for c in nx.connected_components(graph)]


def peer_map(graph: nx.MultiGraph, centre: int) -> tuple[set[int], set[int]]:
    """Everyone within two steps, and the keys of the edges among them (``ego_graph``)."""
    ego = nx.ego_graph(graph, centre, radius=2)
    return set(ego), {k for _, _, k in ego.edges(keys=True)}


def distances(graph: nx.MultiGraph, centre: int, steps: int = 2) -> dict[int, int]:
    return dict(nx.single_source_shortest_path_length(graph, centre, cutoff=steps))


def communities(graph: nx.Graph, seed: int) -> list[set[int]]:
    return [set(c) for c in nx.community.louvain_communities(graph, seed=seed)]


def simple_graph(pairs: Iterable[tuple[int, int]]) -> nx.Graph:
    graph = nx.Graph()
    graph.add_edges_from(pairs)
    return graph


def strong_links(counts: dict[tuple[int, int], Counts]) -> list[tuple[int, int]]:
    """The pairs linked by a direct association, a shared incident or two or more associates
    in common: the rule of ``locus.analysis.triage.strong``, written again from its words."""
    return [
        pair
        for pair, (direct, shared, incidents, _) in counts.items()
        if direct > 0 or incidents > 0 or shared >= 2
    ]


@dataclass
class Incidents:
    """Who was involved in what, and incidents by place sorted by day."""

    of_person: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    people: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    place: list[int] = field(default_factory=list)
    day: list[int] = field(default_factory=list)
    at_place: dict[int, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def from_data(cls, data: Synthetic) -> Incidents:
        found = cls(place=data.incident_place.tolist(), day=data.incident_day.tolist())
        for p, i in zip(
            data.involved_person.tolist(), data.involved_incident.tolist(), strict=True
        ):
            found.of_person[p].append(i)
            found.people[i].append(p)
        for i, (place, day) in enumerate(zip(found.place, found.day, strict=True)):
            if place >= 0:
                found.at_place[place].append((day, i))
        for entries in found.at_place.values():
            entries.sort()
        return found


def links_of(
    graph: nx.MultiGraph,
    incidents: Incidents,
    a: int,
    candidates: set[int] | None,
    window_days: int,
) -> dict[int, dict[str, Any]]:
    """Everyone linked to ``a``, with the evidence, by walking neighbours and incidents."""
    found: dict[int, dict[str, Any]] = defaultdict(
        lambda: {"direct": set(), "shared": set(), "incidents": set(), "co": set()}
    )
    for b, keyed in graph[a].items():
        if b != a:
            found[b]["direct"].update(keyed)
    for c in graph[a]:
        if c == a:
            continue
        for b in graph[c]:
            if b not in (a, c):
                found[b]["shared"].add(c)
    for i in incidents.of_person.get(a, []):
        for b in incidents.people[i]:
            if b != a:
                found[b]["incidents"].add(i)
        place = incidents.place[i]
        if place < 0:
            continue
        entries = incidents.at_place[place]
        day = incidents.day[i]
        lo = bisect.bisect_left(entries, (day - window_days, -1))
        hi = bisect.bisect_right(entries, (day + window_days, len(incidents.place)))
        for _, j in entries[lo:hi]:
            if j == i:
                continue
            for b in incidents.people[j]:
                if b != a:
                    found[b]["co"].add((i, j, place))
    return {b: evidence for b, evidence in found.items() if candidates is None or b in candidates}


def link_counts(
    graph: nx.MultiGraph, incidents: Incidents, people: Iterable[int], window_days: int
) -> dict[tuple[int, int], Counts]:
    """Counts of each kind of evidence for every linked pair ``a < b`` among ``people``."""
    population = set(people)
    table: dict[tuple[int, int], Counts] = {}
    for a in sorted(population):
        for b, ev in links_of(graph, incidents, a, population, window_days).items():
            if a < b:
                table[(a, b)] = (
                    len(ev["direct"]),
                    len(ev["shared"]),
                    len(ev["incidents"]),
                    len(ev["co"]),
                )
    return table


def labels_of(groups: Iterable[set[int]], n: int) -> np.ndarray:
    """A label per node from a list of node sets (-1 for nodes in none)."""
    labels = np.full(n, -1, dtype=np.int64)
    for k, group in enumerate(groups):
        labels[list(group)] = k
    return labels
