"""R1–R4: the arithmetic links inside tables 三 and 四."""

from __future__ import annotations

from collections.abc import Iterator

from gknb.formats import Equation
from gknb.model import Finding, Report, Severity
from gknb.rules.common import cell_finding, col_label, fmt_num, row_label, where


def _sum(report: Report, keys: tuple) -> int | float | None:
    total: int | float = 0
    for key in keys:
        value = report.value(key)
        if value is None:
            return None
        total += value
    return total


def _message(report: Report, eq: Equation, expected: float, found: float) -> str:
    fmt = report.format
    t = eq.target
    if eq.rule == "R1":
        col = col_label(fmt, t)
        carry_out = report.value(t)
        assert carry_out is not None  # the target is one of the summed cells, so it has a value
        return (
            f"「{col}」列不平衡：第一项加第二项之和为 {fmt_num(expected)}，"
            f"第三项（七）总计加第四项之和为 {fmt_num(found)}，两者应相等。"
            f"请核对本列的新收、上年结转、办理结果和结转下年度数字"
            f"（按此结转下年度继续办理应为 {fmt_num(expected - (found - carry_out))}）。"
        )
    if eq.rule == "R2":
        return (
            f"{where(fmt, t)}应等于（一）至（六）各项办理结果之和 {fmt_num(expected)}，"
            f"现为 {fmt_num(found)}。请核对各办理结果，或点击“填充合计”重新计算。"
        )
    if eq.rule == "R3":
        return (
            f"「{row_label(fmt, t)}」行的总计应等于自然人和五类法人或其他组织之和 "
            f"{fmt_num(expected)}，现为 {fmt_num(found)}。请核对本行，或点击“填充合计”重新计算。"
        )
    return (
        f"{where(fmt, t)}应等于结果维持、结果纠正、其他结果、尚未审结之和 {fmt_num(expected)}，"
        f"现为 {fmt_num(found)}。请核对，或点击“填充合计”重新计算。"
    )


def check(report: Report) -> Iterator[Finding]:
    for eq in report.format.equations():
        lhs, rhs = _sum(report, eq.lhs), _sum(report, eq.rhs)
        if lhs is None or rhs is None or abs(lhs - rhs) < 1e-9:
            continue
        yield cell_finding(
            report,
            eq.rule,
            Severity.ERROR,
            eq.target,
            expected=rhs,
            found=lhs,
            message=_message(report, eq, rhs, lhs),
            keys=(*eq.lhs, *eq.rhs),
        )
