"""A minimal, deterministic Compound File Binary (MS-CFB) writer.

Version 3 (512-byte sectors), a handful of streams in nested storages, no timestamps, no CLSIDs.
Streams shorter than 4096 bytes live in the mini stream (64-byte mini sectors), as MS-CFB
requires. Each storage's children form a red-black tree (balanced, so it is a valid one), sorted
the way MS-CFB 2.6.4 compares names: shorter first, then by upper-cased UTF-16 code units.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREESECT = 0xFFFFFFFF
ENDOFCHAIN = 0xFFFFFFFE
FATSECT = 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF
_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
_HEADER_DIFAT = 109
_ENTRIES_PER_SECTOR = SECTOR // 128
_IDS_PER_SECTOR = SECTOR // 4

_STORAGE, _STREAM, _ROOT = 1, 2, 5
_RED, _BLACK = 0, 1


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: dict[str, _Entry] = field(default_factory=dict)
    sid: int = 0
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    color: int = _BLACK
    start: int = ENDOFCHAIN


def _sort_key(name: str) -> tuple[int, list[int]]:
    units = name.encode("utf-16-le")
    upper = name.upper().encode("utf-16-le")
    if len(upper) != len(units):  # e.g. "ß": keep the simple per-unit rule of MS-CFB
        upper = units
    return len(units) // 2, list(struct.unpack(f"<{len(upper) // 2}H", upper))


def _check_name(name: str) -> None:
    if not name or len(name) > 31 or any(ch in name for ch in "/\\:!"):
        raise ValueError(f"invalid compound file entry name: {name!r}")


def _build_tree(entries: list[_Entry], depth: int, max_depth: int, perfect: bool) -> int:
    """Balanced BST over sorted `entries`; nodes on an incomplete last level are red."""
    if not entries:
        return NOSTREAM
    mid = len(entries) // 2
    node = entries[mid]
    node.color = _RED if (depth == max_depth and not perfect) else _BLACK
    node.left = _build_tree(entries[:mid], depth + 1, max_depth, perfect)
    node.right = _build_tree(entries[mid + 1 :], depth + 1, max_depth, perfect)
    return node.sid


def _tree_depth(n: int) -> int:
    return max(n.bit_length() - 1, 0)  # depth of the deepest node of a balanced tree of n nodes


def _chain(start: int, count: int) -> list[int]:
    return [start + i + 1 for i in range(count - 1)] + [ENDOFCHAIN] if count else []


def write(streams: dict[str, bytes]) -> bytes:
    """Build a compound file from {"path/in/storages": data}; paths use "/" between names."""
    root = _Entry("Root Entry", _ROOT)
    for path, data in streams.items():
        parts = path.split("/")
        node = root
        for part in parts[:-1]:
            _check_name(part)
            node = node.children.setdefault(part, _Entry(part, _STORAGE))
            if node.kind != _STORAGE:
                raise ValueError(f"{part!r} is both a stream and a storage")
        _check_name(parts[-1])
        if any(_sort_key(k) == _sort_key(parts[-1]) for k in node.children):
            raise ValueError(f"duplicate compound file entry (names ignore case): {path!r}")
        node.children[parts[-1]] = _Entry(parts[-1], _STREAM, bytes(data))

    # Directory ids: breadth first, children in CFB order (deterministic for a given input).
    order: list[_Entry] = [root]
    i = 0
    while i < len(order):
        kids = sorted(order[i].children.values(), key=lambda e: _sort_key(e.name))
        for kid in kids:
            kid.sid = len(order)
            order.append(kid)
        i += 1
    for node in order:
        kids = sorted(node.children.values(), key=lambda e: _sort_key(e.name))
        if kids:
            depth = _tree_depth(len(kids))
            perfect = len(kids) == (1 << (depth + 1)) - 1
            node.child = _build_tree(kids, 0, depth, perfect)
    root.color = _BLACK

    # Mini stream: every stream shorter than the cutoff, 64-byte aligned.
    streams_all = [e for e in order if e.kind == _STREAM]
    mini = [e for e in streams_all if len(e.data) < MINI_CUTOFF]
    big = [e for e in streams_all if len(e.data) >= MINI_CUTOFF]
    mini_stream = bytearray()
    minifat: list[int] = []
    for e in mini:
        if not e.data:
            e.start = ENDOFCHAIN
            continue
        n = -(-len(e.data) // MINI_SECTOR)
        e.start = len(minifat)
        minifat += _chain(e.start, n)
        mini_stream += e.data.ljust(n * MINI_SECTOR, b"\0")

    n_dir = -(-len(order) // _ENTRIES_PER_SECTOR)
    n_minifat = -(-len(minifat) // _IDS_PER_SECTOR)
    n_ministream = -(-len(mini_stream) // SECTOR)
    big_sizes = [-(-len(e.data) // SECTOR) for e in big]
    n_data = n_dir + n_minifat + n_ministream + sum(big_sizes)
    n_fat = 1
    while n_fat * _IDS_PER_SECTOR < n_fat + n_data:
        n_fat += 1
    if n_fat > _HEADER_DIFAT:
        raise ValueError("compound file too large for this writer (needs DIFAT sectors)")

    # Layout: FAT | directory | mini FAT | mini stream | large streams.
    fat: list[int] = [FATSECT] * n_fat
    dir_start = len(fat)
    fat += _chain(dir_start, n_dir)
    minifat_start = len(fat) if n_minifat else ENDOFCHAIN
    fat += _chain(len(fat), n_minifat)
    root.start = len(fat) if n_ministream else ENDOFCHAIN
    fat += _chain(len(fat), n_ministream)
    for e, n in zip(big, big_sizes, strict=True):
        e.start = len(fat)
        fat += _chain(e.start, n)
    fat += [FREESECT] * (n_fat * _IDS_PER_SECTOR - len(fat))

    header = bytearray(SECTOR)
    header[0:8] = _SIGNATURE
    struct.pack_into(
        "<HHHHH6xIIIIIIIII",
        header,
        24,
        0x003E,  # minor version
        0x0003,  # major version 3
        0xFFFE,  # byte order
        9,  # sector shift: 512
        6,  # mini sector shift: 64
        0,  # directory sectors (must be 0 in version 3)
        n_fat,
        dir_start,
        0,  # transaction signature
        MINI_CUTOFF,
        minifat_start,
        n_minifat,
        ENDOFCHAIN,  # first DIFAT sector
        0,  # DIFAT sectors
    )
    difat = list(range(n_fat)) + [FREESECT] * (_HEADER_DIFAT - n_fat)
    struct.pack_into(f"<{_HEADER_DIFAT}I", header, 76, *difat)

    directory = bytearray()
    for e in order:
        name = e.name.encode("utf-16-le")
        size = len(mini_stream) if e.kind == _ROOT else len(e.data)
        start = e.start if e.kind != _STORAGE else 0
        directory += struct.pack(
            "<64sHBBIII16sIQQIQ",
            name,
            len(name) + 2,
            e.kind,
            e.color,
            e.left,
            e.right,
            e.child,
            b"",  # CLSID
            0,  # state bits
            0,  # creation time
            0,  # modified time
            start,
            size,
        )
    empty = struct.pack(
        "<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, b"", 0, 0, 0, 0, 0
    )
    directory += empty * (n_dir * _ENTRIES_PER_SECTOR - len(order))

    body = bytearray(struct.pack(f"<{len(fat)}I", *fat))
    body += directory
    minifat += [FREESECT] * (n_minifat * _IDS_PER_SECTOR - len(minifat))
    body += struct.pack(f"<{len(minifat)}I", *minifat)
    body += mini_stream.ljust(n_ministream * SECTOR, b"\0")
    for e, n in zip(big, big_sizes, strict=True):
        body += e.data.ljust(n * SECTOR, b"\0")
    return bytes(header + body)
