"""A fast `BookSource` over python-calamine, for reviewing many workbooks at once.

Opening a report workbook with openpyxl costs about 45 ms; calamine reads the same cells in about
1 ms. Calamine does not expose defined names and represents a few things differently from
openpyxl, so this source gives the *same* Report as `OpenpyxlSource` by:

- reading the workbook-level defined names from ``xl/workbook.xml`` (defusedxml: no entity
  expansion) and resolving them with `OpenpyxlSource.name_ref` itself, so broken or odd names
  give the same findings;
- converting calamine's values to openpyxl's: an empty cell is None (not ""), a whole number is
  an int (not 3.0), the covered cells of a merged range are None;
- finding, with cheap byte searches over the sheet XML, the cells calamine cannot represent the
  way openpyxl does — error values (#REF!), dates decided by the number format (the two libraries
  disagree, e.g. on the CJK date formats 27–36 and 50–58), whole numbers written with a decimal
  point or exponent (openpyxl keeps them as floats), integers too long for a float, empty strings,
  strings with ``_xHHHH_`` escapes or phonetic runs. When a read touches such a cell, the source
  raises `Unsupported` and `gknb.sources` reads the file with openpyxl instead. Cells that are not
  read (a date in 成文日期) do not cost the fast path.

`gknb.sources.read_workbook_fast` is the entry point: same Report, same errors as
`gknb.sources.read_workbook`.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from gknb.model import Report
from gknb.workbook.contract import Ref, a1

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
# names openpyxl keeps off the workbook-level list (reader/workbook.py, defined_name.by_sheet)
_RESERVED = ("_xlnm.Print_Titles", "_xlnm.Print_Area", "_xlnm._FilterDatabase")

_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_ATTR = re.compile(rb'\b([rst])="([^"]*)"')
_REF = re.compile(rb"([A-Z]{1,3})([0-9]+)")
_V = re.compile(rb"<v>([^<]*)</v>")
_PLAIN_INT = re.compile(rb"\s*[-+]?[0-9]{1,15}\s*")
_NUMERIC_TEXT = re.compile(rb"<v>([^<]*[.eE][^<]*|\s*[-+]?[0-9]{16,}\s*)</v>")
_EMPTY_TEXT = re.compile(rb"<t\s*/>|<t(?:\s[^>]*)?></t>|<is\s*/>|<is></is>|<si\s*/>|<si></si>")
_STYLE_ATTR = re.compile(rb'\bs="([0-9]+)"')
_XF = re.compile(rb"<xf\b([^>]*?)/?>")
_NUMFMT_ID = re.compile(rb'\bnumFmtId="([0-9]+)"')
_NUMFMT = re.compile(rb"<numFmt\b[^>]*?/?>")
_SI = re.compile(rb"<si\b")
_TEMPORAL = (date, datetime, time, timedelta)


class Unsupported(Exception):
    """This workbook (or a cell that was read) needs the openpyxl reader to give the same result."""


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


_TEMPORAL_SEEN = object()


def _convert(raw: Any) -> Any:
    """calamine's value as openpyxl gives it (see module doc)."""
    if raw == "" and isinstance(raw, str):
        return None
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() else raw
    if isinstance(raw, _TEMPORAL):
        return _TEMPORAL_SEEN
    return raw


@dataclass
class _Sheet:
    values: list[list[Any]]
    hidden: dict[int, set[int]] = field(default_factory=dict)  # row -> covered cols of merges
    suspects: set[tuple[int, int]] = field(default_factory=set)  # cells openpyxl must read

    def read(self, ref: Ref) -> list[list[Any]]:
        for r, c in sorted(self.suspects):
            if ref.r1 <= r <= ref.r2 and ref.c1 <= c <= ref.c2:
                raise Unsupported(f"{a1(r, c)} 需要按 openpyxl 读取")
        width = ref.c2 - ref.c1 + 1
        rows: list[list[Any]] = []
        for r in range(ref.r1, ref.r2 + 1):
            if r > len(self.values):  # below the last used row: empty
                rows += [[None] * width for _ in range(ref.r2 - r + 1)]
                break
            row = [_convert(v) for v in self.values[r - 1][ref.c1 - 1 : ref.c2]]
            row.extend([None] * (width - len(row)))
            for c in self.hidden.get(r, ()):
                if ref.c1 <= c <= ref.c2:
                    row[c - ref.c1] = None
            if _TEMPORAL_SEEN in row:
                c = ref.c1 + row.index(_TEMPORAL_SEEN)
                raise Unsupported(f"{a1(r, c)} 是日期或时间")
            rows.append(row)
        return rows


