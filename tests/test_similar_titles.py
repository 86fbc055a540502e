"""Similar-title links: the indexed search makes exactly the links of the pairwise definition.

The reference compares every pair of tasks with ``concepts.title_similarity`` (the
definition); the real-facts test reads both documents' titles from their source lines
and computes the coefficient itself.
"""

from __future__ import annotations

import re
from fractions import Fraction
from itertools import combinations
from math import ceil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal

from benchmarks import generate
from ipgraph import paths
from ipgraph.graph import concepts
from ipgraph.graph.build import build_sources
from ipgraph.graph.namespaces import DCTERMS, ID, IPG, RDF

SAMPLE = Path(__file__).parent / "fixtures" / "annual-plan-sample.txt"
SOURCE = paths.SOURCES_DIR / "cnipa-2021-ip-high-quality-development-task-list.txt"
LIST_TASK = re.compile(r"^(\d+)\.\s*([^\t]*)\t")
PLAN_ITEM = re.compile(r"^(\d+)\.(.*)[（(][^（）()]*[）)]$")
THRESHOLD = concepts.SIMILAR_TITLE_THRESHOLD
# Pieces of random titles: few characters (so titles often share bigrams), stopwords
# whose removal joins their neighbours, punctuation; they make empty and 1-char titles too.
PIECES = ["甲", "乙", "丙", "丁", "戊", "己", "知识产权", "推进", "，", "《", "》", " "]


def pairwise_links(graph: Graph) -> set[tuple]:
    """Every pair of tasks of different documents whose titles are similar, both ways."""
    tasks = []
    for task in graph.subjects(RDF.type, IPG.Task):
        title, doc = graph.value(task, DCTERMS.title), graph.value(task, IPG.taskList)
        if title is not None and doc is not None:
            tasks.append((task, str(title), doc))
    links = set()
    for (a, title_a, doc_a), (b, title_b, doc_b) in combinations(tasks, 2):
        if doc_a != doc_b and concepts.title_similarity(title_a, title_b) >= THRESHOLD:
            links |= {(a, b), (b, a)}
    return links


def links(graph: Graph) -> set[tuple]:
    return set(graph.subject_objects(IPG.similarTitle))


def task_graph(titles: list[tuple[str, int]]) -> Graph:
    """Tasks with the given (title, document number), and nothing else."""
    graph = Graph()
    for k, (title, doc) in enumerate(titles):
        task = ID[f"test/task/{k}"]
        graph.add((task, RDF.type, IPG.Task))
        graph.add((task, DCTERMS.title, Literal(title, lang="zh")))
        graph.add((task, IPG.taskList, ID[f"test/doc/{doc}"]))
    return graph


@pytest.fixture(scope="module")
def mixed() -> Graph:
    return build_sources([SOURCE, SAMPLE])


def test_two_document_build_has_exactly_the_pairwise_links(mixed):
    expected = pairwise_links(mixed)
    assert expected
    assert links(mixed) == expected


def test_synthetic_documents_have_exactly_the_pairwise_links(tmp_path):
    graph = build_sources(generate.write_documents(tmp_path, 6, seed=3))
    expected = pairwise_links(graph)
    assert len(set(graph.subjects(RDF.type, IPG.TaskList))) == 6
    assert links(graph) == expected


def source_bigrams(title: str) -> set[str]:
    """The documented normalisation, written out: drop non-word characters, then stopwords."""
    text = re.sub(r"\W", "", title)
    for word in concepts.TITLE_STOPWORDS:
        text = text.replace(word, "")
    return {text[k : k + 2] for k in range(len(text) - 1)}


def test_which_2021_tasks_have_titles_like_the_sample_items(mixed):
    lines_2021 = SOURCE.read_text(encoding="utf-8").split("\n")
    lines_plan = SAMPLE.read_text(encoding="utf-8").split("\n")
    tasks = {int(m[1]): m[2].strip().rstrip("。") for line in lines_2021 if (m := LIST_TASK.match(line))}
    items = {int(m[1]): m[2] for line in lines_plan if (m := PLAN_ITEM.match(line))}
    assert (len(tasks), len(items)) == (22, 12)
    expected = set()
    for item, text in items.items():
        x = source_bigrams(text.split("。")[0])
        for number, title in tasks.items():
            y = source_bigrams(title)
            if 2 * len(x & y) / (len(x) + len(y)) >= THRESHOLD:
                expected.add((item, number))
    # Titles repeated word for word in an item are among them (深化“一带一路”知识产权合作 …).
    assert {(i, n) for i, text in items.items() for n, title in tasks.items() if title in text} <= expected
    plan = ID["annual-plan-2022"]
    number = lambda task: int(mixed.value(task, IPG.number))  # noqa: E731
    got = {(number(a), number(b)) for a, b in links(mixed) if mixed.value(a, IPG.taskList) == plan}
    assert got == expected


