"""Text extracted from Word, web pages or PDFs (.txt/.md) → rows.

Layouts understood, line by line, so one file may mix them:

- one cell per line, each line starting with a tab, rows separated by blank lines (Word tables
  saved as text); a line without the tab right after a label cell continues that label;
- tab-separated rows; pipe tables from PDF-to-Markdown converters (``|---|`` rows dropped);
- space-aligned columns (two or more spaces, or full-width spaces) and a label followed by
  numbers separated by single spaces (PDF text);
- one value per line with no separators at all: each line is its own row.

Converter junk (``[bookmark: _GoBack]``, ``[image: ...]``, Markdown images, ``#`` heading marks,
emphasis) and page footers (``— 3 —``, ``第 3 页 共 8 页``) are removed.
"""

from __future__ import annotations

import re

from gknb.reader.ir import Row
from gknb.reader.stream import lines, needs_cutting
from gknb.reader.tokens import ATOM_RUN, atoms
from gknb.text import fold, outside_brackets

_JUNK = re.compile(
    r"\[(?:bookmark|image|图片|picture)\s*:[^\[\]\n]*(?:\[[^\[\]\n]*\][^\[\]\n]*)*\]"
    r"|!\[[^\]\n]*\]\([^)\n]*\)"
    r"|<!--.*?-->",
    re.IGNORECASE,
)
_JUNK_OPEN = re.compile(r"\[(?:bookmark|image|图片|picture)\s*:.*$", re.IGNORECASE)
_TAGS = re.compile(r"<\s*/?\s*(?:br|p|span|div|b|strong|em|i|u|sup|sub|font)\b[^>]*>", re.I)
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_MD_QUOTE = re.compile(r"^\s{0,3}>\s?")
_MD_EMPHASIS = re.compile(r"\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_FOOTER = re.compile(
    r"^(?:[-—–－_=]+\s*\d{1,4}\s*[-—–－_=]+"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/／]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*[,，]?\s*第\s*\d{1,4}\s*页"
    r"|\d{1,4}\s*/\s*\d{1,4}"
    r"|page\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?)$",
    re.IGNORECASE,
)
_PIPE_SEP = re.compile(r"^:?-{3,}:?$")
_WIDE = re.compile(r"(?:[ \t]{2,}|\u3000+)")
_LABEL_VALUES = re.compile(rf"^(.*?[^\s\d.,+\-])\s+({ATOM_RUN})$")
# PDF text and OCR may lose the space after a label: "申请数量2 0 0 0 0 0 2"
_GLUED = re.compile(
    rf"^(.*?[\u3400-\u9fff]{{2}}[)）”]?)(\d[\d.,]*(?:万元|元|万|个|件|条|项)?(?:\s+{ATOM_RUN})?)$"
)
_CJK = re.compile(r"[\u3400-\u9fff]")
_MARKUP = re.compile(r"<\s*/?\s*(?:table|tr|td|th|p|div|span|br|h\d)\b", re.I)
_HEADING = re.compile(r"^[一二三四五六七八九十]+\s*[、.．]")
MAX_PLAIN = 150  # a longer line is prose, never split into cells


def clean_line(line: str) -> str | None:
    """The line without converter junk; None when nothing but junk was on it."""
    had = line.strip()
    line = _JUNK.sub("", line)
    line = _JUNK_OPEN.sub("", line)
    line = _TAGS.sub("", line)
    if "\t" not in line:
        line = _MD_QUOTE.sub("", _MD_HEADING.sub("", line))
    if "*" in line or "_" in line:
        line = _MD_EMPHASIS.sub("", line)
    if "\\" in line:
        line = _MD_ESCAPE.sub(r"\1", line)
    line = line.rstrip(" \r\u3000\xa0")
    if had and not line.strip():
        return None
    return line


def is_footer(line: str) -> bool:
    s = line.strip().strip("\u3000")
    return bool(s) and len(s) <= 24 and bool(_FOOTER.match(s))


def split_pipe(line: str) -> list[str] | None:
    """Cells of a Markdown table row; [] for a separator row; None if not a pipe row."""
    s = line.strip()
    if not s.startswith("|") or s.count("|") < 2:
        return None
    cells = [c.strip() for c in re.split(r"(?<!\\)\|", s.strip("|"))]
    if all(_PIPE_SEP.match(c) or not c for c in cells) and any(cells):
        return []
    return [c.replace("\\|", "|") for c in cells]


def _merge_letter_spaced(cells: list[str]) -> list[str]:
    """'结  果  维  持' printed with wide letter spacing → one cell."""
    out: list[str] = []
    for c in cells:
        if out and len(c) == 1 and _CJK.match(c) and len(out[-1]) >= 1 and _CJK.search(out[-1][-1]):
            out[-1] += c
        else:
            out.append(c)
    return out


