"""Zip packages (.xlsx, .xlsm, .docx) checked before any library reads them.

A zip's headers say how large each member is, and nothing makes them true: a 1 MB file may
declare 4 KB and inflate to 1 GB, and a library that reads a member in one call (python-docx,
openpyxl) holds all of it in memory before noticing. So every member is inflated here once, in
small pieces, counting the bytes that actually come out: a member that gives more than its header
declares, a package that inflates past `MAX_INFLATED`, or worksheets with more than `MAX_CELLS`
cells or `MAX_ROWS` rows are refused with one Chinese sentence before the library starts. After
this check every member is known to inflate to exactly its declared size, so a later read of
it is bounded by that size.

Encrypted members, compression methods other than stored/deflate, and a zip version newer than
Python reads are refused here too, with a sentence that says what to do, instead of surfacing as
NotImplementedError or RuntimeError from whichever library meets them first.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from gknb.errors import GknbError

MAX_MEMBERS = 10_000
MAX_INFLATED = 200 * 1024 * 1024  # all members together, as inflated
MAX_CELLS = 100_000  # cells in all worksheets (a template workbook has about 500)
MAX_ROWS = 100_000  # rows in all worksheets
CHUNK = 64 * 1024

_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_LOCAL_SIGNATURE = b"PK\x03\x04"
_CELL_OPEN = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_ROW_OPEN = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_TAIL = 40  # bytes kept across pieces so a tag split between two pieces is counted once


@dataclass(frozen=True)
class FileKind:
    """How messages name the file's kind and the program that repairs it."""

    what: str  # "Excel 工作簿"
    app: str  # "Excel"
    suffix: str  # ".xlsx"


WORKBOOK = FileKind("Excel 工作簿", "Excel", ".xlsx")
DOCUMENT = FileKind("Word 文档", "Word", ".docx")


@dataclass(frozen=True)
class Package:
    names: frozenset[str]
    inflated: int  # bytes, counted
    cells: int  # in worksheets (counted for workbooks only)
    rows: int


def is_worksheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml") and name.count("/") == 2


def check(path: Path, kind: FileKind, label: str | None = None) -> Package:
    """Inflate every member of the package at `path`, counting; GknbError if it cannot or must
    not be read. `label` names the file in messages (default: its name)."""
    label = label or path.name
    damaged = f"{label} 已损坏，请在 {kind.app} 中打开后另存一份（{kind.suffix}）再试。"
    try:
        with zipfile.ZipFile(path) as zf, path.open("rb") as fp:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise GknbError(
                    f"{label} 包含 {len(infos)} 个部件，不像{kind.what}，已拒绝读取。请检查文件。"
                )
            total = cells = rows = 0
            for info in infos:
                _supported(info, label, kind)
                counter = _Counter(is_worksheet(info.filename) and kind is WORKBOOK)
                size = _inflate(fp, info, counter, MAX_INFLATED - total, label, kind)
                total += size
                cells += counter.cells
                rows += counter.rows
                if cells > MAX_CELLS or rows > MAX_ROWS:
                    raise GknbError(
                        f"{label} 的工作表超过 {MAX_ROWS:,} 行或 {MAX_CELLS:,} 个单元格，不像年报"
                        f"工作簿，已拒绝读取（读取会很慢且占用大量内存）。请删除多余的行和单元格"
                        f"（选中空白行，右键“删除”）后保存，再试。"
                    )
            return Package(frozenset(zf.namelist()), total, cells, rows)
    except GknbError:
        raise
    except NotImplementedError:  # "zip file version 25.5", "compression type 99", ...
        raise GknbError(_unsupported(label, kind)) from None
    except OSError as exc:
        raise GknbError(f"无法读取 {label}：{exc.strerror or exc}。") from None
    except Exception:  # BadZipFile, and whatever a hostile central directory raises
        raise GknbError(damaged) from None


def _supported(info: zipfile.ZipInfo, label: str, kind: FileKind) -> None:
    if info.flag_bits & 0x1:
        raise GknbError(
            f"{label} 已加密（设置了打开密码），无法读取。请在 {kind.app} 中取消密码后另存再试。"
        )
    if (
        info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
        or info.extract_version > zipfile.MAX_EXTRACT_VERSION
        or info.flag_bits & 0x60  # patched data, strong encryption
    ):
        raise GknbError(_unsupported(label, kind))


def _unsupported(label: str, kind: FileKind) -> str:
    return (
        f"{label} 使用了本程序不支持的压缩方式，请在 {kind.app} 中打开后另存为{kind.suffix} 再试。"
    )


class _Counter:
    """Cells and rows of a worksheet, counted in the pieces as they are inflated."""

    def __init__(self, active: bool) -> None:
        self.active = active
        self.cells = self.rows = 0
        self._tail = b""

    def feed(self, piece: bytes) -> None:
        if not self.active or not piece:
            return
        data = self._tail + piece
        # a tag that starts inside the tail was counted with the previous piece
        skip = len(self._tail)
        self.cells += sum(1 for m in _CELL_OPEN.finditer(data) if m.end() > skip)
        self.rows += sum(1 for m in _ROW_OPEN.finditer(data) if m.end() > skip)
        self._tail = data[-_TAIL:]


def _inflate(
    fp: BinaryIO, info: zipfile.ZipInfo, counter: _Counter, budget: int, label: str, kind: FileKind
) -> int:
    """Inflate one member from the raw file, counting; returns its true size."""
    damaged = GknbError(
        f"{label} 已损坏（其中的 {info.filename} 无法解压），请在 {kind.app} 中打开后另存一份"
        f"（{kind.suffix}）再试。"
    )
    fp.seek(info.header_offset)
    header = fp.read(_LOCAL_HEADER.size)
    if len(header) != _LOCAL_HEADER.size:
        raise damaged
    fields = _LOCAL_HEADER.unpack(header)
    if fields[0] != _LOCAL_SIGNATURE:
        raise damaged
    local_name = fp.read(fields[10])
    encoding = "utf-8" if fields[2] & 0x800 else "cp437"
    if local_name.decode(encoding, "replace") != info.orig_filename:
        raise damaged  # zipfile refuses a member whose two names differ
    fp.seek(fields[11], 1)  # the extra field
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    left = info.compress_size
    size = crc = 0

    def take(piece: bytes) -> None:
        nonlocal size, crc
        size += len(piece)
        if size > info.file_size:
            raise GknbError(
                f"{label} 已损坏或是恶意构造的文件：其中的 {info.filename} 实际内容比记录的大小"
                f"（{info.file_size:,} 字节）大，已拒绝读取。"
            )
        if size > budget:
            raise GknbError(
                f"{label} 解压后超过 {MAX_INFLATED // (1024 * 1024)} MB，不像{kind.what}，"
                f"已拒绝读取。"
            )
        crc = zlib.crc32(piece, crc)
        counter.feed(piece)

    try:
        while left > 0:
            raw = fp.read(min(CHUNK, left))
            if not raw:
                raise damaged
            left -= len(raw)
            if inflater is None:
                take(raw)
                continue
            take(inflater.decompress(raw, CHUNK))
            while inflater.unconsumed_tail:
                take(inflater.decompress(inflater.unconsumed_tail, CHUNK))
        if inflater is not None:
            if not inflater.eof and info.compress_size:
                raise damaged
            take(inflater.flush())
    except zlib.error:
        raise damaged from None
    if size != info.file_size or crc != info.CRC:
        raise damaged
    return size
