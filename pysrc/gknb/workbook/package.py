"""The reader contract every workbook reader keeps: which damaged parts make a workbook
unreadable and which only earn a warning.

`gknb check` reads with openpyxl, `gknb review` with calamine; the two libraries tolerate
different damage (calamine reads a sheet whose XML is cut off; openpyxl refuses a workbook whose
document properties are garbage). So before either reads, every XML part is parsed here once
with the limits openpyxl uses (lxml, no entities, depth 256):

- a damaged part that holds or locates table data (the workbook, its relationships, the
  worksheets, shared strings, styles) makes the workbook unreadable, with one message;
- a damaged part that holds no table data (document properties, theme, content types, VBA
  ribbon, comments, drawings …) is named in a warning, and the tables are read and checked.

Both readers call `inspect` (through `xlsx._sniff`) and turn its list into the same warning.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from gknb.errors import GknbError
from gknb.model import Finding, Severity

_DATA_PART = re.compile(
    r"xl/(workbook\.xml|_rels/workbook\.xml\.rels|worksheets/[^/]+\.xml|sharedStrings\.xml"
    r"|styles\.xml)"
)
_XML = (".xml", ".rels")  # not .vml: Excel writes legacy drawings that are not XML


def holds_data(part: str) -> bool:
    return _DATA_PART.fullmatch(part) is not None


def inspect(path: Path, names: frozenset[str] | None = None) -> list[str]:
    """The damaged parts that hold no table data; GknbError when a part that does is damaged.
    Call after `zipcheck.check` (the members are known to inflate to their declared sizes)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    damaged: list[str] = []
    with zipfile.ZipFile(path) as zf:
        members = zf.namelist()
        for part in members:
            if not part.lower().endswith(_XML):
                continue
            try:
                etree.fromstring(zf.read(part), parser)
            except (etree.XMLSyntaxError, ValueError) as exc:  # ValueError: not text at all
                if holds_data(part):
                    raise GknbError(
                        f"{path.name} 已损坏：其中的 {part} 内容不完整或格式错误（{_reason(exc)}），"
                        f"无法读取表格。请在 Excel 中打开后另存一份（.xlsx）再试；如 Excel 也打不开，"
                        f"请向报送单位索取原文件。"
                    ) from None
                damaged.append(part)
    for part in ("[Content_Types].xml", "xl/styles.xml"):  # openpyxl needs them, calamine not
        if part not in members:
            damaged.append(part)
    return damaged


def _reason(exc: Exception) -> str:
    """Where the part breaks off, in words a clerk reads (the parser's own text is English)."""
    line, col = getattr(exc, "position", (None, None))
    if line:
        return f"在第 {line} 行第 {col} 列附近出错"
    return "不是文本"


def damage_warning(path: Path, parts: list[str]) -> Finding:
    """The warning a readable workbook with damaged parts gets, from every reader."""
    shown = "、".join(parts[:5]) + ("等" if len(parts) > 5 else "")
    what = f"其中的 {shown} 已损坏或缺失"
    return Finding(
        rule="R13",
        severity=Severity.WARNING,
        table="文件",
        row="",
        column="",
        cell=None,
        expected=None,
        found=shown,
        message=f"{path.name} {what}，这些部分不含表格数字，表格已照常读取和校验。"
        f"请在 Excel 中打开后另存一份，否则“填充合计”“标记”等写入操作可能无法进行。",
    )


# ---- what a file write would drop ------------------------------------------------------------
# The file writer (openpyxl) carries cells, styles, notes, pictures and charts over, but drops
# drawing shapes (text boxes, arrows, a pasted 公章 shape), form controls, slicers and
# sparklines. They are counted in the workbook and in what is about to replace it, so that a
# workbook is never rewritten without what the clerk put there.

_DRAWING = re.compile(r"xl/drawings/drawing\d+\.xml")
_OBJECTS: tuple[tuple[str, re.Pattern[str], re.Pattern[bytes] | None], ...] = (
    ("文本框或形状", _DRAWING, re.compile(rb"<(?:\w+:)?(?:sp|grpSp|cxnSp)[\s>/]")),
    ("图片", _DRAWING, re.compile(rb"<(?:\w+:)?pic[\s>/]")),
    ("图表", re.compile(r"xl/charts/chart\d+\.xml"), None),
    ("表单控件", re.compile(r"xl/ctrlProps/ctrlProp\d+\.xml"), None),
    ("切片器", re.compile(r"xl/slicers/slicer\d+\.xml"), None),
    (
        "迷你图",
        re.compile(r"xl/worksheets/sheet\d+\.xml"),
        re.compile(rb"<(?:\w+:)?sparklineGroup[\s>]"),
    ),
)


def objects(zf: zipfile.ZipFile) -> dict[str, int]:
    """How many of each object the write could drop the package holds."""
    counts: dict[str, int] = {}
    for name in zf.namelist():
        kinds = [(label, inside) for label, part, inside in _OBJECTS if part.fullmatch(name)]
        data = zf.read(name) if any(inside for _, inside in kinds) else b""  # each part once
        for label, inside in kinds:
            found = 1 if inside is None else len(inside.findall(data))
            if found:
                counts[label] = counts.get(label, 0) + found
    return counts


def lost_objects(before: Path, after: bytes) -> list[str]:
    """What the workbook at `before` holds that `after` (its rewritten bytes) no longer does."""
    had = objects_in(before)
    if not had:
        return []
    with zipfile.ZipFile(io.BytesIO(after)) as zf:
        has = objects(zf)
    return [label for label, n in had.items() if has.get(label, 0) < n]


def objects_in(path: Path) -> dict[str, int]:
    with zipfile.ZipFile(path) as zf:
        return objects(zf)
