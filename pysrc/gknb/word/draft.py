"""Draft mode: write the statutory tables into the user's own report draft.

Only word/document.xml changes, and in it only body-level tables: under the headings 二、三、四
the old statutory tables are removed and the new ones put in their place (or right under the
heading when the draft has none yet). Every other element is left exactly as parsed, so the
user's paragraphs serialise to the same XML; every other part of the package is copied byte for
byte. Parsing is done with lxml directly (no entity expansion, whitespace kept), not through
python-docx, which would re-serialise styles, settings and headers.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from gknb.errors import GknbError
from gknb.formats import SECTION_TITLES, Format
from gknb.model import Report
from gknb.text import fold
from gknb.word.ooxml import twips, w
from gknb.word.package import parse_xml, serialize
from gknb.word.style import WordStyle
from gknb.word.tables import TABLE_OF_PART, TEXT_WIDTH_MM, paragraph_text, table_xml

# Folded fragments that identify a heading once its numeral is known (FORMAT.md variants:
# 五、政府信息公开工作存在的主要问题及改进情况; 四 as 因政府信息公开工作被申请行政复议和提起行政诉讼情况)
FRAGMENTS: dict[str, tuple[str, ...]] = {
    "一": ("总体情况",),
    "二": ("主动公开",),
    "三": ("收到和处理", "依申请公开", "政府信息公开申请"),
    "四": ("行政复议", "行政诉讼"),
    "五": ("主要问题", "改进情况"),
    "六": ("其他需要报告",),
}
# Whole titles, for headings whose numeral comes from Word's automatic numbering
FULL_TITLES: dict[str, tuple[str, ...]] = {
    num: tuple(fold(t) for t in titles)
    for num, titles in {
        "一": ("总体情况",),
        "二": ("主动公开政府信息情况",),
        "三": ("收到和处理政府信息公开申请情况",),
        "四": (
            "政府信息公开行政复议、行政诉讼情况",
            "因政府信息公开工作被申请行政复议和提起行政诉讼情况",
            "政府信息公开行政复议和行政诉讼情况",
        ),
        "五": ("存在的主要问题及改进情况", "政府信息公开工作存在的主要问题及改进情况"),
        "六": ("其他需要报告的事项",),
    }.items()
}
_NUMBERED = re.compile(r"^([一二三四五六])[、.,:：]")

# Folded text that marks an old table as the statutory one of its part
SIGNATURES: dict[str, tuple[str, ...]] = {
    "T2": ("第二十条",),
    "T3": ("申请人情况", "本年新收", "勾稽关系"),
    "T4": ("尚未审结", "结果维持", "结果纠正"),
}


def part_of_heading(text: str) -> str | None:
    """The part numeral (一…六) if the paragraph text is that part's heading."""
    t = fold(text)
    if not t or len(t) > 60:
        return None
    m = _NUMBERED.match(t)
    if m:
        num = m.group(1)
        rest = t[m.end() :]
        return num if any(f in rest for f in FRAGMENTS[num]) else None
    if len(t) <= 40:
        for num, titles in FULL_TITLES.items():
            if any(t.startswith(title) for title in titles):
                return num
    return None


@dataclass
class DraftResult:
    document_xml: bytes
    replaced: dict[str, int] = field(default_factory=dict)  # part numeral -> old tables removed
    placeholders: dict[str, int] = field(default_factory=dict)  # part -> empty tables replaced
    others: dict[str, int] = field(default_factory=dict)  # part -> the user's own tables kept
    title: str = ""  # the report's title, as the draft has it ("" when none was found)


_PLACEHOLDER_WORDS = ("插入", "此处", "表格", "附表", "待填", "待补", "略")
_TITLE = re.compile(r"^(.*?)(\d{4})\s*年")


def _is_placeholder(tbl: Any) -> bool:
    """A table that only holds a place: no figures, and empty or a short note like 此处插入表格."""
    text = _table_text(tbl)
    if any(ch.isdigit() for ch in text):
        return False
    return not text or (len(text) <= 30 and any(word in text for word in _PLACEHOLDER_WORDS))


def _title(children: list[Any], first_heading: int) -> str:
    """The title: the first paragraph before part 一 that names a year and a report."""
    for el in children[:first_heading]:
        if el.tag == w("p"):
            text = paragraph_text(el).strip()
            if "报告" in text and _TITLE.match(fold(text)):
                return " ".join(text.split())
    return ""


