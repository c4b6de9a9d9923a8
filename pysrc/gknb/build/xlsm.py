"""Turn openpyxl's .xlsx bytes into a macro-enabled .xlsm with the VBA project and the ribbon.

The zip is rewritten member by member ([Content_Types].xml and _rels/.rels first, then the
input's order, vbaProject.bin after workbook.xml, the ribbon last), with
fixed dates and attributes and stored (uncompressed) members, so the same input gives the same
bytes on every machine (deflate output depends on the zlib build). docProps/core.xml gets fixed
created/modified times, because openpyxl stamps the time of saving.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from gknb.build.vbaproject import ADDIN_DIR, Module, vba_project_bin

if TYPE_CHECKING:
    from openpyxl import Workbook

CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DOC_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CP_NS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
DCTERMS_NS = "http://purl.org/dc/terms/"

MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
VBA_CONTENT_TYPE = "application/vnd.ms-office.vbaProject"
VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
CUSTOMUI_NS = "http://schemas.microsoft.com/office/2006/01/customui"
CUSTOMUI_REL = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
CUSTOMUI_PART = "customUI/customUI.xml"
VBA_PART = "xl/vbaProject.bin"
UI_STRINGS = "ui-strings.txt"  # in addin/: the launcher's Chinese texts
UI_PREFIX = "GKNB_UI_"
MAX_UI_TEXT = 255  # Excel's limit for a text constant in a formula

# A fixed default for docProps/core.xml: builds must not depend on the clock.
DEFAULT_TIMESTAMP = datetime(2021, 9, 26, tzinfo=UTC)
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def _parse(data: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)
    return etree.fromstring(data, parser)


def _dump(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _next_rel_id(rels: etree._Element) -> str:
    used = {el.get("Id") for el in rels}
    n = 1
    while f"rId{n}" in used:
        n += 1
    return f"rId{n}"


def _add_relationship(rels_xml: bytes, rel_type: str, target: str) -> bytes:
    rels = _parse(rels_xml)
    for el in rels:
        if el.get("Type") == rel_type:
            rels.remove(el)
    el = etree.SubElement(rels, f"{{{REL_NS}}}Relationship")
    el.set("Id", _next_rel_id(rels))
    el.set("Type", rel_type)
    el.set("Target", target)
    return _dump(rels)


def _content_types(xml: bytes) -> bytes:
    root = _parse(xml)
    found = False
    for el in root.findall(f"{{{CT_NS}}}Override"):
        if el.get("PartName") == "/xl/workbook.xml":
            el.set("ContentType", MACRO_MAIN)
            found = True
        elif el.get("PartName") == "/" + VBA_PART:
            root.remove(el)
    if not found:
        raise ValueError(
            "[Content_Types].xml 中没有 /xl/workbook.xml，这不是 openpyxl 生成的工作簿"
        )
    el = etree.SubElement(root, f"{{{CT_NS}}}Override")
    el.set("PartName", "/" + VBA_PART)
    el.set("ContentType", VBA_CONTENT_TYPE)
    return _dump(root)


def _core_properties(xml: bytes, timestamp: datetime) -> bytes:
    root = _parse(xml)
    stamp = timestamp.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for tag in ("created", "modified"):
        el = root.find(f"{{{DCTERMS_NS}}}{tag}")
        if el is None:
            el = etree.SubElement(root, f"{{{DCTERMS_NS}}}{tag}")
            el.set("{http://www.w3.org/2001/XMLSchema-instance}type", "dcterms:W3CDTF")
        el.text = stamp
    return _dump(root)


def ui_strings(addin_dir: Path = ADDIN_DIR) -> dict[str, str]:
    """addin/ui-strings.txt: `KEY = text` lines (# comments), the VBA's Chinese texts."""
    texts: dict[str, str] = {}
    path = addin_dir / UI_STRINGS
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, text = line.partition("=")
        key, text = key.strip(), text.strip()
        if not sep or not re.fullmatch(r"[A-Z][A-Z0-9_]*", key) or not text:
            raise ValueError(f"{path.name} 第 {number} 行应为 KEY = 文字：{line}")
        if len(text) > MAX_UI_TEXT:
            raise ValueError(f"{path.name} 第 {number} 行超过 {MAX_UI_TEXT} 个字符")
        if key in texts:
            raise ValueError(f"{path.name} 第 {number} 行：{key} 重复")
        texts[key] = text
    return texts


def _ui_names(workbook_xml: bytes, texts: dict[str, str]) -> bytes:
    """Each text as a hidden workbook-level name GKNB_UI_<KEY> = "text" (replacing old ones)."""
    root = _parse(workbook_xml)
    names = root.find(f"{{{MAIN_NS}}}definedNames")
    if names is None:
        names = etree.Element(f"{{{MAIN_NS}}}definedNames")
        anchor = root.find(f"{{{MAIN_NS}}}externalReferences")
        if anchor is None:
            anchor = root.find(f"{{{MAIN_NS}}}sheets")
        if anchor is None:
            raise ValueError("xl/workbook.xml 中没有 sheets 元素")
        anchor.addnext(names)
    for el in list(names):
        if (el.get("name") or "").startswith(UI_PREFIX):
            names.remove(el)
    for key, text in texts.items():
        el = etree.SubElement(names, f"{{{MAIN_NS}}}definedName")
        el.set("name", UI_PREFIX + key)
        el.set("hidden", "1")
        el.text = '"' + text.replace('"', '""') + '"'
    return _dump(root)


def read_codenames(xlsx: bytes) -> tuple[str | None, list[tuple[str, str | None]]]:
    """(workbook code name, [(sheet name, sheet code name)] in workbook order)."""
    with zipfile.ZipFile(io.BytesIO(xlsx)) as zf:
        wb = _parse(zf.read("xl/workbook.xml"))
        rels = _parse(zf.read("xl/_rels/workbook.xml.rels"))
        targets = {el.get("Id"): el.get("Target", "") for el in rels}
        pr = wb.find(f"{{{MAIN_NS}}}workbookPr")
        wb_code = pr.get("codeName") if pr is not None else None
        sheets: list[tuple[str, str | None]] = []
        for sh in wb.iterfind(f"{{{MAIN_NS}}}sheets/{{{MAIN_NS}}}sheet"):
            target = targets[sh.get(f"{{{DOC_REL_NS}}}id")]
            path = target.lstrip("/") if target.startswith("/") else "xl/" + target
            ws = _parse(zf.read(path))
            spr = ws.find(f"{{{MAIN_NS}}}sheetPr")
            sheets.append((sh.get("name", ""), spr.get("codeName") if spr is not None else None))
    return wb_code, sheets


def _check_codenames(xlsx: bytes, sheet_codenames: Sequence[str] | None) -> tuple[str, list[str]]:
    wb_code, sheets = read_codenames(xlsx)
    if not wb_code:
        raise ValueError('工作簿没有代码名称：请设置 wb.code_name = "ThisWorkbook"')
    missing = [name for name, code in sheets if not code]
    if missing:
        raise ValueError(
            "这些工作表没有代码名称（ws.sheet_properties.codeName）：" + "、".join(missing)
        )
    found = [code for _, code in sheets if code]
    if sheet_codenames is not None and list(sheet_codenames) != found:
        raise ValueError(f"工作表代码名称不一致：给出 {list(sheet_codenames)}，工作簿中为 {found}")
    return wb_code, found


def _zipinfo(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_STORED
    info.create_system = 0
    info.create_version = 20
    info.extract_version = 20
    info.external_attr = 0
    return info


def build_xlsm(
    xlsx: bytes,
    sheet_codenames: Sequence[str] | None = None,
    *,
    customui: bytes | None = None,
    modules: Sequence[Module] | None = None,
    ui: dict[str, str] | None = None,
    timestamp: datetime = DEFAULT_TIMESTAMP,
) -> bytes:
    """Add the VBA project and the ribbon to openpyxl's xlsx bytes; returns .xlsm bytes.

    `sheet_codenames`, when given, must equal the code names of the workbook's sheets (the VBA
    project needs one document module per sheet, named like it). `customui` defaults to
    addin/customUI/customUI.xml, `modules` to the addin/*.bas modules, `ui` to the texts of
    addin/ui-strings.txt (hidden names the VBA reads its Chinese messages from).
    """
    wb_code, codenames = _check_codenames(xlsx, sheet_codenames)
    if customui is None:
        customui = (ADDIN_DIR / "customUI" / "customUI.xml").read_bytes()
    root = _parse(customui)
    if root.tag != f"{{{CUSTOMUI_NS}}}customUI":
        raise ValueError(f"customUI.xml 的根元素必须是 {{{CUSTOMUI_NS}}}customUI")
    vba = vba_project_bin(codenames, wb_code, modules)
    texts = ui_strings() if ui is None else ui

    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst,
    ):
        names = [n for n in src.namelist() if n not in (VBA_PART, CUSTOMUI_PART)]
        first = [n for n in ("[Content_Types].xml", "_rels/.rels") if n in names]
        names = first + [n for n in names if n not in first]
        if "xl/workbook.xml" not in names:
            raise ValueError("工作簿中没有 xl/workbook.xml")
        for name in names:
            data = src.read(name)
            if name == "[Content_Types].xml":
                data = _content_types(data)
            elif name == "_rels/.rels":
                data = _add_relationship(data, CUSTOMUI_REL, CUSTOMUI_PART)
            elif name == "xl/_rels/workbook.xml.rels":
                data = _add_relationship(data, VBA_REL, "vbaProject.bin")
            elif name == "docProps/core.xml":
                data = _core_properties(data, timestamp)
            elif name == "xl/workbook.xml":
                data = _ui_names(data, texts)
            dst.writestr(_zipinfo(name), data)
            if name == "xl/workbook.xml":
                dst.writestr(_zipinfo(VBA_PART), vba)
        dst.writestr(_zipinfo(CUSTOMUI_PART), customui)
    return out.getvalue()


def saved_xlsx(workbook: Workbook) -> bytes:
    """Save an openpyxl Workbook to bytes."""
    buf = io.BytesIO()
    workbook.save(buf)
    return buf.getvalue()
