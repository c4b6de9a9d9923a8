"""The JSON xlwings' remote engine takes for a workbook (`xw.Book(json=...)`), made from an
openpyxl workbook: every sheet's values and the workbook-level defined names. Tests drive the
live-book adapter through it on any platform."""

from __future__ import annotations

import datetime as dt
from typing import Any

from openpyxl import Workbook

BOOK_NAME = "测试局2025年报.xlsm"


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def remote_book_json(wb: Workbook, name: str = BOOK_NAME) -> dict[str, Any]:
    import xlwings

    sheets = []
    for ws in wb.worksheets:
        rows = ws.iter_rows(
            min_row=1, max_row=max(ws.max_row, 1), max_col=max(ws.max_column, 1), values_only=True
        )
        sheets.append(
            {
                "name": ws.title,
                "values": [[_json_value(v) for v in row] for row in rows],
                "pictures": [],
                "tables": [],
                "notes": [],
                "notes_supported": True,
            }
        )
    names = []
    for name_, dn in wb.defined_names.items():
        ((sheet, cells),) = list(dn.destinations)
        names.append(
            {
                "name": name_,
                "sheet_index": wb.sheetnames.index(sheet),
                "address": cells.replace("$", ""),
                "book_scope": True,
                "scope_sheet_name": None,
                "scope_sheet_index": None,
            }
        )
    return {
        "client": "Office.js",
        "version": xlwings.__version__,
        "book": {"name": name, "active_sheet_index": 0, "selection": "A1"},
        "names": names,
        "sheets": sheets,
    }