def title_mismatch(title: str, agency: str, year: int | None) -> str | None:
    """Why a draft titled so is not this workbook's report (None when it fits or says too
    little to tell)."""
    m = _TITLE.match(fold(title))
    if not m:
        return None
    named, said = m.group(1).removesuffix("关于"), int(m.group(2))
    if year is not None and said != year:
        return f"草稿是{said}年度的，工作簿是{year}年度的"
    mine = fold(agency)
    if named and mine and mine not in named and named not in mine:
        return f"草稿是{m.group(1)}的，工作簿是{agency}的"
    return None


def _text_width(body: Any, start: int) -> int:
    """Text width (twips) of the section the element at index start belongs to."""
    children = list(body)
    sect = None
    for el in children[start:]:
        if el.tag == w("p"):
            sect = el.find(f"{w('pPr')}/{w('sectPr')}")
            if sect is not None:
                break
        elif el.tag == w("sectPr"):
            sect = el
            break
    default = twips(TEXT_WIDTH_MM)
    if sect is None:
        return default
    try:
        size = sect.find(w("pgSz"))
        mar = sect.find(w("pgMar"))
        page = float(size.get(w("w")))
        left = float(mar.get(w("left"), "0"))
        right = float(mar.get(w("right"), "0"))
        width = int(page - left - right)
    except (AttributeError, TypeError, ValueError):
        return default
    return width if 2000 <= width <= 30000 else default


def _table_text(tbl: Any) -> str:
    return fold("".join(paragraph_text(p) for p in tbl.iter(w("p"))))


def _missing(num: str) -> str:
    title = dict(SECTION_TITLES)[num]
    return f"{num}、{title}"


def fill_draft(
    zf: zipfile.ZipFile,
    name: str,
    fmt: Format,
    report: Report,
    style: WordStyle,
) -> DraftResult:
    try:
        root = parse_xml(zf.read("word/document.xml"))
    except (etree.XMLSyntaxError, KeyError) as exc:
        raise GknbError(f"草稿 {name} 的正文已损坏，无法读取（{exc}）。") from None
    body = root.find(w("body"))
    if body is None:
        raise GknbError(f"草稿 {name} 没有正文内容。")
    children = list(body)
    headings: dict[str, list[int]] = {}
    for i, el in enumerate(children):
        if el.tag != w("p"):
            continue
        num = part_of_heading(paragraph_text(el))
        if num:
            headings.setdefault(num, []).append(i)
    missing = [n for n in TABLE_OF_PART if n not in headings]
    if missing:
        listed = "、".join(f"“{_missing(n)}”" for n in missing)
        raise GknbError(
            f"草稿 {name} 中找不到标题{listed}。请在草稿中加上这一标题（单独成段），"
            f"表格会放在它下面；或不用草稿，直接导出完整报告（--no-draft）。"
        )
    starts = {n: headings[n][0] for n in TABLE_OF_PART}
    if not starts["二"] < starts["三"] < starts["四"]:
        raise GknbError(
            f"草稿 {name} 中标题“二、”“三、”“四、”的顺序不对，请按二、三、四的顺序排列后再导出。"
        )
    boundaries = sorted(i for idx in headings.values() for i in idx)
    result = DraftResult(b"")
    plan: list[tuple[str, Any, list[Any], int]] = []
    for num, table in TABLE_OF_PART.items():
        start = starts[num]
        end = next((b for b in boundaries if b > start), len(children))
        tables = [el for el in children[start + 1 : end] if el.tag == w("tbl")]
        old = [el for el in tables if any(s in _table_text(el) for s in SIGNATURES[table])]
        empty = [el for el in tables if el not in old and _is_placeholder(el)]
        result.others[num] = len(tables) - len(old) - len(empty)
        result.placeholders[num] = len(empty)
        old = [el for el in tables if el in old or el in empty]
        plan.append((num, children[start], old, start))
    for num, heading, old, start in plan:
        table = TABLE_OF_PART[num]
        xml = table_xml(fmt, table, report, style, _text_width(body, start))
        new = etree.fromstring(xml.encode("utf-8"), etree.XMLParser(resolve_entities=False))
        if old:
            old[0].addprevious(new)
            for el in old:
                body.remove(el)
        else:
            heading.addnext(new)
        nxt = new.getnext()
        if nxt is None or nxt.tag in (w("tbl"), w("sectPr")):
            new.addnext(etree.Element(w("p")))  # Word needs a paragraph between/after tables
        result.replaced[num] = len(old) - result.placeholders[num]
    result.title = _title(children, min(i for idx in headings.values() for i in idx))
    result.document_xml = serialize(root)
    return result
