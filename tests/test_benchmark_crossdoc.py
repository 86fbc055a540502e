"""The multi-document benchmark: a small real run, its exponent, and its section of RESULTS.md."""

from __future__ import annotations

import math

import pytest

from benchmarks import crossdoc


@pytest.mark.slow
def test_a_small_scale_builds_bounded_links_and_aligned_editions(tmp_path):
    row = crossdoc.measure(48_000, tmp_path, repeats=1)
    # Ten regional series of yearly editions: from the eleventh document on, editions have a predecessor.
    assert row["documents"] > 10
    assert 0 < row["title_links"] <= 2 * 3 * row["tasks"]
    assert row["changes"] > 0
    assert row["build"] > row["cross_document"] > 0


def test_exponent_and_table():
    rows = [
        {
            "triples": 100_000,
            "documents": 80,
            "tasks": 1_800,
            "title_links": 9_000,
            "changes": 2_000,
            "build": 10.0,
            "cross_document": 3.0,
            "repeats": 1,
            "load": (1.5, 2.5),
        },
        {
            "triples": 1_000_000,
            "documents": 800,
            "tasks": 18_000,
            "title_links": 90_000,
            "changes": 20_000,
            "build": 120.0,
            "cross_document": 30.0,
            "repeats": 1,
            "load": (2.0, 4.0),
        },
    ]
    assert crossdoc.exponent(rows, "cross_document") == 1.0
    assert math.isclose(crossdoc.exponent(rows, "build"), math.log10(12))
    table = crossdoc.markdown(rows)
    # 10 s per 100 k triples is 0.1 ms per triple, 100 ms per 1 k; 120 s per 1 M is 1.2 times that.
    assert "| 1,000,000 | 800 | 18,000 | 90,000 | 20,000 | 120.00 s | 120.0 ms | 1.20 | 30.00 s |" in table
    assert "| 100,000 | 80 | 1,800 | 9,000 | 2,000 | 10.00 s | 100.0 ms | 1.00 | 3.00 s |" in table
    assert "Load average (1 min) around the builds: 1.5–4.0" in table
    assert "whole build 1.08, cross-document steps 1.00" in table


def test_the_suite_keeps_the_section():
    old = crossdoc.replace_section("# Results\n\nold tables\n", "| table |\n")
    assert old.count(crossdoc.START) == 1 and "| table |" in old
    new = crossdoc.keep_section(old, "# Results\n\nnew tables\n")
    assert "new tables" in new and "| table |" in new and "old tables" not in new
    assert crossdoc.replace_section(new, "| other |\n").count("| table |") == 0
