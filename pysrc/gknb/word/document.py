"""The complete report, generated from the workbook when there is no draft.

Title, parts 一 to 六 (the 正文 text of 一、五、六; the tables under 二、三、四), the agency and
the date at the end, page numbers "— 1 —" in the footer. Built on the zh-CN base package
(`base.py`); every paragraph and run names its fonts explicitly.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass

from docx import Document
from docx.oxml import parse_xml

from gknb import __version__
from gknb.formats import SECTION_TITLES
from gknb.model import Report
from gknb.text import fold
from gknb.word.base import base_docx
from gknb.word.ooxml import W_DECL, clean, rpr, run
from gknb.word.style import PAGE_DASH, SIZE_2, SIZE_3, SIZE_4, WordStyle
from gknb.word.tables import TABLE_OF_PART, TEXT_WIDTH_MM, table_xml

TEXT_OF_PART = {"一": "1", "五": "5", "六": "6"}
NARRATIVE_OF_PART = {"三": "3", "四": "4"}
EMPTY_PART = "（本部分尚未填写，请在工作簿“正文”工作表中填写后重新导出。）"

# （一） … （十） at the start of a line: a level-2 heading (楷体)
_LEVEL2 = re.compile(r"^[（(][一二三四五六七八九十]{1,3}[）)]")
_LEADING_SPACE = re.compile(r"^[\s\u3000]+")
_LINES = re.compile("\r\n|[\r\n\u2028\u2029]")


@dataclass(frozen=True)
class ReportMeta:
    agency: str
    year: int | None
    date: str  # 成文日期 as printed, e.g. 2026年1月20日
    source: str  # the workbook's file name

    @property
    def title(self) -> str:
        year = f"{self.year}年" if self.year else ""
        return f"{self.agency}{year}政府信息公开工作年度报告"


def char_width(value: str) -> float:
    """Width in body characters: CJK and full-width forms 1, ASCII 0.5."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in value)


def title_lines(meta: ReportMeta, per_line: float) -> list[str]:
    """Break a title too long for one line after the agency name (a natural break)."""
    title = meta.title
    if char_width(title) <= per_line or not meta.agency:
        return [title]
    rest = title[len(meta.agency) :]
    if char_width(meta.agency) <= per_line and char_width(rest) <= per_line:
        return [meta.agency, rest]
    return [title]


def _p(style_id: str, runs: str, ppr: str = "", mark: str = "") -> str:
    return f'<w:p {W_DECL}><w:pPr><w:pStyle w:val="{style_id}"/>{ppr}{mark}</w:pPr>{runs}</w:p>'


class _Builder:
    def __init__(self, style: WordStyle) -> None:
        self.style = style
        self.doc = Document(io.BytesIO(base_docx(style)))
        self.body = self.doc.element.body
        self.sect = self.body.sectPr

    def add(self, xml: str) -> None:
        self.sect.addprevious(parse_xml(xml))

    def para(self, value: str, style_id: str, font: str, size: float, ppr: str = "") -> None:
        self.add(_p(style_id, run(value, font, size) if value else "", ppr, rpr(font, size)))

    def body_text(self, value: str) -> None:
        """One paragraph per line; lines opening with （一） get the level-2 heading font for
        the heading sentence (up to the first 。) or the whole line if it is short."""
        s = self.style
        for line in _LINES.split(clean(value)):
            line = _LEADING_SPACE.sub("", line).rstrip()
            if not line:
                continue
            m = _LEVEL2.match(line)
            if not m:
                self.para(line, "Normal", s.body, SIZE_3)
                continue
            stop = line.find("。")
            if stop == -1 or stop == len(line) - 1:
                self.para(line, "Heading2", s.heading2, SIZE_3)
                continue
            head, tail = line[: stop + 1], line[stop + 1 :]
            runs = run(head, s.heading2, SIZE_3) + run(tail, s.body, SIZE_3)
            self.add(_p("Normal", runs, "", rpr(s.body, SIZE_3)))


def _strip_heading(text: str, num: str, name: str) -> str:
    """Drop a first line that repeats the part's own heading (pasted with the text)."""
    lines = _LINES.split(text)
    if lines and fold(lines[0]) in (fold(f"{num}、{name}"), fold(name)):
        return "\n".join(lines[1:])
    return text


