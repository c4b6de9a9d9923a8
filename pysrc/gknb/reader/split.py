"""Reading a row whose cell boundaries were lost ("640020470", "6 4 0 0 2 0 4 7 0").

The row is a list of pieces; a piece is either one atom that stays one cell ("4个", "/", a
blank) or a string of digits that may hold several cells run together. The ways of cutting the
digit strings into the expected number of cells (no number starting with 0 unless it is 0) are
searched depth first against the table's own arithmetic (`Sums`: each block's last cell is the
sum of the others), which fixes the last cell of every block outright and prunes any prefix
whose running sum can no longer fit in the digits that are left. The search is bounded: after
`MAX_NODES` steps it stops and says so, and the caller reports the row as unreadable instead of
guessing (a long digit run next to a cell without a number cannot be pinned down by the sums).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

MAX_NODES = 20_000  # search steps per row; a row needing more is reported, not guessed
MAX_FOUND = 50  # readings kept; more than this is reported as "50 种以上"
MAX_DIGITS = 120  # a digit run longer than this is not a row of a report table


@dataclass(frozen=True)
class Piece:
    text: str
    digits: bool  # a digit string that may hold several cells
    preferred: tuple[str, ...] = ()  # the cut the printed spacing suggests


@dataclass(frozen=True)
class Sums:
    """Rows made of `groups` blocks of `width` cells whose last cell is the sum of the others
    (table 三: 1 block of 7; table 四: 3 blocks of 5)."""

    groups: int
    width: int

    def __call__(self, values: list[float | None]) -> bool:
        if len(values) != self.groups * self.width:
            return False
        for g in range(self.groups):
            block = values[g * self.width : (g + 1) * self.width]
            if any(v is None for v in block):
                continue  # a cell without a usable number cannot refute a reading
            if abs(sum(v for v in block[:-1] if v is not None) - (block[-1] or 0)) > 1e-9:
                return False
        return True


Check = Sums


def sums_to_last(groups: int, width: int) -> Sums:
    return Sums(groups, width)


@dataclass
class Search:
    readings: list[tuple[str, ...]]
    truncated: bool  # stopped at MAX_NODES: the row is too ambiguous to search through


def readings(
    pieces: list[Piece], m: int, value: Callable[[str], float | None], check: Sums | None
) -> tuple[list[tuple[str, ...]], bool]:
    """The readings of the pieces as m cells that pass check (at most MAX_FOUND + 1); and
    whether the search was cut short."""
    found = search(pieces, m, value, check)
    return found.readings, found.truncated


def search(
    pieces: list[Piece], m: int, value: Callable[[str], float | None], check: Sums | None
) -> Search:
    if sum(len(p.text) for p in pieces if p.digits) > MAX_DIGITS:
        return Search([], True)
    if check is not None and m != check.groups * check.width:
        check = None
    fixed_value = [None if p.digits else value(p.text) for p in pieces]
    width = check.width if check is not None else 0
    # suffix facts: digits left and pieces left from piece p on
    chars_after = [0] * (len(pieces) + 1)
    pieces_after = [0] * (len(pieces) + 1)
    for p in range(len(pieces) - 1, -1, -1):
        chars_after[p] = chars_after[p + 1] + (len(pieces[p].text) if pieces[p].digits else 1)
        pieces_after[p] = pieces_after[p + 1] + 1
    cells: list[str] = []
    vals: list[float | None] = []
    found: list[tuple[str, ...]] = []
    nodes = 0
    stop = False

    def block_sum(i: int) -> float | None:
        """Sum of the cells of cell i's block before it; None if one has no number."""
        start = i - i % width
        total = 0.0
        for v in vals[start:i]:
            if v is None:
                return None
            total += v
        return total

    def go(p: int, o: int, i: int) -> None:
        nonlocal nodes, stop
        if stop:
            return
        nodes += 1
        if nodes > MAX_NODES:
            stop = True
            return
        if p == len(pieces):
            if i == m and (check is None or check(vals)):
                found.append(tuple(cells))
                if len(found) > MAX_FOUND:
                    stop = True
            return
        left_cells = m - i
        # each remaining piece needs a cell; each remaining character can give at most one
        rest_chars = chars_after[p] - o
        if left_cells < pieces_after[p] or left_cells > rest_chars:
            return
        piece = pieces[p]
        last_of_block = check is not None and i % width == width - 1
        need = block_sum(i) if last_of_block else None
        if not piece.digits:
            v = fixed_value[p]
            if need is not None and v is not None and abs(v - need) > 1e-9:
                return
            cells.append(piece.text)
            vals.append(v)
            go(p + 1, 0, i + 1)
            cells.pop()
            vals.pop()
            return
        text = piece.text
        rest = len(text) - o
        if need is not None:
            if need != int(need):
                return
            want = str(int(need))
            lengths: range | tuple[int, ...] = (
                (len(want),) if text.startswith(want, o) and len(want) <= rest else ()
            )
        elif text[o] == "0":
            lengths = (1,)
        else:
            lengths = range(1, rest + 1)
        for n in lengths:
            cut = text[o : o + n]
            v = float(int(cut))
            if check is not None and not last_of_block:
                partial = block_sum(i)
                # the block's last cell holds at least the running sum: it must still fit in
                # the longest run of digits left (or equal a fixed cell's number)
                if partial is not None and not _fits(partial + v, pieces, p, o + n, fixed_value):
                    break  # longer cuts only make the sum larger
            cells.append(cut)
            vals.append(v)
            if o + n == len(text):
                go(p + 1, 0, i + 1)
            else:
                go(p, o + n, i + 1)
            cells.pop()
            vals.pop()
            if stop:
                return

    go(0, 0, 0)
    return Search(found, nodes > MAX_NODES)


def total(values: Sequence[float | None]) -> float | None:
    """The sum of numbers that are all known; None when any is missing."""
    known = [v for v in values if v is not None]
    return sum(known) if len(known) == len(values) else None


def _fits(total: float, pieces: list[Piece], p: int, o: int, fixed: list[float | None]) -> bool:
    """Could a later cell hold `total`? It needs that many digits left in one run, or a fixed
    cell without a number or with a number at least that large."""
    digits = len(str(int(total)))
    if len(pieces[p].text) - o >= digits and pieces[p].digits:
        return True
    for q in range(p + 1, len(pieces)):
        if pieces[q].digits:
            if len(pieces[q].text) >= digits:
                return True
        elif (value := fixed[q]) is None or value >= total:
            return True
    return False
