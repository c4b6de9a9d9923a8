"""Outside text written into a workbook stays text (issue 15 items 1 and 7): the helper on its
own, then every writer — the review summary, a marked copy's 校验结果, gknb import, gknb new."""

import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from gknb.cli import main
from gknb.text import CELL_TEXT_MAX, cell_text, formula_like, put
from support.books import filled_values, filled_workbook
from support.generate import report_text

HOSTILE = [
    '=HYPERLINK("http://x.invalid/?leak","click")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]
CONTROL = ["响铃\x07局", "转义\x1b[31m局", "空\x00字"]


def _formulas(path: Path) -> list[str]:
    """Every formula stored in the workbook's sheets."""
    with zipfile.ZipFile(path) as zf:
        return [
            f"{name}: {m}"
            for name in zf.namelist()
            if name.startswith("xl/worksheets/")
            for m in re.findall(r"<f[ >].*?</f>", zf.read(name).decode("utf-8"))
        ]


# ---- the helper ----------------------------------------------------------------------------


def test_cell_text_replaces_what_xml_cannot_hold_visibly():
    assert cell_text("响铃\x07局") == "响铃\ufffd局"
    assert cell_text("a\x00b\x1bc\ud800d\uffff") == "a\ufffdb\ufffdc\ufffdd\ufffd"
    assert cell_text("tab\tline\nret\r") == "tab\tline\nret\r"  # legal in XML: kept
    long = cell_text("字" * (CELL_TEXT_MAX + 10))
    assert len(long) == CELL_TEXT_MAX and long.endswith("…")


def test_formula_like():
    assert all(formula_like(t) for t in HOSTILE)
    assert not any(formula_like(t) for t in ("-", "=", "/", "4个", "测试局"))


@pytest.mark.parametrize("text", HOSTILE + CONTROL)
def test_put_stores_text_never_a_formula(tmp_path, text):
    wb = Workbook()
    put(wb.active["A1"], text)
    put(wb.active["A2"], 12)
    path = tmp_path / "t.xlsx"
    wb.save(path)
    assert _formulas(path) == []
    cell = load_workbook(path).active["A1"]
    assert cell.data_type == "s" and cell.value == cell_text(text)
    assert cell.quotePrefix == formula_like(text)  # Excel keeps it text when edited
    assert load_workbook(path).active["A2"].value == 12


def test_put_works_on_write_only_cells(tmp_path):
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("s")
    row = []
    for text in HOSTILE + CONTROL:
        cell = WriteOnlyCell(ws)
        put(cell, text)
        row.append(cell)
    ws.append(row)
    path = tmp_path / "w.xlsx"
    wb.save(path)
    assert _formulas(path) == []
    values = [c.value for c in next(load_workbook(path)["s"].iter_rows())]
    assert values == [cell_text(t) for t in HOSTILE + CONTROL]


# ---- every writer ----------------------------------------------------------------------------


def _report(
    folder: Path, name: str, title: str, cells: dict | None = None, text1: str = ""
) -> Path:
    """A published report (text) with the given title line and table cells as printed."""
    values = filled_values(seed=3, overrides=cells)
    body = report_text("2021", "", 2025, values)
    body = body.replace("\n2025年政府", f"{title}2025年政府", 1)
    if text1:
        body = body.replace("本年度，本机关", f"{text1}本年度，本机关", 1)
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return path


def _book(folder: Path, name: str, agency: str, cells: dict) -> Path:
    """A template workbook with the given agency and cells typed in as text."""
    wb = filled_workbook(seed=3, overrides=cells, agency=agency, outside=True)
    path = folder / name
    wb.save(path)
    return path


@pytest.mark.parametrize("prefix", HOSTILE)
def test_review_summary_writes_outside_text_as_text(tmp_path, capsys, prefix):
    folder = tmp_path / "报告"
    folder.mkdir()
    name = prefix.replace("/", "").strip() + ".txt"  # a file named like =1+1.txt
    _report(folder, name, "甲局")
    _book(folder, "乙.xlsx", f"{prefix}局", {("T2_5", "license", "decisions"): f"{prefix}3"})
    out = tmp_path / "汇总.xlsx"
    assert main(["review", str(folder), "-o", str(out)]) == 1, capsys.readouterr().err
    assert _formulas(out) == []
    wb = load_workbook(out)
    assert name in [c.value for c in wb["总览"]["A"]]
    agency = f"{prefix}局".strip()  # as read: a workbook's agency has no surrounding space
    assert agency in [c.value for c in wb["总览"]["B"]]
    found = {c.value.strip() for c in wb["问题明细"]["H"] if isinstance(c.value, str)}
    assert f"{prefix}3".strip() in found  # 现为
    assert agency in [c.value for c in wb["问题明细"]["K"]]
    assert name in [c.value for c in wb["数据"]["A"]]


def test_one_control_character_does_not_sink_the_review(tmp_path, capfd):
    folder = tmp_path / "报告"
    folder.mkdir()
    _report(folder, "甲.txt", "响铃\x07局", text1="转义\x1b[31m")
    _report(folder, "乙\x1b.txt", "乙\x1b局")
    (folder / "丙.html").write_text(
        "<html><body><h1>丙&#27;局2025年政府信息公开工作年度报告</h1></body></html>",
        encoding="utf-8",
    )
    _report(folder, "丁.txt", "丁局")
    out = tmp_path / "汇总.xlsx"
    code = main(["review", str(folder), "-o", str(out)])
    err = capfd.readouterr().err
    assert code == 2 and "Traceback" not in err and "内部错误" not in err  # 丙 has no tables
    wb = load_workbook(out)
    assert wb["总览"].max_row == 5  # all four files are in the summary
    agencies = {c.value for c in wb["总览"]["B"][1:]}
    assert {"响铃\ufffd局", "乙\ufffd局", "丁局"} <= agencies
    assert "乙\ufffd.txt" in {c.value for c in wb["总览"]["A"]}


def test_marked_copy_results_keep_formula_text_as_text(tmp_path, capsys):
    book = _book(
        tmp_path,
        "book.xlsx",
        "甲局",
        {
            ("T2_5", "license", "decisions"): '=HYPERLINK("http://x.invalid/","click")',
            ("T2_6", "penalty", "decisions"): "@4",
        },
    )
    marked = tmp_path / "marked.xlsx"
    assert main(["check", str(book), "--mark", str(marked)]) == 1
    assert _formulas(marked) == []
    results = load_workbook(marked)["校验结果"]
    found = {c.value for c in results["I"]}
    assert '=HYPERLINK("http://x.invalid/","click")' in found and "@4" in found


def test_import_writes_title_text_and_cells_as_text(tmp_path, capsys):
    source = _report(
        tmp_path,
        "报告.txt",
        "=1+1\x07局",
        {("T2_5", "license", "decisions"): "+3"},
        text1="@SUM(A1)\x1b",
    )
    out = tmp_path / "导入.xlsx"
    assert main(["import", str(source), "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert "本年度，本机关认真贯彻" not in captured.out + captured.err  # no text dumped
    assert _formulas(out) == []
    wb = load_workbook(out)
    cover = [c.value for row in wb["封面"].iter_rows() for c in row if isinstance(c.value, str)]
    assert "=1+1\ufffd局" in cover
    body = [c.value for row in wb["正文"].iter_rows() for c in row if isinstance(c.value, str)]
    assert any(v.startswith("@SUM(A1)\ufffd") for v in body)
    assert main(["check", "--json", str(out)]) in (0, 1)  # the workbook reads back


def test_new_agency_is_text(tmp_path, capsys):
    out = tmp_path / "新.xlsx"
    assert main(["new", str(out), "--agency", "=1+1", "--year", "2025"]) == 0
    assert _formulas(out) == []
    assert main(["check", "--json", str(out)]) in (0, 1)
    assert '"agency": "=1+1"' in capsys.readouterr().out


def test_live_excel_writes_text_behind_an_apostrophe():
    """In a workbook open in Excel (xlwings), a string is typed in behind ', which Excel does
    not show and which makes it text: no formula, date or number is made of it."""
    from gknb.workbook.live import as_text

    for text in HOSTILE:
        assert as_text(text) == "'" + text
    assert as_text("响铃\x07局") == "'响铃\ufffd局"
    assert as_text(12) == 12 and as_text("") == ""