_CLAUSE = re.compile(r"[，；;]|,(?!\d{3})")


def _prose(line: str) -> bool:
    """A comma or semicolon outside brackets: part of a sentence (a PDF wraps narrative
    mid-sentence: "…申请25件，其中自然人 20 件"), never a table row. Labels keep their commas
    inside brackets (（二）部分公开（区分处理的，只计这一情形，…）)."""
    return bool(_CLAUSE.search(outside_brackets(line)))


_SENTENCE_END = ("。", "！", "？", "：", ":", "；", ";")
_ROW_START = re.compile(
    r"^\s*(?:[(（][一二三四五六七八九十]{1,2}[)）]|[一二三四五六七八九十]{1,2}、|\d[.．、])"
)
_WRAPPED_START = re.compile(
    r"^\s*(?:[、，,；;）)]|(?:万元|元|个|件|条|项|次|宗|起|家|份)(?![\u3400-\u9fff]{2}))"
)


def _continues_prose(prose: bool, line: str) -> bool:
    """The line carries on the sentence above it: the sentence did not end, and this line
    does not start a row (一、 （一） 1.); or it starts with what only ends a phrase (件、 ，)."""
    if _WRAPPED_START.match(line) and not re.match(r"^\s*[\d]", line):
        return True
    return prose and not _ROW_START.match(line)


def split_plain(line: str) -> tuple[str, ...]:
    """A line of plain text → its cells (one cell for prose)."""
    s = line.strip().strip("\u3000").strip()
    if not s or "。" in s or len(s) > MAX_PLAIN or _prose(s):
        return (s,)
    cells = _merge_letter_spaced([c for c in _WIDE.split(s) if c])
    out: list[str] = []
    for c in cells:
        if atoms(c) is None:
            found = [m for m in (_LABEL_VALUES.match(c), _GLUED.match(c)) if m]
            m = min(found, key=lambda x: len(x.group(1))) if found else None
            if m:
                out.extend((m.group(1).strip(), m.group(2)))
                continue
        out.append(c)
    return tuple(out) or ("",)


def _continues(prev: str, line: str) -> bool:
    """A line without the leading tab that carries on the label cell above it."""
    s = line.strip()
    if not prev or not s or atoms(prev) is not None or atoms(s) is not None:
        return False
    if "。" in s or re.search(r"\d", s) or _HEADING.match(s):
        return False
    return len(fold(s)) <= 20


def _stream_lines(raw: list[str]) -> list[str]:
    """Lines holding several rows or a whole report cut into one line per row (`stream`)."""
    out: list[str] = []
    for line in raw:
        if (
            "\t" in line
            or line.lstrip().startswith("|")
            or _MARKUP.search(line)  # markup shown as text: read as markup later
            or not needs_cutting(line)
        ):
            out.append(line)
            continue
        cleaned = clean_line(line)
        out.extend(lines(cleaned) if cleaned else [line])
    return out


def text_rows(text: str) -> list[Row]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = text.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")
    rows: list[Row] = []
    group: list[str] = []  # cells of a one-cell-per-line row being collected
    last_was_cell = False
    prose = False  # the last line was a sentence that runs on

    def flush() -> None:
        nonlocal group
        if group:
            rows.append(Row(tuple(group)))
            group = []

    for raw in _stream_lines(text.split("\n")):
        line = clean_line(raw)
        if line is None:
            continue  # junk only: neither a cell nor a row separator
        if is_footer(line):
            continue
        if not line.strip(" \u3000"):
            if "\t" in line and last_was_cell:
                group.append("")  # an empty cell line
                continue
            flush()
            last_was_cell = False
            continue
        if line.startswith("\t") and "\t" not in line[1:]:
            group.append(line[1:].strip(" \u3000"))
            last_was_cell = True
            continue
        if last_was_cell and group and _continues(group[-1], line):
            group[-1] += line.strip(" \u3000")
            continue
        flush()
        last_was_cell = False
        if "\t" in line:
            cells = tuple(c.strip(" \u3000") for c in line.split("\t"))
            if all(_PIPE_SEP.match(c) or not c for c in cells) and any(cells):
                continue  # a row of --- under a table converted to text
            rows.append(Row(cells))
            continue
        pipe = split_pipe(line)
        if pipe is not None:
            if pipe:
                rows.append(Row(tuple(pipe)))
            continue
        if _continues_prose(prose, line):  # a sentence the page wrapped: never a table row
            rows.append(Row((line.strip(" \u3000"),)))
        else:
            rows.append(Row(split_plain(line)))
        stripped = line.strip(" \u3000")
        prose = (prose and _continues_prose(prose, line)) or _prose(stripped)
        prose = prose and not stripped.endswith(_SENTENCE_END)
    flush()
    return rows
