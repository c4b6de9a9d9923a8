"""Reading a row whose cell boundaries were lost ("640020470", "6 4 0 0 2 0 4 7 0").

The row is a list of pieces; a piece is either one atom that stays one cell ("4个", "/", a
blank) or a string of digits that may hold several cells run together. Every way of cutting
the digit strings into the expected number of cells (no number starting with 0 unless it is
0) is tried against the table's own arithmetic; the caller learns whether exactly one reading
fits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import combinations, pairwise

Check = Callable[[list[float | None]], bool]
MAX_TRIES = 200_000


@dataclass(frozen=True)
class Piece:
    text: str
    digits: bool  # a digit string that may hold several cells
    preferred: tuple[str, ...] = ()  # the cut the printed spacing suggests


def _cuts(s: str, parts: int) -> Iterator[tuple[str, ...]]:
    n = len(s)
    if parts > n:
        return
    for idx in combinations(range(1, n), parts - 1):
        bounds = (0, *idx, n)
        cut = tuple(s[a:b] for a, b in pairwise(bounds))
        if all(len(p) == 1 or p[0] != "0" for p in cut):
            yield cut


def _splits(counts: list[int], total: int, caps: list[int]) -> Iterator[list[int]]:
    """Every way to give each digit piece at least one cell so the cells add up to total."""
    if not counts:
        if total == 0:
            yield []
        return
    first, rest = caps[0], caps[1:]
    for k in range(1, min(first, total - len(rest)) + 1):
        for tail in _splits(counts[1:], total - k, rest):
            yield [k, *tail]


def readings(
    pieces: list[Piece], m: int, value: Callable[[str], float | None], check: Check | None
) -> tuple[list[tuple[str, ...]], bool]:
    """All readings of the pieces as m cells that pass check; and whether the search was cut
    short (too many possibilities to try)."""
    fixed = sum(1 for p in pieces if not p.digits)
    digit_idx = [i for i, p in enumerate(pieces) if p.digits]
    room = m - fixed
    if room < len(digit_idx) or (not digit_idx and room != 0):
        return [], False
    caps = [len(pieces[i].text) for i in digit_idx]
    found: list[tuple[str, ...]] = []
    tries = 0
    for counts in _splits([1] * len(digit_idx), room, caps):
        per_piece: list[list[tuple[str, ...]]] = []
        for i, k in zip(digit_idx, counts, strict=True):
            per_piece.append(list(_cuts(pieces[i].text, k)))
        for combo in _product(per_piece):
            tries += 1
            if tries > MAX_TRIES:
                return found, True
            cells: list[str] = []
            it = iter(combo)
            for p in pieces:
                cells.extend(next(it) if p.digits else (p.text,))
            if check is None or check([value(c) for c in cells]):
                found.append(tuple(cells))
                if len(found) > 50:
                    return found, False
    return found, False


def _product(lists: list[list[tuple[str, ...]]]) -> Iterator[tuple[tuple[str, ...], ...]]:
    if not lists:
        yield ()
        return
    for head in lists[0]:
        for tail in _product(lists[1:]):
            yield (head, *tail)


def sums_to_last(groups: int, width: int) -> Check:
    """Check for rows made of `groups` blocks of `width` cells whose last cell is the sum of the
    others (table 三: 1 block of 7; table 四: 3 blocks of 5)."""

    def check(values: list[float | None]) -> bool:
        if len(values) != groups * width:
            return False
        for g in range(groups):
            block = values[g * width : (g + 1) * width]
            if any(v is None for v in block):
                continue  # a cell without a usable number cannot refute a reading
            if abs(sum(v for v in block[:-1] if v is not None) - (block[-1] or 0)) > 1e-9:
                return False
        return True

    return check