def signature_indents(agency: str, date: str) -> tuple[float, float]:
    """Right indents (in characters) of the agency line and the date line, GB/T 9704 7.3.5.2:
    the agency 空二字 from the right; the date one line below, its first character two
    characters right of the agency's first character; a date longer than that stays 空二字 and
    the agency moves left instead."""
    a, d = char_width(agency), char_width(date)
    agency_right = 2.0
    date_right = agency_right + a - d - 2
    if date_right < 2:
        date_right = 2.0
        agency_right = date_right - a + d + 2
    return agency_right, date_right


def build_report(report: Report, meta: ReportMeta, style: WordStyle) -> bytes:
    b = _Builder(style)
    s = style
    per_line = TEXT_WIDTH_MM / (SIZE_2 * 25.4 / 72)
    lines = title_lines(meta, per_line)
    b.add(_p("Title", run("\n".join(lines), s.title, SIZE_2), "", rpr(s.title, SIZE_2)))
    b.para("", "Normal", s.body, SIZE_3)  # 标题下空一行
    fmt = report.format
    for num, name in SECTION_TITLES:
        b.para(f"{num}、{name}", "Heading1", s.heading1, SIZE_3)
        if num in TABLE_OF_PART:
            # the explanatory sentences of parts 三 and 四 (生成说明文字) precede their tables
            lead = report.texts.get(NARRATIVE_OF_PART.get(num, ""), "").strip()
            if lead:
                b.body_text(_strip_heading(lead, num, name))
            b.add(table_xml(fmt, TABLE_OF_PART[num], report, s))
            continue
        text = _strip_heading(report.texts.get(TEXT_OF_PART[num], "").strip(), num, name)
        if text.strip():
            b.body_text(text)
        else:
            b.para(EMPTY_PART, "Normal", s.body, SIZE_3)
    # 落款: 正文下空一行, then the agency and the date
    b.para("", "Normal", s.body, SIZE_3)
    agency_right, date_right = signature_indents(meta.agency, meta.date)
    for value, right in ((meta.agency, agency_right), (meta.date, date_right)):
        twips = round(right * SIZE_3 * 20)
        # no automatic space between digits and 年月日, so the line is as wide as computed
        ppr = (
            '<w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>'
            f'<w:ind w:right="{twips}" w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="right"/>'
        )
        b.para(value, "Normal", s.body, SIZE_3, ppr)
    _footers(b)
    _properties(b, report, meta)
    buf = io.BytesIO()
    b.doc.save(buf)
    return buf.getvalue()


def _page_number_runs(style: WordStyle) -> str:
    font, size = style.page_number, SIZE_4
    props = rpr(font, size)
    return (
        run(f"{PAGE_DASH} ", font, size)
        + f'<w:r>{props}<w:fldChar w:fldCharType="begin"/></w:r>'
        + f'<w:r>{props}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        + f'<w:r>{props}<w:fldChar w:fldCharType="separate"/></w:r>'
        + run("1", font, size)
        + f'<w:r>{props}<w:fldChar w:fldCharType="end"/></w:r>'
        + run(f" {PAGE_DASH}", font, size)
    )


def _footers(b: _Builder) -> None:
    """GB/T 9704 7.5: 4号半角宋体 page numbers with a dash each side; odd pages right, even
    pages left, each 空一字."""
    section = b.doc.sections[0]
    one_char = round(SIZE_4 * 20)
    for footer, ind, jc in (
        (section.footer, f'<w:ind w:right="{one_char}"/>', "right"),
        (section.even_page_footer, f'<w:ind w:left="{one_char}"/>', "left"),
    ):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]._p
        for child in list(p):
            p.remove(child)
        xml = _p("Footer", _page_number_runs(b.style), ind + f'<w:jc w:val="{jc}"/>')
        new = parse_xml(xml)
        p.addprevious(new)
        p.getparent().remove(p)


def _properties(b: _Builder, report: Report, meta: ReportMeta) -> None:
    props = b.doc.core_properties
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    props.title = clean(meta.title)
    props.author = clean(meta.agency)
    props.subject = "政府信息公开工作年度报告"
    props.category = f"{report.format.document}格式"
    props.keywords = "政府信息公开;年度报告" + (f";{meta.year}" if meta.year else "")
    props.comments = clean(f"由年报助手（gknb {__version__}）根据 {meta.source} 生成。")
    props.last_modified_by = f"年报助手 gknb {__version__}"
    props.created = now
    props.modified = now
    props.revision = 1
    props.language = "zh-CN"


__all__ = ["ReportMeta", "build_report", "signature_indents", "title_lines"]