# the built-in number formats (ids below 164) openpyxl reads as dates or durations
BUILTIN_DATES = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47})


def _is_date_code(code: str) -> bool:
    """Whether openpyxl reads a custom number format as a date or duration (its own test)."""
    from openpyxl.styles.numbers import is_date_format, is_timedelta_format

    return bool(is_date_format(code) or is_timedelta_format(code))


@lru_cache(maxsize=4096)
def _destinations(attr_text: str | None) -> tuple[tuple[str, str], ...]:
    from openpyxl.workbook.defined_name import DefinedName

    return tuple(DefinedName(name="_", attr_text=attr_text).destinations)


@dataclass(frozen=True)
class _Name:
    """A workbook-level defined name; resolving its text with openpyxl's tokenizer costs about
    50 µs, and every workbook made from the template has the same texts, so it is cached."""

    attr_text: str | None

    @property
    def destinations(self) -> Iterator[tuple[str, str]]:
        return iter(_destinations(self.attr_text))


# a name as the template writes it: 'sheet'!$A$1 or 'sheet'!$A$1:$B$2 (anything else is resolved
# by openpyxl's own tokenizer, as the reference reader resolves it)
_SIMPLE_NAME = re.compile(r"'((?:[^']|'')+)'!\$([A-Z]{1,3})\$(\d+)(?::\$([A-Z]{1,3})\$(\d+))?")


def _col(letters: str) -> int:
    return _col_number(letters.encode("ascii"))


class _Names:
    """`BookSource.name_ref` over the defined names of xl/workbook.xml, without openpyxl for
    the names the template writes; the same Ref and the same errors as `OpenpyxlSource`."""

    def __init__(self, names: dict[str, _Name], sheetnames: list[str]) -> None:
        self.names = names
        self.sheetnames = sheetnames

    def name_ref(self, name: str) -> Ref | None:
        from gknb.workbook.reader import checked_ref

        dn = self.names.get(name)
        if dn is None:
            return None
        text = dn.attr_text or ""
        m = _SIMPLE_NAME.fullmatch(text)
        if m is None or m.group(3).startswith("0") or (m.group(5) or "1").startswith("0"):
            from gknb.workbook.xlsx import OpenpyxlSource

            return OpenpyxlSource(_NameBook(self.names, self.sheetnames)).name_ref(name)
        r1, c1 = int(m.group(3)), _col(m.group(2))
        r2, c2 = (int(m.group(5)), _col(m.group(4))) if m.group(4) else (r1, c1)
        return checked_ref(m.group(1).replace("''", "'"), r1, c1, r2, c2, self.sheetnames)


class _NameBook:
    """Just enough of an openpyxl Workbook for `OpenpyxlSource.name_ref`."""

    def __init__(self, defined_names: dict[str, Any], sheetnames: list[str]) -> None:
        self.defined_names = defined_names
        self.sheetnames = sheetnames


