"""A workbook that was not made from the template (no GK_* names), as intermediate rows.

Agencies often fill the statutory tables in an Excel file of their own. Each sheet row becomes a
table row of cell texts, as a Word or HTML table would: a merged cell appears once (the cells
it covers are dropped), an empty cell stays as an empty text so a blank number cell is seen as
blank (R5a), and empty cells after the last value of a row are dropped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from gknb.reader.ir import Doc, Row


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def workbook_rows(wb: Any, skip: Collection[str] = ()) -> Doc:
    """Rows of every visible sheet, in sheet order (sheets named in skip left out)."""
    from openpyxl.cell.cell import MergedCell

    rows: Doc = []
    for ws in wb.worksheets:
        if ws.sheet_state != "visible" or ws.title in skip:
            continue
        for row in ws.iter_rows():
            cells = [_text(c.value) for c in row if not isinstance(c, MergedCell)]
            while cells and not cells[-1].strip():
                cells.pop()
            if cells:
                rows.append(Row(tuple(cells), table=True))
    return rows
