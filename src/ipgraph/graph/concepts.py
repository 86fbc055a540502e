"""The semantic layer's rules: topic tags by keyword, and similar task titles.

Topic tagging. Each topic of ``data/vocab/concepts.ttl`` lists keywords as
``skos:hiddenLabel@zh``. A measure is tagged (``dcterms:subject``) with every topic
one of whose keywords occurs in its text; a task with the union of its measures'
topics and its title's. Matching is plain substring search, so a rule is exactly
its list of keywords, reviewable in the data file and in the table of
``docs/semantic-layer.md``, which ``tools/concept_review.py`` generates from the graph.

Similar titles. Two tasks of different documents have similar titles when the
Dice coefficient of their titles' character bigrams is at least
:data:`SIMILAR_TITLE_THRESHOLD`, after removing punctuation and the words every
title shares (:data:`TITLE_STOPWORDS`); each task is linked to its best few
(:data:`SIMILAR_TITLE_LINKS`), found through a bounded index search
(:func:`candidate_pairs`), so the links and the work grow linearly with the tasks.

Run ``python -m tools.concept_review`` to rewrite the review table in the doc.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise

from rdflib import Graph, URIRef

from ipgraph.graph.namespaces import DCTERMS, ID, IPG, RDF, SKOS

SCHEME = ID["concept"]
SIMILAR_TITLE_THRESHOLD = 0.35
SIMILAR_TITLE_LINKS = 3
CANDIDATES = 40
POSTINGS = 500
TITLE_STOPWORDS = ("知识产权", "推进", "加强", "加快", "推动", "深入", "进一步", "持续", "全面", "完善", "健全")
PUNCTUATION = re.compile(r"[\s，。、；：:,.;“”\"《》（）()·—\-]+")


@dataclass(frozen=True)
class Rule:
    """A topic and the keywords that tag a text with it."""

    concept: URIRef
    notation: str
    keywords: tuple[str, ...]

    def matches(self, text: str) -> tuple[str, ...]:
        return tuple(k for k in self.keywords if k in text)


def rules(graph: Graph, scheme: URIRef = SCHEME) -> tuple[Rule, ...]:
    """The tagging rules of every concept of a scheme (the topics by default) that has keywords, by notation."""
    found = []
    for concept in set(graph.subjects(SKOS.inScheme, scheme)):
        keywords = sorted(
            str(k) for k in graph.objects(concept, SKOS.hiddenLabel) if getattr(k, "language", None) == "zh"
        )
        if keywords and isinstance(concept, URIRef):
            notation = str(graph.value(concept, SKOS.notation) or concept)
            found.append(Rule(concept, notation, tuple(keywords)))
    return tuple(sorted(found, key=lambda r: r.notation))


def tags(text: str, rule_set: tuple[Rule, ...]) -> list[URIRef]:
    """The topics a text is tagged with, in notation order."""
    return [rule.concept for rule in rule_set if rule.matches(text)]


def _bigrams(title: str) -> set[str]:
    text = PUNCTUATION.sub("", title)
    for word in TITLE_STOPWORDS:
        text = text.replace(word, "")
    return {a + b for a, b in pairwise(text)}


def _dice(overlap: int, size_a: int, size_b: int) -> float:
    """The Dice coefficient from the sizes: the one formula both the definition and the search use."""
    return 2 * overlap / (size_a + size_b)


def title_similarity(a: str, b: str) -> float:
    """Dice coefficient of the two titles' character bigrams (0 … 1)."""
    x, y = _bigrams(a), _bigrams(b)
    if not x or not y:
        return 0.0
    return _dice(len(x & y), len(x), len(y))


def candidate_pairs(
    queries: Sequence[frozenset[str]],
    targets: Sequence[frozenset[str]],
    skip: Callable[[int, int], bool] = lambda i, j: False,
) -> Iterator[tuple[int, int]]:
    """(query index, target index) pairs sharing an element, at most :data:`CANDIDATES` per query.

    An inverted index of the targets is probed with each query's rarest elements first
    (those say most about a match); the search stops after :data:`CANDIDATES` candidates
    or :data:`POSTINGS` index entries read, so the work per query is bounded and the whole
    is linear in the queries. A query with fewer candidates than that gets all of them.
    Pairs for which ``skip(i, j)`` holds are not candidates.
    """
    index: dict[str, list[int]] = defaultdict(list)
    for j, target in enumerate(targets):
        for x in target:
            index[x].append(j)
    for i, query in enumerate(queries):
        seen: dict[int, None] = {}
        scanned = 0
        for x in sorted(query, key=lambda x: (len(index.get(x, ())), x)):
            postings = index.get(x, ())[: POSTINGS - scanned]  # a common element's list is read only in part
            scanned += len(postings)
            seen.update((j, None) for j in postings if not skip(i, j))
            if len(seen) >= CANDIDATES or scanned >= POSTINGS:
                break
        yield from ((i, j) for j in sorted(seen)[:CANDIDATES])


def link_similar_titles(graph: Graph) -> None:
    """Link each task to its best few tasks of other documents with similar titles, both ways.

    Each task gets ``ipg:similarTitle`` to at most :data:`SIMILAR_TITLE_LINKS` tasks of other
    documents, the most similar among its candidates (:func:`candidate_pairs`) whose Dice
    coefficient is at least :data:`SIMILAR_TITLE_THRESHOLD` (ties by IRI), and the link is
    written both ways. The links are at most 2 × SIMILAR_TITLE_LINKS per task, so they grow
    with the tasks, not with the pairs of documents.
    """
    tasks = []
    for task in graph.subjects(RDF.type, IPG.Task):
        title, doc = graph.value(task, DCTERMS.title), graph.value(task, IPG.taskList)
        if title is not None and doc is not None:
            tasks.append((str(task), task, doc, frozenset(_bigrams(str(title)))))
    tasks.sort(key=lambda t: t[0])
    sets = [t[3] for t in tasks]
    found: dict[int, list[tuple[float, str, int]]] = defaultdict(list)
    numbers: dict = {}
    docs = [numbers.setdefault(t[2], len(numbers)) for t in tasks]  # ints compare faster than IRIs
    for i, j in candidate_pairs(sets, sets, lambda i, j: docs[i] == docs[j]):
        score = _dice(len(sets[i] & sets[j]), len(sets[i]), len(sets[j]))
        if score >= SIMILAR_TITLE_THRESHOLD:
            found[i].append((-score, tasks[j][0], j))
    link = IPG.similarTitle
    best = {i: sorted(near)[:SIMILAR_TITLE_LINKS] for i, near in found.items()}
    pairs = {(tasks[i][1], tasks[j][1]) for i, near in best.items() for _score, _iri, j in near}
    graph.addN(quad for a, b in pairs for quad in ((a, link, b, graph), (b, link, a, graph)))