class CalamineSource:
    """`BookSource` over a workbook file read with python-calamine."""

    def __init__(self, path: Path) -> None:
        from defusedxml import ElementTree
        from python_calamine import CalamineWorkbook

        self.path = path
        self._zip = zipfile.ZipFile(path)
        try:
            root = ElementTree.fromstring(self._zip.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(self._zip.read("xl/_rels/workbook.xml.rels"))
        except KeyError as exc:
            raise Unsupported(f"缺少 {exc}") from None
        targets = {
            r.get("Id"): r.get("Target", "")
            for r in rels.iter(f"{{{NS_PKG_REL}}}Relationship")
        }  # fmt: skip
        self._parts: dict[str, str] = {}
        sheetnames: list[str] = []
        for sheet in root.iter(f"{{{NS_MAIN}}}sheet"):
            name = sheet.get("name") or ""
            sheetnames.append(name)
            target = targets.get(sheet.get(f"{{{NS_REL}}}id"), "")
            if target.startswith("/"):
                part = target.lstrip("/")
            else:
                part = posixpath.normpath(posixpath.join("xl", target))
            self._parts[name] = part
        names: dict[str, _Name] = {}
        for dn in root.iter(f"{{{NS_MAIN}}}definedName"):
            name = dn.get("name") or ""
            if dn.get("localSheetId") is not None or name in _RESERVED:
                continue
            names[name] = _Name(dn.text)
        self._names = _Names(names, sheetnames)
        self.from_template = any(n.startswith("GK_") for n in names)
        self._book = CalamineWorkbook.from_path(str(path))
        self._sheets: dict[str, _Sheet] = {}
        self._date_styles: set[int] | None = None
        self._bad_strings: set[int] | None = None

    def close(self) -> None:
        self._zip.close()
        self._book.close()

    # ---- BookSource ---------------------------------------------------------------------------

    def name_ref(self, name: str) -> Ref | None:
        return self._names.name_ref(name)

    def read(self, ref: Ref) -> list[list[Any]]:
        sheet = self._sheet(ref.sheet)
        try:
            return sheet.read(ref)
        except Unsupported as exc:
            raise Unsupported(f"{ref.sheet}!{exc}") from None

    # ---- sheets -------------------------------------------------------------------------------

    def _sheet(self, name: str) -> _Sheet:
        sheet = self._sheets.get(name)
        if sheet is not None:
            return sheet
        part = self._parts.get(name)
        if part is None:
            raise KeyError(f"Worksheet {name} does not exist.")  # as openpyxl's wb[name]
        try:
            xml = self._zip.read(part)
        except KeyError:
            raise Unsupported(f"缺少工作表 {part}") from None
        if b"<sheetData" not in xml and b":sheetData" in xml:
            raise Unsupported("工作表 XML 使用了命名空间前缀")
        data = self._book.get_sheet_by_name(name)
        sheet = _Sheet(data.to_python(skip_empty_area=False))
        for (r0, c0), (r1, c1) in data.merged_cell_ranges or ():
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    if (r, c) != (r0, c0):
                        sheet.hidden.setdefault(r + 1, set()).add(c + 1)
        sheet.suspects = self._suspects(xml)
        self._sheets[name] = sheet
        return sheet

    def _suspects(self, xml: bytes) -> set[tuple[int, int]]:
        """Cells whose value calamine does not give the way openpyxl does (see module doc)."""
        date_styles = self._styles()
        needs_scan = (
            b't="e"' in xml
            or b"_x" in xml
            or b"<rPh" in xml
            or _EMPTY_TEXT.search(xml) is not None
            or (b't="s"' in xml and bool(self._strings()))
            or any(not _number_exact(m) for m in _NUMERIC_TEXT.findall(xml))
            or (
                bool(date_styles)
                and any(int(s) in date_styles for s in set(_STYLE_ATTR.findall(xml)))
            )
        )
        if not needs_scan:
            return set()
        bad_strings = self._strings()
        suspects: set[tuple[int, int]] = set()
        for m in _CELL.finditer(xml):
            attrs = dict(_ATTR.findall(m.group(1)))
            inner = m.group(2) or b""
            where = _REF.fullmatch(attrs.get(b"r", b""))
            if where is None:  # cells without a reference: positions are implied
                raise Unsupported("单元格缺少位置属性")
            cell = (int(where.group(2)), _col_number(where.group(1)))
            kind = attrs.get(b"t", b"n")
            v = _V.search(inner)
            text = v.group(1) if v else b""
            if kind == b"e":
                suspects.add(cell)
            elif kind == b"n" and text.strip():
                style = int(attrs.get(b"s", b"0") or 0)
                if style in date_styles or not _number_exact(text):
                    suspects.add(cell)
            elif kind == b"s":
                if text.strip().isdigit() and int(text) in bad_strings:
                    suspects.add(cell)
            elif kind == b"inlineStr":
                if b"_x" in inner or b"<rPh" in inner or _EMPTY_TEXT.search(inner):
                    suspects.add(cell)
            elif kind == b"str" and b"_x" in text:
                suspects.add(cell)
        return suspects

    def _styles(self) -> set[int]:
        """Indexes of cell formats openpyxl reads as dates or durations."""
        if self._date_styles is not None:
            return self._date_styles
        try:
            xml = self._zip.read("xl/styles.xml")
        except KeyError:
            self._date_styles = set()
            return self._date_styles
        custom: dict[int, str] = {}
        for tag in _NUMFMT.findall(xml):
            id_match = _NUMFMT_ID.search(tag)
            code_match = re.search(rb'\bformatCode="([^"]*)"', tag)
            if id_match and code_match:
                code_text = html.unescape(code_match.group(1).decode("utf-8"))
                custom[int(id_match.group(1))] = code_text
        styles: set[int] = set()
        start, end = xml.find(b"<cellXfs"), xml.find(b"</cellXfs>")
        if start >= 0 and end > start:
            for i, m in enumerate(_XF.finditer(xml, start, end)):
                fid_m = _NUMFMT_ID.search(m.group(1))
                fid = int(fid_m.group(1)) if fid_m else 0
                if fid in custom:
                    if _is_date_code(custom[fid]):
                        styles.add(i)
                elif fid in BUILTIN_DATES:
                    styles.add(i)
        elif b"numFmt" in xml or b"cellXfs" in xml:
            raise Unsupported("无法识别 styles.xml")
        self._date_styles = styles
        return styles

    def _strings(self) -> set[int]:
        """Indexes of shared strings that calamine and openpyxl read differently."""
        if self._bad_strings is not None:
            return self._bad_strings
        try:
            xml = self._zip.read("xl/sharedStrings.xml")
        except KeyError:
            xml = b""
        bad: set[int] = set()
        if b"_x" in xml or b"<rPh" in xml or _EMPTY_TEXT.search(xml):
            starts = [m.start() for m in _SI.finditer(xml)] + [len(xml)]
            for i in range(len(starts) - 1):
                item = xml[starts[i] : starts[i + 1]]
                if b"_x" in item or b"<rPh" in item or _EMPTY_TEXT.search(item):
                    bad.add(i)
        self._bad_strings = bad
        return bad


def _number_exact(text: bytes) -> bool:
    """False when calamine's float would not give openpyxl's value: a whole number written with a
    decimal point or exponent (openpyxl keeps a float), or an integer too long for a float."""
    if _PLAIN_INT.fullmatch(text):
        return True
    try:
        value = float(text)
    except ValueError:
        return True  # not a number at all: calamine and openpyxl both fail the same way later
    if value != value or value in (float("inf"), float("-inf")):
        return False
    return not value.is_integer()


@contextmanager
def open_source(path: Path) -> Iterator[CalamineSource]:
    src = CalamineSource(path)
    try:
        yield src
    finally:
        src.close()


def read_exact(path: Path) -> Report:
    """A template workbook read with calamine, exactly as openpyxl would read it; raises
    (Unsupported or whatever calamine raises) where it cannot. No sniffing, no warnings."""
    from gknb.workbook.reader import read_book

    with open_source(path) as src:
        if not src.from_template:
            raise Unsupported("非模板工作簿")
        return read_book(src, str(path))


__all__ = ["CalamineSource", "Unsupported", "open_source", "read_exact"]
