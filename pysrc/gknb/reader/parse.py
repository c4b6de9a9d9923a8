"""The one structural parser: rows (from any source) → Report.

1. Cells become tokens: values, labels, narrative (`tokens`).
2. The three tables are found by their statutory labels — table 三 by its header (勾稽关系,
   申请人情况) or first row, table 二 by its sub-block titles (第二十条第（X）项) or 信息内容,
   table 四 by its header (行政复议 / 行政诉讼 / 结果维持 …) wherever it sits relative to its
   heading.
3. Inside each table, candidate rows are aligned to the declared rows (`tables.align`) and
   their numbers read with the column kinds; a row whose digits ran together is re-cut with the
   table's arithmetic, and a reading that is not unique is reported, never guessed.
4. The format version comes from the content; rows missing, extra or of the other format are
   R13 findings.
5. Everything not consumed by a table is narrative: part headings are found and the text goes
   to `report.texts` ("1", "5", "6", "other"); agency and year come from the title.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import product

from gknb.errors import GknbError
from gknb.formats import FORMATS, TABLE_TITLES, Block, Format, format_for_year
from gknb.formats.across import distinctive, merged_rows, others, own_rows, remarks
from gknb.model import Cell, Finding, Report, ReportKind, reading_finding, structure_finding
from gknb.reader import sections
from gknb.reader.ir import Row
from gknb.reader.split import MAX_FOUND, Check, sums_to_last, total
from gknb.reader.tables import (
    Cand,
    RowRead,
    Slot,
    align,
    candidates,
    heal,
    only_words,
    read_row,
    score,
    unordered,
)
from gknb.reader.tokens import Kind, Tok, tokenize
from gknb.text import fold
from gknb.values import parse_value

T2, T3, T4 = TABLE_TITLES["T2"], TABLE_TITLES["T3"], TABLE_TITLES["T4"]

_T2_TITLE = re.compile(r"^(?:第二十条)?第\(([一二三四五六七八九十]+)\)项")
SUBTOTAL = "小计"  # a column some provinces add to table 三 (not in any national format)


def _blocks(table: str) -> list[Block]:
    """The table's blocks in every registered format."""
    return [b for f in FORMATS.values() for b in f.table_blocks(table)]


def _longest_first(words: set[str]) -> tuple[str, ...]:
    return tuple(sorted(words, key=len, reverse=True))


# table 三's column headings (applicants, their group), in any format
T3_COLS = tuple(dict.fromkeys(fold(c.label) for b in _blocks("T3") for c in b.cols))
_T3_GROUPS = {fold(c.group) for b in _blocks("T3") for c in b.cols if c.group}
_T3_FIRST_ORG = next(fold(c.label) for b in _blocks("T3") for c in b.cols if c.group)
T3_HEADER = _longest_first({*T3_COLS, *_T3_GROUPS, "申请人情况", SUBTOTAL, "申请人"})
# table 四's headings: parts (行政复议 / 行政诉讼), their groups, the result columns, and the
# halves of a four-character result heading printed over two lines (结果 / 维持)
_T4_COLS = [c for b in _blocks("T4") for c in b.cols]
_T4_PARTS = {fold(x) for c in _T4_COLS for x in (c.section, c.group) if x}
_T4_LABELS = {fold(c.label) for c in _T4_COLS}
T4_HEADER = _longest_first(
    {*_T4_PARTS, *_T4_LABELS, *(w for x in _T4_LABELS if len(x) == 4 for w in (x[:2], x[2:]))}
)
# the first heading of table 四: a part, or the first result column where parts stand above
T4_START = tuple({*_T4_PARTS, *(fold(b.cols[0].label) for b in _blocks("T4"))})
# table 二's headings: the header cell (信息内容), the column labels, their units
T2_HEADER = _longest_first(
    {
        *(fold(b.header) for b in _blocks("T2") if b.header),
        *(fold(c.label) for b in _blocks("T2") for c in b.cols),
        *remarks("T2"),
    }
)
# the labels of table 二 only one format prints: they tell which format a report is in
MARKERS = {v: distinctive(v, "T2") for v in FORMATS}
_RUNNING = re.compile(r"^.{0,40}\d{4}年度?政府信息公开工作(?:年度)?报告$")


