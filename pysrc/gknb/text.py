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
