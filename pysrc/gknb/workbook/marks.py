"""What 校验 paints on a workbook: pure planning, applied by the adapters in one batch."""

from __future__ import annotations

import re
from dataclasses import dataclass

from gknb.model import Finding, Severity
from gknb.workbook.contract import COLORS, MARK_PREFIX

_ADDRESS = re.compile(r"^(?P<sheet>.+)!\$?(?P<col>[A-Z]{1,3})\$?(?P<row>\d+)$")


@dataclass(frozen=True)
class Mark:
    sheet: str
    row: int
    col: int
    severity: Severity
    note: str  # starts with MARK_PREFIX

    @property
    def color(self) -> str:
        return COLORS[self.severity]


def parse_address(address: str) -> tuple[str, int, int]:
    m = _ADDRESS.match(address)
    if not m:
        raise ValueError(address)
    col = 0
    for ch in m.group("col"):
        col = col * 26 + ord(ch) - 64
    sheet = m.group("sheet")
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    return sheet, int(m.group("row")), col


def note_line(f: Finding) -> str:
    return f"{f.severity.zh}（{f.rule}）：{f.message}"


def plan_marks(findings: list[Finding]) -> list[Mark]:
    """One mark per cell: the worst severity's colour, every finding's message in the note."""
    by_cell: dict[str, list[Finding]] = {}
    for f in findings:
        if f.cell and not f.settled:
            by_cell.setdefault(f.cell, []).append(f)
    marks = []
    for address, group in by_cell.items():
        sheet, row, col = parse_address(address)
        worst = min((f.severity for f in group), key=lambda s: s.rank)
        note = MARK_PREFIX + "\n".join(note_line(f) for f in group)
        marks.append(Mark(sheet, row, col, worst, note))
    return marks


def strip_note(text: str | None) -> str | None:
    """The user's own part of a note after removing what 校验 added (None if nothing is left)."""
    if not text:
        return None
    idx = text.find(MARK_PREFIX)
    if idx < 0:
        return text
    own = text[:idx].rstrip()
    return own or None


def merge_note(existing: str | None, ours: str) -> str:
    own = strip_note(existing)
    return f"{own}\n\n{ours}" if own else ours


def result_rows(findings: list[Finding]) -> list[list[object]]:
    """Rows of the 校验结果 sheet (same columns as template.RESULT_HEADERS). Column 核实 holds
    the reason of a settled finding; a person types one there to settle a warning or hint."""
    rows = []
    for i, f in enumerate(findings, start=1):
        level = "已核实" if f.settled else f.severity.zh
        rows.append(
            [i, level, f.rule, f.table, f.row, f.column, f.cell or "",
             _plain(f.expected), _plain(f.found), f.message, f.settled or "", f.fingerprint]
        )  # fmt: skip
    return rows


def settlements_from_rows(rows: list[list[object]]) -> dict[str, str]:
    """Settlements a person wrote into the 核实 column of 校验结果 (errors cannot be settled)."""
    settled: dict[str, str] = {}
    for row in rows:
        row = list(row) + [None] * (12 - len(row))
        level, reason, fp = row[1], row[10], row[11]
        if not fp or reason in (None, "") or level == Severity.ERROR.zh:
            continue
        settled[str(fp)] = str(reason).strip()
    return settled


def _plain(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, int | float | str):
        return value
    return str(value)


def summary(findings: list[Finding]) -> str:
    from gknb.model import summary_line

    return f"校验完成：{summary_line(findings)}"
