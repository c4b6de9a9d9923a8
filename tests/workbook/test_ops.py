"""The workbook operations through the command line's file adapter: repeated marking and
clearing of .xlsm files leaves a package Excel and openpyxl open again."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from gknb.cli import main
from gknb.workbook.contract import MARK_PREFIX, MARKS, TABLE_SHEETS
from gknb.workbook.xlsx import OpenpyxlBook


def _new(tmp_path: Path, name: str) -> Path:
    """A new workbook with one figure typed: many blank cells to mark, but not an empty
    report (which is one error, not a warning per cell)."""
    path = tmp_path / name
    assert main(["new", str(path), "--agency", "测试局", "--year", "2025"]) == 0
    wb = load_workbook(path, keep_vba=path.suffix == ".xlsm")
    wb[TABLE_SHEETS["T3"]]["D6"] = 0  # 本年新收 · 自然人
    wb.save(path)
    return path


@pytest.mark.parametrize("suffix", [".xlsm", ".xlsx"])
def test_mark_clear_mark_accept_clear_keeps_the_package_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], package_check, suffix: str
) -> None:
    """Issue repro: check --mark, clear, check --mark ended in 'There is no item named
    xl/drawings/commentsDrawing1.vml' (the sheet kept a link to the notes' drawing that clear
    had removed); --accept on that file crashed the same way."""
    path = _new(tmp_path, f"a{suffix}")
    assert main(["check", str(path), "--mark", str(path)]) == 0
    assert package_check(path) == []
    assert main(["clear", str(path)]) == 0
    assert package_check(path) == []
    with zipfile.ZipFile(path) as zf:
        assert not [n for n in zf.namelist() if "comment" in n.lower()]
    assert main(["check", str(path), "--mark", str(path)]) == 0
    assert package_check(path) == []
    assert main(["check", str(path), "--accept", "R5a@二、主动公开!B5=本年确实为0"]) == 0
    assert package_check(path) == []
    out = capsys.readouterr().out
    assert "内部错误" not in out and "已核实 1 处" in out
    wb = load_workbook(path)
    ws = wb[TABLE_SHEETS["T2"]]
    assert ws["B5"].comment is None  # settled: no mark
    assert ws["C5"].comment is not None and MARK_PREFIX in ws["C5"].comment.text
    assert main(["clear", str(path)]) == 0
    assert package_check(path) == []
    wb = load_workbook(path)
    notes = [c for s in wb.worksheets for row in s.iter_rows() for c in row if c.comment]
    assert notes == []


def test_a_file_left_with_a_dangling_note_drawing_is_repaired(
    tmp_path: Path, package_check
) -> None:
    """Files an earlier version wrote (a legacyDrawing link to a VML part that is missing) open
    and are written whole again."""
    path = _new(tmp_path, "a.xlsm")
    assert main(["check", str(path), "--mark", str(path)]) == 0
    broken = tmp_path / "broken.xlsm"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():  # what clear used to leave: notes gone, links kept
            if "comments" in item.filename and item.filename.endswith((".xml", ".vml")):
                continue
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/_rels/"):
                data = re.sub(rb"<Relationship[^>]*/comments\"[^>]*/>", b"", data)
            dst.writestr(item, data)
    assert package_check(broken)  # the damage is real
    assert main(["check", str(broken), "--mark", str(broken)]) == 0
    assert package_check(broken) == []
    assert main(["clear", str(broken)]) == 0
    assert package_check(broken) == []


def test_a_drawing_with_form_controls_is_kept(tmp_path: Path) -> None:
    """Only a drawing of notes alone is regenerated; one holding a control stays linked."""
    from gknb.workbook.xlsx import _only_notes

    note = b'<v:shape id="_x0000_s1025" type="#_x0000_t202"><x:ClientData ObjectType="Note"/></v:shape>'
    button = b'<v:shape id="_x0000_s1026" type="#_x0000_t201"><x:ClientData ObjectType="Button"/></v:shape>'
    assert _only_notes(b"<xml>" + note + note + b"</xml>")
    assert _only_notes(b"<xml></xml>")
    assert not _only_notes(b"<xml>" + note + button + b"</xml>")
    picture = b'<v:shape id="_x0000_s1027"><v:imagedata o:relid="rId1"/></v:shape>'
    assert not _only_notes(b"<xml>" + picture + b"</xml>")


def test_marking_a_copy_never_changes_the_original(tmp_path: Path) -> None:
    path = _new(tmp_path, "a.xlsm")
    before = path.read_bytes()
    out = tmp_path / "marked.xlsm"
    assert main(["check", str(path), "--mark", str(out)]) == 0
    assert path.read_bytes() == before
    assert not (tmp_path / "a.备份.xlsm").exists()
    book = OpenpyxlBook(out)
    assert book.last_row(MARKS) > 2
    shutil.copy(out, tmp_path / "again.xlsm")


def test_results_title_says_the_counts_once_and_clear_says_it_is_stale(tmp_path: Path) -> None:
    path = _new(tmp_path, "a.xlsx")
    assert main(["check", str(path), "--mark", str(path)]) == 0
    title = load_workbook(path)["校验结果"]["A1"].value
    assert title.startswith("校验结果：错误 0 处，警告 ") and title.count("：") == 1
    assert main(["clear", str(path)]) == 0
    ws = load_workbook(path)["校验结果"]
    assert ws["A1"].value.startswith("校验结果：标记已清除") and "再点“校验”更新" in ws["A1"].value
    assert ws["A3"].value == 1  # the list (and any 核实 reasons in it) is kept


def test_text_cells_behind_a_broken_name_are_a_chinese_sentence(tmp_path: Path) -> None:
    """生成说明文字 when the name of its cell points at #REF!: the clerk is told to rebuild."""
    from gknb import service
    from gknb.errors import GknbError

    path = _new(tmp_path, "a.xlsx")
    wb = load_workbook(path)
    wb.defined_names["GK_TEXT_3"].attr_text = "#REF!"
    wb.save(path)
    with pytest.raises(GknbError, match="找不到“正文”中放说明文字的单元格（GK_TEXT_3）"):
        service.write_text(path)


def test_text_writing_does_not_hide_a_fault_other_than_a_broken_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a broken name becomes the rebuild advice; any other failure of the name lookup is
    a fault of the program and surfaces as itself."""
    from gknb.workbook import ops
    from gknb.workbook.reader import read_book

    book = OpenpyxlBook(_new(tmp_path, "a.xlsx"))
    report = read_book(book, book.source)

    def broken(name: str) -> None:
        raise KeyError(name)

    monkeypatch.setattr(book, "name_ref", broken)
    with pytest.raises(KeyError):
        ops.write_text(book, report)
