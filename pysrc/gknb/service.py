"""The operations behind every command and button: load, check, mark, fill, new.

The CLI and the Excel add-in are thin layers over these functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gknb import rules
from gknb.errors import GknbError, NotAReport
from gknb.formats.base import T3_CARRY_OUT
from gknb.model import Finding, Prior, Report, Severity, Unit
from gknb.sources import (
    WORKBOOK_SUFFIXES,
    is_workbook,
    read_any,
    read_workbook,
)

if TYPE_CHECKING:
    from openpyxl import Workbook

    from gknb.workbook.ops import FillResult, TextResult

# gknb.workbook.ops (the writing side) is imported by the functions that write, so that
# `gknb check` loads only what reading and checking need (bench/bench_core.py).


def prior_from(report: Report) -> Prior:
    """Last year's figures that the cross-year rules need, taken from last year's report."""
    prior = Prior(year=report.year, source=report.source, agency=report.agency)
    fmt = report.format
    for col in fmt.block("T3").cols:
        prior.carry_out[col.id] = report.value(fmt.t3(T3_CARRY_OUT, col.id))
    if fmt.in_force is not None:
        for row in fmt.in_force.rows:
            prior.in_force[row] = report.value(fmt.in_force.key(row, fmt.in_force.in_force))
    return prior


def load(path: Path, prior: Path | None = None) -> Report:
    report = read_any(path)
    if prior is not None:
        report.prior = prior_from(read_any(prior))
    return report


def check(report: Report) -> list[Finding]:
    """Every finding of the rule catalogue for one report (the one way in to the rules)."""
    return rules.check(report)


def rule_catalogue() -> tuple[rules.Rule, ...]:
    """The rules in catalogue order (for `gknb rules` and the review's 规则说明 sheet)."""
    return rules.RULES


def rollup_findings(parent: Unit, units: Sequence[Unit]) -> tuple[list[dict[str, Any]], list[str]]:
    """The catalogue's comparing rule (R14) for a consolidated report and its units."""
    compare = rules.RULE_BY_ID["R14"].compare
    assert compare is not None, "R14 compares reports"
    return compare(parent, units)


@dataclass
class CheckResult:
    path: Path
    report: Report | None = None
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None  # why the file could not be read
    not_report: bool = False  # the file is no report at all (errors.NotAReport)

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)

    @property
    def settled(self) -> list[Finding]:
        return [f for f in self.findings if f.settled]


def check_file(path: Path, prior: Path | None = None) -> CheckResult:
    try:
        report = read_any(path)
    except NotAReport as exc:
        return CheckResult(path, error=str(exc), not_report=True)
    except GknbError as exc:  # also a failure no reader anticipated (gknb.sources.read)
        return CheckResult(path, error=str(exc))
    if prior is not None:
        try:  # a prior that is no report is this check's error, not a file to skip
            report.prior = prior_from(read_any(prior))
        except GknbError as exc:
            return CheckResult(path, error=str(exc))
    return CheckResult(path, report, check(report))


def mark_copy(
    path: Path,
    out: Path,
    findings: list[Finding],
    force: bool = False,
    protect: tuple[Path, ...] = (),
) -> int:
    """Write a copy of the workbook with every finding marked (in place, with a backup, when
    out is the workbook itself). protect: other inputs of the command, never overwritten.
    Returns the cells marked."""
    from gknb.workbook import ops
    from gknb.workbook.xlsx import OpenpyxlBook

    mark_target(path, out, force, protect)
    book = OpenpyxlBook(path, out)
    if out.suffix.lower() == ".xlsx":
        book.wb.vba_archive = None  # an .xlsm's copy as .xlsx: no macros, no ribbon, valid
    count = ops.mark(book, findings)
    book.save()
    return count


def mark_target(path: Path, out: Path, force: bool = False, protect: tuple[Path, ...] = ()) -> None:
    """Refuse a --mark output that cannot be written, before anything is checked or printed.
    An .xlsm may be marked into an .xlsx (a copy without macros, for reading and printing);
    an .xlsx has no macros to give an .xlsm."""
    from gknb.files import guard_output, same_file

    if not is_workbook(path):
        raise GknbError(f"--mark 只能用于 Excel 工作簿，{path.name} 不是工作簿。")
    if out.suffix.lower() not in WORKBOOK_SUFFIXES:
        raise GknbError(f"标记副本的文件名应以 .xlsx 或 .xlsm 结尾：{out.name}")
    if path.suffix.lower() == ".xlsx" and out.suffix.lower() == ".xlsm":
        raise GknbError(
            f"{path.name} 不含宏，标记副本不能存为 .xlsm。请把输出文件名改为 {out.stem}.xlsx。"
        )
    in_place = out.exists() and same_file(out, path)
    guard_output(out, inputs=protect, force=force, in_place=in_place)


