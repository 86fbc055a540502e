"""Recoverable oddities give the same graph as the clean source; encodings are detected or refused by line."""

from __future__ import annotations

import codecs
import re

import pytest

from ipgraph.cli import main
from ipgraph.errors import SourceError
from ipgraph.ingest.layouts.cnipa_tasklist import numeral_text, numeral_value
from ipgraph.ingest.parse import parse_file

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _task_number_full_width(text: str) -> str:
    return re.sub(r"(?m)^(\d+)\. ", lambda m: m[1].translate(FULL_WIDTH) + "．", text)


def _title_year_full_width(text: str) -> str:
    return text.replace("2021 年推动", "２０２１ 年推动", 1)


def _trailing_spaces(text: str) -> str:
    return "\n".join(line + (" \t" if line else "") for line in text.split("\n"))


def _half_width_colon(text: str) -> str:
    return text.replace("<p>国家知识产权局：", "<p>国家知识产权局:")


def _padded_cells(text: str) -> str:
    """Half- and full-width spaces around cells and inside paragraphs."""
    text = text.replace("\t", " \t\u3000").replace("<p>", "<p> ").replace("</p>", "\u3000</p>")
    return text


ODDITIES = {
    "crlf": lambda t: t.replace("\n", "\r\n"),
    "trailing-spaces-and-tabs": _trailing_spaces,
    "half-width-colon": _half_width_colon,
    "full-width-task-numbers": _task_number_full_width,
    "full-width-year": _title_year_full_width,
    "half-width-spaces-after-numbers": lambda t: re.sub(r"(?m)^(\d+)\. ", r"\1.", t),
    "ideographic-comma-after-numbers": lambda t: re.sub(r"(?m)^(\d+)\. ", r"\1、", t),
    "padded-cells-and-paragraphs": _padded_cells,
}
ENCODINGS = {
    "utf-8": "utf-8",
    "utf-8-bom": "utf-8-sig",
    "gb18030": "gb18030",
    "utf-16-bom": "utf-16",
}


@pytest.mark.slow
@pytest.mark.parametrize("oddity", ODDITIES)
def test_recoverable_oddity_gives_the_same_graph(oddity, source_text, tmp_path, built_turtle, clean_turtle):
    mutated = ODDITIES[oddity](source_text)
    assert mutated != source_text
    path = tmp_path / "doc.txt"
    path.write_bytes(mutated.encode("utf-8"))
    assert built_turtle(parse_file(path)) == clean_turtle


@pytest.mark.slow
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_encodings_are_detected_and_give_the_same_graph(encoding, source_text, tmp_path, built_turtle, clean_turtle):
    path = tmp_path / "doc.txt"
    path.write_bytes(source_text.encode(ENCODINGS[encoding]))
    assert built_turtle(parse_file(path)) == clean_turtle


@pytest.mark.slow
def test_all_oddities_at_once_in_gb18030(source_text, tmp_path, built_turtle, clean_turtle):
    text = source_text
    for name, oddity in ODDITIES.items():
        if name != "crlf":
            text = oddity(text)
    text = ODDITIES["crlf"](text)
    path = tmp_path / "doc.txt"
    path.write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))
    assert built_turtle(parse_file(path)) == clean_turtle
    path.write_bytes(text.encode("gb18030"))
    assert built_turtle(parse_file(path)) == clean_turtle


def test_the_recorded_digest_is_of_the_bytes_on_disk(source_text, tmp_path):
    import hashlib

    path = tmp_path / "doc.txt"
    data = source_text.replace("\n", "\r\n").encode("gb18030")
    path.write_bytes(data)
    assert parse_file(path).sha256 == hashlib.sha256(data).hexdigest()


def test_gbk_named_with_encoding_option(source_text, tmp_path, built_turtle, clean_turtle):
    path = tmp_path / "doc.txt"
    path.write_bytes(source_text.encode("gbk"))
    assert built_turtle(parse_file(path, encoding="gbk")) == clean_turtle


def _line_of(text: str, needle: str) -> int:
    """1-based number of the first line containing needle, found independently of the parser."""
    return next(n for n, line in enumerate(text.split("\n"), start=1) if needle in line)


def _expect_error(path, line: int | None, *phrases: str, encoding: str | None = None) -> SourceError:
    with pytest.raises(SourceError) as err:
        parse_file(path, encoding=encoding)
    assert err.value.line == line
    for phrase in phrases:
        assert phrase in str(err.value)
    return err.value


