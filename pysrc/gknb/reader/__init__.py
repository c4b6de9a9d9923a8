"""Reports from published documents: .txt/.md, .html/.htm, .docx, .pdf.

Every source is reduced to one intermediate form (`gknb.reader.ir`: rows of cell texts in
reading order) and read by one structural parser (`gknb.reader.parse`). Heavy libraries
(python-docx, pdfplumber, lxml) are imported only when a file of their kind is read.
"""

from __future__ import annotations

import re
from pathlib import Path

from gknb import ole
from gknb.errors import GknbError, NotAReport
from gknb.model import Report

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
MAX_TEXT_BYTES = 20 * 1024 * 1024
MAX_DOCX_BYTES = 50 * 1024 * 1024
MAX_PDF_BYTES = 100 * 1024 * 1024
SUFFIXES = (*TEXT_SUFFIXES, *HTML_SUFFIXES, ".docx", ".pdf")


def _size(path: Path, limit: int) -> bytes:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise GknbError(f"找不到文件 {path}。请检查文件名和路径。") from None
    except OSError as exc:
        raise GknbError(f"无法读取 {path}：{exc.strerror}。") from None
    if size > limit:
        raise GknbError(
            f"{path.name} 太大（{size // (1024 * 1024)} MB，上限 {limit // (1024 * 1024)} MB），"
            f"不像一份年度报告。请检查文件。"
        )
    return path.read_bytes() if limit <= MAX_TEXT_BYTES else b""


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise GknbError(
                f"{name} 标明是 UTF-16 编码，但内容不完整或已损坏。请用 UTF-8 编码另存后再试。"
            ) from None
    if b"\x00" in data[:4096]:
        raise GknbError(f"{name} 不是文本文件。请选择 .txt、.docx、.html 或 .pdf 格式的报告。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise GknbError(f"{name} 的文字编码无法识别。请用 UTF-8 或 GBK 编码另存后再试。")


def read_text(text: str, name: str = "报告", source: str = "") -> Report:
    """A Report from text in any of the layouts `gknb.reader.from_text` understands."""
    from gknb.reader.from_text import text_rows
    from gknb.reader.parse import parse_rows

    report = parse_rows(text_rows(text), name)
    report.source = source or name
    return report


_TAG = re.compile(
    r"<\s*/?\s*(?:html|head|body|table|tbody|tr|td|th|p|div|span|br|h[1-6]|meta|font|strong)\b"
    r"|<\\/|\\u003c|&lt;\s*(?:table|tr|td|p)\b",
    re.IGNORECASE,
)


def sniff(head: bytes) -> str:
    """What a file is, from its first bytes: pdf, zip (docx/xlsx), ole (old Office), rtf,
    html (markup, also escaped into a script string or a text file) or text."""
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if ole.is_ole(head):
        return "ole"
    if head.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="replace")
    else:
        text = head.decode("utf-8", errors="replace")
    return "html" if len(_TAG.findall(text)) >= 3 else "text"


def _zip_kind(path: Path) -> str:
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except Exception:  # BadZipFile, NotImplementedError (zip version), whatever a hostile
        return ""  # directory raises: the reader of its kind says why (gknb.zipcheck)
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return ""


def read_report(path: Path) -> Report:
    """A Report from a published report file; GknbError with one Chinese line if it is not one.

    The file is read by what it is, whatever its name says: a .txt holding a web page (even
    with its quotes escaped as in a script string) is read as a web page, a .html holding plain
    text as text, a PDF or Word file saved under another extension as such."""
    from gknb.reader.parse import parse_rows

    path = Path(path)
    suffix = path.suffix.lower()
    name = path.name
    try:
        with path.open("rb") as fh:
            head = fh.read(8192)
    except FileNotFoundError:
        raise GknbError(f"找不到文件 {path}。请检查文件名和路径。") from None
    except IsADirectoryError:
        raise GknbError(f"{path} 是文件夹，不是报告文件。") from None
    except OSError as exc:
        raise GknbError(f"无法读取 {path}：{exc.strerror}。") from None
    kind = sniff(head)
    if kind == "zip":
        kind = _zip_kind(path) or ("docx" if suffix == ".docx" else "")
        if kind == "xlsx":
            raise GknbError(f"{name} 实际上是 Excel 工作簿。请把扩展名改为 .xlsx 后再试。")
        if not kind:
            raise GknbError(f"{name} 是压缩文件，不是 Word 报告。请解压后选择其中的报告文件。")
    if kind == "ole":
        raise GknbError(ole.message(path))
    if not head and suffix in ole.SUFFIXES:
        raise GknbError(f"{name} 是空文件（0 字节），请确认文件是否完整。")
    if kind == "rtf":
        raise GknbError(f"{name} 是 RTF 格式。请在 Word 或 WPS 中另存为 .docx 后再试。")
    if kind == "text" and suffix not in TEXT_SUFFIXES and not _looks_like_text(head):
        raise GknbError(
            f"{name}：不支持的文件类型“{suffix or '无扩展名'}”。"
            f"请使用 .xlsx/.xlsm 工作簿，或 .docx、.html、.pdf、.txt 格式的报告。"
        )
    if kind == "text":
        text = decode_text(_size(path, MAX_TEXT_BYTES), name)
        try:
            return read_text(text, name, str(path))
        except GknbError:
            if suffix in TEXT_SUFFIXES:  # a .docx that holds text is a broken file, not a note
                raise_if_not_a_report(text, name)
            raise
    if kind == "html":
        from gknb.reader.from_html import html_rows

        rows = html_rows(_size(path, MAX_TEXT_BYTES), name)
    elif kind == "docx":
        from gknb.reader.from_docx import docx_rows

        _size(path, MAX_DOCX_BYTES)
        rows = docx_rows(path)
    else:
        from gknb.reader.from_pdf import pdf_rows

        _size(path, MAX_PDF_BYTES)
        rows = pdf_rows(path)
    try:
        report = parse_rows(rows, name)
    except GknbError:
        raise_if_not_a_report("".join(c for r in rows for c in r.cells), name)
        raise
    report.source = str(path)
    return report


# Words every annual report carries (in its title, part headings or table labels); a file
# with none of them is no report at all (a README, a note), not a report that failed to read
REPORT_WORDS = ("政府信息公开", "主动公开", "依申请", "行政复议", "行政诉讼", "总体情况",
                "存在的主要问题", "其他需要报告的事项", "年度报告")  # fmt: skip


def raise_if_not_a_report(text: str, name: str) -> None:
    """Raise NotAReport when `text` (a file that could not be read as a report) has words but
    none of a report's: the file is something else, and is named as such."""
    flat = re.sub(r"\s+", "", text)
    if flat and not any(word in flat for word in REPORT_WORDS):
        raise NotAReport(
            f"{name}：不是政府信息公开工作年度报告（没有年报的标题、部分或表格名称）。"
            f"如果它是年报，请确认文字没有被转成图片。"
        )


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head[:4096] and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    try:
        head.decode("utf-8")
        return True
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4:  # cut inside a character at the end of the sample
            return True
    try:
        head.decode("gb18030")
        return True
    except UnicodeDecodeError:
        return False


__all__ = ["SUFFIXES", "decode_text", "raise_if_not_a_report", "read_report", "read_text", "sniff"]
