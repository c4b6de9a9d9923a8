import datetime as dt

import pytest

from gknb.formats import Kind
from gknb.model import Issue
from gknb.values import parse_value

C, A, S = Kind.COUNT, Kind.AMOUNT, Kind.SIGNED


@pytest.mark.parametrize(
    ("raw", "kind", "value", "issue"),
    [
        (3, C, 3, None),
        (3.0, C, 3, None),
        ("12", C, 12, None),
        ("１２", C, 12, None),  # full-width digits
        ("1,234", C, 1234, None),
        ("0\u3000", C, 0, None),  # full-width space after the number
        (None, C, 0, Issue.BLANK),
        ("", C, 0, Issue.BLANK),
        ("  ", C, 0, Issue.BLANK),
        ("/", C, 0, Issue.BLANK),
        ("／", C, 0, Issue.BLANK),
        ("-", C, 0, Issue.BLANK),
        ("—", C, 0, Issue.BLANK),
        ("无", C, 0, Issue.BLANK),
        ("4个", C, 4, Issue.UNIT),
        ("3 件", C, 3, Issue.UNIT),
        ("323.6万", A, 323.6, Issue.UNIT),
        ("281841.1 元", A, 281841.1, Issue.UNIT),
        ("减51", S, -51, Issue.UNIT),
        ("增7", S, 7, Issue.UNIT),
        ("-394", S, -394, None),
        ("+1036", S, 1036, None),
        (12.5, A, 12.5, None),
        ("abc", C, None, Issue.INVALID),
        ("减\u3000", S, None, Issue.INVALID),  # 减 with no number
        (-3, C, None, Issue.INVALID),  # negative count
        (2.5, C, None, Issue.INVALID),  # decimal count
        ("2.5", C, None, Issue.INVALID),
        (-1.5, A, None, Issue.INVALID),
        (True, C, None, Issue.INVALID),
        (dt.datetime(2025, 1, 2), C, None, Issue.INVALID),  # Excel turned 1-2 into a date
        ("=SUM(D5:I5)", C, None, Issue.INVALID),
        ("3（含1件）", C, None, Issue.INVALID),  # two numbers: ambiguous
    ],
)
def test_parse_value(raw, kind, value, issue):
    cell = parse_value(raw, kind)
    assert cell.value == value
    assert cell.issue == issue
    assert cell.raw == raw
    if issue is not None:
        assert cell.note  # every issue explains itself in Chinese
