"""Read a workbook into a Report, through any adapter that can resolve names and read ranges.

The adapters (openpyxl file, live xlwings book) only implement `BookSource`; finding the
blocks by their defined names, checking the labels beside them and parsing the values happens
here, once. Each table is read with one range read.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Protocol

from gknb.formats import FORMATS, TABLE_TITLES, Format, format_for_year
from gknb.formats.across import own_blocks
from gknb.layout import TABLES, grid
from gknb.model import Cell, Finding, Prior, Report, ReportKind, Severity, structure_finding
from gknb.text import fold
from gknb.values import parse_value
from gknb.workbook.contract import (
    BODY,
    COVER,
    GRID_LEFT,
    GRID_TOP,
    MAX_RESULTS,
    META,
    PRIOR,
    PRIOR_NAMES,
    TEXT_NAMES,
    BrokenName,
    Ref,
    block_name,
    cell_address,
)
from gknb.workbook.marks import settlements_from_rows


def checked_ref(sheet: str, r1: int, c1: int, r2: int, c2: int, sheetnames: list[str]) -> Ref:
    """A defined name's range, once its sheet is known to exist."""
    if sheet not in sheetnames:
        raise BrokenName(f"它指向的工作表“{sheet}”不存在，可能被改名或删除了")
    return Ref(sheet, r1, c1, r2, c2)


class BookSource(Protocol):
    def name_ref(self, name: str) -> Ref | None:
        """Where a workbook-level defined name points; None if there is no such name.
        Raises BrokenName with a Chinese reason when the name is broken."""

    def read(self, ref: Ref) -> list[list[Any]]:
        """Values of a rectangle, row by row (merged cells: value in the top-left only)."""


def _meta(src: BookSource, name: str) -> tuple[Any, Ref | None]:
    try:
        ref = src.name_ref(name)
    except BrokenName:
        return None, None
    if ref is None:
        return None, None
    return src.read(Ref(ref.sheet, ref.r1, ref.c1, ref.r1, ref.c1))[0][0], ref


def _year(value: Any) -> int | None:
    if isinstance(value, int | float) and 1990 < value < 2200:
        return int(value)
    m = re.search(r"(19|20|21)\d{2}", str(value or ""))
    return int(m.group(0)) if m else None


def detect_version(src: BookSource, year: int | None, declared: Any) -> str:
    """The layout decides (a block only one format has, as 2019's 第（九）项, then the number
    of rows of table 三); the format named on the cover, then the year, break ties."""
    try:
        for fmt in FORMATS.values():
            if any(src.name_ref(block_name(b)) is not None for b in own_blocks(fmt.version)):
                return fmt.version
        t3 = src.name_ref(block_name("T3"))
    except BrokenName:
        t3 = None
    if t3 is not None:
        rows = t3.shape[0]
        for fmt in FORMATS.values():
            if fmt.block("T3").shape[0] == rows:
                return fmt.version
    m = re.search("|".join(map(re.escape, FORMATS)), str(declared or ""))
    if m:
        return m.group(0)
    return format_for_year(year).version if year else max(FORMATS)


def _problem(fmt: Format, table: str, message: str, **kw: Any) -> Finding:
    return structure_finding(TABLE_TITLES[table], "", "", message, **kw)


