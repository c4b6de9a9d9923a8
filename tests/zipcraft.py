"""Zip packages written byte by byte, so their headers can say what the tests want them to say
(a member that declares 4 KB and inflates to 1 GB, a zip version no reader knows, a broken CRC).

Shared by the tests and bench/fuzz.py; pure standard library.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path


@dataclass(frozen=True)
class Member:
    name: str
    raw: bytes  # the bytes stored (deflated unless method is 0)
    size: int  # the uncompressed size the headers declare
    crc: int
    method: int = zipfile.ZIP_DEFLATED
    version: int = 20  # version needed to extract
    flags: int = 0


def deflate(data: bytes) -> bytes:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def member(name: str, data: bytes) -> Member:
    """An honest deflated member."""
    return Member(name, deflate(data), len(data), zlib.crc32(data))


def zeros_deflated(total: int, piece: int = 1 << 24) -> bytes:
    """`total` zero bytes deflated (1 GB gives about 1 MB), without holding them in memory."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = bytes(piece)
    out = []
    left = total
    while left > 0:
        n = min(piece, left)
        out.append(c.compress(block[:n]))
        left -= n
    out.append(c.flush())
    return b"".join(out)


def members_of(path: Path) -> Iterator[Member]:
    """The members of an existing package, honest, in order."""
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            yield member(info.filename, zf.read(info))


def lie(
    m: Member,
    *,
    size: int | None = None,
    crc: int | None = None,
    method: int | None = None,
    version: int | None = None,
    flags: int | None = None,
) -> Member:
    """The member with some header numbers changed (the bytes stay as they are)."""
    return replace(
        m,
        size=m.size if size is None else size,
        crc=m.crc if crc is None else crc,
        method=m.method if method is None else method,
        version=m.version if version is None else version,
        flags=m.flags if flags is None else flags,
    )


def write(path: Path, members: Iterable[Member]) -> Path:
    out = bytearray()
    central = bytearray()
    count = 0
    for m in members:
        name = m.name.encode("utf-8")
        offset = len(out)
        out += struct.pack(
            "<4s5H3L2H",
            b"PK\x03\x04", m.version, m.flags, m.method, 0, 0x21,
            m.crc, len(m.raw), m.size, len(name), 0,
        )  # fmt: skip
        out += name + m.raw
        central += struct.pack(
            "<4s6H3L5H2L",
            b"PK\x01\x02", 20, m.version, m.flags, m.method, 0, 0x21,
            m.crc, len(m.raw), m.size, len(name), 0, 0, 0, 0, 0, offset,
        )  # fmt: skip
        central += name
        count += 1
    start = len(out)
    out += central
    out += struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(central), start, 0)
    path.write_bytes(bytes(out))
    return path
