"""Word documents (.docx) → rows, with python-docx.

The body is read in order: paragraphs (and text laid out with tabs) go through the same line
reader as .txt files; a table row is a row of cells. Cells are taken from ``tr.tc_lst``; a cell
spanning columns (gridSpan) is one cell, and the cells a vertical merge continues (vMerge
"continue") are skipped, so a merged label or value is read exactly once. Nested tables and
content controls are followed.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from gknb import zipcheck
from gknb.errors import GknbError
from gknb.reader.from_text import text_rows
from gknb.reader.ir import Row


def _check_zip(path: Path) -> None:
    if not zipfile.is_zipfile(path):
        raise GknbError(
            f"{path.name} 不是有效的 Word 文档（.docx）。如果是旧版 .doc 或 WPS 文件，"
            f"请在 Word 或 WPS 中另存为 .docx 后再试。"
        )
    names = zipcheck.check(path, zipcheck.DOCUMENT).names  # sizes counted, not trusted
    if "word/document.xml" not in names:
        raise GknbError(f"{path.name} 不是 Word 文档（缺少正文）。请确认文件类型。")


def docx_rows(path: Path) -> list[Row]:
    _check_zip(path)
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise GknbError(
            f"{path.name} 无法作为 Word 文档打开（{exc}）。请另存为 .docx 后再试。"
        ) from None
    except Exception as exc:  # lxml errors on broken XML
        raise GknbError(f"{path.name} 内容已损坏，无法读取（{type(exc).__name__}）。") from None
    reader = _Reader()
    reader.body(document.element.body)
    reader.flush()
    return reader.rows


class _Reader:
    def __init__(self) -> None:
        from docx.oxml.ns import qn

        self.qn = qn
        self.rows: list[Row] = []
        self.lines: list[str] = []

    def flush(self) -> None:
        if self.lines:
            self.rows.extend(text_rows("\n".join(self.lines)))
            self.lines = []

    def body(self, el: Any) -> None:
        qn = self.qn
        for child in el.iterchildren():
            if child.tag == qn("w:p"):
                self.lines.extend(self.paragraph(child).split("\n"))
            elif child.tag == qn("w:tbl"):
                self.flush()
                self.table(child)
            elif child.tag in (qn("w:sdt"), qn("w:customXml")):
                content = child.find(qn("w:sdtContent"))
                self.body(content if content is not None else child)

    def paragraph(self, p: Any) -> str:
        qn = self.qn
        out: list[str] = []
        for r in p.iter(qn("w:r")):
            for c in r:
                if c.tag == qn("w:t"):
                    out.append(c.text or "")
                elif c.tag == qn("w:tab"):
                    out.append("\t")
                elif c.tag in (qn("w:br"), qn("w:cr")):
                    out.append("\n")
                elif c.tag == qn("w:noBreakHyphen"):
                    out.append("-")
        return "".join(out)

    def cell_text(self, tc: Any) -> str:
        qn = self.qn
        return "\n".join(
            self.paragraph(p) for p in tc.iter(qn("w:p")) if not _inside_nested(p, tc, qn)
        ).strip()

    def table(self, tbl: Any) -> None:
        qn = self.qn
        for tr in tbl.tr_lst:
            cells: list[str] = []
            for tc in tr.tc_lst:
                if tc.vMerge == "continue":
                    continue
                if tc.find(".//" + qn("w:tbl")) is not None:
                    if cells:
                        self.rows.append(Row(tuple(cells), table=True))
                        cells = []
                    self.body(tc)  # a layout cell: read its content in order
                    self.flush()
                    continue
                cells.append(self.cell_text(tc))
            if cells:
                self.rows.append(Row(tuple(cells), table=True))


def _inside_nested(p: Any, tc: Any, qn: Any) -> bool:
    parent = p.getparent()
    while parent is not None and parent is not tc:
        if parent.tag == qn("w:tbl"):
            return True
        parent = parent.getparent()
    return False
