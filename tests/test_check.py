"""ipgraph check: the whole pipeline in one process — build, validate, every named query."""

from __future__ import annotations

import re

import pytest

from ipgraph import paths
from ipgraph.cli import main


@pytest.mark.slow
def test_check_builds_validates_and_runs_every_query(capsys, source_lines):
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    queries = sorted(p.stem for p in paths.QUERIES_DIR.glob("*.rq"))
    assert re.search(r"^build\s+[\d,]+ triples", out, re.M)
    assert re.search(r"^validate\s+conforms", out, re.M)
    assert f"queries   {len(queries)} of {len(queries)} ran" in out
    for name in queries:
        assert re.search(rf"^  {re.escape(name)}: \d+ (rows|triples)$|^  {re.escape(name)}: (yes|no)$", out, re.M), name


def test_check_names_the_failing_source(tmp_path, capsys):
    bad = tmp_path / "empty.txt"
    bad.write_text("", encoding="utf-8")
    assert main(["check", str(bad)]) == 2
    assert str(bad) in capsys.readouterr().err