def _read_table(src: BookSource, fmt: Format, table: str, report: Report) -> None:
    g = grid(fmt, table)
    title = TABLE_TITLES[table]
    found: dict[str, Ref] = {}
    for block in fmt.table_blocks(table):
        name = block_name(block.id)
        label = f"“{title}”{block.title}".rstrip()
        try:
            ref = src.name_ref(name)
        except BrokenName as exc:
            report.structure.append(_problem(fmt, table, f"{label}的区域名称 {name} 已损坏：{exc}"))
            continue
        if ref is None:
            report.structure.append(
                _problem(
                    fmt,
                    table,
                    f"找不到{label}的区域名称 {name}：工作表或区域名称可能被删除。"
                    f"请从模板重新生成工作簿，再把数字复制过去。",
                )
            )
            continue
        if ref.shape != block.shape:
            want = "{}行{}列".format(*block.shape)
            have = "{}行{}列".format(*ref.shape)
            report.structure.append(
                _problem(
                    fmt,
                    table,
                    f"{label}的数字区域 {name} 应为{want}，现为{have}：可能在表内插入或删除了"
                    f"行、列。请撤销插入或删除（Ctrl+Z），表格的行列须与国家格式一致。",
                    expected=want,
                    found=have,
                )
            )
            continue
        found[block.id] = ref
    if not found:
        return
    # one read covering every block of the table with its labels
    sheets = {r.sheet for r in found.values()}
    if len(sheets) != 1:
        report.structure.append(_problem(fmt, table, f"“{title}”的各部分不在同一工作表上。"))
        return
    sheet = sheets.pop()
    offsets = {b: (ref.r1 - g.origin(b)[0], ref.c1 - g.origin(b)[1]) for b, ref in found.items()}
    top = min(o[0] for o in offsets.values())
    left = min(o[1] for o in offsets.values())
    bottom = max(ref.r2 for ref in found.values())
    right = max(left + g.n_cols - 1, *(ref.c2 for ref in found.values()))
    if top < 1 or left < 1:
        report.structure.append(_problem(fmt, table, f"“{title}”的位置不对：表头被删除了。"))
        return
    values = src.read(Ref(sheet, top, left, bottom, right))

    def at(row: int, col: int) -> Any:
        try:
            return values[row - top][col - left]
        except IndexError:
            return None

    for block in fmt.table_blocks(table):
        if block.id not in found:
            continue
        dr, dc = offsets[block.id]
        bad = None
        for lc in g.label_cells(block.id):
            actual = at(dr + lc.row, dc + lc.col)
            if fold(str(actual or "")) != fold(lc.text):
                bad = (lc, actual, cell_address(sheet, dr + lc.row, dc + lc.col))
                break
        if bad:
            lc, actual, where = bad
            report.structure.append(
                _problem(
                    fmt,
                    table,
                    f"{where} 应为“{lc.text}”，现为“{actual or ''}”：表格的行或列被插入、删除"
                    f"或改动过，为避免读错数字，本部分未校验。请恢复原表格结构。",
                    cell=where,
                    expected=lc.text,
                    found=actual,
                )
            )
            continue
        for c in g.number_cells():
            if c.block != block.id or c.key is None:
                continue
            row, col = dr + c.row, dc + c.col
            report.cells[c.key] = parse_value(at(row, col), block.kind(c.key[2]))
            report.locations[c.key] = cell_address(sheet, row, col)


def _read_prior(src: BookSource, fmt: Format, report: Report) -> Prior | None:
    prior = Prior(source="上年数据")
    year, _ = _meta(src, "GK_PRIOR_YEAR")
    prior.year = _year(year)
    cols = [c.id for c in fmt.block("T3").cols]
    rows = ["regulation", "normative"]
    for name, ids, attr in (
        ("GK_PRIOR_T3_CARRY_OUT", cols, "carry_out"),
        ("GK_PRIOR_T2_IN_FORCE", rows, "in_force"),
    ):
        try:
            ref = src.name_ref(name)
        except BrokenName:
            ref = None
        if ref is None or ref.shape != PRIOR_NAMES[name].shape:
            continue
        flat = [v for row in src.read(ref) for v in row]
        target = getattr(prior, attr)
        for key, raw in zip(ids, flat, strict=False):
            cell = parse_value(raw) if raw not in (None, "") else Cell(raw, None)
            target[key] = cell.value
    return None if prior.is_empty() else prior


