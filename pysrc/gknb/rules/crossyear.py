"""R6–R8: this year's figures against last year's."""

from __future__ import annotations

from collections.abc import Iterator

from gknb.formats.base import T3_CARRY_IN
from gknb.model import Finding, Prior, Report, Severity, prior_mismatch
from gknb.rules.common import cell_finding
from gknb.text import fmt_num


def _last(prior: Prior) -> str:
    return f"{prior.year}年" if prior.year else "上一年"


def check_r6(report: Report) -> Iterator[Finding]:
    prior = report.prior
    if prior is None or prior.is_empty():
        return
    fmt = report.format
    wrong = prior_mismatch(report, prior)
    if wrong:  # said once here; R6-R8 compare nothing with another report's figures
        yield Finding(
            rule="R6",
            severity=Severity.WARNING,
            table=fmt.table_title("T3"),
            row="上年数据",
            column="",
            cell=None,
            expected=report.year - 1 if report.year else None,
            found=prior.year,
            message=(
                f"{wrong}，本次未做上年结转等跨年度校验。"
                f"请换用正确的上年报告（--prior），或在“上年数据”工作表改正年度和数字。"
            ),
        )
        return
    last = _last(prior)
    for col in fmt.block("T3").cols:
        key = fmt.t3(T3_CARRY_IN, col.id)
        now, before = report.value(key), prior.carry_out.get(col.id)
        if now is None or before is None or now == before:
            continue
        yield cell_finding(
            report,
            "R6",
            Severity.WARNING,
            key,
            expected=before,
            found=now,
            message=(
                f"「{fmt.col_label(key)}」列上年结转 {fmt_num(now)} 件，"
                f"与{last}报告“结转下年度继续办理”{fmt_num(before)} 件不一致。"
                f"请核对；如有更正，请在说明中写明原因。"
            ),
            keys=(key,),
        )


def _in_force(report: Report, rule: str) -> Iterator[Finding]:
    """R7 and R8: table 二(一)'s in-force counts against last year's."""
    prior, part = report.prior, report.format.in_force
    if prior is None or prior.is_empty() or part is None or prior_mismatch(report, prior):
        return
    last = _last(prior)
    block = report.format.block(part.block)
    for row_id in part.rows:
        label = block.row(row_id).label
        issued_key = part.key(row_id, part.issued)
        repealed_key = part.key(row_id, part.repealed)
        in_force_key = part.key(row_id, part.in_force)
        issued, repealed = report.value(issued_key), report.value(repealed_key)
        in_force = report.value(in_force_key)
        before = prior.in_force.get(row_id)
        if before is None or issued is None or repealed is None:
            continue
        inputs = (issued_key, repealed_key)
        if rule == "R8" and repealed > before + issued:
            yield cell_finding(
                report,
                "R8",
                Severity.WARNING,
                repealed_key,
                expected=f"≤ {fmt_num(before + issued)}",
                found=repealed,
                message=(
                    f"{label}本年废止 {fmt_num(repealed)} 件，多于{last}现行有效 "
                    f"{fmt_num(before)} 件加本年制发 {fmt_num(issued)} 件。请核对废止件数。"
                ),
                keys=inputs,
            )
        if rule == "R7" and in_force is not None and in_force != before + issued - repealed:
            yield cell_finding(
                report,
                "R7",
                Severity.HINT,
                in_force_key,
                expected=before + issued - repealed,
                found=in_force,
                message=(
                    f"{label}现行有效 {fmt_num(in_force)} 件，而{last}现行有效 {fmt_num(before)}"
                    f" 件加本年制发 {fmt_num(issued)} 件、减本年废止 {fmt_num(repealed)} 件为 "
                    f"{fmt_num(before + issued - repealed)} 件。修改、集中清理可能造成差异，请确认。"
                ),
                keys=(in_force_key, *inputs),
            )


def check_r7(report: Report) -> Iterator[Finding]:
    return _in_force(report, "R7")


def check_r8(report: Report) -> Iterator[Finding]:
    return _in_force(report, "R8")
