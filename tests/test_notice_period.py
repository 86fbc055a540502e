"""A document's period from its notice when its title gives none (tests/fixtures/notice-period/).

Both test documents are titled 知识产权服务业发展推进计划（测试）, with no year:

- plan-quoted.txt: the notice, dated 2033-12-20, issues it as 现将《2034年…》印发给你们 —
  the quoted title's year wins over the date; it repeats the 2033 edition's six tasks
  word for word and adds a seventh (statistics training, 国家统计局);
- plan-dated.txt: the notice quotes no title; its date, 2035-02-10, gives the period.

Built with the three editions of tests/fixtures/series/, they are its fourth and fifth.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from ipgraph import network
from ipgraph.graph.build import build_sources
from ipgraph.graph.namespaces import ELI, ID, IPG, PROV
from ipgraph.graph.series import series_iri, series_name
from ipgraph.ingest.parse import parse_file
from ipgraph.ingest.reader.notice import notice_period
from ipgraph.ingest.records import Notice
from ipgraph.network.periods import figures, period_graphs
from ipgraph.shacl import validate
from ipgraph.sparql.store import EmbeddedStore

HERE = Path(__file__).parent / "fixtures"
NOTICE = HERE / "notice-period"
SERIES = HERE / "series"
GYEAR = URIRef("http://www.w3.org/2001/XMLSchema#gYear")


@pytest.fixture(scope="module")
def graph():
    return build_sources(sorted(SERIES.glob("*.txt")) + sorted(NOTICE.glob("*.txt")))


def test_the_reader_takes_the_period_from_the_notice():
    quoted, dated = parse_file(NOTICE / "plan-quoted.txt"), parse_file(NOTICE / "plan-dated.txt")
    assert quoted.title == dated.title == "知识产权服务业发展推进计划（测试）"
    assert quoted.period is None and dated.period is None  # the title says nothing
    assert (quoted.notice.issued, quoted.notice.period) == ("2033-12-20", (2034, 2034))
    assert (dated.notice.issued, dated.notice.period) == ("2035-02-10", (2035, 2035))


@pytest.mark.parametrize(
    ("notice", "sentences", "expected"),
    [
        (Notice(title="某局关于印发《2021—2022年全国知识产权行政保护工作方案》的通知"), [], (2021, 2022)),
        (Notice(issued="2024-01-05"), ["经研究同意，现将《2025年度知识产权工作要点》印发给你们。"], (2025, 2025)),
        (Notice(issued="2024-01-05"), ["现将《知识产权工作要点》印发给你们。"], (2024, 2024)),
        (Notice(metadata=(("成文日期", "2025年03月20日"),)), [], (2025, 2025)),
        (Notice(), ["特此通知。"], None),
    ],
)
def test_notice_period(notice, sentences, expected):
    assert notice_period(notice, sentences) == expected


def test_series_name_without_any_year():
    assert series_name("知识产权服务业发展推进计划（测试）") == "知识产权服务业发展推进计划"
    assert series_name("广东省2023年度知识产权工作要点") == "广东省知识产权工作要点"


def test_documents_without_a_year_in_the_title_join_their_series(graph):
    series = series_iri("知识产权服务业发展推进计划")
    members = sorted(graph.subjects(ELI.is_member_of, series), key=lambda d: int(graph.value(d, IPG.edition)))
    names = [str(d).rsplit("/", 1)[-1] for d in members]
    assert names == ["annual-plan-2031", "annual-plan-2032", "annual-plan-2033", "plan-quoted", "plan-dated"]
    for year, doc in zip((2034, 2035), members[3:], strict=True):
        assert (
            graph.value(doc, IPG.periodStart) == Literal(str(year), datatype=GYEAR) == graph.value(doc, IPG.periodEnd)
        )
    assert graph.value(ID["plan-quoted"], PROV.wasRevisionOf) == ID["annual-plan-2033"]
    assert graph.value(ID["plan-dated"], PROV.wasRevisionOf) == ID["plan-quoted"]


def test_the_new_editions_are_aligned_and_networked(graph):
    # 2033 → 2034: the six tasks continue word for word, task 7 is new
    changes = [c for c in graph.subjects(IPG.fromEdition, ID["annual-plan-2033"])]
    kinds = sorted(str(graph.value(c, IPG.change)) for c in changes)
    assert kinds == ["continued"] * 6 + ["new"]
    rows = figures(period_graphs(network.store_runner(EmbeddedStore.from_rdflib(graph)), "year"))
    assert [r["period"] for r in rows] == ["2031", "2032", "2033", "2034", "2035"]
    assert (rows[3]["gained"], rows[3]["lost"]) == (["国家统计局"], [])
    # 2035 keeps tasks 1, 2 and 6 of 2034: 国家知识产权局 with 市场监管总局 and 国家发展改革委
    assert (rows[4]["nodes"], rows[4]["edges"], rows[4]["centralisation"]) == (3, 2, 1.0)


def test_the_five_editions_conform_to_the_shapes(graph):
    report = validate(graph, engine="fast")
    assert report.conforms, report.text()
    assert {v.severity for v in report.violations} <= {"Warning"}  # only the addressee's and issuer's English names
