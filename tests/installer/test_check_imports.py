"""The 校验 path loads nothing it does not need: no pandas, python-docx or pdfplumber.

Each check runs in a fresh interpreter, which prints the top-level packages loaded once the
command has finished. Import times: `python -X importtime -m gknb check BOOK` (see
bench/bench_startup.py)."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from gknb.formats import FORMATS
from gknb.synth import consistent_values
from gknb.workbook.template import build_workbook, write_values

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
    fmt = FORMATS["2021"]
    wb = build_workbook("2021", agency="测试局", year=2025)
    values = consistent_values(fmt, random.Random(2))
    write_values(wb, fmt, values)
    return wb


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
    payload.write_text(json.dumps(_payload(book)), encoding="utf-8")
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


def _payload(wb) -> dict:
    """The remote engine's JSON for an openpyxl workbook (values and workbook-level names)."""
    import xlwings

    sheets = [
        {
            "name": ws.title,
            "values": [
                [v.isoformat() if hasattr(v, "isoformat") else v for v in row]
                for row in ws.iter_rows(
                    min_row=1, max_row=max(ws.max_row, 1), max_col=max(ws.max_column, 1),
                    values_only=True,
                )
            ],
            "pictures": [], "tables": [], "notes": [], "notes_supported": True,
        }
        for ws in wb.worksheets
    ]  # fmt: skip
    names = []
    for name, dn in wb.defined_names.items():
        ((sheet, cells),) = list(dn.destinations)
        names.append(
            {"name": name, "sheet_index": wb.sheetnames.index(sheet),
             "address": cells.replace("$", ""), "book_scope": True,
             "scope_sheet_name": None, "scope_sheet_index": None}
        )  # fmt: skip
    return {
        "client": "Office.js",
        "version": xlwings.__version__,
        "book": {"name": "测试局2025年报.xlsm", "active_sheet_index": 0, "selection": "A1"},
        "names": names,
        "sheets": sheets,
    }
