"""The pure data that flows through the engine: Report in, Findings out."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from gknb.formats import FORMATS, Format, Key
from gknb.text import fold


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    HINT = "hint"
    UNREAD = "unread"  # part of a published report could not be read: not the report's fault

    @property
    def zh(self) -> str:
        return {"error": "错误", "warning": "警告", "hint": "提示", "unread": "需人工核对"}[
            self.value
        ]

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "hint": 2, "unread": 3}[self.value]


class ReportKind(StrEnum):
    """Where a report's figures come from: a workbook's cells, or a published document."""

    WORKBOOK = "workbook"
    REPORT = "report"


class Issue(StrEnum):
    """What value parsing found wrong with one cell (None when the cell is clean)."""

    BLANK = "blank"  # R5a: empty or a placeholder such as / — 无; read as 0
    UNIT = "unit"  # R5b: a number written with a unit or words; the number is read
    INVALID = "invalid"  # R5: no usable number (text, negative count, decimal count, date)


@dataclass(frozen=True)
class Cell:
    raw: Any  # what was typed or printed, unchanged
    value: int | float | None  # the number the rules use; None when unusable
    issue: Issue | None = None
    note: str = ""  # why the cell has its issue (Chinese, for messages)


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    table: str  # table title, or the part of the report for text and structure findings
    row: str
    column: str
    cell: str | None  # "sheet!A1" for workbooks, None for published reports
    expected: Any
    found: Any
    message: str
    keys: tuple[Key, ...] = ()  # every number cell involved, the marked one first
    fingerprint: str = ""  # rule + cells + their values: a settlement holds while it matches
    settled: str | None = None  # the reason a person gave when marking it 已核实
    suspect: bool = False  # the one cell that explains broken sums (疑似), listed first

    def as_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "table": self.table,
            "row": self.row,
            "column": self.column,
            "cell": self.cell,
            "expected": self.expected,
            "found": self.found,
            "message": self.message,
            **({"suspect": True} if self.suspect else {}),
            **({"settled": self.settled} if self.settled else {}),
        }


STRUCTURE = "R13"
READING = "READ"


def structure_finding(table: str, row: str, column: str, message: str, **kw: Any) -> Finding:
    """R13: the report does not have the structure of its format (a table, row, column or part
    missing or extra, or the format does not fit the year)."""
    return _placed(STRUCTURE, Severity.ERROR, (table, row, column), message, kw.get("cell"), kw)


def reading_finding(table: str, row: str, column: str, message: str, **kw: Any) -> Finding:
    """READ: a part of a published report that could not be read (not a fault of the report);
    it names no cell, since nothing was read there."""
    return _placed(READING, Severity.UNREAD, (table, row, column), message, None, kw)


def _placed(
    rule: str,
    severity: Severity,
    where: tuple[str, str, str],
    message: str,
    cell: str | None,
    kw: dict[str, Any],
) -> Finding:
    table, row, column = where
    return Finding(
        rule=rule,
        severity=severity,
        table=table,
        row=row,
        column=column,
        cell=cell,
        expected=kw.get("expected"),
        found=kw.get("found"),
        message=message,
    )


def counts(findings: Iterable[Finding]) -> dict[Severity, int]:
    """Open findings by severity (settled ones are not counted)."""
    result = {s: 0 for s in Severity}
    for f in findings:
        if not f.settled:
            result[f.severity] += 1
    return result


def summary_line(findings: Iterable[Finding]) -> str:
    """错误 1 处，警告 0 处，提示 0 处 (and the unread and settled ones, when there are any)."""
    findings = list(findings)
    c = counts(findings)
    line = f"错误 {c[Severity.ERROR]} 处，警告 {c[Severity.WARNING]} 处，提示 {c[Severity.HINT]} 处"
    if c[Severity.UNREAD]:
        line += f"；另有 {c[Severity.UNREAD]} 处无法读取，需人工核对（不计为错误）"
    settled = sum(1 for f in findings if f.settled)
    return line + (f"，已核实 {settled} 处" if settled else "")


@dataclass
class Prior:
    """Last year's figures used by the cross-year rules R6–R8."""

    year: int | None = None
    carry_out: dict[str, int | float | None] = field(default_factory=dict)  # T3 column -> value
    in_force: dict[str, int | float | None] = field(default_factory=dict)  # T2_1 row -> value
    source: str = ""
    agency: str = ""  # the agency of last year's report, when it came from one

    def is_empty(self) -> bool:
        return not any(v is not None for v in (*self.carry_out.values(), *self.in_force.values()))


def prior_mismatch(report: Report, prior: Prior) -> str | None:
    """Why last year's figures cannot be this report's (another agency, not the year before),
    or None when they fit (or there is too little to tell)."""
    same = fold(prior.agency) == fold(report.agency) if prior.agency and report.agency else True
    if report.year is not None and prior.year is not None and prior.year != report.year - 1:
        whose = "" if same else f"{prior.agency}的"
        return (
            f"上年数据来自{whose}{prior.year}年度报告，本报告是{report.year}年度："
            f"跨年度校验应使用{report.year - 1}年度的报告"
        )
    if not same:
        return (
            f"上年数据来自{prior.agency}的报告，本报告是{report.agency}的："
            f"跨年度校验应使用本机关的报告"
        )
    return None


@dataclass
class Report:
    version: str  # format version: "2019" / "2021"
    year: int | None = None
    agency: str = ""
    cells: dict[Key, Cell] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # part "1" / "5" / "6" -> text
    source: str = ""  # file the report was read from
    kind: ReportKind = ReportKind.WORKBOOK
    locations: dict[Key, str] = field(default_factory=dict)  # key -> "sheet!A1"
    structure: list[Finding] = field(default_factory=list)  # R13 and READ findings of the reader
    prior: Prior | None = None
    detected_version: str | None = None  # the version the content shows, if it says
    settlements: dict[str, str] = field(default_factory=dict)  # fingerprint -> reason (已核实)

    @property
    def format(self) -> Format:
        return FORMATS[self.version]

    def value(self, key: Key) -> int | float | None:
        cell = self.cells.get(key)
        return None if cell is None else cell.value

    def values(self) -> dict[Key, int | float | None]:
        return {k: c.value for k, c in self.cells.items()}


@dataclass(frozen=True)
class Unit:
    """What the roll-up rule R14 needs of a reviewed file."""

    index: int
    display: str
    agency: str
    version: str
    values: Sequence[int | float | None] | None  # None: the file could not be read