def _missing(name: str, title: str) -> GknbError:
    return GknbError(
        f"{name}：未找到“{title}”表格。请确认这是政府信息公开工作年度报告，"
        f"且表格没有被转成图片；可以把表格复制为文字后另存为 .txt 再试。"
    )


@dataclass
class TableRead:
    cells: dict[tuple[str, str, str], Cell] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    span: tuple[int, int] | None = None  # tokens the table occupies
    matched: set[str] = field(default_factory=set)  # slot rows found


def _slots_t3() -> list[Slot]:
    """Table 三's rows of every format in order (they differ only under （六）)."""
    width = len(_blocks("T3")[0].cols)
    return [
        Slot.make("T3", line.id, line.label, line.match_keys, width, versions)
        for line, versions in merged_rows("T3")
    ]


def _slots_t2(version: str) -> list[Slot]:
    slots: list[Slot] = []
    for block in FORMATS[version].table_blocks("T2"):
        for line in block.rows:
            slots.append(
                Slot.make(
                    block.id, line.id, line.label, line.match_keys, len(block.cols), [version]
                )
            )
    return slots


class Parser:
    def __init__(self, rows: list[Row], name: str) -> None:
        self.rows = rows
        self.name = name
        self.toks = tokenize(rows)
        self.consumed: set[int] = set()
        self.findings: list[Finding] = []
        self._t3_range = (0, 0)
        self._all_slots = [*_slots_t3(), *(s for v in FORMATS for s in _slots_t2(v))]
        self._by_row: dict[int, list[Tok]] = {}
        for t in self.toks:
            self._by_row.setdefault(t.row, []).append(t)
        self._mark_running_headers()

    # ---- locating ------------------------------------------------------------------------

    def _mark_running_headers(self) -> None:
        seen = False
        for t in self.toks:
            if t.kind is Kind.VALUE or not _RUNNING.match(t.folded):
                continue
            if seen:
                t.kind = Kind.JUNK
            seen = True

    def _labels(self, lo: int = 0, hi: int | None = None) -> Iterator[Tok]:
        for t in self.toks[lo:hi]:
            if t.kind is Kind.LABEL:
                yield t

    def find_t3(self) -> int | None:
        for t in self._labels():
            f = t.folded
            if "勾稽关系" in f or f == "申请人情况" or "本年新收政府信息公开申请" in f:
                return t.index
        return None

    def find_t2(self, avoid: tuple[int, int]) -> int | None:
        for t in self._labels():
            if avoid[0] <= t.index < avoid[1]:
                continue
            if _T2_TITLE.match(t.folded) or t.folded == "信息内容":
                return t.index
        return None

    def find_t4(self, after: int, avoid: list[tuple[int, int]]) -> int | None:
        for lo in (after, 0):
            for t in self._labels(lo):
                if any(a <= t.index < b for a, b in avoid):
                    continue
                if any(t.folded.startswith(w) for w in T4_START) and only_words(
                    t.folded, T4_HEADER
                ):
                    return t.index
        return None

    def _limit(self, start: int, starts: list[int]) -> int:
        later = [s for s in starts if s > start]
        hi = min(later) if later else len(self.toks)
        for t in self._labels(start, hi):
            h = sections.heading_of(t)
            if h is not None and h.num and h.subj is not None:
                return t.index
        return hi

    # ---- tables --------------------------------------------------------------------------

    def _rows(self, lo: int, hi: int, header: tuple[str, ...], slots: list[Slot]) -> list[Cand]:
        return heal(self.toks, self._cands(lo, hi, header), slots)

    def _cands(self, lo: int, hi: int, header: tuple[str, ...]) -> list[Cand]:
        out: list[Cand] = []
        # a table read from a real table structure (Word, web page, ruled PDF): text lines
        # between its parts are narrative, unless their label names a row of the table
        framed = any(t.framed and t.kind is Kind.VALUE for t in self.toks[lo:hi])
        for c in candidates(self.toks, lo, hi):
            if not c.values:
                continue
            if framed and not any(self.toks[i].framed for i in c.values) and not self._named(c):
                continue
            last = self.toks[c.labels[-1]].folded
            if "勾稽关系" in last or _T2_TITLE.match(last):
                continue
            if only_words(last, header) and (not out or self._blank(c)):
                continue  # a header cell over empty layout cells, not a row named 总计/其他
            out.append(c)
        return out

    def _named(self, c: Cand) -> bool:
        """The candidate's label names some row of tables 二 or 三 by its key words."""
        if len(self.toks[c.labels[-1]].folded) > 45:  # longer than any row label
            return False
        return any(score(c, s, fuzzy=False) > 0 for s in self._all_slots)

    def _blank(self, c: Cand) -> bool:
        return all(self.toks[i].empty for i in c.values)

    def _label(self, c: Cand) -> str:
        return " ".join(self.toks[i].text for i in c.labels[-2:])

    def read_t3(self, lo: int, hi: int) -> tuple[TableRead, list[tuple[Cand, Slot]], int | None]:
        result = TableRead()
        slots = _slots_t3()
        cands = self._rows(lo, hi, T3_HEADER, slots)
        first_row = cands[0].labels[-1] if cands else hi
        header = [t for t in self.toks[lo:first_row] if t.kind is Kind.LABEL]
        cols = [t.folded for t in header if t.folded in (*T3_COLS, SUBTOTAL)]
        subtotal = None
        if SUBTOTAL in cols:  # 法人或其他组织 小计: before 商业企业 or after 其他
            first_org = cols.index(_T3_FIRST_ORG) if _T3_FIRST_ORG in cols else len(cols)
            subtotal = 1 if cols.index(SUBTOTAL) < first_org else len(T3_COLS) - 1
        if subtotal is not None:
            result.findings.append(
                structure_finding(
                    T3, "", "小计",
                    "表三多了“小计”列，国家格式没有这一列（法人或其他组织不设小计）。已跳过该列"
                    "读取其余各列；请删除“小计”列。",
                    expected="", found="小计",
                )
            )  # fmt: skip
        blank = [self._blank(c) for c in cands]
        pairs = align(cands, slots, blank)
        if len(pairs) < sum(1 for b in blank if not b):  # rows left over: order may be lost
            filled = unordered(cands, slots, blank, pairs)
            by_label = unordered(cands, slots, blank, [])
            pairs = by_label if len(by_label) >= len(filled) else filled
        matched = [(cands[i], slots[j]) for i, j in pairs]
        used = {id(c) for c, _ in matched}
        extras = [c for c in cands if id(c) not in used and not self._blank(c)]
        for c in extras:
            result.findings.append(self._extra(T3, c))
        ends = [c.last for c, _ in matched] + [c.last for c in extras]
        result.span = (lo, max(ends)) if ends else None
        return result, matched, subtotal

    def _extra(self, table: str, c: Cand) -> Finding:
        label = self._label(c)
        return structure_finding(
            table, label, "",
            f"“{table}”中多出一行“{label}”，国家格式没有这一行，该行数字未读取。请删除这一行，"
            f"或把数字并入国家格式规定的行。",
            expected="", found=label,
        )  # fmt: skip

    def _cells(
        self,
        version: str,
        table: str,
        cand: Cand,
        slot: Slot,
        width: int,
        check: Check | None,
        result: TableRead,
        drop: int | None = None,
        read: RowRead | None = None,
    ) -> None:
        fmt = FORMATS[version]
        block = fmt.block(slot.block)
        if read is None:
            read = self._read(version, cand, slot, width, check, drop)
        first = next(iter(block.cols))
        row_label = fmt.row_label((block.id, slot.row, first.id)) if slot.label else ""
        if read.raws is None:
            result.findings.append(self._unreadable(table, row_label, read, width))
            return
        raws = list(read.raws)
        if drop is not None and len(raws) == len(block.cols) + 1:
            raws.pop(drop)
        for col, raw in zip(block.cols, raws, strict=False):
            result.cells[(block.id, slot.row, col.id)] = parse_value(raw, block.kind(col.id))

    def _read(
        self,
        version: str,
        cand: Cand,
        slot: Slot,
        width: int,
        check: Check | None,
        drop: int | None,
    ) -> RowRead:
        read = read_row(self.toks, cand, width, check)
        if read.raws is None and drop is not None:  # this row printed without the 小计 cell
            n = len(FORMATS[version].block(slot.block).cols)
            read = read_row(self.toks, cand, n, sums_to_last(1, n))
        return read

    def _unreadable(self, table: str, row: str, read: RowRead, width: int) -> Finding:
        where = f"「{row}」一行" if row else "表四的数字行"
        if read.orphans:
            message = (
                f"{where}之后还有 {read.orphans} 个数字不属于任何一行（表格文字的次序可能被打乱），"
                f"无法确定本行的数字，本行未读取。请对照原表核对，并在工作簿中逐格填写。"
            )
        elif read.unverified:
            shown = " / ".join(read.options[0]) if read.options else ""
            message = (
                f"{where}的数字连在一起（印作“{read.printed}”），按本行的合计只有一种拆法"
                f"（{shown}），但它与各列的合计关系（第一项加第二项等于第三项加第四项、（七）总计"
                f"等于各项之和）核对不上或无法核对（可能有空白格在文字中没有留下痕迹），本行未读取。"
                f"请对照原表核对这一行，并在工作簿中逐格填写。"
            )
        elif read.truncated:
            message = (
                f"{where}的数字连在一起（印作“{read.printed}”），可能的拆法太多，无法确定各格数值，"
                f"本行未读取。请对照原表核对这一行，并在工作簿中逐格填写。"
            )
        elif len(read.options) > 1:
            shown = "；".join(" / ".join(o) for o in read.options[:3])
            count = "50 种以上" if len(read.options) > 50 else f"{len(read.options)} 种"
            message = (
                f"{where}的数字连在一起（印作“{read.printed}”），按本表的合计关系有{count}"
                f"拆法（如 {shown}{'等' if len(read.options) > 3 else ''}），无法确定各格数值，"
                f"本行未读取。请对照原表核对这一行，并在工作簿中逐格填写。"
            )
        else:
            message = (
                f"{where}应有 {width} 个数字，读到的是“{read.printed}”，无法对应到各列"
                f"（可能空格被省略、数字连在一起或多了一列），本行未读取。"
                f"请对照原表核对这一行，并在工作簿中逐格填写。"
            )
        return reading_finding(table, row, "", message, expected=width, found=read.printed)

    def read_t2(self, lo: int, hi: int, version: str) -> TableRead:
        result = TableRead()
        slots = _slots_t2(version)
        cands = self._rows(lo, hi, T2_HEADER, slots)
        pairs = align(cands, slots, [self._blank(c) for c in cands])
        used = set()
        for i, j in pairs:
            c, s = cands[i], slots[j]
            used.add(i)
            result.matched.add(f"{s.block}.{s.row}")
            self._cells(version, T2, c, s, s.width, None, result)
        extras = [c for i, c in enumerate(cands) if i not in used and not self._blank(c)]
        for c in extras:
            result.findings.append(self._extra(T2, c))
        for s in slots:
            if f"{s.block}.{s.row}" not in result.matched:
                block = FORMATS[version].block(s.block)
                name = f"{block.title} {s.label}"
                result.findings.append(self._no_row(T2, "表二", name, s.label, version, lo, hi))
        ends = [cands[i].last for i, _ in pairs] + [c.last for c in extras]
        result.span = (lo, max(ends)) if ends else None
        return result

    def read_t4(self, lo: int, hi: int, version: str) -> TableRead:
        result = TableRead()
        block = FORMATS[version].block("T4")  # one row: each part's results, then its total
        width, parts = len(block.cols), len(block.total_cols)
        for c in candidates(self.toks, lo, hi):
            nonblank = any(not self.toks[i].empty for i in c.values)
            count = sum(max(1, len(self.toks[i].parts)) for i in c.values)
            if not c.values or (not nonblank and count < width):
                continue
            slot = Slot.make(block.id, block.rows[0].id, "", (), width, [version])
            self._cells(version, T4, c, slot, width, sums_to_last(parts, width // parts), result)
            result.span = (lo, c.last)
            return result
        raise _missing(self.name, T4)

    # ---- the whole report ----------------------------------------------------------------

    def markers(self, lo: int, hi: int) -> dict[str, list[str]]:
        text = "".join(t.folded for t in self.toks[lo:hi] if t.kind is Kind.LABEL)
        return {v: [m for m in words if m in text] for v, words in MARKERS.items()}

    def parse(self) -> Report:
        toks = self.toks
        if not any(t.text for t in toks):
            raise GknbError(f"{self.name}：文件中没有文字。请确认文件不是扫描图片，也不是空文件。")
        t3 = self.find_t3()
        if t3 is None:
            raise _missing(self.name, T3)
        t2 = self.find_t2((t3, self._limit(t3, [])))
        if t2 is None:
            raise _missing(self.name, T2)
        t4 = self.find_t4(t3, [(t2, t2 + 1)])
        if t4 is None:
            raise _missing(self.name, T4)
        starts = [t2, t3, t4]
        t2_hi = min([s for s in starts if s > t2] or [len(toks)])
        self._t3_range = (t3, self._limit(t3, starts))
        t3_read, t3_rows, subtotal = self.read_t3(*self._t3_range)
        agency, year, title_toks = sections.title(toks, t2)
        version, detected = self._version(t2, t2_hi, t3_rows, year)
        fmt = FORMATS[version]

        report = Report(version=version, year=year, agency=agency, kind=ReportKind.REPORT)
        report.detected_version = detected
        t2_read = self.read_t2(t2, t2_hi, version)
        t3_cells = self._t3_cells(version, t3_rows, subtotal)
        t4_read = self.read_t4(t4, self._limit(t4, starts), version)
        t3_read.findings += self._t3_structure(version, t3_rows)
        t2_read.findings += self._t2_mixed(version, t2, t2_hi)
        for part in (t2_read, t3_cells, t4_read):
            report.cells.update(part.cells)

        t2_rows = [r for b in fmt.table_blocks("T2") for r in b.rows]
        t3_count = len(fmt.block("T3").rows)
        self.findings = [
            *_collapse(T2, t2_read.findings, len(t2_rows), _rows_read(report, "T2")),
            *_collapse(T3, [*t3_read.findings, *t3_cells.findings], t3_count,
                       _rows_read(report, "T3")),
            *t4_read.findings,
        ]  # fmt: skip
        for read in (t2_read, t3_read, t4_read):
            if read.span:
                lo, hi = read.span
                self.consumed.update(
                    i
                    for i in range(lo, hi + 1)
                    if toks[i].kind is not Kind.TEXT and not self._part_heading(toks[i])
                )
        self.consumed |= title_toks
        self._narrative(report)
        report.structure = self.findings
        return report

    def _version(
        self, t2: int, t2_hi: int, t3_rows: list[tuple[Cand, Slot]], year: int | None
    ) -> tuple[str, str | None]:
        """The format the content shows (table 二's headers and rows, table 三's （六）); the
        year only breaks a tie. Returns (version, detected version or None)."""
        found = self.markers(t2, t2_hi)
        t3_ids = {s.row for _, s in t3_rows}
        votes = {
            v: len(found[v]) + bool(t3_ids & {r.id for r in own_rows(v, "T3")}) for v in FORMATS
        }
        best = max(votes.values())
        leaders = [v for v, n in votes.items() if n == best]
        if len(leaders) == 1:
            return leaders[0], leaders[0]
        latest = max(FORMATS.values(), key=lambda f: f.sample_year)
        return (format_for_year(year) if year else latest).version, None

    def _t3_cells(
        self, version: str, t3_rows: list[tuple[Cand, Slot]], subtotal: int | None
    ) -> TableRead:
        """Table 三's numbers, for the rows of the chosen version."""
        wanted = {r.id for r in FORMATS[version].block("T3").rows}
        n = len(FORMATS[version].block("T3").cols)
        width = n if subtotal is None else n + 1
        check = sums_to_last(1, n) if subtotal is None else None
        result = TableRead()
        rows = [(c, s) for c, s in t3_rows if s.row in wanted]
        reads = {s.row: self._read(version, c, s, width, check, subtotal) for c, s in rows}
        if subtotal is None:
            resolve_columns(FORMATS[version], reads)
            verify_columns(FORMATS[version], reads)
        for cand, slot in rows:
            self._cells(
                version, T3, cand, slot, width, check, result, drop=subtotal, read=reads[slot.row]
            )
        return result

    def _t3_structure(self, version: str, t3_rows: list[tuple[Cand, Slot]]) -> list[Finding]:
        """Rows of the other format under （六）, and rows missing."""
        fmt = FORMATS[version]
        block = fmt.block("T3")
        found = {s.row for _, s in t3_rows}
        mixed = sorted(found - {r.id for r in block.rows})
        own = {r.id for r in own_rows(version, "T3")}
        findings: list[Finding] = []
        if mixed:
            other = next(
                (
                    v
                    for v in others(version)
                    if set(mixed) <= {r.id for r in FORMATS[v].block("T3").rows}
                ),
                others(version)[0],
            )
            first = next(r for r in block.rows if r.id in own)
            heading = first.group or first.label
            labels = "、".join(next(s.label for _, s in t3_rows if s.row == r) for r in mixed)
            findings.append(
                structure_finding(
                    T3, heading, "",
                    f"表三混用了两版格式：有{other}版的“{labels}”行，本报告按{version}版读取"
                    f"（{version}版的“{heading}”{fmt.own_rows_layout}）。"
                    f"请按{version}版格式（{fmt.document}）重填“{heading}”。",
                    expected=version, found=other,
                )
            )  # fmt: skip
        for line in block.rows:
            if line.id in found or (mixed and line.id in own):
                continue
            name = f"{line.group} {line.label}" if line.group else line.label
            findings.append(self._no_row(T3, "表三", name, line.label, version, *self._t3_range))
        return findings

    def _no_row(
        self, table: str, short: str, name: str, label: str, version: str, lo: int, hi: int
    ) -> Finding:
        if self._label_only(lo, hi, label):
            return reading_finding(
                table, name, "",
                f"{short}“{name}”一行只读到标签，没有读到数字（纯文本中空白的格子不留痕迹，"
                f"也可能数字被排到了别处），本行未读取。请对照原件核对这一行。",
                expected=label, found="",
            )  # fmt: skip
        return structure_finding(
            table, name, "",
            f"{short}缺少“{name}”一行（或该行没有数字）。请按{version}版格式补全这一行，"
            f"没有发生的填 0。",
            expected=label, found="",
        )  # fmt: skip

    def _label_only(self, lo: int, hi: int, label: str) -> bool:
        """The row's label is printed in the table but no number follows it (blank cells leave
        no trace in plain text): the row is there, its numbers could not be read."""
        want = fold(label)
        return any(t.folded.endswith(want) for t in self._labels(lo, hi))

    def _t2_mixed(self, version: str, t2: int, t2_hi: int) -> list[Finding]:
        found = self.markers(t2, t2_hi)
        other = next((v for v in others(version) if found[v]), None)
        if other is None or not found[version]:
            return []
        return [
            structure_finding(
                T2, "", "",
                f"表二混用了两版格式：既有{version}版的“{'、'.join(found[version][:3])}”，"
                f"又有{other}版的“{'、'.join(found[other][:3])}”。本报告按{version}版读取，"
                f"请按{version}版格式（{FORMATS[version].document}）重填表二。",
                expected=version, found=other,
            )
        ]  # fmt: skip

    # ---- narrative -----------------------------------------------------------------------

    def _narrative(self, report: Report) -> None:
        toks = self.toks
        heads = []
        for t in toks:
            if t.index in self.consumed or not self._alone(t):
                continue
            h = sections.heading_of(t)
            if h is not None:
                heads.append(h)
        kept = sections.choose(heads)
        parts = sections.resolve(kept)
        self.findings.extend(parts.findings)
        starts = {h.tok: h for h in kept}
        texts: dict[str, list[list[str]]] = {}
        part = "other"
        last_row = -1
        for t in toks:
            if t.index in starts:
                h = starts[t.index]
                part = parts.part_of[t.index]
                last_row = -1
                if h.rest:
                    texts.setdefault(part, []).append([h.rest])
                continue
            if t.index in self.consumed or t.kind is Kind.JUNK or not t.text:
                continue
            lines = texts.setdefault(part, [])
            if t.row == last_row and lines:
                lines[-1].append(t.text)
            else:
                lines.append([t.text])
            last_row = t.row
        for key, lines in texts.items():
            text = join_wrapped([" ".join(cells) for cells in lines]).strip()
            if text:
                report.texts[key] = text

    def _part_heading(self, t: Tok) -> bool:
        """A numbered part heading printed inside a table's text (a converter that broke the
        table around it): it stays a heading."""
        if t.kind is not Kind.LABEL or not self._alone(t):
            return False
        h = sections.heading_of(t)
        return h is not None and h.num is not None and h.subj is not None and h.canonical

    def _alone(self, t: Tok) -> bool:
        """The token is the only text in its row (a heading stands on its own line)."""
        return all(x.index == t.index or not x.text for x in self._by_row.get(t.row, []))


MAX_COMBOS = 5_000  # readings of several rows tried together against one column equation


def resolve_columns(fmt: Format, reads: dict[str, RowRead]) -> None:
    """Rows of table 三 whose digits could be cut several ways, narrowed by the column
    equations (R1: 一+二 = (七)+四; R2: (七) = the sum of the results): a reading is kept only if
    some readings of the other rows in the equation satisfy it, and a row is read when exactly
    one reading is left. A row no reading satisfies stays unread (the report's numbers may be
    wrong there; the rules will not see a guess)."""
    cols = [c.id for c in fmt.block("T3").cols]
    known: dict[str, list[float | None]] = {}
    options: dict[str, list[list[float | None]]] = {}
    raw_options: dict[str, list[tuple[str, ...]]] = {}
    for row, read in reads.items():
        if read.raws is not None:
            known[row] = [_value(x) for x in read.raws]
        elif 1 < len(read.options) <= MAX_FOUND and not read.truncated:
            raw_options[row] = list(read.options)
            options[row] = [[_value(x) for x in o] for o in read.options]
    if not options:
        return
    eqs = [e for e in fmt.equations() if e.rule in ("R1", "R2")]
    changed = True
    while changed:
        changed = False
        for eq in eqs:
            col = cols.index(eq.target[2])
            rows = {k[1] for k in (*eq.lhs, *eq.rhs)}
            open_ = [r for r in rows if r in options]
            if not open_ or any(r not in known and r not in options for r in rows):
                continue
            combos = 1
            for r in open_:
                combos *= len(options[r])
            if combos > MAX_COMBOS:
                continue
            keep: dict[str, set[int]] = {r: set() for r in open_}
            for pick in product(*(range(len(options[r])) for r in open_)):
                chosen = {r: options[r][i] for r, i in zip(open_, pick, strict=True)}

                lhs = [(chosen.get(k[1]) or known[k[1]])[col] for k in eq.lhs]
                rhs = [(chosen.get(k[1]) or known[k[1]])[col] for k in eq.rhs]
                left, right = total(lhs), total(rhs)
                if left is None or right is None or abs(left - right) < 1e-9:
                    for r, i in zip(open_, pick, strict=True):
                        keep[r].add(i)
            for r in open_:
                if not keep[r] or len(keep[r]) == len(options[r]):
                    continue  # nothing fits (leave it unread) or nothing ruled out
                idx = sorted(keep[r])
                options[r] = [options[r][i] for i in idx]
                raw_options[r] = [raw_options[r][i] for i in idx]
                changed = True
                if len(idx) == 1:
                    known[r] = options.pop(r)[0]
                    read = reads[r]
                    reads[r] = RowRead(list(raw_options.pop(r)[0]), read.printed, split=True)
                else:
                    reads[r].options = raw_options[r]


def verify_columns(fmt: Format, reads: dict[str, RowRead]) -> None:
    """A row read by cutting run-together digits is kept only when the column equations it is
    part of (R1, R2) can be checked and hold. A cut that fits its own row's total can still be
    wrong when a blank cell left no trace in the text; the columns tell."""
    cols = [c.id for c in fmt.block("T3").cols]
    known: dict[str, list[float | None]] = {}
    for row, read in reads.items():
        if read.raws is not None:
            known[row] = [_value(x) for x in read.raws]
        elif read.options and not read.truncated:  # columns where every reading agrees
            vals = [[_value(x) for x in o] for o in read.options]
            known[row] = [
                v[0] if all(x == v[0] for x in v) else None for v in zip(*vals, strict=True)
            ]
    doubtful: set[str] = set()
    for eq in fmt.equations():
        if eq.rule not in ("R1", "R2"):
            continue
        col = cols.index(eq.target[2])
        rows = {k[1] for k in (*eq.lhs, *eq.rhs)}
        split = {r for r in rows if r in reads and reads[r].split}
        if not split:
            continue
        here = [known[r][col] if r in known else None for r in rows]
        lhs = [known[k[1]][col] if k[1] in known else None for k in eq.lhs]
        rhs = [known[k[1]][col] if k[1] in known else None for k in eq.rhs]
        left, right = total(lhs), total(rhs)
        if None in here or left is None or right is None or abs(left - right) > 1e-9:
            doubtful |= split
    for row in doubtful:
        read = reads[row]
        reads[row] = RowRead(None, read.printed, list(read.options), unverified=True)


def _value(raw: str) -> float | None:
    return parse_value(raw).value if raw else 0


def _rows_read(report: Report, table: str) -> int:
    return len({(k[0], k[1]) for k in report.cells if k[0].startswith(table)})


def _collapse(table: str, findings: list[Finding], rows: int, read: int) -> list[Finding]:
    """When most rows of a table cannot be matched, one finding says so instead of one per
    row: the text has almost certainly lost the table's order."""
    # rows whose numbers were found but could not be cut: the table's order is not lost
    named = sum(1 for f in findings if f.rule == "READ" and f.row and f.found)
    if (read + named) * 2 >= rows:
        return findings
    return [
        reading_finding(
            table, "", "",
            f"“{table}”只读到 {read} 行（共 {rows} 行）：表格文字的次序被打乱了（例如从 PDF "
            f"按版面分块提取的文字），各行的数字无法对应，本表未读取的行已留空。请改用 PDF 或 Word "
            f"原件（可以直接读取），或对照原表在工作簿中填写本表。",
            expected=rows, found=read,
        )
    ]  # fmt: skip


_SENTENCE_END = tuple('。！？!?；;：:）)”"')
_CLAUSE_MARK = re.compile(r"[，,。；;]")
_ITEM = re.compile(r"^[（(]?[一二三四五六七八九十\d]{1,3}[）)、.．]|^第[一二三四五六七八九十]")


def join_wrapped(lines: list[str]) -> str:
    """Lines of a paragraph that a PDF or a narrow layout broke mid-sentence, joined again."""
    out: list[str] = []
    for line in lines:
        prev = out[-1] if out else ""
        if (
            prev
            and len(prev) >= 20
            and not prev.endswith(_SENTENCE_END)
            and not _ITEM.match(line.lstrip())
            and (
                not (_ITEM.match(prev) and not _CLAUSE_MARK.search(prev))  # a sub-heading …
                or len(line.strip()) <= 4  # … unless its last characters wrapped
            )
        ):
            out[-1] = prev + line.lstrip()
        else:
            out.append(line)
    return "\n".join(out)


def parse_rows(rows: list[Row], name: str = "报告") -> Report:
    return Parser(rows, name).parse()
