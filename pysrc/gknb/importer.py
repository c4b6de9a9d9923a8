"""A workbook filled from a published report, ready to correct and re-export."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gknb.errors import GknbError
from gknb.model import Cell, Report, ReportKind

CLERK_PARTS = ("1", "5", "6")  # parts a clerk writes; 3 and 4 are generated from the tables


@dataclass
class ImportResult:
    report: Report
    written: int  # number cells written
    missing: int  # number cells the report did not give (left empty)


def cell_value(cell: Cell) -> Any:
    """What goes into the workbook: a clean number as a number, anything else as printed, so
    the clerk sees "4个" or "/" and the checker marks it."""
    if cell.issue is None and cell.value is not None:
        return cell.value
    raw = "" if cell.raw is None else str(cell.raw).strip()
    return raw or None


def import_report(source: Path, out: Path, force: bool = False) -> ImportResult:
    from gknb.files import guard_output
    from gknb.reader import read_report
    from gknb.service import save_xlsm
    from gknb.sources import WORKBOOK_SUFFIXES, read_workbook
    from gknb.workbook.contract import META, TEXT_NAMES
    from gknb.workbook.template import build_workbook, write_values
    from gknb.workbook.xlsx import save_atomic

    suffix = out.suffix.lower()
    if suffix not in WORKBOOK_SUFFIXES:
        raise GknbError(f"输出文件名应以 .xlsm（带按钮）或 .xlsx（不带宏）结尾：{out.name}")
    guard_output(out, inputs=[source], force=force)
    if source.suffix.lower() in WORKBOOK_SUFFIXES:
        # a workbook of the agency's own layout converts; one made from the template needs not
        report = read_workbook(source)
        if report.kind is ReportKind.WORKBOOK:
            raise GknbError(
                f"{source.name} 已经是年报助手模板工作簿，不需要导入；可直接用 gknb check 校验。"
            )
    else:
        report = read_report(source)
    wb = build_workbook(report.version, agency=report.agency, year=report.year)
    keys = list(report.format.keys())
    typed = {k: cell_value(report.cells[k]) for k in keys if k in report.cells}
    written = write_values(wb, report.format, typed)
    missing = len(keys) - written
    for part in CLERK_PARTS:
        text = report.texts.get(part)
        if text:
            sheet, row, col, _ = META[TEXT_NAMES[part]]
            wb[sheet].cell(row, col).value = text
    if suffix == ".xlsm":
        save_xlsm(wb, out)
    else:
        save_atomic(wb, out)
    return ImportResult(report, written, missing)
