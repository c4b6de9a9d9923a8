"""PDF files → rows, with pdfplumber.

On each page the tables pdfplumber finds are read as rows of cells (a merged cell, which
pdfplumber reports as None in the positions it covers, is read once), and the text outside
them as lines; both are put in order from top to bottom. A page without ruled tables is read
as text only, and the same line reader as for .txt files finds the columns in it.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from gknb.errors import GknbError, quiet_library_logs
from gknb.reader.from_text import text_rows
from gknb.reader.ir import Row

MAX_PAGES = 300


def pdf_rows(path: Path) -> list[Row]:
    import pdfplumber

    quiet_library_logs()  # also in a review worker process

    try:
        pdf = pdfplumber.open(str(path))
    except Exception as exc:  # pdfminer raises many types for broken files
        raise GknbError(
            f"{path.name} 不是有效的 PDF 文件，无法打开（{type(exc).__name__}）。请检查文件。"
        ) from None
    rows: list[Row] = []
    lines: list[str] = []  # text lines waiting for the line reader, across page breaks
    try:
        if len(pdf.pages) > MAX_PAGES:
            raise GknbError(f"{path.name} 有 {len(pdf.pages)} 页，不像一份年度报告。请检查文件。")
        for page in pdf.pages:
            for item in _page_items(page):
                if isinstance(item, str):
                    lines.append(item)
                    continue
                if lines:  # a paragraph a page break cut stays one paragraph
                    rows.extend(text_rows("\n".join(lines)))
                    lines = []
                rows.extend(item)
        if lines:
            rows.extend(text_rows("\n".join(lines)))
    except GknbError:
        raise
    except Exception as exc:
        raise GknbError(f"{path.name} 读取失败（{type(exc).__name__}），文件可能已损坏。") from None
    finally:
        with contextlib.suppress(Exception):  # pdfplumber can raise from close() too
            pdf.close()
    if not any(c.strip() for r in rows for c in r.cells):
        raise GknbError(
            f"{path.name} 中没有可提取的文字，可能是扫描件。请用文字版 PDF 或 Word 原件。"
        )
    return rows


def _page_items(page: Any) -> list[str | list[Row]]:
    """The page from top to bottom: text lines outside tables, and each table's rows."""
    tables = page.find_tables()
    items: list[tuple[float, int, Any]] = []
    outside = page
    for t in tables:
        items.append((t.bbox[1], 1, t.extract()))
        outside = outside.outside_bbox(t.bbox)
    for line in outside.extract_text_lines(keep_blank_chars=False):
        items.append((line["top"], 0, line["text"]))
    items.sort(key=lambda x: (x[0], x[1]))
    out: list[str | list[Row]] = []
    for _, kind, payload in items:
        if kind == 0:
            out.append(payload)
            continue
        table: list[Row] = []
        for cells in payload:
            present = tuple((c or "").replace("\n", "") for c in cells if c is not None)
            if present:
                table.append(Row(present, table=True))
        out.append(table)
    return out
