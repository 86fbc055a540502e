"""Task alignment between two documents: what continued, was reworded, split, merged, new or dropped.

Evidence for a pair of tasks (an old one, a new one):

- ``text``: Dice coefficient of the character bigrams of the task's whole text
  (title and measures, without punctuation and the words all titles share);
- ``bodies``: Jaccard coefficient of the responsible bodies' names;
- ``citations``: Jaccard coefficient of the cited policies, or None when neither cites any.

``score`` = 0.7·text + 0.2·bodies + 0.1·citations (0.8·text + 0.2·bodies without
citations). Pairs scoring at least :data:`MATCH_THRESHOLD` are matches; a match is kept
when its score is within :data:`BEST_RATIO` of the best score of both its tasks, so a
weak match beside a strong one does not count. The kept matches, taken as a graph,
fall into groups: one old and one new task is *continued* (titles with a Dice
coefficient of at least :data:`SAME_TITLE`) or *reworded*; one old and several new
is *split*; several old and one new is *merged* (several of both: *split* when more
new than old, else *merged*); an old task without a match is *dropped*, a new one *new*.

Candidates come from an inverted index of bigrams over the new tasks, probed with
each old task's rarest bigrams first and stopped after a bounded number of candidates
(``concepts.candidate_pairs``), so the work is linear in the tasks, not quadratic.
The thresholds are validated by the three test editions in ``tests/fixtures/series/``
(docs/series-and-alignment.md).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from ipgraph.graph.concepts import PUNCTUATION, TITLE_STOPWORDS, candidate_pairs
from ipgraph.graph.namespaces import DCTERMS, IPG, PROV, RDF, RDFS, XSD
from ipgraph.graph.series import Edition, link_series

MATCH_THRESHOLD = 0.4
BEST_RATIO = 0.7
SAME_TITLE = 0.9
Triple = tuple[Node, Node, Node]
KINDS = ("continued", "reworded", "split", "merged", "new", "dropped")
LEAD = re.compile(r"^[^、，,；;（()）]+?(?=牵头|负责|等|[、，,；;（()）]|$)")


@dataclass(frozen=True)
class TaskInfo:
    """What the alignment and the diff need of a task."""

    iri: URIRef
    number: int
    title: str
    text: str
    line: int
    bodies: frozenset[str]
    citations: frozenset[str]
    lead: str
    grams: frozenset[str]


@dataclass(frozen=True)
class Link:
    """A matched pair of tasks and its evidence."""

    old: TaskInfo
    new: TaskInfo
    text: float
    bodies: float
    citations: float | None
    score: float


@dataclass(frozen=True)
class Change:
    """One group of the alignment: its kind, its old and new tasks, and the links between them."""

    kind: str
    old: tuple[TaskInfo, ...]
    new: tuple[TaskInfo, ...]
    links: tuple[Link, ...]


def grams(text: str) -> frozenset[str]:
    """The character bigrams of a text, without punctuation and the words all titles share."""
    clean = PUNCTUATION.sub("", text)
    for word in TITLE_STOPWORDS:
        clean = clean.replace(word, "")
    return frozenset(a + b for a, b in pairwise(clean))


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def _zh(graph: Graph, node) -> str:
    labels = sorted(str(v) for v in graph.objects(node, RDFS.label) if getattr(v, "language", None) == "zh")
    return labels[0] if labels else str(node).rsplit("/", 1)[-1]


def _int(value: Node | None) -> int:
    return int(str(value)) if value is not None else 0


def lead_of(statement: str) -> str:
    """The first body a responsibility statement names (the lead, 牵头, where one is named)."""
    m = LEAD.match(statement.strip())
    return m.group(0).strip() if m else ""


def task_infos(graph: Graph, document: URIRef) -> list[TaskInfo]:
    """The tasks of a document, in number order."""
    found = []
    for task in graph.subjects(IPG.taskList, document):
        if (task, RDF.type, IPG.Task) not in graph or not isinstance(task, URIRef):
            continue
        title = str(graph.value(task, DCTERMS.title) or "")
        measures = sorted(graph.subjects(IPG.task, task), key=lambda m: _int(graph.value(m, IPG.number)))
        text = "".join([title, *(str(graph.value(m, IPG.text) or "") for m in measures)])
        found.append(
            TaskInfo(
                iri=task,
                number=_int(graph.value(task, IPG.number)),
                title=title,
                text=text,
                line=_int(graph.value(task, IPG.sourceLine)),
                bodies=frozenset(_zh(graph, b) for b in graph.objects(task, IPG.responsibleBody)),
                citations=frozenset(str(c) for m in [task, *measures] for c in graph.objects(m, DCTERMS.references)),
                lead=lead_of(str(graph.value(task, IPG.responsibilityStatement) or "")),
                grams=grams(text),
            )
        )
    return sorted(found, key=lambda t: t.number)


def evidence(old: TaskInfo, new: TaskInfo) -> Link:
    text = dice(old.grams, new.grams)
    bodies = jaccard(old.bodies, new.bodies)
    cited = old.citations | new.citations
    citations = jaccard(old.citations, new.citations) if cited else None
    score = 0.7 * text + 0.2 * bodies + 0.1 * citations if citations is not None else 0.8 * text + 0.2 * bodies
    return Link(old, new, text, bodies, citations, score)


def align(old: Sequence[TaskInfo], new: Sequence[TaskInfo]) -> list[Change]:
    """The changes from the old tasks to the new ones (see the module docstring), in task order."""
    pairs = candidate_pairs([t.grams for t in old], [t.grams for t in new])
    links = [link for i, j in pairs if (link := evidence(old[i], new[j])).score >= MATCH_THRESHOLD]
    best: dict[URIRef, float] = defaultdict(float)
    for link in links:
        best[link.old.iri] = max(best[link.old.iri], link.score)
        best[link.new.iri] = max(best[link.new.iri], link.score)
    kept = [k for k in links if k.score >= BEST_RATIO * max(best[k.old.iri], best[k.new.iri])]
    groups: nx.Graph = nx.Graph()
    for link in kept:
        groups.add_edge(("old", link.old.number), ("new", link.new.number), link=link)
    changes = [_change(groups.subgraph(c)) for c in nx.connected_components(groups)]
    matched = {n for n in groups}
    changes += [Change("dropped", (t,), (), ()) for t in old if ("old", t.number) not in matched]
    changes += [Change("new", (), (t,), ()) for t in new if ("new", t.number) not in matched]
    return sorted(changes, key=_order)


def _change(group: nx.Graph) -> Change:
    links = tuple(
        sorted((d["link"] for _a, _b, d in group.edges(data=True)), key=lambda k: (k.old.number, k.new.number))
    )
    old = tuple(sorted({k.old for k in links}, key=lambda t: t.number))
    new = tuple(sorted({k.new for k in links}, key=lambda t: t.number))
    if len(old) == len(new) == 1:
        kind = "continued" if dice(grams(old[0].title), grams(new[0].title)) >= SAME_TITLE else "reworded"
    elif len(old) == 1 or len(new) > len(old):
        kind = "split"
    else:
        kind = "merged"
    return Change(kind, old, new, links)


def _order(change: Change) -> tuple:
    first_old = change.old[0].number if change.old else 10**9
    first_new = change.new[0].number if change.new else 10**9
    return (min(first_old, first_new), first_old, first_new)


# --- in the graph -------------------------------------------------------------------


def _decimal(value: float) -> Literal:
    return Literal(Decimal(f"{value:.3f}"), datatype=XSD.decimal)


def change_triples(change: Change, old_doc: URIRef, new_doc: URIRef) -> list[Triple]:
    """An ``ipg:TaskChange`` node per link (or per new / dropped task), and ``prov:wasRevisionOf``."""
    triples: list[Triple] = []
    common: list[tuple[Node, Node]] = [
        (IPG.fromEdition, old_doc),
        (IPG.toEdition, new_doc),
        (IPG.change, Literal(change.kind)),
    ]
    if not change.links:
        task = (change.new or change.old)[0]
        node = URIRef(f"{task.iri}/change/{change.kind}")
        side = IPG.toTask if change.new else IPG.fromTask
        single: list[Triple] = [(node, RDF.type, IPG.TaskChange), (node, side, task.iri)]
        return single + [(node, p, o) for p, o in common]
    for link in change.links:
        node = URIRef(f"{link.new.iri}/change/{str(old_doc).rsplit('/', 1)[-1]}-{link.old.number}")
        triples += [
            (node, RDF.type, IPG.TaskChange),
            (node, IPG.fromTask, link.old.iri),
            (node, IPG.toTask, link.new.iri),
        ]
        triples += [(node, p, o) for p, o in common]
        triples += [
            (node, IPG.score, _decimal(link.score)),
            (node, IPG.textSimilarity, _decimal(link.text)),
            (node, IPG.sharedBodies, _decimal(link.bodies)),
            (link.new.iri, PROV.wasRevisionOf, link.old.iri),
        ]
        if link.citations is not None:
            triples.append((node, IPG.sharedCitations, _decimal(link.citations)))
    return triples


def link_editions(graph: Graph) -> None:
    """Series and editions (``graph.series``), then the task alignment of each pair of consecutive editions."""
    triples = []
    for editions in link_series(graph).values():
        infos = {e.document: task_infos(graph, e.document) for e in editions}
        for a, b in pairwise(editions):
            triples += _aligned(infos, a, b)
    graph.addN((s, p, o, graph) for s, p, o in triples)


def _aligned(infos: dict[URIRef, list[TaskInfo]], a: Edition, b: Edition) -> list[Triple]:
    changes = align(infos[a.document], infos[b.document])
    return [t for change in changes for t in change_triples(change, a.document, b.document)]
