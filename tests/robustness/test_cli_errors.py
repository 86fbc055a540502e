"""Inputs that once ended in a traceback: each now gives one message naming the place, and exit 2."""

from __future__ import annotations

import socket
import threading

from ipgraph.cli import main
from ipgraph.sparql import library
from ipgraph.sparql.results import Result

DEEP = "SELECT * WHERE " + "{" * 100_000 + "?s ?p ?o" + "}" * 100_000


def one_message(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("ipgraph: ")
    return lines[0]


def test_a_query_file_that_is_not_utf8(tmp_path, capsys):
    path = tmp_path / "odd.rq"
    path.write_bytes(b'SELECT * WHERE { ?s ?p "\xff" }')
    assert main(["query", str(path)]) == 2
    assert f"{path}: not UTF-8 text (byte 25)" in one_message(capsys)


def test_a_parameter_that_is_not_utf8(capsys):
    assert main(["query", "department-tasks", "--param", "dept=\udcff"]) == 2
    assert "--param 'dept=\\xff': not valid UTF-8" in one_message(capsys)


def test_a_query_too_deep_for_the_engine_without_a_time_limit(tmp_path, capsys):
    path = tmp_path / "deep.rq"
    path.write_text(DEEP, encoding="utf-8")
    assert main(["query", str(path), "--timeout", "0"]) == 2
    assert "nested very deeply" in one_message(capsys)


def test_running_out_of_memory(monkeypatch, capsys):
    def exhausted(spec: str):
        raise MemoryError

    monkeypatch.setattr(library, "resolve", exhausted)
    assert main(["query", "tasks-per-department"]) == 2
    assert "out of memory" in one_message(capsys)


def test_a_port_in_use(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 2
    assert f"--port {port}: cannot listen there" in one_message(capsys)


def test_the_table_format_is_linear_in_cell_length():
    """A 10 MiB value is cut to one table cell without reading it all, let alone quadratically."""
    result = Result(variables=["v"], rows=[{"v": {"type": "literal", "value": "知" * (10 * 1024 * 1024)}}])
    table: list[str] = []
    worker = threading.Thread(target=lambda: table.append(result.serialize("table")), daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert table, "the table was not written within 10 s"
    assert table[0].splitlines()[2].endswith("…") and len(table[0].splitlines()[2]) <= 31


def test_control_characters_in_a_table_are_shown_escaped():
    result = Result(variables=["v"], rows=[{"v": {"type": "literal", "value": "\x1b]0;owned\x07red"}}])
    table = result.serialize("table")
    assert "\x1b" not in table and "\x07" not in table
    assert "\\x1b]0;owned\\x07red" in table
