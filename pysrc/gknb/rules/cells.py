"""R5, R5a, R5b: what each number cell holds."""

from __future__ import annotations

from collections.abc import Iterator

from gknb.formats import Kind
from gknb.model import Finding, Issue, Report, Severity, structure_finding
from gknb.rules.common import cell_finding
from gknb.text import fmt_num
from gknb.totals import blank_totals

_WANT = {
    Kind.COUNT: "不小于 0 的整数（没有就填 0）",
    Kind.AMOUNT: "不小于 0 的数字（不带单位）",
    Kind.SIGNED: "整数（减少写负数，如 -8；没有变化填 0）",
}


def _no_figures(report: Report) -> bool:
    """Every number cell of every table is blank: nothing was filled in (or published)."""
    return bool(report.cells) and all(c.issue is Issue.BLANK for c in report.cells.values())


def check(report: Report) -> Iterator[Finding]:
    fmt = report.format
    if _no_figures(report):
        yield structure_finding(
            "格式",
            "表格数字",
            "",
            "表格中一个数字也没有（全部为空）：这不是一份填写完成的年度报告。"
            "请在三张表格的白色格里填写数字，没有发生的填 0。",
            expected="数字",
            found="空",
        )
        return
    blank = blank_totals(report)
    if blank:
        first = blank[0]
        yield cell_finding(
            report,
            "R5a",
            Severity.WARNING,
            first,
            expected="合计",
            found="空",
            message=(
                f"{len(blank)} 个合计格（灰色格，如{fmt.where(first)}）还是空的："
                f"请先点“填充合计”（命令行：gknb fill 工作簿），再校验。"
                f"本次校验按各项之和计算这些合计，其他数字照常核对。"
            ),
            keys=tuple(blank),
        )
    skip = set(blank)
    for key in fmt.keys():
        cell = report.cells.get(key)
        if cell is None or cell.issue is None or key in skip:
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
