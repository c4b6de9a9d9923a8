"""The standard sentences of parts 三 and 四, written from the tables (生成说明文字).

Every number in the text is taken from the report, so the narrative cannot contradict the
tables (R10 has nothing to find in it).
"""

from __future__ import annotations

from gknb.formats import Key
from gknb.formats.base import (
    T3_CARRY_IN,
    T3_CARRY_OUT,
    T3_GRAND,
    T3_NEW,
    T3_TOTAL,
    T4_PARTS,
    T4_TOTAL,
)
from gknb.model import Report
from gknb.text import fmt_num


class MissingFigures(ValueError):
    """A figure the text needs is unreadable; fix the table first."""


def _v(report: Report, key: Key) -> int | float:
    if key not in report.cells:
        return 0
    value = report.value(key)
    if value is None:
        raise MissingFigures(report.locations.get(key) or "·".join(key))
    return value


def _n(value: int | float) -> str:
    return f"{fmt_num(value)}件"


def part3(report: Report) -> str:
    """三、收到和处理政府信息公开申请情况."""
    t3 = report.format.t3
    v = lambda row, col: _v(report, t3(row, col))  # noqa: E731
    new, carry_in = v(T3_NEW, T3_TOTAL), v(T3_CARRY_IN, T3_TOTAL)
    carry_out = v(T3_CARRY_OUT, T3_TOTAL)
    if new == 0 and carry_in == 0:
        return "本年度未收到政府信息公开申请，无上年结转申请。"
    fmt = report.format
    natural = v(T3_NEW, "natural")
    org = sum(v(T3_NEW, c.id) for c in fmt.organisations)
    parts = [f"本年度共收到政府信息公开申请{_n(new)}"]
    if new:
        detail = "、".join(
            f"{c.label}{_n(v(T3_NEW, c.id))}" for c in fmt.organisations if v(T3_NEW, c.id)
        )
        parts[0] += f"，其中自然人{_n(natural)}、法人或其他组织{_n(org)}"
        if detail:
            parts[0] += f"（{detail}）"
    parts.append(f"上年结转{_n(carry_in)}")
    results = []
    for label, rows in fmt.result_groups():
        total = sum(v(r, T3_TOTAL) for r in rows if t3(r, T3_TOTAL) in report.cells)
        if total:
            results.append(f"{label}{_n(total)}")
    handled = v(T3_GRAND, T3_TOTAL)
    text = "；".join(parts) + "。"
    if results:
        text += f"本年度办理完结{_n(handled)}，办理结果：" + "，".join(results) + "。"
    text += f"结转下年度继续办理{_n(carry_out)}。"
    return text


def part4(report: Report) -> str:
    """四、政府信息公开行政复议、行政诉讼情况."""
    t4 = report.format.t4
    v = lambda part, result: _v(report, t4(part, result))  # noqa: E731
    review, direct, after = (v(part, T4_TOTAL) for part in T4_PARTS)
    if review == 0 and direct == 0 and after == 0:
        return "本年度未发生因政府信息公开引起的行政复议、行政诉讼案件。"

    def breakdown(part: str) -> str:
        items = [
            f"{label}{_n(v(part, x))}" for x, label in report.format.t4_results() if v(part, x)
        ]
        return "（" + "、".join(items) + "）" if items else ""

    sentences = []
    if review:
        sentences.append(f"本年度因政府信息公开被申请行政复议{_n(review)}{breakdown('rv')}")
    else:
        sentences.append("本年度未发生因政府信息公开引起的行政复议案件")
    suits = direct + after
    if suits:
        pieces = []
        if direct:
            pieces.append(f"未经复议直接起诉{_n(direct)}{breakdown('ld')}")
        if after:
            pieces.append(f"复议后起诉{_n(after)}{breakdown('la')}")
        sentences.append(f"被提起行政诉讼{_n(suits)}，其中" + "、".join(pieces))
    else:
        sentences.append("未发生因政府信息公开引起的行政诉讼案件")
    return "；".join(sentences) + "。"


def generate(report: Report) -> dict[str, str]:
    """Generated text of parts 三 and 四, keyed like Report.texts ("3", "4")."""
    return {"3": part3(report), "4": part4(report)}


def plan_writes(
    texts: dict[str, str], current: dict[str, object], remembered: dict[str, object]
) -> tuple[dict[str, str], list[str]]:
    """Which parts may be written: a cell that is empty, already holds the new text, or still
    holds the text written last time. Anything else is the clerk's own text and is kept."""
    write: dict[str, str] = {}
    kept: list[str] = []
    for part, text in texts.items():
        now = str(current.get(part) or "").strip()
        if now in ("", text, str(remembered.get(part) or "").strip()):
            write[part] = text
        else:
            kept.append(part)
    return write, kept
