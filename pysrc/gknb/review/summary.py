"""The summary workbook of a review: 总览, 问题明细, 数据, 规则说明.

The sheets are written with openpyxl's write-only mode, row by row, so the findings and figures
of thousands of reports are streamed from the review's spool and never held in memory at once.
Plain sorting is all the per-report tables need: pandas (and numpy) would add ~70 MB to the
frozen engine for that, against its 80 MB budget.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from gknb.formats import FORMATS, Key
from gknb.model import ReportKind, Severity
from gknb.text import FORMULA_LEAD, cell_text, put
from gknb.workbook.contract import COLORS, HEADER_COLOR

STATUS_OK, STATUS_ERRORS, STATUS_UNREADABLE = "通过", "有错误", "无法读取"
STATUS_CHECK = "需人工核对"  # read, no errors, but some part could not be read
STATUS_RANK = {STATUS_UNREADABLE: 0, STATUS_ERRORS: 1, STATUS_CHECK: 2, STATUS_OK: 3}
STATUS_FILL = {
    STATUS_UNREADABLE: "D9D9D9", STATUS_ERRORS: "FFC7CE", STATUS_CHECK: "E4DFEC", STATUS_OK: "C6EFCE",
}  # fmt: skip

OVERVIEW_COLUMNS = ("文件", "机关", "年度", "格式", "错误", "警告", "提示", "状态", "说明")
FINDING_COLUMNS = (
    "规则", "级别", "表格", "行", "列", "单元格", "应为", "现为", "说明", "文件", "机关", "已核实",
)  # fmt: skip
DATA_FIXED = ("文件", "机关", "年度", "格式")
RULE_COLUMNS = ("规则", "级别", "名称", "检查什么", "示例")
TOTAL_LABEL = "合计"
SUMMARY_TITLE = "政府信息公开年报汇总（年报助手 gknb review 生成）"  # a review skips its own output


@dataclass(slots=True)
class Entry:
    """One reviewed file, as the summary needs it (findings and figures stay in the spool)."""

    index: int
    path: str  # as found (JSON "file")
    display: str  # as shown in the summary (relative to the folder given)
    error: str | None = None
    agency: str = ""
    year: int | None = None
    version: str = ""
    kind: ReportKind | None = None  # None: the file could not be read
    reader: str = ""
    counts: tuple[int, int, int] = (0, 0, 0)
    has_errors: bool = False
    unread: int = 0  # parts that could not be read: not errors, but to check by hand
    notes: list[str] = field(default_factory=list)
    offset: int = -1  # where its findings and figures are in the spool
    skipped: str = ""  # not a report, left out (review.run.SKIP_SUMMARY, SKIP_OTHER)

    @property
    def status(self) -> str:
        if self.error is not None:
            return STATUS_UNREADABLE
        if self.has_errors:
            return STATUS_ERRORS
        return STATUS_CHECK if self.unread else STATUS_OK


# ---- 数据: one column per number cell of either format -------------------------------------

_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.)")


def _short(label: str) -> str:
    return _NUMBERING.sub("", label)


def _header(key: Key) -> str:
    for fmt in _newest_first():
        if not fmt.has_block(key[0]):
            continue
        block = fmt.block(key[0])
        if not any(r.id == key[1] for r in block.rows) or not any(
            c.id == key[2] for c in block.cols
        ):
            continue
        row, col = block.row(key[1]), block.col(key[2])
        if block.table == "T2":
            return f"二·{row.label}·{col.label}"
        if block.table == "T3":
            if row.group:
                short = f"{_short(row.group)}·{row.keys[0] if row.keys else _short(row.label)}"
            elif row.id == "r7_total":
                short = "办理结果总计"
            else:
                short = row.keys[0] if row.keys else _short(row.label)
            return f"三·{short}·{col.label}"
        return f"四·{col.group or col.section}·{col.label}"
    raise KeyError(key)


def _newest_first() -> list[Any]:
    return sorted(FORMATS.values(), key=lambda f: f.version, reverse=True)


def data_keys() -> list[Key]:
    """Every number cell of every format, newest format first. A cell both formats have is one
    column. An older-only cell of table 二 goes after the newest format's table 二 (the blocks
    differ); one of table 三 or 四 goes right after the cell it follows in its own format (2019's
    single （六）其他处理 row sits where 2021 has three)."""
    order: list[Key] = []
    for fmt in _newest_first():
        previous: Key | None = None
        for key in fmt.keys():
            if key not in order:
                if key[0].startswith("T2"):
                    t2 = [i for i, k in enumerate(order) if k[0].startswith("T2")]
                    at = t2[-1] + 1 if t2 else 0
                else:
                    at = order.index(previous) + 1 if previous is not None else len(order)
                order.insert(at, key)
            previous = key
    return order


@dataclass(frozen=True)
class DataLayout:
    keys: tuple[Key, ...]
    headers: tuple[str, ...]
    positions: dict[str, tuple[int, ...]]  # version -> column of each of format.keys()

    @classmethod
    def build(cls) -> DataLayout:
        keys = tuple(data_keys())
        where = {k: i for i, k in enumerate(keys)}
        positions = {v: tuple(where[k] for k in f.keys()) for v, f in FORMATS.items()}
        return cls(keys, tuple(_header(k) for k in keys), positions)


# ---- the workbook -------------------------------------------------------------------------


def overview_order(entries: Sequence[Entry]) -> list[Entry]:
    """总览 worst first: unreadable files, then reports with errors (most errors first), then
    the rest (most warnings first); ties by file name."""
    return sorted(
        entries,
        key=lambda e: (STATUS_RANK[e.status], -e.counts[0], -e.counts[1], -e.counts[2], e.display),
    )


def overview_row(e: Entry) -> list[Any]:
    return [
        e.display,
        e.agency,
        e.year,
        f"{e.version}版" if e.version else "",
        e.counts[0],
        e.counts[1],
        e.counts[2],
        e.status,
        "；".join(
            ([e.error] if e.error else [])
            + ([f"{e.unread} 处无法读取，需对照原件人工核对（不计为错误）"] if e.unread else [])
            + e.notes
        ),
    ]


def rule_rows() -> list[list[str]]:
    from gknb.service import rule_catalogue

    return [[r.id, r.severity.zh, r.title, r.checks, r.example] for r in rule_catalogue()]


def _plain(value: Any) -> Any:
    """A value openpyxl can write as is (numbers and text); anything else as its text."""
    if value is None or isinstance(value, bool):
        return "" if value is None else str(value)
    if isinstance(value, int | float | str):
        return value
    return str(value)


class _Sheet:
    """A write-only sheet with a styled header, frozen first row and column widths."""

    def __init__(
        self, wb: Any, title: str, columns: Sequence[str], widths: Sequence[float]
    ) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font, PatternFill
        from openpyxl.utils import get_column_letter

        self._cell = WriteOnlyCell
        self._fills: dict[str, Any] = {}
        self._pattern = PatternFill
        self.ws = wb.create_sheet(title)
        self.ws.freeze_panes = "A2"
        for i, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = width
        self.columns = len(columns)
        self.rows = 1
        header = []
        for name in columns:
            c = WriteOnlyCell(self.ws, value=name)
            c.font = Font(bold=True)
            c.fill = PatternFill("solid", fgColor=HEADER_COLOR)
            c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            header.append(c)
        self.ws.append(header)

    def fill(self, color: str) -> Any:
        if color not in self._fills:
            self._fills[color] = self._pattern("solid", fgColor=color)
        return self._fills[color]

    def append(self, values: Sequence[Any], fills: dict[int, str] | None = None) -> None:
        """One row. Every string is outside text (a title, a file name, a cell as found): it is
        made storable and written as text, never as a formula (gknb.text.put)."""
        row: list[Any] = []
        fills = fills or {}
        for i, value in enumerate(values):
            if isinstance(value, str):
                value = cell_text(value)
            if i in fills or (isinstance(value, str) and value.startswith(FORMULA_LEAD)):
                cell = self._cell(self.ws)
                put(cell, value)
                if i in fills:
                    cell.fill = self.fill(fills[i])
                value = cell
            row.append(value)
        self.ws.append(row)
        self.rows += 1

    def finish(self) -> None:
        from openpyxl.utils import get_column_letter

        self.ws.auto_filter.ref = f"A1:{get_column_letter(self.columns)}{max(self.rows, 2)}"


SpoolLoader = Callable[[Entry], tuple[Sequence[dict[str, Any]], Sequence[int | float | None]]]


def write_summary(
    path: Path | IO[bytes],
    entries: Sequence[Entry],
    load: SpoolLoader,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Write the summary workbook to `path` (a file or a stream; the caller puts it in place).
    Returns how many rows each sheet got."""
    from openpyxl import Workbook

    order = overview_order(entries)
    wb = Workbook(write_only=True)
    wb.properties.title = SUMMARY_TITLE
    wb.properties.creator = "年报助手"

    overview = _Sheet(wb, "总览", OVERVIEW_COLUMNS, (40, 30, 7, 8, 6, 6, 6, 9, 70))
    for entry in order:
        cells = [None if v is None else _plain(v) for v in overview_row(entry)]
        color = STATUS_FILL[str(cells[7])]
        overview.append(cells, {i: color for i in range(len(cells))})
    overview.finish()

    details = _Sheet(
        wb, "问题明细", FINDING_COLUMNS, (6, 6, 24, 30, 22, 22, 12, 12, 80, 40, 24, 20)
    )
    layout = DataLayout.build()
    data = _Sheet(
        wb, "数据", (*DATA_FIXED, *layout.headers), (40, 30, 7, 8, *([14] * len(layout.headers)))
    )
    totals: list[int | float] = [0] * len(layout.keys)
    counted = [False] * len(layout.keys)
    for done, entry in enumerate(order, start=1):
        if entry.error is None:
            findings, values = load(entry)
            for f in findings:
                details.append(
                    [
                        f["rule"],
                        Severity(f["severity"]).zh,
                        f["table"],
                        f["row"],
                        f["column"],
                        f["cell"] or "",
                        _plain(f["expected"]),
                        _plain(f["found"]),
                        f["message"],
                        entry.display,
                        entry.agency,
                        f.get("settled") or "",
                    ],
                    {1: COLORS[Severity(f["severity"])]},
                )
            figures: list[Any] = [None] * len(layout.keys)
            for pos, value in zip(layout.positions[entry.version], values, strict=True):
                figures[pos] = value
                if value is not None:
                    totals[pos] += value
                    counted[pos] = True
            data.append([entry.display, entry.agency, entry.year, f"{entry.version}版", *figures])
        if progress is not None:
            progress(done)
    reports = data.rows - 1
    total_row = [_round(t) if c else None for t, c in zip(totals, counted, strict=True)]
    data.append(
        [f"{TOTAL_LABEL}（{reports} 份报告）", "", None, "", *total_row],
        {i: HEADER_COLOR for i in range(len(DATA_FIXED) + len(total_row))},
    )
    details.finish()
    data.finish()

    rules = _Sheet(wb, "规则说明", RULE_COLUMNS, (6, 6, 18, 60, 70))
    for rule_row in rule_rows():
        rules.append(rule_row)
    rules.finish()
    wb.save(path)
    return {
        "总览": overview.rows - 1,
        "问题明细": details.rows - 1,
        "数据": reports,
        "规则说明": rules.rows - 1,
    }


def _round(value: int | float) -> int | float:
    return round(value, 6) if isinstance(value, float) else value


def iter_lines(entries: Iterable[Entry], load: SpoolLoader) -> Iterator[dict[str, Any]]:
    """`gknb check --json` lines: one per file (an unreadable file: its error instead)."""
    for e in entries:
        if e.error is not None:
            yield {"file": e.path, "error": e.error}
            continue
        findings, _ = load(e)
        yield {
            "file": e.path,
            "agency": e.agency,
            "year": e.year,
            "format": e.version,
            "findings": list(findings),
        }
