"""The rule catalogue (R1–R14, and READ for parts of a published report that could not be
read) and the checker that runs it.

The catalogue is data: `gknb rules`, the README and the review workbook's 规则说明 sheet are
generated from it, so the documentation cannot drift from what the checker does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from gknb.formats import Format
from gknb.model import READING, Finding, Report, Severity
from gknb.rules import arithmetic, cells, crossyear, narrative, rollup, structure, table2

E, W, H, U = Severity.ERROR, Severity.WARNING, Severity.HINT, Severity.UNREAD


ReportCheck = Callable[[Report], Iterable[Finding]]
RollupCheck = Callable[[rollup.Unit, Sequence[rollup.Unit]], tuple[list[dict[str, Any]], list[str]]]


@dataclass(frozen=True)
class Rule:
    """One rule of the catalogue and the code that checks it: `check` for a rule about one
    report (run by `check` below), `compare` for one that compares reports (R14, run by
    `gknb review --rollup`). `part` names the Format attribute the rule needs; a format
    without that part (None) has no such rule."""

    id: str
    severity: Severity
    title: str
    checks: str
    example: str
    check: ReportCheck | None = None
    compare: RollupCheck | None = None
    part: str | None = None


RULES: tuple[Rule, ...] = (
    Rule("R1", E, "表三纵向平衡", "表三每一列：第一项加第二项之和等于第三项（七）总计加第四项之和",
         "「自然人」列不平衡：第一项加第二项之和为 2，第三项（七）总计加第四项之和为 0……",
         arithmetic.check),
    Rule("R2", E, "表三办理结果合计", "表三每一列：（七）总计等于（一）至（六）各项办理结果之和",
         "「三、本年度办理结果 （七）总计」行「自然人」列应等于各项办理结果之和 2，现为 0……",
         arithmetic.check),
    Rule("R3", E, "表三横向合计", "表三每一行：总计等于自然人和五类法人或其他组织之和",
         "「（四）无法提供 1.本机关不掌握相关政府信息」行的总计应等于……之和 2，现为 0……",
         arithmetic.check),
    Rule("R4", E, "表四合计", "表四行政复议、未经复议直接起诉、复议后起诉：总计等于维持、纠正、"
         "其他结果、尚未审结之和", "「行政复议·总计」应等于……之和 3，现为 2……",
         arithmetic.check),
    Rule("R5", E, "数值无效", "每个数字单元格为不小于 0 的整数（收费金额、采购总金额可为小数；"
         "2019版本年增/减可为负数）", "“abc”没有数字，无法读出数值。请填写不小于 0 的整数……",
         cells.check),
    Rule("R5a", W, "空白或占位符", "数字单元格留空或填“/”“-”“—”“无”：应填 0",
         "单元格填的是“/”，按 0 计算。没有发生的请填 0……",
         cells.check),
    Rule("R5b", W, "数字带单位或文字", "数字写成“4个”“323.6万”“281841.1 元”“减51”：读出数字，"
         "单元格应只填数字", "“4个”含有单位或文字，按 4 读取。单元格中只填数字，请改为 4。",
         cells.check),
    Rule("R6", W, "上年结转衔接", "本年“二、上年结转”等于上年报告“四、结转下年度继续办理”（逐列）",
         "「自然人」列上年结转 1 件，与2024年报告“结转下年度继续办理”2 件不一致……",
         crossyear.check_r6),
    Rule("R7", H, "现行有效件数衔接", "2021版表二：现行有效件数约等于上年现行有效件数加本年制发"
         "减本年废止（修改、集中清理可造成差异）", "规章现行有效 12 件，而上年现行有效 10 件加……",
         crossyear.check_r7, part="in_force"),
    Rule("R8", W, "废止件数上限", "2021版表二：本年废止件数不超过上年现行有效件数加本年制发件数",
         "行政规范性文件本年废止 9 件，多于上年现行有效 5 件加本年制发 2 件……",
         crossyear.check_r8, part="in_force"),
    Rule("R9", W, "新公开不超过总数", "2019版表二第（一）项：本年新公开数量不超过对外公开总数量",
         "规范性文件本年新公开 30 件，多于对外公开总数量 23 件……",
         table2.check_r9, part="published_within"),
    Rule("R10", W, "正文与表格矛盾", "正文中的数字与表格不符（如“收到申请1件”而表中为 2 件；"
         "“均获维持”而有尚未审结）", "正文“本年度有1起申请公开政府信息的情况”说收到申请 1 件……",
         narrative.check_r10),
    Rule("R11", W, "收费金额单位", "2021版行政事业性收费金额不小于 10000（万元），多半是按元填写",
         "行政事业性收费金额 28000 万元，数额异常大，很可能是按“元”填写的……",
         table2.check_r11, part="fee_in_wan"),
    Rule("R12", H, "信息处理费说明", "2021版：表三（六）2 大于 0 而第六部分未提信息处理费",
         "表三有 2 件申请因申请人逾期未缴纳费用而不再处理，但第六部分没有提到信息处理费……",
         narrative.check_r12, part="unpaid_fee"),
    Rule("R13", E, "结构与格式", "格式与年度不符；表格、行、列或部分缺失、多余"
         "（如省里加的行、小计列）", "2025年度报告应使用2021版格式……",
         structure.check),
    Rule("R14", W, "汇总不少于下级之和", "gknb review --rollup：上级机关汇总报告的本年新收申请数"
         "（各列）和复议、诉讼总计不少于其下级单位报告之和", "汇总报告的「本年新收」「总计」为 20，少于下级单位之和 25……",
         compare=rollup.findings),
    Rule(READING, U, "无法读取", "已发布报告中读不出或不能唯一确定的部分（数字连在一起有多种拆法、"
         "表格文字次序打乱、数字对不上列）：不是报告的错误，不计入错误数，需对照原件人工核对",
         "「二、上年结转政府信息公开申请数量」一行的数字连在一起（印作“1100012”）……本行未读取……",
         structure.check_reading),
)  # fmt: skip

RULE_BY_ID = {r.id: r for r in RULES}


_TABLE_ORDER = {"封面": 0, "格式": 0, "二": 1, "三": 2, "四": 3, "正文": 4}


def applies(rule: Rule, fmt: Format) -> bool:
    """Whether the rule checks reports in this format (it has the part the rule needs)."""
    return rule.part is None or getattr(fmt, rule.part) is not None


def check(report: Report) -> list[Finding]:
    """Every finding of R1–R13 for a report, grouped by table in report order."""
    findings: list[Finding] = []
    runs = [r.check for r in RULES if r.check is not None and applies(r, report.format)]
    for run in dict.fromkeys(runs):  # one check may serve several rules (R1–R4, R5–R5b)
        findings.extend(run(report))
    position = {k: i for i, k in enumerate(report.format.keys())}

    def order(f: Finding) -> tuple[int, bool, int]:
        table = _TABLE_ORDER.get(f.table[:1], _TABLE_ORDER.get(f.table, 5))
        return table, not f.suspect, position.get(f.keys[0], -1) if f.keys else -1

    return [_settle(report, f) for f in sorted(findings, key=order)]


def fingerprint(report: Report, f: Finding) -> str:
    """Identifies a finding together with the values it was about: a settlement (已核实)
    holds only while every cell it names still holds the same value."""
    values = [f"{k}={report.cells[k].raw!r}" for k in f.keys if k in report.cells]
    text = "|".join([f.rule, f.cell or "", f.row, f.column, *values])
    if not f.keys:
        text += "|" + f.message
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def _settle(report: Report, f: Finding) -> Finding:
    fp = fingerprint(report, f)
    reason = report.settlements.get(fp) if f.severity is not Severity.ERROR else None
    return replace(f, fingerprint=fp, settled=reason)
