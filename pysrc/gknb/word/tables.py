"""The statutory tables as Word tables, built from the official layout grids (`gknb.layout`).

The layout is not redeclared here: every cell, span and label comes from `layout.grid`. Each
merged cell is emitted once, already merged (gridSpan for columns, vMerge restart/continue for
rows), and its text is written into it once; the covered positions stay empty.

The tables are self-contained (their own borders, cell margins, fonts in all four slots and
paragraph properties), so they look the same in the generated report and in a user's draft,
whatever that draft's styles are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lxml import etree

from gknb.formats import Format, Key, Kind
from gknb.layout import Grid, GridCell, grid
from gknb.model import Report
from gknb.word.ooxml import W_DECL, rpr, run, twips, w
from gknb.word.style import MARGINS_MM, PAGE_MM, SIZE_5, SIZE_S4, WordStyle

TABLE_OF_PART = {"二": "T2", "三": "T3", "四": "T4"}  # the part (一…六) each table belongs to
TEXT_WIDTH_MM = PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]  # 156 mm


@dataclass(frozen=True)
class TableSpec:
    widths_mm: tuple[float, ...]  # at the 156 mm 版心 width; scaled to the section's width
    size: float  # font size (pt)
    row_mm: float  # minimum row height
    keep_together: bool  # short tables move to the next page whole instead of splitting
    keep_last: int = 0  # a long table's final rows stay together (none left alone on a page)

    def keeps_with_next(self, row: int, n_rows: int, header_rows: int) -> bool:
        """Whether the row's paragraphs keep with the next row: every row of a short table,
        the header with the first two rows of a long one, and its last rows together."""
        if row >= n_rows - 1:
            return False
        return self.keep_together or row <= header_rows or row >= n_rows - self.keep_last


def spec(table: str, n_cols: int) -> TableSpec:
    if table == "T2":
        return TableSpec((45.0, *(37.0,) * (n_cols - 1)), SIZE_S4, 7.0, True)
    if table == "T3":
        # 三、本年度办理结果 (vertical) | （三）… group | item label | 7 applicant columns
        return TableSpec((9.0, 21.0, 56.0, *(10.0,) * (n_cols - 3)), SIZE_5, 6.0, False, 3)
    # table 四: 15 equal columns fit the portrait 版心 at 五号 with narrow cell margins
    return TableSpec(tuple(TEXT_WIDTH_MM / n_cols for _ in range(n_cols)), SIZE_5, 6.0, True)


def column_twips(widths_mm: tuple[float, ...], total_twips: int) -> list[int]:
    scale = total_twips / sum(twips(x) for x in widths_mm)
    cols = [round(twips(x) * scale) for x in widths_mm]
    cols[-1] += total_twips - sum(cols)
    return cols


# ---- values -------------------------------------------------------------------------------


def printed_text(raw: Any, kind: Kind) -> str:
    """What the workbook holds, as the report prints it: whole numbers without ".0", amounts
    with their decimals, text (e.g. "4个", "12.50") as typed, blanks blank."""
    if raw is None:
        return ""
    if isinstance(raw, str):
        return raw.strip()
    if isinstance(raw, bool):
        return str(raw)
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            return str(raw)
        if kind is not Kind.AMOUNT and raw.is_integer():
            return str(int(raw))
        text = f"{raw:.10f}".rstrip("0").rstrip(".")
        return "0" if text in ("", "-0") else text
    if hasattr(raw, "year") and hasattr(raw, "month"):  # a date typed into a number cell
        return f"{raw.year}-{raw.month:02d}-{getattr(raw, 'day', 1):02d}"
    return str(raw)


def report_text(report: Report | None, fmt: Format, key: Key) -> str:
    if report is None:
        return ""
    cell = report.cells.get(key)
    return "" if cell is None else printed_text(cell.raw, fmt.kind(key))


# ---- building -----------------------------------------------------------------------------


def _alignment(g: Grid, c: GridCell) -> tuple[str, bool]:
    """(jc, vertical text) of a cell."""
    if c.role != "label":
        return "center", False
    if g.table == "T3":
        if c.col == 0 and c.rowspan > 1:
            return "center", True  # 三、本年度办理结果, written top to bottom
        if c.col == 1 and c.rowspan > 1:
            return "center", False  # （三）不予公开 … over their items
        return "left", False
    return "center", False


def _paragraph(value: str, style: WordStyle, size: float, jc: str, keep_next: bool) -> str:
    keep = "<w:keepNext/>" if keep_next else ""
    ppr = (
        f'<w:pPr>{keep}<w:widowControl w:val="0"/><w:snapToGrid w:val="0"/>'
        '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
        '<w:ind w:left="0" w:right="0" w:firstLineChars="0" w:firstLine="0"/>'
        f'<w:jc w:val="{jc}"/>{rpr(style.body, size)}</w:pPr>'
    )
    body = run(value, style.body, size) if value else ""
    return f"<w:p>{ppr}{body}</w:p>"


def _tc(width: int, span: int, vmerge: str | None, vertical: bool, paragraph: str) -> str:
    parts = [f'<w:tcW w:w="{width}" w:type="dxa"/>']
    if span > 1:
        parts.append(f'<w:gridSpan w:val="{span}"/>')
    if vmerge == "restart":
        parts.append('<w:vMerge w:val="restart"/>')
    elif vmerge == "continue":
        parts.append("<w:vMerge/>")
    if vertical:
        parts.append('<w:textDirection w:val="tbRl"/>')
    parts.append('<w:vAlign w:val="center"/>')
    return f"<w:tc><w:tcPr>{''.join(parts)}</w:tcPr>{paragraph}</w:tc>"


def table_xml(
    fmt: Format,
    table: str,
    report: Report | None,
    style: WordStyle,
    width_twips: int | None = None,
) -> str:
    """One statutory table as a <w:tbl> (with the w: namespace declared on it)."""
    g = grid(fmt, table)
    sp = spec(table, g.n_cols)
    total = width_twips or twips(TEXT_WIDTH_MM)
    cols = column_twips(sp.widths_mm, total)
    origin: dict[tuple[int, int], GridCell] = {(c.row, c.col): c for c in g.cells}
    covered: dict[tuple[int, int], GridCell] = {}
    for c in g.cells:
        for r in range(c.row, c.row + c.rowspan):
            for col in range(c.col, c.col + c.colspan):
                if (r, col) != (c.row, c.col):
                    covered[(r, col)] = c
    rows = []
    for r in range(g.n_rows):
        keep = sp.keeps_with_next(r, g.n_rows, g.header_rows)
        tcs = []
        col = 0
        while col < g.n_cols:
            start = origin.get((r, col))
            if start is not None:
                value = start.text if start.key is None else report_text(report, fmt, start.key)
                jc, vertical = _alignment(g, start)
                width = sum(cols[col : col + start.colspan])
                vmerge = "restart" if start.rowspan > 1 else None
                para = _paragraph(value, style, sp.size, jc, keep)
                tcs.append(_tc(width, start.colspan, vmerge, vertical, para))
                col += start.colspan
                continue
            above = covered.get((r, col))
            if above is None or above.col != col:
                raise ValueError(f"layout grid {table} leaves cell ({r}, {col}) undefined")
            # the part of a row-spanning cell that lies in this row: one empty continuation
            width = sum(cols[col : col + above.colspan])
            jc, vertical = _alignment(g, above)
            para = _paragraph("", style, sp.size, jc, keep)
            tcs.append(_tc(width, above.colspan, "continue", vertical, para))
            col += above.colspan
        header = "<w:tblHeader/>" if r < g.header_rows else ""
        height = twips(sp.row_mm)
        trpr = f'<w:trPr><w:cantSplit/><w:trHeight w:val="{height}" w:hRule="atLeast"/>{header}</w:trPr>'
        rows.append(f"<w:tr>{trpr}{''.join(tcs)}</w:tr>")
    border = 'w:val="single" w:sz="4" w:space="0" w:color="000000"'
    borders = "".join(
        f"<w:{side} {border}/>" for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    margin = twips(1.0)
    tblpr = (
        f'<w:tblPr><w:tblW w:w="{sum(cols)}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblInd w:w="0" w:type="dxa"/><w:tblBorders>{borders}</w:tblBorders>'
        '<w:tblLayout w:type="fixed"/>'
        f'<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="{margin}" w:type="dxa"/>'
        f'<w:bottom w:w="0" w:type="dxa"/><w:right w:w="{margin}" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" '
        'w:lastColumn="0" w:noHBand="0" w:noVBand="0"/></w:tblPr>'
    )
    grid_xml = "".join(f'<w:gridCol w:w="{x}"/>' for x in cols)
    return f"<w:tbl {W_DECL}>{tblpr}<w:tblGrid>{grid_xml}</w:tblGrid>{''.join(rows)}</w:tbl>"


# ---- reading back (tests, and anyone who needs the merged structure of a Word table) -------


@dataclass
class ReadCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    text: str
    element: Any  # the <w:tc> that starts the cell


def paragraph_text(p: Any) -> str:
    out = []
    for node in p.iter(w("t"), w("br"), w("tab")):
        if node.tag == w("t"):
            out.append(node.text or "")
        elif node.tag == w("br"):
            out.append("\n")
        else:
            out.append("\t")
    return "".join(out)


def read_grid(tbl: Any) -> list[ReadCell]:
    """The merged cells of a <w:tbl> by grid position: one entry per merged cell, with its
    row and column span (gridSpan, vMerge) and its text (paragraphs joined by newlines)."""
    cells: list[ReadCell] = []
    open_cols: dict[int, ReadCell] = {}  # grid column -> cell a vMerge may continue
    for r, tr in enumerate(tbl.iterchildren(w("tr"))):
        col = 0
        trpr = tr.find(w("trPr"))
        before = trpr.find(w("gridBefore")) if trpr is not None else None
        if before is not None:
            col = int(before.get(w("val"), "0"))
        for tc in tr.iterchildren(w("tc")):
            tcpr = tc.find(w("tcPr"))
            span, vmerge = 1, None
            if tcpr is not None:
                gs = tcpr.find(w("gridSpan"))
                if gs is not None:
                    span = int(gs.get(w("val"), "1"))
                vm = tcpr.find(w("vMerge"))
                if vm is not None:
                    vmerge = vm.get(w("val"), "continue")
            if vmerge == "continue" and col in open_cols:
                open_cols[col].rowspan += 1
            else:
                text = "\n".join(paragraph_text(p) for p in tc.iterchildren(w("p")))
                cell = ReadCell(r, col, 1, span, text, tc)
                cells.append(cell)
                open_cols[col] = cell
            col += span
    return cells


def parse_table(xml: str) -> Any:
    """A <w:tbl> string as a plain lxml element (draft mode and tests)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.fromstring(xml.encode("utf-8"), parser)
