"""Seeded node positions for the exports and the view: the same graph always gets the same picture."""

from __future__ import annotations

import math
import random
from itertools import combinations

import networkx as nx


def layout(graph: nx.Graph, iterations: int = 300, seed: int = 2021) -> dict[str, tuple[float, float]]:
    """Node positions in [0, 1]², by a small seeded Fruchterman–Reingold in pure Python.

    networkx's spring layout needs numpy, which ipgraph does not otherwise require;
    the department networks are small, so plain Python is quick enough and the
    result is the same on every run.
    """
    nodes = sorted(graph)
    if not nodes:
        return {}
    rng = random.Random(seed)
    pos = {n: [rng.random(), rng.random()] for n in nodes}
    k = math.sqrt(1 / len(nodes))
    top_weight = max((d.get("weight", 1) for _a, _b, d in graph.edges(data=True)), default=1)
    temperature = 0.1
    for _ in range(iterations):
        shift = {n: [0.0, 0.0] for n in nodes}
        for a, b in combinations(nodes, 2):
            dx, dy, dist = _delta(pos[a], pos[b])
            force = k * k / dist
            _push(shift, a, b, dx / dist * force, dy / dist * force)
        for a, b, data in graph.edges(data=True):
            dx, dy, dist = _delta(pos[a], pos[b])
            force = dist * dist / k * (data.get("weight", 1) / top_weight)
            _push(shift, a, b, -dx / dist * force, -dy / dist * force)
        for n in nodes:
            dx, dy = shift[n]
            length = math.hypot(dx, dy) or 1.0
            step = min(length, temperature)
            pos[n][0] += dx / length * step
            pos[n][1] += dy / length * step
        temperature = max(temperature * 0.98, 0.002)
    return _normalise(pos)


def _delta(p: list[float], q: list[float]) -> tuple[float, float, float]:
    dx, dy = p[0] - q[0], p[1] - q[1]
    return dx, dy, max(math.hypot(dx, dy), 1e-4)


def _push(shift: dict[str, list[float]], a: str, b: str, fx: float, fy: float) -> None:
    shift[a][0] += fx
    shift[a][1] += fy
    shift[b][0] -= fx
    shift[b][1] -= fy


def _normalise(pos: dict[str, list[float]]) -> dict[str, tuple[float, float]]:
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    return {n: (round((p[0] - min(xs)) / span, 4), round((p[1] - min(ys)) / span, 4)) for n, p in pos.items()}
