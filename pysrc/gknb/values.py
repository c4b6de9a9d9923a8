"""Reading one number cell the way FORMAT.md describes (R5, R5a, R5b)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from gknb.formats import Kind
from gknb.model import Cell, Issue

PLACEHOLDERS = frozenset({"/", "-", "—", "——", "－", "–", "无", "\\", "空", "--", "---", "N/A"})
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
_PLAIN = re.compile(r"[+-]?\d+(?:\.\d+)?")
_THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3}(?:\D|$))")
_DECREASE = ("减少", "减", "下降", "降")
_INCREASE = ("增加", "增", "新增", "上升")


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\u3000", " ").strip()
    text = text.replace("−", "-").replace("－", "-")
    return _THOUSANDS.sub("", text)


def _number(text: str) -> int | float:
    return float(text) if "." in text else int(text)


def _whole(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _check_kind(raw: Any, value: int | float, kind: Kind, issue: Issue | None, note: str) -> Cell:
    if kind is not Kind.AMOUNT and not float(value).is_integer():
        return Cell(raw, None, Issue.INVALID, f"“{value}”不是整数，件数只能填整数")
    if kind is not Kind.SIGNED and value < 0:
        return Cell(raw, None, Issue.INVALID, f"“{value}”是负数，此处不能为负")
    if kind is not Kind.AMOUNT:
        value = int(value)
    return Cell(raw, value, issue, note)


def parse_value(raw: Any, kind: Kind = Kind.COUNT) -> Cell:
    """Parse one cell. Never raises; the returned Cell says what was wrong, if anything."""
    if raw is None:
        return Cell(raw, 0, Issue.BLANK, "单元格为空")
    if isinstance(raw, bool):
        return Cell(raw, None, Issue.INVALID, "单元格是逻辑值，不是数字")
    if isinstance(raw, dt.datetime | dt.date | dt.time):
        return Cell(raw, None, Issue.INVALID, "单元格被识别成了日期，请改为数字格式后重填")
    if isinstance(raw, int | float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            return Cell(raw, None, Issue.INVALID, "单元格不是有效数字")
        return _check_kind(raw, _whole(raw), kind, None, "")
    text = _normalise(str(raw))
    if not text:
        return Cell(raw, 0, Issue.BLANK, "单元格为空")
    if text in PLACEHOLDERS or text.replace(" ", "") in PLACEHOLDERS:
        return Cell(raw, 0, Issue.BLANK, f"单元格填的是“{text}”")
    if text.startswith("=") or text.startswith("#"):
        return Cell(raw, None, Issue.INVALID, f"“{text}”不是数字（公式未计算或出错）")
    compact = text.replace(" ", "")
    if _PLAIN.fullmatch(compact):
        return _check_kind(raw, _number(compact), kind, None, "")
    numbers = _NUMBER.findall(compact)
    if len(numbers) != 1:
        why = "没有数字" if not numbers else "含有多个数字"
        return Cell(raw, None, Issue.INVALID, f"“{text}”{why}，无法读出数值")
    value = _number(numbers[0])
    words = compact.replace(numbers[0], "", 1)
    if kind is Kind.SIGNED and value >= 0 and words.startswith(_DECREASE):
        value = -value
    elif kind is Kind.SIGNED and words.startswith(_DECREASE + _INCREASE):
        pass
    note = f"“{text}”含有单位或文字，按 {_whole(value)} 读取"
    return _check_kind(raw, value, kind, Issue.UNIT, note)
