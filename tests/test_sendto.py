"""Explorer's 发送到 path (gknb.sendto), end to end through the engine's entry point
(`gknb-excel --sendto ...`): a closed workbook in, the marked workbook (with its backup) and a
summary out. The Windows message box and opening the file are the only parts not run here."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from gknb import excel, launch, sendto, service
from gknb.files import backup_path
from gknb.model import Severity
from gknb.workbook.contract import COLORS
from gknb.workbook.marks import parse_address

WRONG_TOTAL = ("T3", "r7_total", "natural")
MakeBook = Callable[..., Path]


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "政府信息公开年报 &%PATH%^!𠀀"
    folder.mkdir()
    return folder


def _broken(make_book: MakeBook, folder: Path, name: str = "本局 2025年报.xlsx") -> Path:
    path = make_book(overrides={WRONG_TOTAL: 99999}, name=name)
    return path.rename(folder / name)


def _fill_of(path: Path, key: tuple[str, str, str]) -> str:
    report = service.read_workbook(path)
    sheet, row, col = parse_address(report.locations[key])
    wb = openpyxl.load_workbook(path)
    return str(wb[sheet].cell(row, col).fill.fgColor.rgb)[-6:]


def _result_args(result: Path) -> list[str]:
    return [f"--result={result}", "--no-open"]


def _sendto(*args: str, result: Path) -> tuple[int, str]:
    code = excel.main(["--sendto", *args, "--result", str(result), "--no-open"])
    return code, launch.read_result(result)


def test_check_marks_the_closed_workbook_in_place_through_the_engine(
    make_book: MakeBook, tmp_path: Path
) -> None:
    folder = _folder(tmp_path)
    book = _broken(make_book, folder)
    original = book.read_bytes()
    result = folder / "答复.txt"
    proc = subprocess.run(
        [sys.executable, "-m", "gknb.excel", "--sendto", "check", str(book), *_result_args(result)],
        capture_output=True,
        timeout=120,
        env=dict(os.environ, PYTHONIOENCODING="ascii"),
    )
    assert proc.returncode == launch.EXIT_OK, proc.stderr
    answer = launch.read_result(result)
    assert answer.startswith("本局 2025年报.xlsx：错误 1 处，警告 0 处，提示 0 处")
    assert "问题已在工作簿中标色并加批注（原文件备份为 本局 2025年报.备份.xlsx）" in answer
    assert _fill_of(book, WRONG_TOTAL) == COLORS["error"]
    assert backup_path(book).read_bytes() == original
    findings = service.check(service.read_workbook(book))
    assert any(f.severity is Severity.ERROR for f in findings)  # marking changed no value


def test_check_of_a_consistent_workbook_says_so(make_book: MakeBook, tmp_path: Path) -> None:
    book = make_book(name="好.xlsx")
    code, answer = _sendto("check", str(book), result=tmp_path / "r.txt")
    assert code == 0 and answer == "好.xlsx：错误 0 处，警告 0 处，提示 0 处。没有需要改正的地方。"


def test_fill_writes_totals_with_a_backup(make_book: MakeBook, tmp_path: Path) -> None:
    book = _broken(make_book, _folder(tmp_path))
    code, answer = _sendto("fill", str(book), result=tmp_path / "r.txt")
    assert code == 0
    assert (
        answer.startswith("本局 2025年报.xlsx：已填充 ")
        and "备份为 本局 2025年报.备份.xlsx" in answer
    )
    findings = service.check(service.read_workbook(book))
    assert not [f for f in findings if f.severity is Severity.ERROR]
    assert backup_path(book).exists()


def test_export_asks_while_errors_remain_and_exports_when_told(
    make_book: MakeBook, tmp_path: Path
) -> None:
    folder = _folder(tmp_path)
    book = _broken(make_book, folder)
    code, answer = _sendto("export", str(book), result=tmp_path / "r.txt")
    assert code == launch.EXIT_CONFIRM and "仍然按现状导出 Word 吗？" in answer
    assert not list(folder.glob("*.docx"))
    code, answer = _sendto("export", "--force", str(book), result=tmp_path / "r2.txt")
    (doc,) = folder.glob("*.docx")
    assert code == 0 and answer.startswith(f"本局 2025年报.xlsx：已导出 Word：{doc}")


def test_export_asks_through_the_desktop_when_there_is_one(
    make_book: MakeBook, tmp_path: Path
) -> None:
    folder = _folder(tmp_path)
    book = _broken(make_book, folder)
    asked: list[str] = []
    no = sendto.run_one("export", book, False, lambda q: asked.append(q) or False)
    assert no.code == 0 and no.text.endswith("未导出。") and len(asked) == 1
    yes = sendto.run_one("export", book, False, lambda q: True)
    (doc,) = folder.glob("*.docx")
    assert yes.code == 0 and yes.opens == [doc]


@pytest.mark.parametrize("lock", ["~${name}", "~${short}", ".~{name}", ".~lock.{name}#"])
def test_a_workbook_open_in_excel_wps_or_libreoffice_is_left_alone(
    make_book: MakeBook, tmp_path: Path, lock: str
) -> None:
    folder = _folder(tmp_path)
    book = _broken(make_book, folder)
    (folder / lock.format(name=book.name, short=book.name[2:])).write_bytes(b"owner")
    before = book.read_bytes()
    for verb in ("check", "fill", "export"):
        code, answer = _sendto(verb, str(book), result=tmp_path / f"{verb}.txt")
        assert code == launch.EXIT_USER_ERROR
        assert answer.startswith("本局 2025年报.xlsx 正在 Excel 或 WPS 中打开。请先保存并关闭它")
    assert book.read_bytes() == before
    assert not backup_path(book).exists() and not list(folder.glob("*.docx"))


def test_one_bad_file_does_not_spoil_the_others(make_book: MakeBook, tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    book = _broken(make_book, folder)
    junk = folder / "不是年报.xlsx"
    junk.write_bytes(b"not a zip")
    missing = folder / "没有这个文件.xlsx"
    code, answer = _sendto("check", str(junk), str(book), str(missing), result=tmp_path / "r.txt")
    lines = answer.splitlines()
    assert code == launch.EXIT_USER_ERROR and len(lines) == 3
    assert lines[0].startswith("不是年报.xlsx")
    assert lines[1].startswith("本局 2025年报.xlsx：错误 1 处，警告 0 处，提示 0 处")
    assert lines[2] == f"找不到文件 {missing}。"
    assert _fill_of(book, WRONG_TOTAL) == COLORS["error"]


def test_a_document_that_is_no_report_is_answered_not_changed(tmp_path: Path) -> None:
    report = tmp_path / "报告.txt"
    report.write_text("这不是年报\n", "utf-8")
    code, answer = _sendto("check", str(report), result=tmp_path / "r.txt")
    assert code == launch.EXIT_USER_ERROR and answer.startswith("报告.txt")
    assert report.read_text("utf-8") == "这不是年报\n"


def test_lock_files_and_empty_selections_get_a_clear_answer(tmp_path: Path) -> None:
    lock = tmp_path / "~$本局.xlsx"
    lock.write_bytes(b"x")
    code, answer = _sendto("check", str(lock), result=tmp_path / "r.txt")
    assert code == 1 and "临时文件" in answer
    code, answer = _sendto("check", result=tmp_path / "r2.txt")
    assert code == 1 and "发送到" in answer
    code, answer = _sendto("frobnicate", "x.xlsx", result=tmp_path / "r3.txt")
    assert code == launch.EXIT_INTERNAL and "参数不对" in answer


def test_without_a_result_file_off_windows_the_answer_is_printed(
    make_book: MakeBook, capsys: pytest.CaptureFixture[str]
) -> None:
    if sys.platform == "win32":
        pytest.skip("on Windows the answer is a message box")
    book = make_book(name="好.xlsx")
    assert excel.main(["--sendto", "check", str(book), "--no-open"]) == 0
    assert capsys.readouterr().out.startswith("好.xlsx：错误 0 处")
