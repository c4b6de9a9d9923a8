"""R5, R5a, R5b: what each number cell holds."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from gknb.formats import Kind
from gknb.model import Finding, Issue, Report, Severity
from gknb.rules.common import cell_finding, fmt_num

_WANT = {
    Kind.COUNT: "不小于 0 的整数（没有就填 0）",
    Kind.AMOUNT: "不小于 0 的数字（不带单位）",
    Kind.SIGNED: "整数（减少写负数，如 -8；没有变化填 0）",
}


def checker(issue: Issue) -> Callable[[Report], Iterator[Finding]]:
    """The check of R5 (invalid), R5a (blank) or R5b (unit): the cells with that issue."""

    def check(report: Report) -> Iterator[Finding]:
        return _check(report, issue)

    return check


def _check(report: Report, issue: Issue) -> Iterator[Finding]:
    fmt = report.format
    for key in fmt.keys():
        cell = report.cells.get(key)
        if cell is None or cell.issue is not issue:
            continue
        kind = fmt.kind(key)
        shown = "" if cell.raw is None else str(cell.raw).strip()
        if cell.issue is Issue.INVALID:
            yield cell_finding(
                report,
                "R5",
                Severity.ERROR,
                key,
                expected=_WANT[kind],
                found=shown,
                message=f"{cell.note}。请填写{_WANT[kind]}。",
            )
        elif cell.issue is Issue.BLANK:
            tip = "；合计可点击“填充合计”自动计算" if fmt.is_total(key) else ""
            yield cell_finding(
                report,
                "R5a",
                Severity.WARNING,
                key,
                expected=0,
                found=shown,
                message=f"{cell.note}，按 0 计算。没有发生的请填 0，不要留空或填“/”“—”“无”{tip}。",
            )
        else:
            yield cell_finding(
                report,
                "R5b",
                Severity.WARNING,
                key,
                expected=cell.value,
                found=shown,
                message=f"{cell.note}。单元格中只填数字，请改为 {fmt_num(cell.value)}。",
            )
