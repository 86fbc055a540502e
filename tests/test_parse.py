"""The 2021 task list parses into the records its text says it holds."""

from __future__ import annotations

import re

import pytest

from ipgraph.errors import SourceError
from ipgraph.ingest.layouts.cnipa_tasklist import split_bodies
from ipgraph.ingest.parse import parse_file


def test_sections_and_tasks_counted_from_the_text(document, source_lines):
    section_lines = [line for line in source_lines if re.match(r"^[一二三四五六七八]、", line)]
    task_lines = [line for line in source_lines if re.match(r"^\d+\. ", line)]
    assert len(document.sections) == len(section_lines) == 8
    assert len(document.tasks) == len(task_lines) == 22
    assert [t.number for t in document.tasks] == list(range(1, 23))


def test_document_title_and_key(document):
    assert document.title == "2021 年推动知识产权高质量发展任务清单"
    assert document.year == 2021
    assert document.key == "cnipa-tasklist-2021"


def test_section_titles_and_membership(document):
    assert document.sections[3].numeral == "四"
    assert document.sections[3].title == "全面加强知识产权保护，促进建设高标准市场体系"
    by_section = {s.number: [t.number for t in document.tasks if t.section == s.number] for s in document.sections}
    assert by_section == {
        1: [1, 2],
        2: [3, 4],
        3: [5, 6, 7, 8],
        4: [9, 10, 11],
        5: [12, 13, 14, 15],
        6: [16, 17],
        7: [18, 19, 20],
        8: [21, 22],
    }


def test_task_titles_lose_only_the_trailing_full_stop(document, source_lines):
    task2 = document.tasks[1]
    assert task2.title == "更高标准推进知识产权强国建设试点示范工作"
    assert source_lines[task2.line - 1].startswith("2. 更高标准推进知识产权强国建设试点示范工作。\t")
    assert all(not t.title.endswith("。") for t in document.tasks)


def test_line_numbers_point_at_the_task_rows(document, source_lines):
    for task in document.tasks:
        assert source_lines[task.line - 1].startswith(f"{task.number}. ")
        for measure in task.measures:
            assert f"<p>{measure.text}</p>" in source_lines[measure.line - 1]


def test_measures_split_per_paragraph_with_their_addressee(document, source_lines):
    paragraphs = sum(line.count("<p>") for line in source_lines)
    assert sum(len(t.measures) for t in document.tasks) == paragraphs == 45
    task1 = document.tasks[0]
    assert [m.actor for m in task1.measures] == ["cnipa", "all-regions", "qualified-regions"]
    assert [m.actor for m in document.tasks[1].measures] == ["cnipa", "all-regions", "relevant-regions"]
    assert [m.actor for m in document.tasks[2].measures] == ["cnipa"]


def test_measure_text_is_kept_exactly(document):
    text = document.tasks[0].measures[1].text
    assert "认真谋划知识产权各项任务 and 指标科学化的实现路径。" in text
    assert text.startswith("各地区要制定本地区落实知识产权强国战略的配套文件")


def test_departments_are_normalised(document):
    task1 = document.tasks[0]
    assert task1.bodies == (
        "办公室",
        "条法司",
        "联席办",
        "战略规划司",
        "保护司",
        "运用促进司",
        "公共服务司",
        "国际合作司",
        "人事司",
        "专利局审查部",
        "专利局自动化部",
        "商标局",
    )
    assert document.tasks[16].bodies == ("公共服务司", "运用促进司")  # "公共服务司、 运用促进司" in the source
    assert document.tasks[4].bodies == ("条法司", "专利局审查部", "专利局自动化部", "商标局")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("专利局审查部、自动化部", ("专利局审查部", "专利局自动化部")),
        ("公共服务司、 运用促进司", ("公共服务司", "运用促进司")),
        ("人事司，商标局", ("人事司", "商标局")),
        ("保护司、保护司", ("保护司",)),
    ],
)
def test_split_bodies(cell, expected):
    assert split_bodies(cell) == expected


def test_completion_times(document):
    by_year_end = [t.number for t in document.tasks if t.completion == "年底前完成"]
    assert by_year_end == [1, 2, 19]
    assert all(t.completion == "年内有阶段性成果" for t in document.tasks if t.number not in by_year_end)


def _write(tmp_path, text: str, encoding: str = "utf-8"):
    path = tmp_path / "doc.txt"
    path.write_bytes(text.encode(encoding))
    return path


def _mutate(source_path, tmp_path, old: str, new: str, count: int = 1):
    text = source_path.read_text(encoding="utf-8")
    assert old in text
    return _write(tmp_path, text.replace(old, new, count))


@pytest.mark.parametrize(
    ("old", "new", "line", "expected"),
    [
        (
            "\t<p>国家知识产权局：健全知识产权评估体系",
            "<p>国家知识产权局：健全知识产权评估体系",
            30,
            "expected 4 tab-separated columns",
        ),
        ("<p>有关地区要紧扣", "<p>有些地区要紧扣", 27, "unknown addressee"),
        ("4. 加快推进知识产权法治实施体系", "3. 加快推进知识产权法治实施体系", 15, "duplicate task number 3"),
        ("\t运用促进司\t年内有阶段性成果\n14.", "\t\t年内有阶段性成果\n14.", 33, "the 责任部门 column is empty"),
        ("<p>国家知识产权局：做好专利法实施细则的修订", "国家知识产权局：做好专利法实施细则的修订", 14, "outside <p>"),
    ],
)
def test_structural_faults_are_rejected_with_the_line(source_path, tmp_path, old, new, line, expected):
    path = _mutate(source_path, tmp_path, old, new)
    with pytest.raises(SourceError) as err:
        parse_file(path)
    assert err.value.line == line
    assert expected in str(err.value)
    assert f"doc.txt:{line}" in str(err.value)


def test_task_before_any_section_is_rejected(source_path, tmp_path):
    path = _mutate(
        source_path, tmp_path, "一、做好知识产权顶层设计，启动实施知识产权强国战略和“十四五”规划\t\t\t\n", ""
    )
    with pytest.raises(SourceError, match="before any section heading") as err:
        parse_file(path)
    assert err.value.line == 8


def test_empty_file_is_rejected(tmp_path):
    with pytest.raises(SourceError, match="empty"):
        parse_file(_write(tmp_path, "\n\n"))


def test_undecodable_bytes_are_rejected(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_bytes(b"\xff\xfe\x00\x41 not text")
    with pytest.raises(SourceError, match="not a text file"):
        parse_file(path)


def test_gb18030_source_gives_the_same_records(source_path, tmp_path, document):
    text = source_path.read_text(encoding="utf-8")
    parsed = parse_file(_write(tmp_path, text, "gb18030"))
    assert parsed.tasks == document.tasks and parsed.sections == document.sections
