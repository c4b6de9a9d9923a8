"""Lines that hold more than one row: a whole report as one line (a crawler's or a browser's
copy of a page), rows run together, labels glued to their numbers, the next row's item number
glued to this row's total ("…政府信息70000072.没有现成信息…").

Line breaks are hints, not structure. A line is read as a stream of label fragments and
numbers: the statutory labels (table rows and headers, the six part headings, item numbers
1.–8., （一）…, 一、…) are found wherever they stand, and each row label starts a line of its
own with the numbers that follow it. Text that runs to a full stop before the next part
heading or row label is a sentence and stays whole (a sentence that names 自然人 or 规章 is not
a table row). White space inside labels is dropped; between digits it is kept, as the hint of
a cell boundary it usually is.

`lines(line)` gives the line cut into such lines, or the line itself when it holds nothing to
cut.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from gknb.formats import FORMATS, SECTION_TITLES
from gknb.layout import TABLES, grid
from gknb.text import fold

_CJK = r"[\u3400-\u9fff]"
_NUM = r"[一二三四五六七八九十]"
# generic row starts for labels not printed exactly as declared
_MARKER = re.compile(rf"[(（]{_NUM}{{1,2}}[)）]|{_NUM}{{1,2}}、|[1-9][.．](?={_CJK})")
_UNIT = r"(?:万元|元|万|个|件|条|项|次|宗|起|家|份|%)"
_ATOM = rf"(?:(?:[+\-]|增加|减少|增|减)?\d+(?:\.\d+)?{_UNIT}?|[/\\—–\-]+)"
_VALUES = re.compile(rf"{_ATOM}(?:\s*{_ATOM})*")
_DATE = re.compile(r"\d+\s*[年月日]")
_SPACES = re.compile(r"\s+")
_END = "。！？"
MIN_LINE = 20  # shorter lines are left to the line reader


def _compact(line: str) -> str:
    """NFKC; white space dropped except between two number characters."""
    s = unicodedata.normalize("NFKC", line).replace("\u3000", " ")
    out: list[str] = []
    for m in re.finditer(r"\s+|\S+", s):
        piece = m.group(0)
        if not piece.isspace():
            out.append(piece)
            continue
        before = s[m.start() - 1] if m.start() else ""
        after = s[m.end()] if m.end() < len(s) else ""
        if before and after and _valueish(before) and _valueish(after):
            out.append(" ")
    return "".join(out)


def _valueish(c: str) -> bool:
    return c.isdigit() or c in "/-—–." or c in "个件元万%"


@cache
def _labels() -> tuple[re.Pattern[str], frozenset[str], frozenset[str]]:
    """One pattern for every statutory label (longest first), the labels that start a row,
    and the strong ones (a sentence never runs across them)."""
    from gknb.reader.parse import T2_HEADER, T3_HEADER, T4_HEADER

    heads = {f"{n}、{t}" for n, t in SECTION_TITLES}
    rows: set[str] = set()
    strong: set[str] = set(heads)
    other: set[str] = {*T2_HEADER, *T3_HEADER, *T4_HEADER, "申请人情况", "信息内容"}
    for fmt in FORMATS.values():
        for block in fmt.blocks:
            if block.table == "T2":
                title = fold(block.title)
                rows.add(title)
                strong.add(title)
                rows.update(fold(r.label) for r in block.rows)
                other.update(fold(c.label) for c in block.cols)
            elif block.table == "T3":
                for r in block.rows:
                    label = fold(r.label)
                    rows.add(label)
                    strong.add(label)
                    if r.group:
                        other.add(fold(r.group))
                        strong.add(fold(r.group))
    for fmt in FORMATS.values():
        for table in TABLES:  # every header and label text of the official layout
            for cell in grid(fmt, table).cells:
                if cell.key is None and cell.text:
                    other.add(fold(cell.text))
    strong.add("申请人情况")
    strong.add("行政复议行政诉讼")
    words = sorted({*heads, *rows, *strong, *other} - {""}, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(w) for w in words))
    return pattern, frozenset(rows | heads), frozenset(strong)


def needs_cutting(line: str) -> bool:
    """A line holding two or more row labels or part headings, or a row label and a number
    glued to the next label: worth reading as a stream."""
    if len(line) < MIN_LINE:
        return False
    pattern, rows, _ = _labels()
    s = _compact(line)
    starts = [m for m in pattern.finditer(s) if m.group(0) in rows]
    return len(starts) >= 2


def lines(line: str) -> list[str]:
    """The line cut into one line per row, heading and sentence (see the module doc)."""
    if not needs_cutting(line):
        return [line]
    pattern, rows, strong = _labels()
    s = _compact(line)
    found = {m.start(): m for m in pattern.finditer(s)}
    strong_at = sorted(p for p, m in found.items() if m.group(0) in strong)
    heads = {f"{n}、{t}" for n, t in SECTION_TITLES}
    out: list[str] = []
    row: list[str] = []

    def flush() -> None:
        if row:
            out.append("  ".join(row))
            row.clear()

    pos, n = 0, len(s)
    while pos < n:
        m = found.get(pos)
        if m is not None:
            word = m.group(0)
            if word in rows or word in strong:
                flush()
            row.append(word)
            pos = m.end()
            if word in heads:
                flush()
            continue
        if s[pos].isspace():
            pos += 1
            continue
        v = _VALUES.match(s, pos)
        if v is not None and not _DATE.match(s, pos) and row:
            end = _cut_values(s, pos, v.end(), found)
            if end > pos:
                row.append(s[pos:end].strip())
                pos = end
                flush()
                continue
        # free text: a sentence when a full stop comes before the next strong label
        stop = _next_stop(s, pos)
        nxt = next((p for p in strong_at if p > pos), n)
        if stop < nxt:
            flush()
            out.append(s[pos : stop + 1])
            pos = stop + 1
            continue
        end = _free_end(s, pos, found, row)
        if _MARKER.match(s, pos) and end > pos:
            flush()
        row.append(_SPACES.sub("", s[pos:end]))
        pos = end
    flush()
    return [x for x in out if x.strip()]


def _next_stop(s: str, pos: int) -> int:
    ends = [i for i in (s.find(c, pos) for c in _END) if i >= 0]
    return min(ends) if ends else len(s)


def _cut_values(s: str, start: int, end: int, found: dict[int, re.Match[str]]) -> int:
    """Where the numbers starting at `start` end: before a label that starts inside them, and
    before the next row's item number glued to them ("…72.没有现成信息" → "…7")."""
    for p in range(start + 1, end):
        if p in found or _MARKER.match(s, p):
            return p
    if end < len(s) and _MARKER.match(s, end - 1) and end - 1 > start:
        return end - 1
    return end


def _free_end(s: str, pos: int, found: dict[int, re.Match[str]], row: list[str]) -> int:
    """A stretch of text that is not a known label: up to the next label, number or stop."""
    end = pos + 1
    marker = _MARKER.match(s, pos)
    if marker:
        end = marker.end()
    while end < len(s):
        c = s[end]
        if end in found or c in _END:
            break
        if (c.isdigit() or c in "/-—") and not _DATE.match(s, end) and _VALUES.match(s, end):
            break
        end += 1
    return end
