"""Printing: every sheet of the template and of a marked workbook is one A4 page wide, table 三
is one landscape page, header rows repeat, and LibreOffice prints the lot on a few pages."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from gknb.build.__main__ import template_bytes
from gknb.demo import build_demo
from gknb.service import check_file, mark_copy
from gknb.workbook.contract import MARKS, RESULTS, SHEETS, TABLE_SHEETS
from gknb.workbook.template import build_workbook

FOOTER = re.compile(r"(\S+)\s+第\s*(\d+)\s*页，共\s*(\d+)\s*页")


@pytest.mark.parametrize("version", ["2021", "2019"])
def test_every_visible_sheet_prints_one_page_wide(version: str) -> None:
    wb = build_workbook(version)
    for ws in wb.worksheets:
        if ws.title == MARKS:
            assert ws.sheet_state == "veryHidden"
            continue
        setup = ws.page_setup
        assert int(setup.paperSize) == 9, ws.title  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage and setup.fitToWidth == 1, ws.title
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
        one_page = ws.title == TABLE_SHEETS["T3"]
        assert setup.fitToHeight == (1 if one_page else 0), ws.title
    assert wb[TABLE_SHEETS["T3"]].print_title_rows == "$3:$5"
    assert wb[TABLE_SHEETS["T4"]].print_title_rows == "$3:$5"
    assert wb[RESULTS].print_title_rows == "$2:$2"
    assert wb[RESULTS].page_setup.orientation == "landscape"


def _sheet_pages(pdf: Path) -> dict[str, int]:
    """Pages per sheet, from the footer every page carries (sheet name 第 n 页，共 m 页)."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages: dict[str, int] = {}
    total = 0
    for page in text.split("\f"):
        found = FOOTER.findall(page)
        if not found:
            continue
        sheet, n, m = found[-1]
        pages[sheet] = pages.get(sheet, 0) + 1
        total = int(m)
        assert int(n) == sum(pages.values())
    assert sum(pages.values()) == total
    return pages


def test_template_and_marked_workbook_print_on_a_few_pages(tmp_path: Path, convert) -> None:
    template = tmp_path / "模板.xlsm"
    template.write_bytes(template_bytes("2021"))
    template19 = tmp_path / "模板2019.xlsm"
    template19.write_bytes(template_bytes("2019"))
    demo = build_demo(tmp_path / "demo")
    marked = tmp_path / "标记.xlsm"
    findings = check_file(demo).findings
    assert mark_copy(demo, marked, findings) >= 8
    visible = [name for name, _ in SHEETS if name != MARKS]
    pdfs = convert([template, template19, marked], "pdf")
    for pdf in pdfs:
        pages = _sheet_pages(pdf)
        assert list(pages) == visible, pdf.name
        # one page each, the free-text sheet 正文 (five tall boxes) two at most
        assert all(n == 1 for name, n in pages.items() if name != "正文"), pages
        assert pages["正文"] <= 2 and sum(pages.values()) <= 9
    # table 三 whole on its page (no last row alone), 校验结果 with all its columns
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdfs[2]), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = text.split("\f")
    t3 = next(p for p in pages if "三、收到和处理政府信息公开申请情况" in p)
    assert "申请人情况" in t3 and "（七）总计" in t3 and "四、结转下年度继续办理" in t3
    results = next(p for p in pages if "校验结果：错误" in p)
    for head in ("序号", "级别", "规则", "单元格", "应为", "现为", "说明", "核实"):
        assert head in results


def test_marking_keeps_the_print_setup(tmp_path: Path) -> None:
    demo = build_demo(tmp_path / "demo")
    marked = tmp_path / "标记.xlsm"
    mark_copy(demo, marked, check_file(demo).findings)
    before, after = load_workbook(demo), load_workbook(marked)
    for name, _ in SHEETS:
        a, b = before[name], after[name]
        assert (a.page_setup.fitToWidth, a.page_setup.fitToHeight, a.print_title_rows) == (
            b.page_setup.fitToWidth,
            b.page_setup.fitToHeight,
            b.print_title_rows,
        )
        assert a.oddFooter.center.text == b.oddFooter.center.text
