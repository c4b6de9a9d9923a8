"""Cells as the parser sees them: a value (one or more numbers, a blank, a placeholder), a label
(short text), or narrative (a sentence, never part of a table row)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import IntEnum

from gknb.reader.ir import Row
from gknb.text import fold, outside_brackets

_UNIT = r"(?:万元|元|万|个|件|条|项|次|宗|起|人|家|份|%)"
_SIGN = r"(?:[+\-]|增加|减少|新增|增|减)"
_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_PLACEHOLDER = r"(?:[/\\—–\-_~]+|无|空|N/A|n/a)"
ATOM = rf"(?:{_SIGN}?{_NUMBER}(?:{_UNIT}|\({_UNIT}\))?|{_PLACEHOLDER}|减|增)"
ATOM_RUN = rf"{ATOM}(?:\s+(?:{ATOM}|{_UNIT}))*"  # values printed one after another
_ATOM = re.compile(ATOM)
_UNIT_ONLY = re.compile(rf"{_UNIT}|\({_UNIT}\)")
_SIGN_ONLY = re.compile(_SIGN)
_DIGITS = re.compile(r"\d+")
_OCR = re.compile(r"[\dOolI〇]+")
_OCR_MAP = str.maketrans({"O": "0", "o": "0", "〇": "0", "l": "1", "I": "1"})
_SPACE = re.compile(r"\s+")
_CLAUSE = re.compile(r"[，；;]|,(?!\d{3})")  # (folded text: full-width brackets are ASCII)
MAX_LABEL = 60  # folded length above which a cell is narrative, not a table label


class Kind(IntEnum):
    VALUE = 0  # a number cell: numbers, a blank, a placeholder
    LABEL = 1  # short text: row/column labels, titles, headings
    TEXT = 2  # narrative: a sentence; ends any label run
    JUNK = 3  # running page header and the like: ignored


def squash(text: str) -> str:
    """NFKC, one space between words, no outer spaces; dash variants unified."""
    text = unicodedata.normalize("NFKC", text).replace("−", "-").replace("－", "-")
    return _SPACE.sub(" ", text).strip()


def atoms(text: str) -> list[str] | None:
    """The value atoms of a cell ("0 0 2", "281841.1 元", "减 51"), or None if it is text."""
    s = squash(text)
    if not s:
        return []
    parts: list[str] = []
    for piece in s.split(" "):
        if _OCR.fullmatch(piece) and (any(c.isdigit() for c in piece) or len(piece) <= 3):
            piece = piece.translate(_OCR_MAP)  # OCR: the letter O for 0, l for 1
        if parts and _UNIT_ONLY.fullmatch(piece) and not _UNIT_ONLY.fullmatch(parts[-1]):
            parts[-1] += piece  # "281841.1 元": the unit belongs to the number before it
            continue
        parts.append(piece)
    if all(_ATOM.fullmatch(p) for p in parts):
        return parts
    return None


def is_sign(part: str) -> bool:
    return bool(_SIGN_ONLY.fullmatch(part))


def is_digits(part: str) -> bool:
    return part.isascii() and part.isdigit()


@dataclass
class Tok:
    index: int
    row: int  # index of the row it came from
    col: int
    text: str  # the cell as printed, outer white space removed
    folded: str
    kind: Kind
    parts: tuple[str, ...] = ()  # value atoms (VALUE only); () for a blank cell
    framed: bool = False  # a cell of a real table (markup, Word, PDF ruling, tabs, pipes)

    @property
    def empty(self) -> bool:
        return self.kind is Kind.VALUE and not self.parts


def classify(text: str) -> tuple[Kind, tuple[str, ...]]:
    found = atoms(text)
    if found is not None:
        return Kind.VALUE, tuple(found)
    folded = fold(text)
    if "。" in text or len(folded) > MAX_LABEL or _CLAUSE.search(outside_brackets(folded)):
        return Kind.TEXT, ()
    return Kind.LABEL, ()


def tokenize(rows: list[Row]) -> list[Tok]:
    toks: list[Tok] = []
    for r, row in enumerate(rows):
        for c, cell in enumerate(row.cells):
            text = cell.strip().strip("\u3000").strip()
            kind, parts = classify(text)
            toks.append(Tok(len(toks), r, c, text, fold(text), kind, parts, row.table))
    return toks


def digits_in(text: str) -> list[str]:
    return _DIGITS.findall(text)
