"""A strict check of a saved workbook package (zip and XML)."""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml import ElementTree

REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"


def package_problems(path: Path) -> list[str]:
    """What a strict reader of the zip/XML package would object to: a part that is not XML, a
    relationship whose target is missing, a sheet's legacyDrawing or comments link that points
    nowhere, a part without a content type."""
    problems: list[str] = []
    with zipfile.ZipFile(path) as zf:
        if zf.testzip() is not None:
            return [f"bad CRC in {zf.testzip()}"]
        names = set(zf.namelist())
        xml: dict[str, Element] = {}
        for name in names:
            if name.endswith((".xml", ".rels")):
                try:
                    xml[name] = ElementTree.fromstring(zf.read(name))
                except ElementTree.ParseError as exc:
                    problems.append(f"{name}: not XML ({exc})")
        ct = xml.get("[Content_Types].xml")
        defaults = {e.get("Extension", "").lower() for e in ct.iter(f"{CT_NS}Default")}
        overrides = {e.get("PartName", "").lstrip("/") for e in ct.iter(f"{CT_NS}Override")}
        for name in names:
            if name.endswith("/") or name == "[Content_Types].xml":
                continue
            ext = name.rsplit(".", 1)[-1].lower()
            if name not in overrides and ext not in defaults:
                problems.append(f"{name}: no content type")
        for over in overrides:
            if over not in names:
                problems.append(f"[Content_Types].xml names a missing part {over}")
        for rels_name in [n for n in names if n.endswith(".rels")]:
            folder = posixpath.dirname(posixpath.dirname(rels_name))
            source = posixpath.join(folder, posixpath.basename(rels_name)[: -len(".rels")])
            targets: dict[str, str] = {}
            for rel in xml[rels_name].iter(f"{REL_NS}Relationship"):
                if rel.get("TargetMode") == "External":
                    continue
                target = rel.get("Target", "")
                full = (
                    target.lstrip("/")
                    if target.startswith("/")
                    else posixpath.normpath(posixpath.join(folder, target))
                )
                targets[rel.get("Id", "")] = full
                if full not in names:
                    problems.append(f"{rels_name}: {rel.get('Id')} -> missing {full}")
            sheet = xml.get(source)
            if sheet is None or not re.match(r"xl/worksheets/sheet\d+\.xml$", source):
                continue
            for tag in ("legacyDrawing", "drawing"):
                for el in sheet.iter(f"{MAIN}{tag}"):
                    rid = el.get(R_ID)
                    if rid not in targets:
                        problems.append(f"{source}: {tag} {rid} has no relationship")
        for name in names:  # a comments part needs its sheet's VML drawing
            if not re.match(r"xl/worksheets/_rels/sheet\d+\.xml\.rels$", name):
                continue
            types = [r.get("Type", "") for r in xml[name].iter(f"{REL_NS}Relationship")]
            if any(t.endswith("/comments") for t in types) and not any(
                t.endswith("/vmlDrawing") for t in types
            ):
                problems.append(f"{name}: comments without a vmlDrawing")
    return problems
