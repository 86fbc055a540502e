"""Plain text through ``read_source``: the text as on disk, each line located by its number."""

from __future__ import annotations

import pytest

from ipgraph import paths
from ipgraph.errors import SourceError
from ipgraph.ingest.formats import SourceText, read_source

BUNDLED = paths.SOURCES_DIR / "cnipa-2021-ip-high-quality-development-task-list.txt"


def test_text_file_keeps_its_text_and_locates_every_line():
    source = read_source(BUNDLED)
    assert source.text == BUNDLED.read_text(encoding="utf-8").replace("\r\n", "\n")
    assert len(source.locators) == len(source.lines)
    assert source.locators[4].kind == "text" and source.locators[4].path == "line 5"
    assert source.media_type == "text/plain" and source.metadata == {}


def test_gb18030_text_is_decoded(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes("任务清单\n一、加强保护\n".encode("gb18030"))
    source = read_source(path)
    assert source.encoding == "gb18030" and source.lines[1] == "一、加强保护"


def test_plain_locates_lines_of_a_text_in_memory():
    source = SourceText.plain("mem.txt", "a\nb\nc")
    assert [loc.path for loc in source.locators] == ["line 1", "line 2", "line 3"]


def test_missing_file_names_it(tmp_path):
    with pytest.raises(SourceError, match=r"nothing\.txt: cannot read"):
        read_source(tmp_path / "nothing.txt")
