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
title shares (:data:`TITLE_STOPWORDS`).

Run ``python -m tools.concept_review`` to rewrite the review table in the doc.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import combinations, pairwise, product

from rdflib import Graph, URIRef
from rdflib.term import Node

from ipgraph.graph.namespaces import DCTERMS, ID, IPG, RDF, SKOS

SCHEME = ID["concept"]
SIMILAR_TITLE_THRESHOLD = 0.35
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


@cache
def _min_overlap(size: int, partner_min: int, threshold: float) -> int:
    """The fewest shared elements with which a set of ``size`` can reach ``threshold`` with a
    partner of at least ``partner_min`` elements.

    For a fixed overlap o the coefficient is largest with the smallest partner,
    max(o, partner_min) elements, and it grows with o (rounded division is monotone),
    so this is the first o that passes. Found with :func:`_dice` itself, it agrees with
    the final check to the last bit: ⌈t·size/(2−t)⌉ for any partner, ⌈t·size⌉ for
    partners at least as large.
    """
    return next(o for o in range(1, size + 1) if _dice(o, size, max(o, partner_min)) >= threshold)


def _rarity(sets: Sequence[frozenset[str]]) -> dict[str, int]:
    """Each element's rank in the global order: rarest first (ties by the element)."""
    counts = Counter(x for s in sets for x in s)
    return {x: rank for rank, x in enumerate(sorted(counts, key=lambda x: (counts[x], x)))}


def similar_set_pairs(sets: Sequence[frozenset[str]], threshold: float) -> list[tuple[int, int]]:
    """The index pairs (i, j), i ≤ j, of the non-empty sets whose Dice coefficient is at least
    ``threshold``; (i, i) for each non-empty set.

    All-pairs search with prefix filtering: with every set's elements in one order (rarest
    first), two sets sharing at least o elements share one among the first size − o + 1
    elements of each (only o − 1 elements follow such a prefix, so it holds a shared
    element, and then also the first shared element in the order). Sets are taken by
    increasing size; each probes an index of the earlier sets' prefixes with its own prefix
    for any partner, then adds its prefix for partners at least as large; candidates too
    small to reach the threshold are skipped and the rest checked exactly. The work is
    proportional to the candidates, not to all pairs.
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"similarity threshold must be in (0, 1], got {threshold}")
    rank = _rarity(sets)
    index: dict[str, list[int]] = defaultdict(list)
    found = []
    for i in sorted((i for i, s in enumerate(sets) if s), key=lambda i: len(sets[i])):
        mine, size = sets[i], len(sets[i])
        ordered = sorted(mine, key=rank.__getitem__)
        smallest = _min_overlap(size, 1, threshold)
        probe = ordered[: size - smallest + 1]
        candidates = {j for x in probe for j in index.get(x, ()) if len(sets[j]) >= smallest}
        similar = (j for j in candidates if _dice(len(mine & sets[j]), size, len(sets[j])) >= threshold)
        found += [(min(i, j), max(i, j)) for j in similar]
        found.append((i, i))
        for x in ordered[: size - _min_overlap(size, size, threshold) + 1]:
            index[x].append(i)
    return found


def _cross_document(left: list, right: list | None) -> Iterator[tuple[Node, Node]]:
    """Task pairs from two groups of (task, document), or within one group (``right`` None),
    that are in different documents."""
    pairs = product(left, right) if right is not None else combinations(left, 2)
    return ((a, b) for (a, doc_a), (b, doc_b) in pairs if doc_a != doc_b)


def _title_groups(graph: Graph) -> dict[frozenset[str], list[tuple[Node, Node]]]:
    """(task, document) of every task with a title and a document, by its title's bigrams."""
    groups: dict[frozenset[str], list[tuple[Node, Node]]] = defaultdict(list)
    for task in graph.subjects(RDF.type, IPG.Task):
        title, doc = graph.value(task, DCTERMS.title), graph.value(task, IPG.taskList)
        if title is not None and doc is not None:
            groups[frozenset(_bigrams(str(title)))].append((task, doc))
    return groups


def link_similar_titles(graph: Graph) -> None:
    """Add ``ipg:similarTitle`` both ways between similar tasks of different documents.

    Tasks whose titles have the same bigrams are grouped, and :func:`similar_set_pairs`
    finds the similar groups, so the work follows the distinct titles and the links made,
    not the pairs of tasks.
    """
    groups = _title_groups(graph)
    keys = list(groups)
    pairs = (
        pair
        for i, j in similar_set_pairs(keys, SIMILAR_TITLE_THRESHOLD)
        for pair in _cross_document(groups[keys[i]], groups[keys[j]] if i != j else None)
    )
    link = IPG.similarTitle
    graph.addN(quad for a, b in pairs for quad in ((a, link, b, graph), (b, link, a, graph)))
