"""Text folding used wherever labels are matched (FORMAT.md: fold white space, full-width
forms and quotes), and the one way outside text is written into a workbook cell."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"'})
_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """Fold a label for matching: NFKC (full-width digits and brackets), quotes, no spaces."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = text.replace("\u3000", "").replace("、", "、")
    return _SPACE.sub("", text)


def outside_brackets(text: str) -> str:
    """The text without what stands in brackets, also when a line break cut a bracket pair
    ("（二）部分公开（区分处理的，只计这一" / "情形，不计其他情形）")."""
    out: list[str] = []
    depth = 0
    for c in text:
        if c in "(（[【":
            depth += 1
        elif c in ")）]】":
            if depth == 0:
                out.clear()  # everything before an unopened ")" was inside the pair
            else:
                depth -= 1
        elif depth == 0:
            out.append(c)
    return "".join(out)


# ---- outside text written into a workbook ----------------------------------------------------

# characters XML 1.0 cannot hold (C0 controls but tab, LF, CR; lone surrogates; U+FFFE/FFFF):
# one of them in a cell or note makes the whole file unwritable
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"  # shown as � where a character was dropped
CELL_TEXT_MAX = 32767  # Excel's limit for one cell's text
FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r", "\n")  # a spreadsheet may read these as a formula


def cell_text(text: str) -> str:
    """Text from outside (a report, a file name, a workbook) made storable in any cell or note:
    characters XML cannot hold are replaced by �, visibly; text beyond Excel's 32,767
    characters is cut, ending in “…”."""
    text = _XML_ILLEGAL.sub(REPLACEMENT, text)
    if len(text) > CELL_TEXT_MAX:
        text = text[: CELL_TEXT_MAX - 1] + "…"
    return text


def formula_like(text: str) -> bool:
    """Text a spreadsheet would take for a formula if it were typed in (=, +, -, @, tab, CR)."""
    return len(text) > 1 and text.startswith(FORMULA_LEAD)


def put(cell: Any, value: object) -> None:
    """Set an openpyxl cell (or write-only cell) to a value from outside data. A string is
    always stored as text, never as a formula: data type "s" (openpyxl would otherwise store
    "=…" as a formula), and for text that starts like a formula the cell's quotePrefix is set
    too, so Excel shows it as text and keeps it text when the cell is edited."""
    if not isinstance(value, str):
        cell.value = value
        return
    text = cell_text(value)
    cell.value = text
    cell.data_type = "s"
    if formula_like(text):
        cell.quotePrefix = True


def fmt_num(value: Any) -> str:
    """A number as messages show it: 12, 3.5, never 3.5000000000000004 or 1e+16 for an int."""
    if isinstance(value, float):
        return f"{value:.15g}" if abs(value) < 1e15 else str(value)
    return str(value)
