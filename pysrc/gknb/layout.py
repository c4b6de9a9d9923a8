"""The official merged layout of each statutory table, as data.

One grid per table (二, 三, 四), derived from the format declaration. The workbook template, the
workbook reader (label checks) and the Word export all draw from the same grid, so the layout
is written once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from gknb.formats import Block, Format, Key

T3_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


@dataclass(frozen=True)
class GridCell:
    row: int  # 0-based inside the grid
    col: int
    text: str
    role: str  # title | header | corner | label | input | total
    block: str
    rowspan: int = 1
    colspan: int = 1
    key: Key | None = None


@dataclass(frozen=True)
class Grid:
    table: str
    n_rows: int
    n_cols: int
    header_rows: int  # rows of header at the top that repeat on each page (tables 三, 四)
    cells: tuple[GridCell, ...]

    def origin(self, block_id: str) -> tuple[int, int]:
        """Grid position of the block's top-left number cell."""
        return min((c.row, c.col) for c in self.cells if c.block == block_id and c.key)

    def number_cells(self) -> list[GridCell]:
        return [c for c in self.cells if c.key is not None]

    def label_cells(self, block_id: str) -> list[GridCell]:
        return [c for c in self.cells if c.block == block_id and c.key is None and c.text]

    def position(self, key: Key) -> tuple[int, int]:
        for c in self.cells:
            if c.key == key:
                return c.row, c.col
        raise KeyError(key)


def _number_role(block: Block, key: Key) -> str:
    return "total" if block.is_total(key) else "input"


def _t2_grid(fmt: Format) -> Grid:
    cells: list[GridCell] = []
    r = 0
    width = 4
    for b in fmt.table_blocks("T2"):
        cells.append(GridCell(r, 0, b.title, "title", b.id, colspan=width))
        r += 1
        cells.append(GridCell(r, 0, b.header, "header", b.id))
        spans = _t2_spans(b, width - 1)
        col = 1
        for c, span in zip(b.cols, spans, strict=True):
            cells.append(GridCell(r, col, c.label, "header", b.id, colspan=span))
            col += span
        r += 1
        for row in b.rows:
            cells.append(GridCell(r, 0, row.label, "label", b.id))
            col = 1
            for c, span in zip(b.cols, spans, strict=True):
                key = (b.id, row.id, c.id)
                cells.append(
                    GridCell(r, col, "", _number_role(b, key), b.id, colspan=span, key=key)
                )
                col += span
            r += 1
    return Grid("T2", r, width, 0, tuple(cells))


def _t2_spans(block: Block, width: int) -> list[int]:
    n = len(block.cols)
    return [1] * (n - 1) + [width - (n - 1)]


def _t3_grid(fmt: Format) -> Grid:
    b = fmt.block("T3")
    cells: list[GridCell] = [
        GridCell(0, 0, T3_CORNER, "corner", "T3", rowspan=3, colspan=3),
        GridCell(0, 3, "申请人情况", "header", "T3", colspan=7),
    ]
    org_cols = [c for c in b.cols if c.group]
    for i, c in enumerate(b.cols):
        col = 3 + i
        if c.group:
            if c is org_cols[0]:
                cells.append(GridCell(1, col, c.group, "header", "T3", colspan=len(org_cols)))
            cells.append(GridCell(2, col, c.label, "header", "T3"))
        else:
            cells.append(GridCell(1, col, c.label, "header", "T3", rowspan=2))
    first = 3
    result_rows = [i for i, r in enumerate(b.rows) if r.section]
    for i, row in enumerate(b.rows):
        r = first + i
        if not row.section:
            cells.append(GridCell(r, 0, row.label, "label", "T3", colspan=3))
        else:
            if i == result_rows[0]:
                cells.append(GridCell(r, 0, row.section, "label", "T3", rowspan=len(result_rows)))
            if not row.group:
                cells.append(GridCell(r, 1, row.label, "label", "T3", colspan=2))
            else:
                members = [j for j, x in enumerate(b.rows) if x.group == row.group]
                if i == members[0]:
                    cells.append(GridCell(r, 1, row.group, "label", "T3", rowspan=len(members)))
                cells.append(GridCell(r, 2, row.label, "label", "T3"))
        for j, c in enumerate(b.cols):
            key = fmt.t3(row.id, c.id)
            cells.append(GridCell(r, 3 + j, "", _number_role(b, key), "T3", key=key))
    return Grid("T3", first + len(b.rows), 3 + len(b.cols), 3, tuple(cells))


def _t4_grid(fmt: Format) -> Grid:
    b = fmt.block("T4")
    cells: list[GridCell] = []
    sections: dict[str, list[int]] = {}
    groups: dict[str, list[int]] = {}
    for i, c in enumerate(b.cols):
        sections.setdefault(c.section, []).append(i)
        if c.group:
            groups.setdefault(c.group, []).append(i)
    for name, idx in sections.items():
        cells.append(GridCell(0, idx[0], name, "header", "T4", colspan=len(idx)))
    for name, idx in groups.items():
        cells.append(GridCell(1, idx[0], name, "header", "T4", colspan=len(idx)))
    for i, c in enumerate(b.cols):
        if c.group:
            cells.append(GridCell(2, i, c.label, "header", "T4"))
        else:
            cells.append(GridCell(1, i, c.label, "header", "T4", rowspan=2))
        key = (b.id, b.rows[0].id, c.id)  # table 四 is one row
        cells.append(GridCell(3, i, "", _number_role(b, key), "T4", key=key))
    return Grid("T4", 4, len(b.cols), 3, tuple(cells))


@cache
def grid(fmt: Format, table: str) -> Grid:
    return {"T2": _t2_grid, "T3": _t3_grid, "T4": _t4_grid}[table](fmt)


TABLES = ("T2", "T3", "T4")