def _to_change(path: Path, what: str) -> Report:
    """The report of a workbook file an operation (`what`, as the clerk knows it) will rewrite
    in place; one sentence when the file is no workbook or cannot be written now."""
    from gknb.files import guard_output

    if not is_workbook(path):
        raise GknbError(f"{what}只能用于 Excel 工作簿，{path.name} 不是工作簿。")
    guard_output(path, in_place=True)
    return read_workbook(path)


def accept(path: Path, specs: list[str]) -> list[Finding]:
    """Settle warnings and hints (已核实) given as "R5a@三、依申请公开!D8=理由", in place."""
    from gknb.workbook import ops
    from gknb.workbook.xlsx import OpenpyxlBook

    report = _to_change(path, "标记“已核实”")
    ops.require_template(report, "标记“已核实”")
    book = OpenpyxlBook(path)
    findings = ops.accept(book, report, specs, check)
    book.save()
    return findings


def write_text(path: Path) -> TextResult:
    """生成说明文字 into a workbook file (see ops.write_text); a backup is kept."""
    from gknb.workbook import ops
    from gknb.workbook.xlsx import OpenpyxlBook

    report = _to_change(path, "生成说明文字")
    ops.narrative(report)  # a workbook that cannot have text is refused before it is opened again
    book = OpenpyxlBook(path)
    result = ops.write_text(book, report)
    if result.written:
        book.save()
    return result


def clear_file(path: Path) -> int:
    from gknb.files import guard_output
    from gknb.workbook import ops
    from gknb.workbook.xlsx import OpenpyxlBook

    guard_output(path, in_place=True)
    book = OpenpyxlBook(path)
    count = ops.clear(book)
    book.save()
    return count


def fill_file(path: Path) -> FillResult:
    """Compute every total and write it into the total cells only (a backup is kept)."""
    from gknb.workbook import ops
    from gknb.workbook.xlsx import OpenpyxlBook

    report = _to_change(path, "填充合计")
    changes = ops.total_changes(report)
    if not any(c.changed for c in changes):
        return ops.FillResult(changes, 0, report)
    book = OpenpyxlBook(path)
    result = ops.fill(book, report)
    book.save()
    return result


def new_workbook(
    path: Path,
    agency: str,
    year: int,
    prior: Path | None = None,
    force: bool = False,
) -> Report | None:
    """Create a workbook for the year's format; .xlsm gets the add-in, .xlsx has no macros."""
    from gknb.files import guard_output
    from gknb.workbook.template import build_workbook
    from gknb.workbook.xlsx import save_atomic

    if path.suffix.lower() not in WORKBOOK_SUFFIXES:
        raise GknbError(f"文件名应以 .xlsm（带按钮）或 .xlsx（不带宏）结尾：{path.name}")
    guard_output(path, inputs=[prior] if prior is not None else [], force=force)
    if not agency.strip():
        raise GknbError(
            "机关名称不能为空：请用 --agency 写明机关全称，如 --agency 某某县生态环境局。"
        )
    latest = dt.date.today().year + 1
    if not 2019 <= year <= latest:
        raise GknbError(
            f"报告年度 {year} 不对：年度应在 2019 年（现行格式起始）到 {latest} 年之间。"
        )
    wb = build_workbook(None, agency=agency, year=year)
    prior_report = None
    if prior is not None:
        prior_report = read_any(prior)
        write_prior(wb, prior_from(prior_report))
    if path.suffix.lower() == ".xlsm":
        save_xlsm(wb, path)
    else:
        save_atomic(wb, path)
    return prior_report


def write_prior(wb: Workbook, prior: Prior) -> None:
    from gknb.workbook.contract import META, PRIOR_CARRY_OUT, PRIOR_IN_FORCE

    sheet, row, col, _ = META["GK_PRIOR_YEAR"]
    ws = wb[sheet]
    ws.cell(row, col).value = prior.year
    for i, value in enumerate(prior.carry_out.values()):
        ws.cell(PRIOR_CARRY_OUT.r1, PRIOR_CARRY_OUT.c1 + i).value = value
    for i, value in enumerate(prior.in_force.values()):  # in the format's row order
        ws.cell(PRIOR_IN_FORCE.r1 + i, PRIOR_IN_FORCE.c1).value = value


def save_xlsm(wb: Workbook, path: Path) -> None:
    """Save with the add-in's VBA project and ribbon."""
    import io

    from gknb.workbook.contract import SHEETS

    try:
        from gknb.build.xlsm import build_xlsm
    except ImportError:
        raise GknbError("本安装不含 Excel 加载项，请用 .xlsx 文件名（不带按钮）。") from None
    from gknb.files import write_atomic

    buf = io.BytesIO()
    wb.save(buf)
    write_atomic(path, build_xlsm(buf.getvalue(), [code for _, code in SHEETS]))