def test_utf8_file_with_one_gb18030_line_names_that_line(source_text, tmp_path):
    needle = "5. 健全知识产权保护运用政策体系"
    lines = source_text.split("\n")
    bad = _line_of(source_text, "5. ")
    data = b"\n".join(
        line.encode("gb18030") if n == bad else line.encode("utf-8") for n, line in enumerate(lines, start=1)
    )
    assert needle.split()[0] in lines[bad - 1]
    path = tmp_path / "doc.txt"
    path.write_bytes(data)
    _expect_error(path, bad, "not valid UTF-8", "mixed encodings")


def test_gb18030_file_with_one_utf8_line_names_that_line(source_text, tmp_path):
    lines = source_text.split("\n")
    bad = _line_of(source_text, "9. ")
    data = b"\n".join(
        line.encode("utf-8") if n == bad else line.encode("gb18030") for n, line in enumerate(lines, start=1)
    )
    path = tmp_path / "doc.txt"
    path.write_bytes(data)
    _expect_error(path, bad, "this line is UTF-8", "mixed encodings")


def test_file_truncated_inside_a_character(source_bytes, tmp_path):
    cut = len(source_bytes.rstrip()) - 1  # inside the last (three-byte) character
    data = source_bytes[:cut]
    path = tmp_path / "doc.txt"
    path.write_bytes(data)
    last_line = data.count(b"\n") + 1
    _expect_error(path, last_line, "truncated")


@pytest.mark.parametrize(
    ("data", "line", "phrase"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 3, "not a text file"),
        (b"%PDF-1.7\n\xe2\xe3\xcf\xd3\n\x80\xff\xff\x80", 3, "not a text file in a known encoding"),
        (b"2021 \xe5\xb9\xb4\n\x01\x02\x03 text", 2, "control character U+0001 at column 1"),
        (b"\xff\xfe\x00\xd8 broken utf-16", 1, "not a text file"),
    ],
)
def test_binary_files_are_refused_with_the_line(tmp_path, data, line, phrase):
    path = tmp_path / "doc.txt"
    path.write_bytes(data)
    _expect_error(path, line, phrase)


def test_wrong_encoding_named_explicitly(source_text, tmp_path):
    path = tmp_path / "doc.txt"
    path.write_bytes(source_text.encode("gb18030"))
    _expect_error(path, _line_of(source_text, "附件"), "not valid utf-8", encoding="utf-8")
    _expect_error(path, None, "unknown encoding 'klingon'", encoding="klingon")


@pytest.mark.slow
def test_build_with_encoding_option_and_a_bad_source_on_the_command_line(source_text, tmp_path, capsys):
    good = tmp_path / "gbk.txt"
    good.write_bytes(source_text.encode("gbk"))
    out = tmp_path / "out.ttl"
    assert main(["build", str(good), "--encoding", "gbk", "-o", str(out)]) == 0
    before = out.read_bytes()
    bad = tmp_path / "bad.txt"
    bad.write_bytes(source_text.replace("<p>各地区", "<p>某地区", 1).encode("utf-8"))
    assert main(["build", str(bad), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"bad.txt:{_line_of(source_text, '<p>各地区')}" in err
    assert "unknown addressee" in err and "Traceback" not in err
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.txt", "gbk.txt", "out.ttl", "out.ttl.store"]


@pytest.mark.parametrize(
    ("numeral", "value"),
    [("一", 1), ("九", 9), ("十", 10), ("十一", 11), ("十九", 19), ("二十", 20), ("二十三", 23), ("九十九", 99)],
)
def test_section_numerals(numeral, value):
    assert numeral_value(numeral) == value
    assert numeral_text(value) == numeral


@pytest.mark.parametrize("numeral", ["一一", "十十", "一十", "二二十", "十一一", "", "零"])
def test_not_section_numerals(numeral):
    assert numeral_value(numeral) is None


def test_a_bad_section_numeral_is_rejected_with_the_line(source_text, tmp_path):
    path = tmp_path / "doc.txt"
    path.write_text(source_text.replace("\n二、", "\n二二、", 1), encoding="utf-8")
    _expect_error(path, _line_of(source_text, "二、"), "'二二' is not a section numeral")
