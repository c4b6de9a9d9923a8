"""Every operation that changes a workbook, written once over a `Book`.

The command line (a file through `xlsx.OpenpyxlBook`) and the ribbon (a live book through
`live.XlwingsBook`) call these same functions; they differ only in how they open and save.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from gknb.errors import GknbError
from gknb.model import Finding, Report, ReportKind, Severity
from gknb.totals import TotalChange, compute_totals
from gknb.workbook.book import Book, Fill, Results, SheetCell
from gknb.workbook.contract import (
    COLORS,
    GENERATED,
    MARKS,
    RESULTS,
    TEXT_NAMES,
    BrokenName,
    Ref,
    a1,
)
from gknb.workbook.marks import merge_note, parse_address, plan_marks, result_rows, strip_note

REGISTRY_HEADERS = ("工作表", "单元格", "原填充")  # _gknb: one row per painted cell, from row 2


# ---- the registry of painted cells ------------------------------------------------------------


def _registered(book: Book) -> tuple[list[tuple[SheetCell, Fill | None]], int]:
    """Cells an earlier 校验 painted (on sheets that still exist) with their original fills,
    and the registry's last row."""
    if MARKS not in book.sheet_names():
        return [], 1
    last = book.last_row(MARKS)
    if last < 2:
        return [], last
    sheets = set(book.sheet_names())
    out: list[tuple[SheetCell, Fill | None]] = []
    for row in book.read(Ref(MARKS, 2, 1, last, 3)):
        sheet, coord, original = (list(row) + [None] * 3)[:3]
        if not sheet or not coord or str(sheet) not in sheets:
            continue
        try:
            _, r, c = parse_address(f"x!{str(coord).strip().upper()}")
        except ValueError:
            continue
        out.append(((str(sheet), r, c), Fill.from_json(original)))
    return out, last


def clear(book: Book) -> int:
    """清除标记: undo what an earlier 校验 painted, by either adapter. A registered cell gets its
    original fill back if it still shows a mark colour (a colour the clerk chose since is kept);
    every note loses the part 校验 added, the clerk's own part stays. Returns the cells cleaned."""
    registered, last = _registered(book)
    cells = [cell for cell, _ in registered]
    current = book.fills(cells)

    def still_marked(cell: SheetCell) -> bool:
        fill = current.get(cell)
        return fill is None or fill.is_mark  # unreadable: assume it is still ours

    book.set_fills(
        {cell: original or Fill() for cell, original in registered if still_marked(cell)}
    )
    painted = set(cells)
    notes: dict[SheetCell, str | None] = {}
    for sheet in book.sheet_names():
        if sheet == MARKS:
            continue
        for (r, c), text in book.notes(sheet).items():
            if text is None:  # unreadable: only a cell 校验 painted can hold our note
                if (sheet, r, c) in painted:
                    notes[(sheet, r, c)] = None
                continue
            own = strip_note(text)
            if own != text:
                notes[(sheet, r, c)] = own
    book.set_notes(notes)
    if RESULTS in book.sheet_names() and registered:  # the list stays (its 核实 reasons too)
        book.write(
            {(RESULTS, 1, 1): "校验结果：标记已清除。下面是上次校验的结果，再点“校验”更新。"}
        )
    if last >= 2:  # columns A:C only; E holds the 生成说明文字 state
        book.write({(MARKS, r, c): None for r in range(2, last + 1) for c in (1, 2, 3)})
    return len(registered)


# ---- 校验 ---------------------------------------------------------------------------------------


def results(findings: list[Finding], summary: str, sheets: Iterable[str]) -> Results:
    """The 校验结果 sheet for these findings: links only to cells of existing sheets."""
    existing = set(sheets)
    links: list[SheetCell | None] = []
    for f in findings:
        cell = parse_address(f.cell) if f.cell else None
        links.append(cell if cell is not None and cell[0] in existing else None)
    return Results(
        title=f"校验结果：{summary}",
        rows=result_rows(findings),
        links=links,
        levels=[None if f.settled else COLORS[f.severity] for f in findings],
    )


def mark(book: Book, findings: list[Finding]) -> int:
    """校验's marks: clear earlier ones, paint and annotate every open finding's cell, remember
    each painted cell's original fill in `_gknb`, rewrite 校验结果. Returns the cells marked."""
    from gknb.model import summary_line

    clear(book)
    book.ensure_sheet(MARKS, [list(REGISTRY_HEADERS)], hidden=True)
    sheets = set(book.sheet_names())
    marks = [m for m in plan_marks(findings) if m.sheet in sheets]
    cells: list[SheetCell] = [(m.sheet, m.row, m.col) for m in marks]
    originals = book.fills(cells)
    existing: dict[SheetCell, str | None] = {}
    for sheet in {m.sheet for m in marks}:
        existing.update({(sheet, r, c): t for (r, c), t in book.notes(sheet).items()})
    registry: dict[SheetCell, object] = {}
    for i, (m, cell) in enumerate(zip(marks, cells, strict=True), start=2):
        original = originals.get(cell) or Fill()
        for col, value in enumerate((m.sheet, a1(m.row, m.col), original.to_json()), start=1):
            registry[(MARKS, i, col)] = value
    book.write(registry)
    book.set_fills({cell: Fill.solid(m.color) for m, cell in zip(marks, cells, strict=True)})
    book.set_notes(
        {cell: merge_note(existing.get(cell), m.note) for m, cell in zip(marks, cells, strict=True)}
    )
    book.write_results(results(findings, summary_line(findings), book.sheet_names()))
    return len(marks)


