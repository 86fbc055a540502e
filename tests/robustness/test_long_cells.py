"""Long cells parse in time linear in their length: an unclosed <p> is refused, not searched for ever."""

from __future__ import annotations

import threading

import pytest

from ipgraph.errors import SourceError
from ipgraph.ingest.layouts.cnipa_tasklist import split_measures


def refused_within(cell: str, seconds: float) -> str:
    outcome: list[str] = []

    def parse() -> None:
        try:
            split_measures(cell, "list.txt", 3, 1)
        except SourceError as exc:
            outcome.append(str(exc))

    worker = threading.Thread(target=parse, daemon=True)
    worker.start()
    worker.join(timeout=seconds)
    assert outcome, f"not refused within {seconds} s"
    return outcome[0]


@pytest.mark.parametrize("opened", [20_000, 200_000])
def test_many_unclosed_paragraphs_are_refused_at_once(opened):
    cell = "<p>国家知识产权局：加强保护</p>" + "<p>各地区：推进" * opened
    message = refused_within(cell, 10)
    assert "list.txt:3" in message and "text outside <p>…</p>" in message


@pytest.mark.slow
def test_one_unclosed_paragraph_of_ten_mebibytes_is_refused():
    cell = "<p>国家知识产权局：加强保护</p><p>各地区：" + "推进" * (5 * 1024 * 1024)
    assert "text outside <p>…</p>" in refused_within(cell, 30)


def test_a_paragraph_opened_inside_another_is_refused():
    with pytest.raises(SourceError, match="text outside"):
        split_measures("<p>国家知识产权局：甲<p>各地区：乙</p>", "list.txt", 3, 1)