@pytest.mark.slow
@settings(deadline=None, max_examples=200)
@given(st.lists(st.tuples(st.lists(st.sampled_from(PIECES), max_size=10).map("".join), st.integers(0, 3)), max_size=30))
def test_random_titles_get_exactly_the_pairwise_links(titles):
    graph = task_graph(titles)
    expected = pairwise_links(graph)
    concepts.link_similar_titles(graph)
    assert links(graph) == expected


def distinct_chars(start: int, count: int) -> str:
    return "".join(chr(0x4E00 + start + k) for k in range(count))


def test_titles_exactly_at_the_threshold_are_linked_and_one_bigram_less_is_not():
    shared = distinct_chars(0, 8)  # 7 bigrams
    at = [(shared + distinct_chars(100, 13), 0), (shared + distinct_chars(200, 13), 1)]  # 14/40
    below = [(shared[1:] + distinct_chars(300, 14), 2), (shared[1:] + distinct_chars(400, 14), 3)]  # 12/40
    graph = task_graph(at + below)
    concepts.link_similar_titles(graph)
    assert links(graph) == {(ID["test/task/0"], ID["test/task/1"]), (ID["test/task/1"], ID["test/task/0"])}


def test_a_pair_sharing_only_its_most_common_bigrams_is_found():
    """The tightest case of the prefix bound: a 33-bigram title holds all 7 bigrams of a
    short one (Dice 14/40), and these are the most frequent bigrams, so they come last in
    the long title's order; its prefix reaches exactly the first of them."""
    common = distinct_chars(0, 8)
    long_title = distinct_chars(100, 26) + common
    others = [(common + distinct_chars(200 + 10 * k, 1), 2) for k in range(5)]
    graph = task_graph([(long_title, 0), (common, 1), *others])
    expected = pairwise_links(graph)
    concepts.link_similar_titles(graph)
    assert (ID["test/task/0"], ID["test/task/1"]) in expected
    assert links(graph) == expected


def test_overlap_bounds_are_the_dice_bounds():
    """With a ≥ b, Dice ≥ t needs o ≥ t(a+b)/2, and o ≤ b: b ≥ ta/(2−t), so o ≥ ⌈ta/(2−t)⌉
    for any partner and o ≥ ⌈tb⌉ for partners at least as large."""
    t = Fraction(7, 20)
    assert THRESHOLD == 0.35
    for size in range(1, 200):
        assert concepts._min_overlap(size, 1, THRESHOLD) == ceil(t * size / (2 - t))
        assert concepts._min_overlap(size, size, THRESHOLD) == ceil(t * size)


sets = st.lists(st.frozensets(st.sampled_from("abcdefghij"), max_size=8), max_size=25)


@pytest.mark.slow
@settings(deadline=None, max_examples=300)
@given(sets, st.data())
def test_similar_set_pairs_are_all_pairs_at_or_above_the_threshold(items, data):
    pairs = [(i, j) for i, j in combinations(range(len(items)), 2) if items[i] and items[j]]
    # Half the time the threshold is a coefficient that occurs, so some pairs sit exactly on it.
    if pairs and data.draw(st.booleans()):
        i, j = data.draw(st.sampled_from(pairs))
        threshold = 2 * len(items[i] & items[j]) / (len(items[i]) + len(items[j])) or 1.0
    else:
        threshold = data.draw(st.floats(0.01, 1.0))
    dice = {p: 2 * len(items[p[0]] & items[p[1]]) / (len(items[p[0]]) + len(items[p[1]])) for p in pairs}
    expected = {p for p in pairs if dice[p] >= threshold} | {(i, i) for i, s in enumerate(items) if s}
    found = concepts.similar_set_pairs(items, threshold)
    assert len(found) == len(set(found))
    assert set(found) == expected


@pytest.mark.parametrize("threshold", [0, -0.5, 1.5])
def test_thresholds_outside_zero_to_one_are_refused(threshold):
    with pytest.raises(ValueError, match="threshold"):
        concepts.similar_set_pairs([frozenset("ab")], threshold)
