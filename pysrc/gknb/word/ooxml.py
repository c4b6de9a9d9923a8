"""Small WordprocessingML helpers shared by the base template, the tables and the draft mode.

Plain strings and lxml only (no python-docx), so the draft mode can edit a user's document
without re-serialising anything it does not touch.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
W_DECL = f'xmlns:w="{W_NS}"'

# Theme font attributes: Word prefers them over explicit names, and python-docx's default
# template maps the East-Asian theme font to a Japanese face. Never written, stripped in tests.
THEME_ATTRS = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")


def w(tag: str) -> str:
    """Clark name of a w: element or attribute."""
    return f"{{{W_NS}}}{tag}"


def twips(mm: float) -> int:
    return round(mm / 25.4 * 1440)


def half_points(pt: float) -> int:
    return round(pt * 2)


# Characters XML 1.0 cannot hold (control characters pasted into a cell would make the
# document unreadable); tab, newline and carriage return are allowed.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(value: str) -> str:
    return _ILLEGAL.sub("", value)


def attr(text: str) -> str:
    return escape(clean(text), {'"': "&quot;"})


def text(value: str) -> str:
    return escape(clean(value))


def rfonts(font: str) -> str:
    """All four font slots named explicitly; the East-Asian one is what Chinese text uses."""
    f = attr(font)
    return f'<w:rFonts w:ascii="{f}" w:hAnsi="{f}" w:eastAsia="{f}" w:cs="{f}" w:hint="eastAsia"/>'


LANG = '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
"""Simplified Chinese for East-Asian text, so any renderer picks Chinese (not Japanese) glyphs."""


def rpr(font: str, size: float, bold: bool = False) -> str:
    """Run properties in schema order: rFonts, b, bCs, kern, sz, szCs, lang."""
    b = "<w:b/><w:bCs/>" if bold else ""
    hp = half_points(size)
    return (
        f'<w:rPr>{rfonts(font)}{b}<w:kern w:val="0"/>'
        f'<w:sz w:val="{hp}"/><w:szCs w:val="{hp}"/>{LANG}</w:rPr>'
    )


def run(value: str, font: str, size: float, bold: bool = False) -> str:
    """One run; line breaks in the text become <w:br/>."""
    parts = []
    for i, line in enumerate(value.split("\n")):
        if i:
            parts.append("<w:br/>")
        if line:
            parts.append(f'<w:t xml:space="preserve">{text(line)}</w:t>')
    return f"<w:r>{rpr(font, size, bold)}{''.join(parts)}</w:r>"
