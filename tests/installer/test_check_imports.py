"""The 校验 path loads nothing it does not need: no pandas, python-docx or pdfplumber.

Each check runs in a fresh interpreter, which prints the top-level packages loaded once the
command has finished. Import times: `python -X importtime -m gknb check BOOK` (see
bench/bench_startup.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from support.books import filled_workbook
from support.xlwings_remote import remote_book_json

NOT_ON_CHECK_PATH = {"pandas", "docx", "pdfplumber", "pdfminer", "pypdfium2"}

PROBE = """
import json, sys
{run}
print("\\nLOADED " + json.dumps(sorted({{m.split(".")[0] for m, mod in sys.modules.items() if mod is not None}})))
"""


def loaded_after(run: str, env: dict[str, str] | None = None) -> set[str]:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE.format(run=run)],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "PYTHONUTF8": "1", **(env or {})},
    )  # fmt: skip
    marker = proc.stdout.rfind("LOADED ")
    assert marker >= 0, f"exit {proc.returncode}\n{proc.stdout[-1500:]}\n{proc.stderr[-3000:]}"
    return set(json.loads(proc.stdout[marker + 7 :]))


@pytest.fixture
def book(tmp_path: Path):
    return filled_workbook(seed=2)


def test_cli_check_of_a_workbook(book, tmp_path: Path) -> None:
    path = tmp_path / "测试局2025年报.xlsx"
    book.save(path)
    run = f"from gknb.cli import main; code = main(['check', {str(path)!r}])"
    assert not loaded_after(run) & NOT_ON_CHECK_PATH


def test_cli_check_of_a_text_report(tmp_path: Path) -> None:
    report = tmp_path / "报告.txt"
    report.write_text(
        "测试局2024年政府信息公开工作年度报告\n一、总体情况\n本年度收到政府信息公开申请3件。\n",
        encoding="utf-8",
    )
    run = f"from gknb.cli import main; code = main(['check', {str(report)!r}])"
    assert not loaded_after(run) & NOT_ON_CHECK_PATH


def test_ribbon_check_without_pandas(book, tmp_path: Path) -> None:
    """`gknb-excel check` as frozen: pandas and numpy are not in the bundle (installer/gknb.spec).
    In a development venv xlwings itself imports pandas when it can, so here they are made
    unimportable, as in the frozen engine; the check must work and load neither docx nor
    pdfplumber. The workbook comes through xlwings' remote engine (as in tests/test_excel.py)."""
    payload = tmp_path / "book.json"
    payload.write_text(json.dumps(remote_book_json(book)), encoding="utf-8")
    run = f"""
sys.modules["pandas"] = sys.modules["numpy"] = None  # as in the frozen engine
import xlwings as xw
from gknb import excel
book = xw.Book(json=json.loads(open({str(payload)!r}, encoding="utf-8").read()))
book.set_mock_caller()
code = excel.main(["check", "--wb=测试局2025年报.xlsm", "--from_xl=1", "--app=EXCEL.EXE", "--hwnd=1"])
assert code == 0, code
"""
    loaded = loaded_after(run, {"XLWINGS_LICENSE_KEY": "noncommercial"})
    assert "xlwings" in loaded and "gknb" in loaded
    assert not loaded & NOT_ON_CHECK_PATH
