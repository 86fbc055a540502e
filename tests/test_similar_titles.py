"""Similar-title links: each task is linked to its best few similar tasks of other documents.

The reference compares every pair of tasks with ``concepts.title_similarity`` (the
definition) and keeps each task's best SIMILAR_TITLE_LINKS; on graphs where no task has
more candidates than the index search reads, the links are exactly these. The real-facts
test reads both documents' titles from their source lines and computes the coefficient itself.
"""

from __future__ import annotations

import re
from itertools import combinations
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
    """Each task's best SIMILAR_TITLE_LINKS similar tasks of other documents (ties by IRI), both ways."""
    tasks = []
    for task in graph.subjects(RDF.type, IPG.Task):
        title, doc = graph.value(task, DCTERMS.title), graph.value(task, IPG.taskList)
        if title is not None and doc is not None:
            tasks.append((task, str(title), doc))
    near: dict = {a: [] for a, _t, _d in tasks}
    for (a, title_a, doc_a), (b, title_b, doc_b) in combinations(tasks, 2):
        score = concepts.title_similarity(title_a, title_b)
        if doc_a != doc_b and score >= THRESHOLD:
            near[a].append((-score, str(b), b))
            near[b].append((-score, str(a), a))
    links = set()
    for a, found in near.items():
        for _score, _iri, b in sorted(found)[: concepts.SIMILAR_TITLE_LINKS]:
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


def test_two_document_build_has_each_tasks_best_links(mixed):
    expected = pairwise_links(mixed)
    assert expected
    assert links(mixed) == expected


@pytest.mark.slow
def test_synthetic_documents_have_each_tasks_best_links(tmp_path):
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


def test_sample_items_link_to_their_most_similar_2021_tasks(mixed):
    lines_2021 = SOURCE.read_text(encoding="utf-8").split("\n")
    lines_plan = SAMPLE.read_text(encoding="utf-8").split("\n")
    tasks = {int(m[1]): m[2].strip().rstrip("。") for line in lines_2021 if (m := LIST_TASK.match(line))}
    items = {int(m[1]): m[2] for line in lines_plan if (m := PLAN_ITEM.match(line))}
    assert (len(tasks), len(items)) == (22, 12)
    similar = {}
    for item, text in items.items():
        x = source_bigrams(text.split("。")[0])
        for number, title in tasks.items():
            y = source_bigrams(title)
            if (score := 2 * len(x & y) / (len(x) + len(y))) >= THRESHOLD:
                similar[(item, number)] = score
    plan = ID["annual-plan-2022"]
    number = lambda task: int(mixed.value(task, IPG.number))  # noqa: E731
    got = {(number(a), number(b)) for a, b in links(mixed) if mixed.value(a, IPG.taskList) == plan}
    assert got <= set(similar)
    # Every item with a similar task is linked to its most similar one, and to at most three of its own choosing.
    for item in {i for i, _n in similar}:
        best = max(s for (i, _n), s in similar.items() if i == item)
        assert any(similar.get((item, n)) == best for i, n in got if i == item)
    # Titles repeated word for word in an item are among the links (深化“一带一路”知识产权合作 …).
    assert {(i, n) for i, text in items.items() for n, title in tasks.items() if title in text} <= got


@pytest.mark.slow
@settings(deadline=None, max_examples=200)
@given(st.lists(st.tuples(st.lists(st.sampled_from(PIECES), max_size=10).map("".join), st.integers(0, 3)), max_size=30))
def test_random_titles_get_each_tasks_best_links(titles):
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


def test_links_grow_with_the_tasks_not_with_the_pairs_of_documents():
    """200 documents with the same five titles: every pair of documents has five similar pairs
    (99 500 links both ways), but each task links only to its best few."""
    titles = [distinct_chars(10 * k, 6) for k in range(5)]
    graph = task_graph([(title, doc) for doc in range(200) for title in titles])
    concepts.link_similar_titles(graph)
    found = links(graph)
    tasks = 5 * 200
    assert len(found) <= 2 * concepts.SIMILAR_TITLE_LINKS * tasks
    linked = {a for a, _b in found}
    assert len(linked) == tasks
    title_of = {ID[f"test/task/{k}"]: k % 5 for k in range(tasks)}
    assert all(title_of[a] == title_of[b] for a, b in found)