def accept(
    book: Book, report: Report, specs: list[str], check: Callable[[Report], list[Finding]]
) -> list[Finding]:
    """已核实: settle warnings and hints given as "R5a@三、依申请公开!D8=理由", then mark the
    book again (the reason goes into 校验结果's 核实 column). `check` gives a report's
    findings (the service's). Returns the new findings."""
    findings = check(report)
    for spec in specs:
        target, sep, reason = spec.partition("=")
        rule, at, cell = target.partition("@")
        if not sep or not at or not reason.strip():
            raise GknbError(
                f"“{spec}”格式不对，应为 规则@单元格=理由，例如 R5a@三、依申请公开!D8=确实为0"
            )
        match = [f for f in findings if f.rule == rule.strip() and f.cell == cell.strip()]
        if not match:
            raise GknbError(f"{cell} 上没有 {rule} 问题，无需核实（先运行 gknb check 查看）。")
        for f in match:
            if f.severity is Severity.ERROR:
                raise GknbError(f"{cell} 的 {rule} 是错误，错误不能标记为已核实，请改正。")
            report.settlements[f.fingerprint] = reason.strip()
    findings = check(report)
    mark(book, findings)
    return findings


# ---- 填充合计 -------------------------------------------------------------------------------------


@dataclass
class FillResult:
    changes: list[TotalChange]
    written: int
    report: Report

    @property
    def blocked(self) -> list[TotalChange]:
        """Totals that could not be computed (an input is not a number)."""
        return [c for c in self.changes if c.new is None]


def fill(book: Book, report: Report) -> FillResult:
    """填充合计: compute every total the book has and write the changed ones (total cells only)."""

    changes = total_changes(report)
    writes = {parse_address(report.locations[c.key]): c.new for c in changes if c.changed}
    if writes:
        book.write(writes)
    return FillResult(changes, len(writes), report)


# ---- 生成说明文字 ----------------------------------------------------------------------------------


@dataclass
class TextResult:
    texts: dict[str, str]  # part -> generated text
    written: list[str]  # parts written into 正文
    kept: list[str]  # parts where the clerk's own text was kept (the new text is offered)


def write_text(book: Book, report: Report) -> TextResult:
    """生成说明文字: the standard sentences of parts 三 and 四 into their own cells of 正文, never
    over text the clerk wrote there (that text is kept and the new one offered). The text last
    written is remembered in `_gknb`, so a later run may replace it."""
    from gknb.textgen import plan_writes

    texts = narrative(report)
    targets: dict[str, SheetCell] = {}
    for part in texts:
        try:
            ref = book.name_ref(TEXT_NAMES[part])
        except BrokenName:  # the name points nowhere
            ref = None
        if ref is None:
            raise GknbError(
                f"找不到“正文”中放说明文字的单元格（{TEXT_NAMES[part]}），"
                f"请用新版模板重新生成工作簿。"
            )
        targets[part] = (ref.sheet, ref.r1, ref.c1)

    def value(cell: SheetCell) -> object:
        return book.read(Ref(cell[0], cell[1], cell[2], cell[1], cell[2]))[0][0]

    current = {part: value(cell) for part, cell in targets.items()}
    has_state = MARKS in book.sheet_names()
    remembered = {part: value(GENERATED[part]) for part in targets} if has_state else {}
    write, kept = plan_writes(texts, current, remembered)
    cells: dict[SheetCell, object] = {}
    for part, text in write.items():
        cells[targets[part]] = text
        cells[GENERATED[part]] = text
    if cells:
        book.ensure_sheet(MARKS, [list(REGISTRY_HEADERS)], hidden=True)
        book.write(cells)
    return TextResult(texts, list(write), kept)


__all__ = ["REGISTRY_HEADERS", "RESULTS", "accept", "clear", "fill", "mark", "write_text"]


def require_template(report: Report, action: str) -> None:
    if report.kind is not ReportKind.WORKBOOK:
        name = Path(report.source).name
        raise GknbError(
            f"{name} 不是用年报助手模板建立的工作簿，无法{action}。请先转换："
            f"gknb import {name} -o 新工作簿.xlsm，再在新工作簿中操作。"
        )


def require_tables(report: Report, action: str) -> None:
    """Totals and generated text need tables 三 and 四 read intact."""
    blocking = [f for f in report.structure if f.table.startswith(("三", "四"))]
    if blocking:
        raise GknbError(f"无法{action}：{blocking[0].message}")


def total_changes(report: Report) -> list[TotalChange]:
    """填充合计 for any adapter: every total cell the book has, with its new value."""
    require_template(report, "填充合计")
    require_tables(report, "填充合计")
    return [c for c in compute_totals(report) if c.key in report.locations]


def narrative(report: Report) -> dict[str, str]:
    """生成说明文字 for any adapter: the texts of parts 三 and 四, or a Chinese error."""
    from gknb.textgen import MissingFigures, generate

    require_template(report, "生成说明文字")
    require_tables(report, "生成说明文字")
    try:
        return generate(report)
    except MissingFigures as exc:
        raise GknbError(f"无法生成说明文字：{exc} 不是有效数字，请先改正。") from None
