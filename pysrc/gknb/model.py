"""The pure data that flows through the engine: Report in, Findings out."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from gknb.formats import FORMATS, Format, Key


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
