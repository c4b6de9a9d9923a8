"""Finding the rows of a statutory table in a token stream and reading their numbers.

A *candidate row* is a run of label tokens followed by a run of value tokens. Candidates are
aligned to the rows the format declares (`Slot`s) by a monotone sequence alignment that
maximises how well each candidate's label matches a slot's label and `Line.keys`, so rows
that are missing, extra, out of the format or printed with typos are all noticed, and a
label such as the 2021 ``3.其他`` cannot be taken for the ``其他`` column of the header.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import groupby

from gknb.reader.split import Check, Piece, search
from gknb.reader.tokens import Kind, Tok, is_digits, is_sign
from gknb.text import fold

_PUNCT = re.compile(r"[\s、,，.．:：;；()（）\[\]【】\"'“”‘’·\-—_/]+")


@dataclass(frozen=True)
class Slot:
    """A row the format declares."""

    block: str
    row: str
    label: str
    keys: tuple[str, ...]
    width: int
    versions: frozenset[str]
    chars: frozenset[str] = field(default=frozenset(), compare=False)
    folded: str = field(default="", compare=False)

    @staticmethod
    def make(
        block: str, row: str, label: str, keys: Iterable[str], width: int, versions: Iterable[str]
    ) -> Slot:
        f = fold(label)
        return Slot(block, row, label, tuple(keys), width, frozenset(versions), frozenset(f), f)


@dataclass
class Cand:
    """A candidate row: label tokens then value tokens (indices into the token list)."""

    labels: list[int]
    values: list[int]
    suffixes: list[str] = field(default_factory=list)  # folded last 1..3 labels
    extra: list[int] = field(default_factory=list)  # fragments healed into this row

    @property
    def last(self) -> int:
        return max([*self.labels, *self.values, *self.extra])


def strip_punct(text: str) -> str:
    return _PUNCT.sub("", text)


def only_words(folded: str, words: Sequence[str]) -> bool:
    """True when the text is nothing but header words (and punctuation)."""
    rest = strip_punct(folded)
    if not rest:
        return False
    for w in words:
        rest = rest.replace(w, "")
    return not rest


def candidates(toks: list[Tok], lo: int, hi: int) -> list[Cand]:
    out: list[Cand] = []
    i = lo
    while i < hi:
        if toks[i].kind is not Kind.LABEL:
            i += 1
            continue
        j = i
        while j < hi and toks[j].kind in (Kind.LABEL, Kind.JUNK):
            j += 1
        labels = [x for x in range(i, j) if toks[x].kind is Kind.LABEL]
        k = j
        while k < hi and toks[k].kind in (Kind.VALUE, Kind.JUNK):
            k += 1
        values = [x for x in range(j, k) if toks[x].kind is Kind.VALUE]
        suffixes = [
            "".join(toks[x].folded for x in labels[-s:]) for s in range(1, min(3, len(labels)) + 1)
        ]
        out.append(Cand(labels, values, suffixes))
        i = k
    return out


def _jaccard(text: str, chars: frozenset[str]) -> float:
    mine = set(text)
    if not mine or not chars:
        return 0.0
    return len(mine & chars) / len(mine | chars)


def score(c: Cand, slot: Slot, fuzzy: bool = True) -> float:
    best = 0.0
    for s, text in enumerate(c.suffixes):
        for rank, key in enumerate(slot.keys):
            if key and key in text:
                base = len(key) + (10 if rank == 0 else 8) - 2 * s
                best = max(best, base + 10 * _jaccard(text, slot.chars))
    if best == 0 and fuzzy and c.suffixes:
        last = c.suffixes[0]
        cov = _jaccard(last, slot.chars)
        if cov >= 0.6 and len(last) >= 3:
            best = 10 * cov
        elif len(last) >= 4 and slot.folded.startswith(last):  # a label cut short
            best = 6 + 10 * len(last) / len(slot.folded)
    return best


def best_score(c: Cand, slots: Sequence[Slot]) -> float:
    return max((score(c, s) for s in slots), default=0.0)


def heal(toks: list[Tok], cands: list[Cand], slots: Sequence[Slot]) -> list[Cand]:
    """Put back label fragments that a page or line break moved below their row's numbers
    ("7.属于行" … numbers … "政执法案卷"): a fragment joins the row above when that makes the
    row's label clearly better."""
    out: list[Cand] = []
    for c in cands:
        p = out[-1] if out else None
        blank = all(toks[i].empty for i in c.values)
        frag = toks[c.labels[0]]
        if (
            p is not None
            and p.values
            and not all(toks[i].empty for i in p.values)
            and (len(c.labels) > 1 or blank)
            and len(frag.folded) <= 40
        ):
            base = [toks[i].folded for i in p.labels]
            base[-1] += frag.folded
            trial = Cand(p.labels, p.values)
            trial.suffixes = ["".join(base[-s:]) for s in range(1, min(3, len(base)) + 1)]
            if best_score(trial, slots) >= best_score(p, slots) + 5:
                p.suffixes = trial.suffixes
                p.extra.append(c.labels[0])
                if len(c.labels) == 1:
                    p.extra.extend(c.values)
                    continue
                c = Cand(c.labels[1:], c.values)
                c.suffixes = [
                    "".join(toks[x].folded for x in c.labels[-s:])
                    for s in range(1, min(3, len(c.labels)) + 1)
                ]
        out.append(c)
    return out


