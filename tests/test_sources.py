"""One way in: the suffix table, the folder walk every command uses, reading any file."""

from pathlib import Path

import pytest

from gknb import cli
from gknb.errors import GknbError
from gknb.reader import SUFFIXES
from gknb.sources import collect, read


def test_a_folder_gives_every_kind_the_readers_read_and_the_old_kinds(tmp_path: Path):
    names = [f"r{i}{suffix}" for i, suffix in enumerate((*SUFFIXES, ".xlsx", ".xlsm", ".xls"))]
    for name in [*names, "notes.csv", "~$r.xlsx", ".hidden.txt"]:
        (tmp_path / name).write_text("x")
    found = collect([tmp_path])
    assert sorted(d for _, d in found.files) == sorted(names)
    assert found.skipped_other == 1
    for suffix in (".xhtml", ".shtml", ".markdown", ".xls"):
        assert any(d.endswith(suffix) for _, d in found.files)


def test_check_and_review_walk_a_folder_alike(tmp_path: Path):
    for name in ("b.txt", "a/第10号.html", "a/第2号.docx", "x.xls", "y.备份.xlsx"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    reviewed = [p for p, _ in collect([tmp_path]).files]
    assert cli._expand([str(tmp_path)]) == reviewed
    assert [p.relative_to(tmp_path).as_posix() for p in reviewed] == [
        "a/第2号.docx", "a/第10号.html", "b.txt", "x.xls",
    ]  # fmt: skip


def test_an_old_workbook_is_named_with_what_to_do(tmp_path: Path):
    path = tmp_path / "旧.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(GknbError, match="另存为"):
        read(path)


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        (KeyError("word/document.xml"), "文件可能已损坏，或内容与扩展名不符（KeyError）"),
        (PermissionError(13, "Permission denied"), "没有读取权限"),
        (EOFError("Compressed file ended before the end-of-stream marker"), "另存一份"),
    ],
)
def test_a_failure_no_reader_anticipated_is_one_chinese_line(tmp_path, monkeypatch, fault, words):
    """Whatever a library raises while reading becomes that file's line: what may be wrong and
    what to do, in Chinese; the library's English stays behind --debug."""
    import gknb.reader

    def failing(path: Path) -> None:
        raise fault

    monkeypatch.setattr(gknb.reader, "read_report", failing)
    path = tmp_path / "报告.docx"
    path.write_bytes(b"PK")
    with pytest.raises(GknbError, match=words) as refused:
        read(path)
    said = str(refused.value)
    assert said.startswith(("报告.docx", "无法读取 报告.docx"))
    assert "Permission denied" not in said and "end-of-stream" not in said
    assert refused.value.__cause__ is fault  # --debug shows it
