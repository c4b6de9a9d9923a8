"""Every way a report comes in: which files are reports (one suffix table), the one walk over
folders (`collect`), and `read` for any kind of file.

Workbooks are read with calamine where that gives exactly openpyxl's Report (about 1 ms instead
of openpyxl's 45 ms, and openpyxl is not imported at all); anything calamine cannot do exactly,
and workbooks not made from the template, are read with openpyxl (`read_workbook`), the reference.
Commands that write a workbook open it with openpyxl themselves.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from gknb import ole
from gknb.errors import GknbError, NotAReport
from gknb.files import is_backup
from gknb.model import Report
from gknb.reader import SUFFIXES as PUBLISHED_SUFFIXES

if TYPE_CHECKING:
    from openpyxl import Workbook

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
# old and WPS formats: found in folders so that each is listed with what to do (gknb.ole)
OLD_SUFFIXES = ole.SUFFIXES
REPORT_SUFFIXES = (*WORKBOOK_SUFFIXES, *PUBLISHED_SUFFIXES, *OLD_SUFFIXES)


def is_workbook(path: Path) -> bool:
    return path.suffix.lower() in WORKBOOK_SUFFIXES


# ---- reading --------------------------------------------------------------------------------


def read(path: Path) -> tuple[Report, str]:
    """The Report of any report file, and which reader gave it ("calamine", "openpyxl（why）"
    or "reader" for published reports). Raises GknbError (in Chinese) for unreadable files,
    also where a library fails on a file in a way no reader anticipated (one line naming the
    file: every command that reads — check, review, diff, import, new --prior — exits 2)."""
    try:
        return _read(path)
    except GknbError:
        raise
    except PermissionError as exc:
        raise GknbError(
            f"无法读取 {path.name}：没有读取权限，或文件正被其他程序独占。请关闭占用它的程序，"
            f"或把文件复制到自己的文件夹后再试。"
        ) from exc
    except (OSError, ValueError, LookupError, TypeError, NotImplementedError, EOFError) as exc:
        # the library's own words are English: the class names the fault for a technician,
        # --debug shows the rest
        raise GknbError(
            f"{path.name} 无法读取：文件可能已损坏，或内容与扩展名不符（{type(exc).__name__}）。"
            f"请用原来的软件打开后另存一份再试；加 --debug 可看技术细节。"
        ) from exc


def _read(path: Path) -> tuple[Report, str]:
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        return read_workbook_fast(path)
    from gknb.reader import read_report

    return read_report(path), "reader"


def read_any(path: Path) -> Report:
    """The Report of any report file (workbook or published report)."""
    return read(path)[0]


def read_workbook_fast(path: Path) -> tuple[Report, str]:
    """The Report `read_workbook` gives, read with calamine where that is exact; returns it
    with the reader that produced it ("calamine", or "openpyxl" with the reason)."""
    from gknb.workbook.calamine import read_exact
    from gknb.workbook.package import damage_warning
    from gknb.workbook.sniff import screen_workbook

    damaged = screen_workbook(path)  # the same messages and the same contract as openpyxl's path
    try:
        report = read_exact(path)
    except Exception as exc:  # anything calamine cannot do exactly: the reference reader decides
        reason = str(exc) or type(exc).__name__
        return read_workbook(path), f"openpyxl（{reason}）"
    if damaged:
        report.structure.append(damage_warning(path, damaged))
    return report, "calamine"


def read_workbook(path: Path) -> Report:
    """The Report of a workbook read with openpyxl (the reference reader), by the reader
    contract (`gknb.workbook.package`): damage in a part that holds no table data is a
    warning, whichever library minds it."""
    from gknb.workbook.package import damage_warning
    from gknb.workbook.reader import read_book
    from gknb.workbook.sniff import screen_workbook
    from gknb.workbook.xlsx import OpenpyxlSource, open_workbook

    damaged = screen_workbook(path)
    try:
        wb = open_workbook(path, data_only=True, sniffed=True)
    except GknbError as refused:
        # openpyxl refuses damage the contract tolerates: the tables are read by the calamine
        # reader, which gives the same Report wherever it reads at all
        from gknb.workbook.calamine import read_exact

        try:
            report = read_exact(path)
        except Exception:
            raise refused from None
        if damaged:
            report.structure.append(damage_warning(path, damaged))
        return report
    if not any(name.startswith("GK_") for name in wb.defined_names):
        report = read_foreign_workbook(wb, path)
    else:
        report = read_book(OpenpyxlSource(wb), str(path))
    if damaged:
        report.structure.append(damage_warning(path, damaged))
    return report


def read_foreign_workbook(wb: Workbook, path: Path) -> Report:
    """A workbook not made from the template: its sheets are read like a published report's
    tables (by their statutory labels), so cells have no addresses and totals cannot be
    written back."""
    from gknb.reader.from_xlsx import workbook_rows
    from gknb.reader.parse import parse_rows
    from gknb.workbook.contract import BODY, MARKS, META, PRIOR, README, RESULTS, TEXT_NAMES

    # a template whose names were removed: its help, results and last-year sheets hold table
    # labels in prose and lists, not the tables; its 正文 holds the texts in fixed cells
    template = {README, BODY, RESULTS} <= set(wb.sheetnames)
    skip = (README, RESULTS, PRIOR, MARKS) + ((BODY,) if template else ())
    from gknb.reader import raise_if_not_a_report

    rows = workbook_rows(wb, skip)
    try:
        report = parse_rows(rows, path.name)
    except GknbError as exc:
        try:
            raise_if_not_a_report("".join(c for r in rows for c in r.cells), path.name)
        except NotAReport as no:
            said = str(no).removeprefix(f"{path.name}：")
            raise NotAReport(f"{path.name} 不是用年报助手模板建立的工作簿，也{said}") from None
        raise GknbError(
            f"{path.name} 不是用年报助手模板建立的工作簿，按表格标签读取也失败了：{exc}"
        ) from None
    # a workbook holds the tables, not the report's text: no finding for missing text parts
    report.structure = [f for f in report.structure if f.table != "正文"]
    report.source = str(path)
    if template:
        report.texts = {}
        for part, name in TEXT_NAMES.items():
            sheet, row, col, _ = META[name]
            text = wb[sheet].cell(row, col).value
            if part in ("1", "5", "6") and isinstance(text, str) and text.strip():
                report.texts[part] = text
    agency, year = _cover_fields(wb)
    report.agency = report.agency or agency
    if report.year is None and year is not None:
        report.year = year
    return report


def _cover_fields(wb: Workbook) -> tuple[str, int | None]:
    """机关名称 and 报告年度 written as a label with the value to its right (as on the template's
    封面), from the first sheet that has them."""
    from gknb.text import fold

    agency, year = "", None
    for ws in wb.worksheets:
        for row in ws.iter_rows(max_row=min(ws.max_row, 40), max_col=min(ws.max_column, 10)):
            values = [c.value for c in row]
            for i, label in enumerate(values[:-1]):
                if not isinstance(label, str):
                    continue
                value = next((v for v in values[i + 1 :] if v not in (None, "")), None)
                key = fold(label).rstrip(":：")
                if key == "机关名称" and isinstance(value, str) and not agency:
                    agency = value.strip()
                elif key in ("报告年度", "年度") and year is None:
                    text = str(value).strip().removesuffix("年度").removesuffix("年")
                    year = int(text) if text.isdigit() and len(text) == 4 else None
        if agency or year:
            break
    return agency, year


# ---- finding the files ----------------------------------------------------------------------


class Collected(NamedTuple):
    files: list[tuple[Path, str]]  # each file and how it is shown (relative to its folder)
    skipped_other: int  # files of other types in the folders
    skipped_backup: int


def collect(inputs: Sequence[str | Path], exclude: Iterable[Path] = ()) -> Collected:
    """The files to read: given files as they are; folders searched recursively for report files,
    leaving out Excel's ~$ lock files, hidden files and folders, and gknb's backups."""
    excluded = {p.resolve() for p in exclude}
    files: list[tuple[Path, str]] = []
    seen: set[Path] = set()
    other = backup = 0

    def add(path: Path, display: str) -> None:
        key = path.resolve()
        if key in seen or key in excluded:
            return
        seen.add(key)
        files.append((path, display))

    for item in inputs:
        path = Path(item)
        if not path.is_dir():
            add(path, str(path))
            continue
        found = []
        for root, dirs, names in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in names:
                if name.startswith(("~$", ".")):
                    continue
                child = Path(root) / name
                if child.suffix.lower() not in REPORT_SUFFIXES:
                    other += 1
                elif is_backup(child):
                    backup += 1
                else:
                    found.append(child)
        for child in sorted(found, key=lambda p: _natural(p.relative_to(path).parts)):
            add(child, child.relative_to(path).as_posix())
    return Collected(files, other, backup)


def _natural(parts: Sequence[str]) -> list[tuple[int, int | str]]:
    """Sort key that puts 第2号 before 第10号 (digit runs compare as numbers)."""
    key: list[tuple[int, int | str]] = []
    for part in parts:
        for chunk in re.split(r"(\d+)", part):
            if chunk:
                key.append((0, int(chunk)) if chunk.isdigit() else (1, chunk))
        key.append((2, ""))
    return key