def align(cands: list[Cand], slots: list[Slot], blank: list[bool]) -> list[tuple[int, int]]:
    """Monotone alignment of candidates to slots maximising the total label score.

    `blank[i]` marks candidates whose values are all blank: they may match a slot only by key
    (a stray label fragment over empty layout cells is not a row)."""
    n, m = len(cands), len(slots)
    scores = [[score(c, s, fuzzy=not blank[i]) for s in slots] for i, c in enumerate(cands)]
    dp = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        row, prev = dp[i], dp[i - 1]
        sc = scores[i - 1]
        for j in range(1, m + 1):
            best = max(prev[j], row[j - 1])
            s = sc[j - 1]
            if s > 0 and prev[j - 1] + s > best:
                best = prev[j - 1] + s
            row[j] = best
    pairs: list[tuple[int, int]] = []
    i, j = n, m
    while i > 0 and j > 0:
        s = scores[i - 1][j - 1]
        if s > 0 and abs(dp[i][j] - (dp[i - 1][j - 1] + s)) < 1e-9:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif abs(dp[i][j] - dp[i - 1][j]) < 1e-9:
            i -= 1
        else:
            j -= 1
    pairs.reverse()
    return pairs


def unordered(
    cands: list[Cand], slots: list[Slot], blank: list[bool], pairs: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Rows left over by the in-order alignment matched to the rows still missing by their
    label alone, wherever they stand (text extracted box by box prints rows out of order).
    Only a match by a row's own key words to the slot it fits best counts, best first, each
    row and slot once."""
    used_c = {i for i, _ in pairs}
    used_s = {j for _, j in pairs}
    rest = [i for i in range(len(cands)) if i not in used_c and not blank[i]]
    free = [j for j in range(len(slots)) if j not in used_s]
    if not rest or not free:
        return pairs
    best = {i: max(score(cands[i], s, fuzzy=False) for s in slots) for i in rest}
    scored = sorted(
        (
            (sc, i, j)
            for i in rest
            for j in free
            if (sc := score(cands[i], slots[j], fuzzy=False)) >= best[i] - 1e-9
        ),
        reverse=True,
    )
    extra: list[tuple[int, int]] = []
    for sc, i, j in scored:
        if sc <= 0:
            break
        if i in used_c or j in used_s:
            continue
        used_c.add(i)
        used_s.add(j)
        extra.append((i, j))
    return sorted([*pairs, *extra])


def _count(toks: Sequence[Tok]) -> int:
    return sum(max(1, len(t.parts)) for t in toks)


def take(toks: list[Tok], cand: Cand, width: int) -> list[Tok]:
    """The value tokens that belong to the candidate's row.

    Values on the label's own line/row come first; when they are fewer than the row needs (a
    row broken over lines, one value per line) whole following rows are added."""
    vals = [toks[i] for i in cand.values]
    label_row = toks[cand.labels[-1]].row
    chosen = [t for t in vals if t.row == label_row]
    rest = [t for t in vals if t.row != label_row]
    for _, group in groupby(rest, key=lambda t: t.row):
        if _count(chosen) >= width:
            break
        chosen.extend(group)
    while _count(chosen) > width and chosen and chosen[-1].empty:
        chosen.pop()
    while _count(chosen) > width and chosen and chosen[0].empty:
        chosen.pop(0)
    return chosen


@dataclass
class RowRead:
    raws: list[str] | None  # one raw text per cell; None when the row could not be read
    printed: str  # the numbers as printed
    options: list[tuple[str, ...]] = field(default_factory=list)  # readings that fit
    split: bool = False  # read by re-cutting run-together digits
    orphans: int = 0  # numbers after the row that belong to no row
    truncated: bool = False  # too many ways to cut the digits to search through
    unverified: bool = (
        False  # one cut fits the row, but the column sums refute or cannot confirm it
    )


def _pieces(chosen: Sequence[Tok]) -> list[Piece]:
    pieces: list[Piece] = []
    for t in chosen:
        if not t.parts:
            pieces.append(Piece("", False))
            continue
        if len(t.parts) == 1 and not is_digits(t.parts[0]):
            pieces.append(Piece(t.text, False))  # keep the cell as printed ("281841.1 元")
            continue
        run: list[str] = []
        for p in (*t.parts, None):
            if p is not None and is_digits(p):
                run.append(p)
                continue
            if run:
                pieces.append(Piece("".join(run), True, tuple(run)))
                run = []
            if p is not None:
                pieces.append(Piece(p, False))
    return pieces


def _number(text: str) -> float | None:
    from gknb.values import parse_value

    return parse_value(text).value if text else 0


def _join_signs(cells: list[str], extra: int) -> list[str]:
    out: list[str] = []
    for c in cells:
        if extra and out and is_sign(out[-1]) and c[:1].isdigit():
            out[-1] += c
            extra -= 1
        else:
            out.append(c)
    return out


def read_row(toks: list[Tok], cand: Cand, width: int, check: Check | None) -> RowRead:
    chosen = take(toks, cand, width)
    printed = " ".join(t.text if t.text else "□" for t in chosen)
    taken = {t.index for t in chosen}
    orphans = sum(1 for i in cand.values if i not in taken and not toks[i].empty)
    if orphans >= max(width, 2):  # a whole row's worth of numbers with no label: lost order
        return RowRead(None, printed, orphans=orphans)
    pieces = _pieces(chosen)
    preferred: list[str] = []
    for p in pieces:
        preferred.extend(p.preferred if p.digits else (p.text,))
    if len(preferred) > width:  # "减 51" printed with a space: the sign belongs to the number
        preferred = _join_signs(preferred, len(preferred) - width)
    if len(preferred) == width:
        framed = all(t.framed and len(t.parts) <= 1 for t in chosen)
        if framed or check is None or check([_number(c) for c in preferred]):
            return RowRead(preferred, printed)
        # the spacing gives a reading the sums refute: it is the report's own mistake unless the
        # spaces were stray and another cut of the same digits fits
        found = search(pieces, width, _number, check)
        if not found.readings and not found.truncated:
            return RowRead(preferred, printed)
        return RowRead(
            None, printed, [tuple(preferred), *found.readings], truncated=found.truncated
        )
    if width == 1 and len({p for p in preferred if p}) == 1:
        return RowRead([next(p for p in preferred if p)], printed)  # a spanned cell repeated
    if check is None and any(p.digits and p.text.strip("0") for p in pieces):
        return RowRead(None, printed)  # no arithmetic to confirm a cut: never guess
    found = search(pieces, width, _number, check)
    if len(found.readings) == 1 and not found.truncated:
        return RowRead(list(found.readings[0]), printed, found.readings, split=True)
    return RowRead(None, printed, found.readings, truncated=found.truncated)
