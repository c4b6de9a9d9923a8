"""Text folding used wherever labels are matched (FORMAT.md: fold white space, full-width
forms and quotes)."""

from __future__ import annotations

import re
import unicodedata

_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"'})
_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """Fold a label for matching: NFKC (full-width digits and brackets), quotes, no spaces."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = text.replace("\u3000", "").replace("、", "、")
    return _SPACE.sub("", text)


def squash(text: str) -> str:
    """NFKC + collapse runs of white space to one space (for display)."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip()


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
