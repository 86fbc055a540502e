"""Co-responsibility weights: how strongly a shared task ties two bodies together.

Two weightings, as the literature on co-authorship and inter-agency networks uses:

- ``count``: each shared task adds 1 to the pair (the plain count of shared tasks);
- ``newman``: each task naming *n* bodies adds 1/(n−1) to each of its n(n−1)/2 pairs
  (Newman 2001, "Scientific collaboration networks II"), so every body gets a total of
  1 from each task it shares, however many bodies the task names. A catch-all task
  naming every body then adds little to each pair instead of making the network
  complete with full-strength ties.

Independently, ``max_bodies`` leaves out tasks that name more than that many bodies:
their bodies stay in the network as nodes, but the task makes no edges.

Every edge carries both figures (``shared_tasks`` and ``newman_weight``) and
``weight`` is the chosen one; the graph (``graph.graph``) and every edge carry
``weighting``, a short description of the choice, so that each export says how its
weights were computed. Sums are exact fractions, converted to floats once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations
from typing import Any

import networkx as nx

from ipgraph.errors import IpgraphError

WEIGHTINGS = ("count", "newman")


@dataclass(frozen=True)
class Weighting:
    """Which weight the department network's edges carry, and which tasks count."""

    method: str = "count"
    max_bodies: int | None = None

    def __post_init__(self) -> None:
        if self.method not in WEIGHTINGS:
            raise IpgraphError(f"unknown weighting {self.method!r}; use one of {', '.join(WEIGHTINGS)}")
        if self.max_bodies is not None and self.max_bodies < 2:
            raise IpgraphError(f"--max-bodies must be at least 2 (a task ties two bodies), not {self.max_bodies}")

    def describe(self) -> str:
        """``count``, ``newman``, or either with ``; tasks with at most N bodies``."""
        limit = f"; tasks with at most {self.max_bodies} bodies" if self.max_bodies else ""
        return f"{self.method}{limit}"

    def counts(self, bodies: int) -> bool:
        """Whether a task naming this many bodies makes edges."""
        return bodies >= 2 and (self.max_bodies is None or bodies <= self.max_bodies)

    def graph_attributes(self) -> dict[str, Any]:
        return {"weighting": self.describe(), "weight_method": self.method, "max_bodies": self.max_bodies or 0}


def pair_weights(task_bodies: Iterable[Sequence[str]], weighting: Weighting) -> dict[tuple[str, str], dict[str, Any]]:
    """For every pair of bodies sharing a counted task: the indices of the tasks, the count and the Newman weight.

    ``task_bodies`` gives each task's bodies (in task order); pairs are sorted tuples.
    """
    pairs: dict[tuple[str, str], dict[str, Any]] = {}
    for index, bodies in enumerate(task_bodies):
        named = sorted(set(bodies))
        if not weighting.counts(len(named)):
            continue
        share = Fraction(1, len(named) - 1)
        for pair in combinations(named, 2):
            entry = pairs.setdefault(pair, {"tasks": [], "count": 0, "newman": Fraction(0)})
            entry["tasks"].append(index)
            entry["count"] += 1
            entry["newman"] += share
    return pairs


def add_weighted_edges(graph: nx.Graph, bipartite: nx.Graph, task_nodes: Sequence[str], weighting: Weighting) -> None:
    """Add the department graph's edges from a task–department graph, weighted as chosen."""
    graph.graph.update(weighting.graph_attributes())
    description = weighting.describe()
    pairs = pair_weights((list(bipartite[t]) for t in task_nodes), weighting)
    for (a, b), entry in pairs.items():  # first-shared order, as the layout expects
        infos = [bipartite.nodes[task_nodes[i]] for i in entry["tasks"]]
        newman = float(entry["newman"])
        graph.add_edge(
            a,
            b,
            weight=entry["count"] if weighting.method == "count" else newman,
            shared_tasks=entry["count"],
            newman_weight=newman,
            weighting=description,
            tasks=[info["number"] for info in infos],
            task_titles_zh=[info["label_zh"] for info in infos],
            task_titles_en=[info["label_en"] for info in infos],
        )
