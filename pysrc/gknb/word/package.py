"""The .docx package as a zip: checking a user's file, rewriting single parts (everything else
copied byte for byte), custom document properties, and saving without overwriting."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path
from typing import Any

from lxml import etree

from gknb import ole, zipcheck
from gknb.errors import GknbError
from gknb.files import check_folder, guard_output, owner_lock, sweep_stale, write_atomic, write_temp
from gknb.word.ooxml import CT_NS, PKG_REL_NS

CUSTOM_PART = "docProps/custom.xml"
CUSTOM_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
MAIN_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def xml_parser() -> etree.XMLParser:
    """For untrusted documents: no entity expansion, no network, whitespace kept as is."""
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def parse_xml(data: bytes) -> Any:
    return etree.fromstring(data, xml_parser())


def serialize(root: Any) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def open_docx(path: Path, what: str = "草稿") -> zipfile.ZipFile:
    """Open a user's .docx, or say in Chinese why it is not one."""
    if not path.exists():
        raise GknbError(f"找不到{what}文件：{path}。请检查路径，或不用{what}直接导出完整报告。")
    if path.is_dir():
        raise GknbError(f"{what} {path} 是文件夹，不是 Word 文档（.docx）。")
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise GknbError(f"无法读取{what} {path.name}：{exc}") from None
    if ole.is_ole(head):
        raise GknbError(f"{what} {ole.message(path)}")
    if not zipfile.is_zipfile(path):
        raise GknbError(f"{what} {path.name} 不是 Word 文档（.docx），文件可能已损坏或类型不对。")
    zipcheck.check(path, zipcheck.DOCUMENT, f"{what} {path.name}")  # sizes counted, not trusted
    try:
        zf = zipfile.ZipFile(path)
        names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise GknbError(f"{what} {path.name} 已损坏，无法打开：{exc}") from None
    if "xl/workbook.xml" in names:
        zf.close()
        raise GknbError(f"{what} {path.name} 是 Excel 工作簿，不是 Word 文档（.docx）。")
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        zf.close()
        raise GknbError(f"{what} {path.name} 不是 Word 文档（.docx），缺少正文部分。")
    try:
        types = parse_xml(zf.read("[Content_Types].xml"))
    except (etree.XMLSyntaxError, KeyError, zipfile.BadZipFile) as exc:
        zf.close()
        raise GknbError(f"{what} {path.name} 已损坏（{exc}）。") from None
    main = types.find(f"{{{CT_NS}}}Override[@PartName='/word/document.xml']")
    if main is None or main.get("ContentType") != MAIN_CT:
        zf.close()
        kind = "启用宏的文档或模板" if main is not None else "未知类型的文件"
        raise GknbError(f"{what} {path.name} 是{kind}，请在 Word 中“另存为”Word 文档（.docx）。")
    return zf


def rewrite(source: bytes | zipfile.ZipFile, parts: dict[str, bytes]) -> bytes:
    """A copy of the package with the given parts replaced or added; every other member is
    copied unchanged, in its original order."""
    zf = source if isinstance(source, zipfile.ZipFile) else zipfile.ZipFile(io.BytesIO(source))
    buf = io.BytesIO()
    remaining = dict(parts)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in zf.infolist():
            data = remaining.pop(info.filename, None)
            if data is None:
                data = zf.read(info)
            out.writestr(info, data)
        for name, data in remaining.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(info, data)
    return buf.getvalue()


def custom_properties(zf: zipfile.ZipFile, props: dict[str, str]) -> dict[str, bytes]:
    """The parts to write so the package carries these custom document properties (kept or
    replaced by name; the package's other custom properties stay)."""
    names = set(zf.namelist())
    parts: dict[str, bytes] = {}
    if CUSTOM_PART in names:
        root = parse_xml(zf.read(CUSTOM_PART))
    else:
        root = etree.Element(f"{{{CUSTOM_NS}}}Properties", nsmap={None: CUSTOM_NS, "vt": VT_NS})
        types = parse_xml(zf.read("[Content_Types].xml"))
        override = etree.SubElement(types, f"{{{CT_NS}}}Override")
        override.set("PartName", "/" + CUSTOM_PART)
        override.set("ContentType", CUSTOM_CT)
        parts["[Content_Types].xml"] = serialize(types)
        rels = parse_xml(zf.read("_rels/.rels"))
        ids = {r.get("Id") for r in rels}
        n = 1
        while f"rId{n}" in ids:
            n += 1
        rel = etree.SubElement(rels, f"{{{PKG_REL_NS}}}Relationship")
        rel.set("Id", f"rId{n}")
        rel.set("Type", CUSTOM_REL)
        rel.set("Target", CUSTOM_PART)
        parts["_rels/.rels"] = serialize(rels)
    existing = {p.get("name"): p for p in root.iterchildren(f"{{{CUSTOM_NS}}}property")}
    pids = [int(p.get("pid", "1")) for p in existing.values() if p.get("pid", "").isdigit()]
    next_pid = max([1, *pids]) + 1
    for name, value in props.items():
        prop = existing.get(name)
        if prop is None:
            prop = etree.SubElement(root, f"{{{CUSTOM_NS}}}property")
            prop.set("fmtid", FMTID)
            prop.set("pid", str(next_pid))
            prop.set("name", name)
            next_pid += 1
        for child in list(prop):
            prop.remove(child)
        etree.SubElement(prop, f"{{{VT_NS}}}lpwstr").text = value
    parts[CUSTOM_PART] = serialize(root)
    return parts


def read_custom_properties(data: bytes | Path) -> dict[str, str]:
    src = data if isinstance(data, Path) else io.BytesIO(data)
    with zipfile.ZipFile(src) as zf:
        if CUSTOM_PART not in zf.namelist():
            return {}
        root = parse_xml(zf.read(CUSTOM_PART))
    return {
        p.get("name", ""): "".join(p.itertext()) for p in root.iterchildren(f"{{{CUSTOM_NS}}}*")
    }


# ---- saving ------------------------------------------------------------------------------


word_lock = owner_lock  # Word's owner file beside an open document


def free_name(folder: Path, stem: str, suffix: str = ".docx") -> Path:
    """stem（导出）.docx, then stem（导出2）.docx, …: the first name not taken."""
    n = 1
    while True:
        tag = "导出" if n == 1 else f"导出{n}"
        path = folder / f"{stem}（{tag}）{suffix}"
        if not path.exists() and word_lock(path) is None:
            return path
        n += 1


def save_new(data: bytes, folder: Path, stem: str) -> Path:
    """Save as a new file named after stem, never replacing an existing file (also when two
    exports race for the same name)."""
    check_folder(folder)
    sweep_stale(folder)
    tmp = write_temp(folder, data, ".docx")
    try:
        for _ in range(1000):
            target = free_name(folder, stem)
            try:
                os.link(tmp, target)  # fails if the name was taken meanwhile
            except FileExistsError:
                continue
            except OSError:  # no hard links here (some network drives): check, then rename
                if target.exists():
                    continue
                os.replace(tmp, target)
            return target
        raise GknbError(f"{folder} 中“{stem}（导出…）”的文件太多，请清理后再导出。")
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def save_to(data: bytes, out: Path, force: bool, protect: tuple[Path, ...] = ()) -> Path:
    """Save to a path the user named; an existing file is replaced only with force, and never
    the workbook or the draft themselves, nor a read-only file or one open in Word."""
    if out.suffix.lower() != ".docx":
        raise GknbError(f"输出文件名应以 .docx 结尾：{out.name}")
    guard_output(out, inputs=protect, force=force)
    write_atomic(out, data)
    return out
