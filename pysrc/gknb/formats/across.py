"""What the registered formats share and what sets each one apart, asked of the registry, so
that reading a published report (which must tell the formats apart from their labels) needs
no edit when a format is added."""

from __future__ import annotations

import re

from gknb.formats import FORMATS, Line
from gknb.text import fold, outside_brackets


def others(version: str) -> list[str]:
    """The other registered formats, in registry order."""
    return [v for v in FORMATS if v != version]


def own_blocks(version: str) -> tuple[str, ...]:
    """The blocks only this format has (2019's 第二十条第（九）项)."""
    theirs = {b.id for v in others(version) for b in FORMATS[v].blocks}
    return tuple(b.id for b in FORMATS[version].blocks if b.id not in theirs)


def merged_rows(block_id: str) -> list[tuple[Line, tuple[str, ...]]]:
    """The rows of a block across every format that has it, in order, each with the formats
    that have it. A row only some formats have stands where those formats have it, before
    the next row they share with the formats already merged."""
    order: list[str] = []
    lines: dict[str, Line] = {}
    versions: dict[str, list[str]] = {}
    for version, fmt in FORMATS.items():
        if not fmt.has_block(block_id):
            continue
        pending: list[str] = []
        for line in fmt.block(block_id).rows:
            versions.setdefault(line.id, []).append(version)
            if line.id in lines:
                at = order.index(line.id)
                order[at:at] = pending
                pending = []
            else:
                lines[line.id] = line
                pending.append(line.id)
        order.extend(pending)
    return [(lines[r], tuple(versions[r])) for r in order]


def own_rows(version: str, block_id: str) -> tuple[Line, ...]:
    """The block's rows in this format that some other format does not have (table 三's
    （六）其他处理 rows)."""
    mine = FORMATS[version].block(block_id).rows
    theirs = [
        {r.id for r in f.block(block_id).rows}
        for v, f in FORMATS.items()
        if v != version and f.has_block(block_id)
    ]
    return tuple(r for r in mine if any(r.id not in ids for ids in theirs))


def _fragments(version: str, table: str) -> list[str]:
    """Folded label text a table of the format prints: column labels (without a bracketed
    remark such as the unit), then row labels and the key words that identify them, then the
    block titles."""
    blocks = FORMATS[version].table_blocks(table)
    cols = [outside_brackets(fold(c.label)) for b in blocks for c in b.cols]
    rows = [k for b in blocks for r in b.rows for k in (fold(r.label), *r.match_keys)]
    titles = [fold(b.title) for b in blocks if b.title]
    return list(dict.fromkeys(f for f in (*cols, *rows, *titles) if f))


def distinctive(version: str, table: str) -> tuple[str, ...]:
    """Label fragments of the table that only this format prints: no other format's label
    contains them. Where one such fragment contains another, only the shorter is kept, so
    one printed label counts once."""
    theirs = [f for v in others(version) for f in _fragments(v, table)]
    own = [f for f in _fragments(version, table) if not any(f in t for t in theirs)]
    return tuple(f for f in own if not any(o != f and o in f for o in own))


def remarks(table: str) -> tuple[str, ...]:
    """Bracketed remarks of the table's column labels in any format (单位:万元), folded: a
    header line of their own in print."""
    found = {
        m
        for f in FORMATS.values()
        for b in f.table_blocks(table)
        for c in b.cols
        for m in re.findall(r"\(([^()]*)\)", fold(c.label))
    }
    return tuple(sorted(found))
