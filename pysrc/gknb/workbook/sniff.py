"""The first look at a workbook file, before any library opens it: a clear message for files
that are not .xlsx/.xlsm workbooks (old .xls, Word files, empty or damaged files, zip bombs).
No spreadsheet library is imported here."""

from __future__ import annotations

import zipfile
from pathlib import Path

from gknb import ole, zipcheck
from gknb.errors import GknbError
from gknb.workbook import package


def screen_workbook(path: Path) -> list[str]:
    """Refuse what is not a readable workbook, with one Chinese sentence; returns the damaged
    parts that hold no table data (`package.inspect`: the same for every reader)."""
    if not path.exists():
        raise GknbError(f"找不到文件：{path}")
    if path.is_dir():
        raise GknbError(f"{path} 是文件夹，不是工作簿。")
    size = path.stat().st_size
    if size == 0:
        raise GknbError(f"{path.name} 是空文件（0 字节），请确认文件是否完整。")
    with path.open("rb") as fh:
        head = fh.read(8)
    if ole.is_ole(head):
        raise GknbError(ole.message(path))
    if not zipfile.is_zipfile(path):
        raise GknbError(f"{path.name} 不是 Excel 工作簿（.xlsx/.xlsm），文件可能已损坏。")
    names = zipcheck.check(path, zipcheck.WORKBOOK).names  # sizes counted, not trusted
    if "word/document.xml" in names:
        raise GknbError(f"{path.name} 是 Word 文件，不是 Excel 工作簿，请检查文件扩展名。")
    if "xl/workbook.xml" not in names:
        raise GknbError(f"{path.name} 不是 Excel 工作簿（缺少 xl/workbook.xml）。")
    return package.inspect(path)
