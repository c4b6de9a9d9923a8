"""R10 and R12: what the text of the report says against what the tables say."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from gknb.formats import Key
from gknb.formats.base import T3_CARRY_IN, T3_NEW, T3_TOTAL, T4_PARTS, T4_RESULTS, T4_TOTAL
from gknb.model import Finding, Report, Severity
from gknb.text import fmt_num

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百千]+(?=\s*(?:件|起|宗|次|个))")
_CLAUSE = re.compile(r"[。；;！!？?\n，,：:]")
_UNIT = r"\s*(?:件|起|宗|次|个)"
_ACT = r"(?:收到|新收|受理|接收|接到|共收到|共受理)"
_APPLY_AFTER = re.compile(_ACT + r"[^\d]{0,20}?申请[^\d]{0,8}?(\d+)" + _UNIT)
_APPLY_BEFORE = re.compile(r"(?:" + _ACT + r"|有)[^\d]{0,4}?(\d+)" + _UNIT + r"[^\d]{0,14}?申请")
_APPLY_NONE = re.compile(r"(?:无(?!正当理由)|未收到|没有收到|未接到|没有)[^\d，。]{0,8}?申请")
_NOT_APPLICATION = re.compile(r"复议|诉讼|建议|提案|结转|上年|咨询|转办|办结率|撤回")
_REVIEW_COUNT = re.compile(
    r"行政复议[^\d，。]{0,6}?(\d+)" + _UNIT + r"|(\d+)" + _UNIT + r"[^\d，。]{0,4}?行政复议"
)
_SUIT_COUNT = re.compile(
    r"行政诉讼[^\d，。]{0,6}?(\d+)" + _UNIT + r"|(\d+)" + _UNIT + r"[^\d，。]{0,4}?行政诉讼"
)
_ALL_UPHELD = re.compile(r"均(?:获|被|予以)?维持|全部(?:获|被|予以)?维持")

TEXT_PARTS = ("1", "3", "4", "5", "6", "other")


def cn_to_int(text: str) -> int:
    if all(ch in _CN_DIGITS for ch in text) and len(text) > 1:
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    total, section, digit = 0, 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch == "十":
            section += (digit or 1) * 10
            digit = 0
        elif ch == "百":
            section += (digit or 1) * 100
            digit = 0
        elif ch == "千":
            section += (digit or 1) * 1000
            digit = 0
    return total + section + digit


def _arabic(text: str) -> str:
    return _CN_NUMBER.sub(lambda m: str(cn_to_int(m.group(0))), text)


@dataclass(frozen=True)
class Claim:
    part: str
    clause: str
    subject: str  # "apply" / "review" / "suit" / "upheld"
    number: int | None  # None for "均获维持"


def claims(texts: dict[str, str]) -> Iterator[Claim]:
    """Every statement in the text about figures that the tables also hold."""
    for part in TEXT_PARTS:
        text = texts.get(part) or ""
        for clause in _CLAUSE.split(_arabic(text)):
            clause = clause.strip()
            if not clause:
                continue
            if "申请" in clause and not _NOT_APPLICATION.search(clause):
                m = _APPLY_AFTER.search(clause) or _APPLY_BEFORE.search(clause)
                if m:
                    yield Claim(part, clause, "apply", int(m.group(1)))
                elif _APPLY_NONE.search(clause):
                    yield Claim(part, clause, "apply", 0)
            for subject, pattern, word in (
                ("review", _REVIEW_COUNT, "行政复议"),
                ("suit", _SUIT_COUNT, "行政诉讼"),
            ):
                if word not in clause:
                    continue
                m = pattern.search(clause)
                if m:
                    yield Claim(part, clause, subject, int(m.group(1) or m.group(2)))
                elif re.search(r"(?:无|未|没有|不存在)[^，。]*" + word, clause):
                    yield Claim(part, clause, subject, 0)
            if _ALL_UPHELD.search(clause):
                yield Claim(part, clause, "upheld", None)


def _sum(report: Report, keys: list[Key]) -> int | float | None:
    values = [report.value(k) for k in keys]
    return None if any(v is None for v in values) else sum(v for v in values if v is not None)


def _finding(report: Report, claim: Claim, keys: list[Key], expected, found, msg) -> Finding:
    return Finding(
        rule="R10",
        severity=Severity.WARNING,
        table="正文",
        row=claim.clause[:60],
        column="",
        cell=report.locations.get(("TEXT", claim.part, "")),
        expected=expected,
        found=found,
        message=msg,
        keys=tuple(keys),
    )


def check_r10(report: Report) -> Iterator[Finding]:
    fmt = report.format
    seen: set[tuple[str, str]] = set()
    for claim in claims(report.texts):
        if (claim.subject, claim.clause) in seen:
            continue
        seen.add((claim.subject, claim.clause))
        quote = f"正文“{claim.clause}”"
        if claim.subject == "apply":
            keys = [fmt.t3(T3_NEW, T3_TOTAL)]
            new = report.value(keys[0])
            carry = report.value(fmt.t3(T3_CARRY_IN, T3_TOTAL))
            if new is None or claim.number in (new, new + (carry or 0)):
                continue
            yield _finding(
                report, claim, keys, new, claim.number,
                f"{quote}说收到申请 {claim.number} 件，表三“本年新收政府信息公开申请数量”"
                f"总计为 {fmt_num(new)} 件。请核对正文或表格，使两者一致。",
            )  # fmt: skip
        elif claim.subject in ("review", "suit"):
            review, *suits = T4_PARTS  # 行政复议; 未经复议直接起诉, 复议后起诉
            parts = [review] if claim.subject == "review" else suits
            keys = [fmt.t4(p, T4_TOTAL) for p in parts]
            total = _sum(report, keys)
            if total is None or total == claim.number:
                continue
            name = "行政复议" if claim.subject == "review" else "行政诉讼"
            yield _finding(
                report, claim, keys, total, claim.number,
                f"{quote}说{name} {claim.number} 件，表四{name}总计为 {fmt_num(total)} 件。"
                f"请核对正文或表格。",
            )  # fmt: skip
        else:
            _, *not_upheld_results = T4_RESULTS  # all but 结果维持
            keys = [fmt.t4(p, r) for p in T4_PARTS for r in not_upheld_results]
            not_upheld = _sum(report, keys)
            if not not_upheld:
                continue
            yield _finding(
                report, claim, keys, 0, not_upheld,
                f"{quote}说复议诉讼均获维持，但表四有 {fmt_num(not_upheld)} 件为结果纠正、"
                f"其他结果或尚未审结。请核对正文或表格。",
            )  # fmt: skip


def check_r12(report: Report) -> Iterator[Finding]:
    key = report.format.unpaid_fee
    if key is None or not any(report.texts.get(p) for p in TEXT_PARTS):
        return
    unpaid = report.value(key)
    if not unpaid:
        return
    if "信息处理费" in (report.texts.get("6") or ""):
        return
    yield Finding(
        rule="R12",
        severity=Severity.HINT,
        table="正文",
        row="六、其他需要报告的事项",
        column="",
        cell=report.locations.get(("TEXT", "6", "")),
        expected="说明信息处理费收取情况",
        found="未提及",
        message=(
            f"表三有 {fmt_num(unpaid)} 件申请因申请人逾期未缴纳费用而不再处理，"
            f"但第六部分没有提到信息处理费。请在“六、其他需要报告的事项”中说明"
            f"本年度信息处理费的收取情况（国办函〔2020〕109号）。"
        ),
        keys=(key,),
    )
