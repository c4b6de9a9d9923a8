"""The zh-CN base document the complete report is built on, generated from the house style.

Why not python-docx's default template: it is US Letter, maps the East-Asian theme font to
Japanese faces (themeFontLang eastAsia="ja-JP"; ＭＳ 明朝), puts theme font attributes on its
styles (Word prefers those to explicit names) and colours its headings blue. Why not a .docx
file shipped as package data: the font names are configurable and must be written into every
style, so the styles are generated anyway; generating the whole small package from these few
XML parts keeps it reviewable in diffs and free of leftovers. The package has no theme part,
so no font can come from a theme; every style and the document defaults name all four font
slots, and the East-Asian language is zh-CN everywhere.
"""

from __future__ import annotations

import io
import zipfile

from gknb.word.ooxml import LANG, W_DECL, attr, half_points, rfonts, twips
from gknb.word.style import (
    ALT_NAMES,
    BODY_LINE,
    FOOTER_MM,
    HEADER_MM,
    INDENT_CHARS,
    MARGINS_MM,
    PAGE_MM,
    SIZE_2,
    SIZE_3,
    SIZE_4,
    SIZE_5,
    TITLE_LINE,
    WordStyle,
)

_DOC_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

CONTENT_TYPES = (
    _XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/word/document.xml" ContentType="{_DOC_CT}.document.main+xml"/>'
    f'<Override PartName="/word/styles.xml" ContentType="{_DOC_CT}.styles+xml"/>'
    f'<Override PartName="/word/settings.xml" ContentType="{_DOC_CT}.settings+xml"/>'
    f'<Override PartName="/word/fontTable.xml" ContentType="{_DOC_CT}.fontTable+xml"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "</Types>"
)

PACKAGE_RELS = (
    _XML + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
    'metadata/core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)

DOCUMENT_RELS = (
    _XML + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/styles" Target="styles.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/settings" Target="settings.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}/fontTable" Target="fontTable.xml"/>'
    "</Relationships>"
)

CORE = (
    _XML + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:title></dc:title><dc:creator></dc:creator></cp:coreProperties>"
)

APP = (
    _XML + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    'extended-properties"><Application>年报助手</Application></Properties>'
)


def section_xml() -> str:
    """A4 portrait with the margins of GB/T 9704 (no document grid: exact line spacing keeps
    22 lines a page, and a character grid would stretch the smaller table text)."""
    w, h = (twips(x) for x in PAGE_MM)
    m = {k: twips(v) for k, v in MARGINS_MM.items()}
    return (
        f'<w:sectPr><w:pgSz w:w="{w}" w:h="{h}"/>'
        f'<w:pgMar w:top="{m["top"]}" w:right="{m["right"]}" w:bottom="{m["bottom"]}" '
        f'w:left="{m["left"]}" w:header="{twips(HEADER_MM)}" w:footer="{twips(FOOTER_MM)}" '
        'w:gutter="0"/><w:cols w:space="425"/></w:sectPr>'
    )


def _document() -> str:
    return _XML + f"<w:document {W_DECL}><w:body>{section_xml()}</w:body></w:document>"


def _rpr(font: str, size: float) -> str:
    hp = half_points(size)
    return f'<w:rPr>{rfonts(font)}<w:sz w:val="{hp}"/><w:szCs w:val="{hp}"/>{LANG}</w:rPr>'


def _exact(line_pt: float) -> str:
    return (
        f'<w:spacing w:before="0" w:after="0" w:line="{round(line_pt * 20)}" w:lineRule="exact"/>'
    )


def _indent(chars: int, size: float) -> str:
    return (
        f'<w:ind w:firstLineChars="{chars * 100}" w:firstLine="{round(chars * size * 20)}"/>'
        if chars
        else '<w:ind w:firstLineChars="0" w:firstLine="0"/>'
    )


def _style(
    style_id: str,
    name: str,
    font: str,
    size: float,
    ppr: str,
    *,
    default: bool = False,
    based_on: str | None = "Normal",
    next_style: str | None = "Normal",
    ui_priority: int | None = None,
) -> str:
    d = ' w:default="1"' if default else ""
    parts = [f'<w:style w:type="paragraph"{d} w:styleId="{style_id}"><w:name w:val="{name}"/>']
    if based_on:
        parts.append(f'<w:basedOn w:val="{based_on}"/>')
    if next_style:
        parts.append(f'<w:next w:val="{next_style}"/>')
    if ui_priority is not None:
        parts.append(f'<w:uiPriority w:val="{ui_priority}"/>')
    parts.append("<w:qFormat/>")
    parts.append(f"<w:pPr>{ppr}</w:pPr>{_rpr(font, size)}</w:style>")
    return "".join(parts)


