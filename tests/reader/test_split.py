"""The digit splitter: its pruned search finds exactly the readings a plain enumeration finds,
and it is bounded — a run it cannot pin down is reported, not searched for seconds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gknb.reader.split import MAX_FOUND, Piece, Sums, search
from gknb.values import parse_value


def _value(text: str) -> float | None:
    return parse_value(text).value if text else 0


def _brute(pieces: list[Piece], m: int, check: Sums | None) -> set[tuple[str, ...]]:
    """Every cut of every digit piece (no leading zeros), written without any pruning."""
    out: set[tuple[str, ...]] = set()

    def cuts(s: str) -> list[list[str]]:
        if not s:
            return [[]]
        result = []
        for n in range(1, len(s) + 1):
            head = s[:n]
            if len(head) > 1 and head[0] == "0":
                break
            result.extend([head, *tail] for tail in cuts(s[n:]))
        return result

    def go(i: int, acc: list[str]) -> None:
        if i == len(pieces):
            if len(acc) == m and (check is None or check([_value(c) for c in acc])):
                out.add(tuple(acc))
            return
        p = pieces[i]
        options = cuts(p.text) if p.digits else [[p.text]]
        for option in options:
            if len(acc) + len(option) <= m:
                go(i + 1, [*acc, *option])

    go(0, [])
    return out


_piece = st.one_of(
    st.text("0123456789", min_size=1, max_size=7).map(lambda s: Piece(s, True)),
    st.sampled_from(["4个", "/", "", "见附件", "12"]).map(lambda s: Piece(s, False)),
)


@settings(max_examples=300, deadline=None)
@given(
    pieces=st.lists(_piece, min_size=1, max_size=4),
    shape=st.sampled_from([(1, 7), (3, 5), (1, 3), (2, 2)]),
    arithmetic=st.booleans(),
)
def test_pruned_search_equals_plain_enumeration(pieces, shape, arithmetic) -> None:
    groups, width = shape
    check = Sums(groups, width) if arithmetic else None
    got = search(pieces, groups * width, _value, check)
    want = _brute(pieces, groups * width, check)
    if len(want) <= MAX_FOUND and not got.truncated:
        assert set(got.readings) == want
    else:  # cut short: what it did find is right
        assert set(got.readings) <= want


def test_search_is_bounded_beside_a_cell_without_a_number() -> None:
    """A long digit run next to a cell the sums cannot use: stopped, said so."""
    for pieces in (
        [Piece("见附件", False), Piece("1234567890" * 4, True)],
        [Piece("1234567890" * 3, True), Piece("见附件", False)],
        [Piece("9" * 200, True)],
    ):
        got = search(pieces, 7, _value, Sums(1, 7))
        assert got.truncated or len(got.readings) > MAX_FOUND


def test_the_last_cell_of_a_block_is_the_sum() -> None:
    got = search([Piece("640020470", True)], 7, _value, Sums(1, 7))
    assert got.readings == [("64", "0", "0", "2", "0", "4", "70")]
