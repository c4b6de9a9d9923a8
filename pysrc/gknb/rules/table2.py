"""R9 and R11: sanity checks inside table 二."""

from __future__ import annotations

from collections.abc import Iterator

from gknb.model import Finding, Report, Severity
from gknb.rules.common import cell_finding
from gknb.text import fmt_num

FEE_LIMIT = 10000  # 万元: a fee this large was almost certainly typed in 元


def check_r9(report: Report) -> Iterator[Finding]:
    fmt = report.format
    part = fmt.published_within
    if part is not None:
        for row_id in part.rows:
            label = fmt.block(part.block).row(row_id).label
            pub_key, tot_key = part.key(row_id, part.part), part.key(row_id, part.whole)
            published, total = report.value(pub_key), report.value(tot_key)
            if published is None or total is None or published <= total:
                continue
            yield cell_finding(
                report,
                "R9",
                Severity.WARNING,
                pub_key,
                expected=f"≤ {fmt_num(total)}",
                found=published,
                message=(
                    f"{label}本年新公开 {fmt_num(published)} 件，多于对外公开总数量 "
                    f"{fmt_num(total)} 件。总数量应包含本年新公开的件数，请核对。"
                ),
                keys=(pub_key, tot_key),
            )


def check_r11(report: Report) -> Iterator[Finding]:
    key = report.format.fee_in_wan
    if key is not None:
        fee = report.value(key)
        if fee is not None and fee >= FEE_LIMIT:
            yield cell_finding(
                report,
                "R11",
                Severity.WARNING,
                key,
                expected=f"< {FEE_LIMIT}（单位：万元）",
                found=fee,
                message=(
                    f"行政事业性收费金额 {fmt_num(fee)} 万元，数额异常大，很可能是按“元”填写的。"
                    f"本栏单位是万元：{fmt_num(fee)} 元应填 {fee / 10000:.4f}。请核对。"
                ),
            )
