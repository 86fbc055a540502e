"""Series, editions and task alignment on three test editions written for it (tests/fixtures/series/).

What changed between the editions, as written:

2031 → 2032: tasks 1, 4, 5 continue word for word (as 1, 5, 6); task 2 is reworded (行业 → 市场,
按季度) and its lead moves from 知识产权局 to 市场监管总局; task 3 (patent and trademark search
guides) splits into 3 (patents) and 4 (trademarks); task 6 (open days, 教育部) is dropped; task 7
(service-export statistics, 国家统计局) is new.

2032 → 2033: tasks 1, 2 continue; 3 and 4 merge into 3; 5 continues as 4 with its lead moving
from 人力资源社会保障部 to 知识产权局; 6 is reworded as 5; 7 is dropped; 6 (service clusters,
国家发展改革委) is new.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from ipgraph.cli import main
from ipgraph.export.diff import diff_data, render
from ipgraph.graph import alignment, concepts
from ipgraph.graph.build import build_sources
from ipgraph.graph.namespaces import ELI, ID, IPG, PROV, RDF
from ipgraph.graph.series import parse_title, series_iri

GYEAR = URIRef("http://www.w3.org/2001/XMLSchema#gYear")
SERIES = Path(__file__).parent / "fixtures" / "series"
EDITIONS = ["annual-plan-2031", "annual-plan-2032", "annual-plan-2033"]
WRITTEN = {
    ("annual-plan-2031", "annual-plan-2032"): {
        ("continued", (1,), (1,)),
        ("reworded", (2,), (2,)),
        ("split", (3,), (3, 4)),
        ("continued", (4,), (5,)),
        ("continued", (5,), (6,)),
        ("dropped", (6,), ()),
        ("new", (), (7,)),
    },
    ("annual-plan-2032", "annual-plan-2033"): {
        ("continued", (1,), (1,)),
        ("continued", (2,), (2,)),
        ("merged", (3, 4), (3,)),
        ("continued", (5,), (4,)),
        ("reworded", (6,), (5,)),
        ("dropped", (7,), ()),
        ("new", (), (6,)),
    },
}
LEADS = {
    ("annual-plan-2031", "annual-plan-2032"): [(2, 2, "知识产权局", "市场监管总局")],
    ("annual-plan-2032", "annual-plan-2033"): [(5, 4, "人力资源社会保障部", "知识产权局")],
}
BODIES = {
    ("annual-plan-2031", "annual-plan-2032"): (["国家统计局"], ["教育部"]),
    ("annual-plan-2032", "annual-plan-2033"): (["国家发展改革委"], ["国家统计局"]),
}


@pytest.fixture(scope="module")
def graph():
    return build_sources(sorted(SERIES.glob("*.txt")))


def numbers(graph, tasks) -> tuple[int, ...]:
    return tuple(sorted(int(graph.value(t, IPG.number)) for t in tasks))


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("2021 年推动知识产权高质量发展任务清单", ("推动知识产权高质量发展任务清单", 2021, 2021)),
        ("2022年知识产权强国建设纲要实施推进计划（样例）", ("知识产权强国建设纲要实施推进计划", 2022, 2022)),
        ("2021—2022年全国知识产权行政保护工作方案", ("全国知识产权行政保护工作方案", 2021, 2022)),
        ("2023年度广东省知识产权工作要点", ("广东省知识产权工作要点", 2023, 2023)),
        ("关于印发工作要点的通知", None),
    ],
)
def test_series_and_period_from_the_title(title, expected):
    assert parse_title(title) == expected


def test_three_editions_form_one_series_in_period_order(graph):
    series = series_iri("知识产权服务业发展推进计划")
    assert (series, RDF.type, IPG.Series) in graph
    members = sorted(graph.subjects(ELI.is_member_of, series), key=lambda d: int(graph.value(d, IPG.edition)))
    assert [str(d).rsplit("/", 1)[-1] for d in members] == EDITIONS
    for year, doc in zip((2031, 2032, 2033), members, strict=True):
        assert graph.value(doc, IPG.periodStart) == Literal(str(year), datatype=GYEAR)
        assert graph.value(doc, IPG.periodEnd) == Literal(str(year), datatype=GYEAR)
    assert [graph.value(b, PROV.wasRevisionOf) for b in members] == [None, *members[:2]]


def test_alignment_in_the_graph_matches_what_was_written(graph):
    for (old, new), written in WRITTEN.items():
        changes = [c for c in graph.subjects(IPG.fromEdition, ID[old]) if graph.value(c, IPG.toEdition) == ID[new]]
        groups: dict[tuple, set] = {}
        for node in changes:
            kind = str(graph.value(node, IPG.change))
            before, after = graph.value(node, IPG.fromTask), graph.value(node, IPG.toTask)
            groups.setdefault((kind, before if kind in ("split", "dropped") else after), set()).add((before, after))
        found = set()
        for (kind, _key), pairs in groups.items():
            olds = numbers(graph, {a for a, _b in pairs if a is not None})
            news = numbers(graph, {b for _a, b in pairs if b is not None})
            found.add((kind, olds, news))
        assert found == written


def test_matched_tasks_are_revisions_with_evidence(graph):
    task = lambda doc, n: ID[f"{doc}/task/{n}"]  # noqa: E731
    assert set(graph.objects(task("annual-plan-2032", 3), PROV.wasRevisionOf)) == {task("annual-plan-2031", 3)}
    assert set(graph.objects(task("annual-plan-2033", 3), PROV.wasRevisionOf)) == {
        task("annual-plan-2032", 3),
        task("annual-plan-2032", 4),
    }
    node = URIRef(f"{task('annual-plan-2032', 1)}/change/annual-plan-2031-1")
    assert graph.value(node, IPG.score).toPython() == 1
    assert graph.value(node, IPG.textSimilarity).toPython() == 1
    assert graph.value(node, IPG.sharedBodies).toPython() == 1
    dropped = URIRef(f"{task('annual-plan-2031', 6)}/change/dropped")
    assert str(graph.value(dropped, IPG.change)) == "dropped" and graph.value(dropped, IPG.toTask) is None


def test_threshold_separates_the_written_matches_from_every_other_pair(graph):
    """The documented threshold, validated: each written match scores well above it, every other pair well below."""
    for (old, new), written in WRITTEN.items():
        before, after = alignment.task_infos(graph, ID[old]), alignment.task_infos(graph, ID[new])
        matched = {(a, b) for kind, olds, news in written for a in olds for b in news}
        scores = {(x.number, y.number): alignment.evidence(x, y).score for x in before for y in after}
        assert min(scores[p] for p in matched) >= alignment.MATCH_THRESHOLD + 0.2
        assert max(s for p, s in scores.items() if p not in matched) <= alignment.MATCH_THRESHOLD - 0.2


def test_candidates_are_bounded_per_task():
    """500 identical targets: each query still gets only CANDIDATES of them; a small set gets all."""
    same = frozenset({"甲乙", "乙丙"})
    assert len(list(concepts.candidate_pairs([same, same], [same] * 500))) == 2 * concepts.CANDIDATES
    assert list(concepts.candidate_pairs([same], [same, frozenset({"丙丁"}), same])) == [(0, 0), (0, 2)]


# --- ipgraph diff ---------------------------------------------------------------------


@pytest.mark.parametrize(("old", "new"), list(pairwise(EDITIONS)))
def test_diff_reports_what_was_written(graph, old, new):
    data = diff_data(graph, ID[old], ID[new])
    found = {
        (c["kind"], tuple(t["number"] for t in c["old"]), tuple(t["number"] for t in c["new"])) for c in data["changes"]
    }
    assert found == WRITTEN[(old, new)]
    assert (data["bodies_gained"], data["bodies_lost"]) == BODIES[(old, new)]
    leads = [(x["old"], x["new"], x["old_lead"], x["new_lead"]) for x in data["leads_changed"]]
    assert leads == LEADS[(old, new)]
    assert sum(data["summary"].values()) == len(data["changes"])


def test_diff_text_shows_source_lines_side_by_side(capsys):
    files = [str(SERIES / "plan-2031.txt"), str(SERIES / "plan-2032.txt")]
    assert main(["diff", *files]) == 0
    out = capsys.readouterr().out
    lines_2031 = (SERIES / "plan-2031.txt").read_text(encoding="utf-8").splitlines()
    lines_2032 = (SERIES / "plan-2032.txt").read_text(encoding="utf-8").splitlines()
    # The split task: line 7 of 2031 becomes lines 7 and 8 of 2032.
    assert lines_2031[6].startswith("3.") and lines_2032[6].startswith("3.") and lines_2032[7].startswith("4.")
    split = out.index("Split (1):")
    assert "L7 3. 编制专利和商标检索分析指南" in out[split:] and "L8 4. 编制商标检索分析指南" in out[split:]
    assert "Bodies gained: 国家统计局" in out and "Bodies lost: 教育部" in out
    assert "2 → 2. " in out and "知识产权局 → 市场监管总局" in out


@pytest.mark.slow
def test_diff_json_and_html(tmp_path, graph):
    path = tmp_path / "series.ttl"
    graph.serialize(path, format="turtle")
    out = tmp_path / "diff.json"
    assert (
        main(["diff", "annual-plan-2032", "annual-plan-2033", "--graph", str(path), "-f", "json", "-o", str(out)]) == 0
    )
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["summary"] == {"continued": 3, "reworded": 1, "split": 0, "merged": 1, "new": 1, "dropped": 1}

    rows = []

    class Rows(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "tr" and dict(attrs).get("class"):
                rows.append(dict(attrs)["class"])

    Rows().feed(render(data, "html"))
    assert sorted(rows) == sorted(c["kind"] for c in data["changes"])


def test_diff_of_an_unknown_document_is_one_clear_error(capsys):
    assert main(["diff", "annual-plan-1999", "cnipa-tasklist-2021"]) == 2
    err = capsys.readouterr().err
    assert "no document 'annual-plan-1999'" in err and "cnipa-tasklist-2021" in err