def styles_xml(style: WordStyle) -> str:
    body, size = style.body, SIZE_3
    defaults = (
        "<w:docDefaults><w:rPrDefault><w:rPr>"
        f'{rfonts(body)}<w:kern w:val="2"/>'
        f'<w:sz w:val="{half_points(size)}"/><w:szCs w:val="{half_points(size)}"/>'
        f"{LANG}</w:rPr></w:rPrDefault>"
        '<w:pPrDefault><w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr>'
        "</w:pPrDefault></w:docDefaults>"
    )
    styles = [
        _style(
            "Normal",
            "Normal",
            body,
            size,
            _exact(BODY_LINE) + _indent(INDENT_CHARS, size) + '<w:jc w:val="both"/>',
            default=True,
            based_on=None,
            next_style=None,
        ),
        _style(
            "Title",
            "Title",
            style.title,
            SIZE_2,
            '<w:keepNext/><w:keepLines/><w:adjustRightInd w:val="0"/>'
            + _exact(TITLE_LINE)
            + _indent(0, SIZE_2)
            + '<w:jc w:val="center"/>',
            ui_priority=10,
        ),
        _style(
            "Heading1",
            "heading 1",
            style.heading1,
            size,
            "<w:keepNext/><w:keepLines/>"
            + _exact(BODY_LINE)
            + _indent(INDENT_CHARS, size)
            + '<w:outlineLvl w:val="0"/>',
            ui_priority=9,
        ),
        _style(
            "Heading2",
            "heading 2",
            style.heading2,
            size,
            "<w:keepNext/><w:keepLines/>"
            + _exact(BODY_LINE)
            + _indent(INDENT_CHARS, size)
            + '<w:outlineLvl w:val="1"/>',
            ui_priority=9,
        ),
        _style(
            "Footer",
            "footer",
            style.page_number,
            SIZE_4,
            '<w:snapToGrid w:val="0"/>' + _exact(SIZE_4 + 2) + _indent(0, SIZE_4),
            next_style=None,
            ui_priority=99,
        ),
        _style(
            "GKTableText",
            "表格文字",
            body,
            SIZE_5,
            '<w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" w:line="240" '
            'w:lineRule="auto"/>' + _indent(0, SIZE_5) + '<w:jc w:val="center"/>',
            next_style=None,
            ui_priority=99,
        ),
        # the default table style: tables carry their own borders, margins and fonts
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal">'
        '<w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/>'
        f"<w:unhideWhenUsed/>{_rpr(body, SIZE_5)}"
        '<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>'
        '<w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
        '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
        "</w:tblCellMar></w:tblPr></w:style>",
    ]
    return _XML + f"<w:styles {W_DECL}>{defaults}{''.join(styles)}</w:styles>"


SETTINGS = (
    _XML + f"<w:settings {W_DECL}>"
    '<w:zoom w:percent="100"/>'
    '<w:defaultTabStop w:val="420"/>'
    "<w:evenAndOddHeaders/>"  # GB/T 9704 7.5: odd page numbers right, even left
    '<w:characterSpacingControl w:val="compressPunctuation"/>'
    "<w:compat><w:spaceForUL/><w:balanceSingleByteDoubleByteWidth/>"
    "<w:doNotLeaveBackslashAlone/><w:ulTrailSpace/><w:doNotExpandShiftReturn/>"
    "<w:adjustLineHeightInTable/><w:useFELayout/>"
    '<w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" '
    'w:val="15"/></w:compat>'
    '<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>'
    '<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/>'
    "</w:settings>"
)


def font_table_xml(style: WordStyle) -> str:
    """Declare each font as a GB2312 (charset 86) font, with its English name: if it is
    missing, Word substitutes another Chinese font instead of a Japanese one."""
    fonts = []
    for name in style.fonts():
        alt = ALT_NAMES.get(name)
        alt_xml = f'<w:altName w:val="{attr(alt)}"/>' if alt else ""
        fonts.append(
            f'<w:font w:name="{attr(name)}">{alt_xml}<w:charset w:val="86"/>'
            '<w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
        )
    return _XML + f"<w:fonts {W_DECL}>{''.join(fonts)}</w:fonts>"


def base_docx(style: WordStyle) -> bytes:
    """The base package as bytes, for docx.Document(io.BytesIO(...))."""
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": PACKAGE_RELS,
        "word/document.xml": _document(),
        "word/_rels/document.xml.rels": DOCUMENT_RELS,
        "word/styles.xml": styles_xml(style),
        "word/settings.xml": SETTINGS,
        "word/fontTable.xml": font_table_xml(style),
        "docProps/core.xml": CORE,
        "docProps/app.xml": APP,
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, xml in parts.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, xml.encode("utf-8"))
    return buf.getvalue()