def _cover_problems(report: Report, agency_ref: Ref | None, year_ref: Ref | None, raw: Any) -> None:
    """The cover's 机关名称 and 报告年度 name the report; without the year the format cannot be
    checked against it."""
    if agency_ref is not None and not report.agency:
        where = cell_address(agency_ref.sheet, agency_ref.r1, agency_ref.c1)
        report.structure.append(
            structure_finding(
                "封面", "机关名称", "", f"{where}（机关名称）未填写，请填写本机关的全称。",
                cell=where, expected="机关名称", found="",
            )
        )  # fmt: skip
    if year_ref is not None and report.year is None:
        where = cell_address(year_ref.sheet, year_ref.r1, year_ref.c1)
        shown = "" if raw is None else str(raw)
        why = "未填写" if not shown.strip() else f"填的是“{shown}”，不是年份"
        report.structure.append(
            structure_finding(
                "封面", "报告年度", "",
                f"{where}（报告年度）{why}。请填写报告所属的年度，如 2025（不是发布的年份）。",
                cell=where, expected="年度，如 2025", found=shown,
            )
        )  # fmt: skip


# The sheets besides the tables the report reads, by one of their names: a sheet deleted (or
# renamed) leaves its names pointing nowhere; what is lost, and whether that is an error.
_SHEETS_READ = (
    ("GK_AGENCY", COVER, Severity.ERROR,
     "机关名称和报告年度无从读取，也无法核对格式与年度"),
    ("GK_TEXT_1", BODY, Severity.ERROR,
     "报告的第一、五、六部分（正文）无从读取，导出的 Word 报告会缺少这些部分"),
    ("GK_PRIOR_YEAR", PRIOR, Severity.WARNING,
     "上年数据无从读取，跨年度校验（R6–R8）没有进行"),
)  # fmt: skip


def _missing_sheets(src: BookSource, report: Report) -> None:
    """A finding for each of the cover, text and last-year sheets that is gone (its names
    point at a sheet that does not exist or at #REF!), like a deleted table sheet's."""
    for name, sheet, severity, lost in _SHEETS_READ:
        try:
            src.name_ref(name)
        except BrokenName as exc:
            finding = structure_finding(
                sheet, "", "",
                f"找不到“{sheet}”工作表（区域名称 {name} 已损坏：{exc}）：{lost}。"
                f"请撤销删除或把工作表名改回“{sheet}”；已经保存关闭的，用 gknb new 新建工作簿，"
                f"再把各表数字和文字复制过去。",
                expected=sheet,
            )  # fmt: skip
            report.structure.append(replace(finding, severity=severity))


def read_book(src: BookSource, source: str = "") -> Report:
    agency, agency_ref = _meta(src, "GK_AGENCY")
    year_raw, year_ref = _meta(src, "GK_YEAR")
    declared, _ = _meta(src, "GK_FORMAT")
    year = _year(year_raw)
    fmt = FORMATS[detect_version(src, year, declared)]
    report = Report(
        version=fmt.version,
        year=year,
        agency=str(agency or "").strip(),
        source=source,
        kind=ReportKind.WORKBOOK,
    )
    if year_ref is not None:
        report.locations[("META", "year", "")] = cell_address(
            year_ref.sheet, year_ref.r1, year_ref.c1
        )
    _missing_sheets(src, report)
    _cover_problems(report, agency_ref, year_ref, year_raw)
    for table in TABLES:
        _read_table(src, fmt, table, report)
    for part, name in TEXT_NAMES.items():
        text, ref = _meta(src, name)
        if ref is not None:
            report.locations[("TEXT", part, "")] = cell_address(ref.sheet, ref.r1, ref.c1)
        if text:
            report.texts[part] = str(text)
    report.prior = _read_prior(src, fmt, report)
    report.settlements = _read_settlements(src)
    return report


def _read_settlements(src: BookSource) -> dict[str, str]:
    try:
        first = src.name_ref("GK_RESULTS")
    except BrokenName:
        return {}
    if first is None:
        return {}
    rows = src.read(Ref(first.sheet, first.r1, first.c1, first.r1 + MAX_RESULTS - 1, first.c2))
    return settlements_from_rows(rows)


__all__ = ["GRID_LEFT", "GRID_TOP", "META", "BookSource", "BrokenName", "read_book"]
