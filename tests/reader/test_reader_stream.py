"""Layout-free reading, the property as the spec: any consistent report the project can make
(both formats, blank cells, zero rows, large numbers), printed by the project itself in layouts
that keep neither lines nor cells — one line without any white space, white space collapsed,
stray spaces in rows, labels glued to numbers, item numbers glued to the previous total,
Markdown tables split around headings, table 三's rows out of order, a web page escaped into a
text file — is read back with exactly the same numbers, or with a READ finding naming the row
of every cell it could not place. Never a wrong number, never an error the report does not
have. With one number changed, the rule that change breaks fires on that row and column (or
the row is named as unreadable).

Examples per run are modest in CI; `GKNB_READER_EXAMPLES=2000` (bench/fuzz runs) tries more.
"""

from __future__ import annotations

import os
import random
import tempfile
from pathlib import Path

import reader_layouts as L
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from gknb.formats import FORMATS, TABLE_TITLES, Key
from gknb.model import Report, Severity
from gknb.reader import read_report, read_text
from gknb.rules import check
from gknb.synth import consistent_values, report_from_values
from gknb.totals import compute_totals
from gknb.values import parse_value

EXAMPLES = int(os.environ.get("GKNB_READER_EXAMPLES", "150"))
LAYOUTS = (
    "one_line", "collapsed", "stray", "glued_labels", "glued_items", "box", "markdown_split",
    "escaped",
)  # fmt: skip


STYLES = ("as made", "zero rows", "large", "all zero")


def make(version: str, seed: int, style: str, blanks: bool) -> Report:
    """A consistent report: the project's own figures, with rows of zeros, large numbers and
    blank cells (a blank reads as 0, so only zeros are blanked)."""
    fmt = FORMATS[version]
    rng = random.Random(seed)
    values: dict[Key, object] = dict(consistent_values(fmt, rng))
    t3 = fmt.block("T3")
    cols = [c.id for c in t3.cols if c.id != "total"]
    results = [r.id for r in t3.rows if r.section and r.id != "r7_total"]
    for col in cols:
        for r in results:
            v = values[("T3", r, col)]
            if style == "all zero" or (style == "zero rows" and rng.random() < 0.5):
                v = 0
            elif style == "large" and rng.random() < 0.3:
                v = rng.randint(100, 999_999)
            values[("T3", r, col)] = v
        handled = sum(int(values[("T3", r, col)]) for r in results)
        carry_out = 0 if style == "all zero" else rng.choice((0, 1, rng.randint(0, 50)))
        carry_in = 0 if style == "all zero" else rng.randint(0, handled + carry_out)
        values[("T3", "carry_out", col)] = carry_out
        values[("T3", "carry_in", col)] = carry_in
        values[("T3", "new", col)] = handled + carry_out - carry_in
    if style == "all zero":
        for key in fmt.keys():
            if key[0] == "T4":
                values[key] = 0
    report = report_from_values(version, values)
    for change in compute_totals(report):
        values[change.key] = change.new
    if blanks:  # some zero inputs left blank
        zeros = [k for k in fmt.input_keys() if values[k] == 0]
        for k in rng.sample(zeros, min(len(zeros), rng.randint(1, 4))):
            values[k] = ""
    report = report_from_values(version, values, year=2020 if version == "2019" else 2025)
    report.agency = "某某市某某局"
    report.texts = {
        "1": f"本年度共收到政府信息公开申请{report.value(('T3', 'new', 'total'))}件。",
        "5": "存在问题。",
        "6": "本机关未收取信息处理费。",
    }
    return report


reports = st.builds(
    make,
    st.sampled_from(["2019", "2021"]),
    st.integers(0, 2**32),
    st.sampled_from(STYLES),
    st.booleans(),
)


def render(report: Report, layout: str, rng: random.Random) -> Report:
    if layout == "one_line":
        return read_text(L.one_line(report))
    if layout == "collapsed":
        return read_text(L.collapsed(report))
    if layout == "stray":
        return read_text(L.stray_spaces(report, rng))
    if layout == "glued_labels":
        return read_text(L.glued_labels(report))
    if layout == "glued_items":
        return read_text(L.glued_items(report))
    if layout == "box":
        return read_text(L.box_order(report, rng))
    if layout == "markdown_split":
        return read_text(L.markdown_split(report, rng))
    with tempfile.TemporaryDirectory() as tmp:  # escaped: a .txt that is a web page
        path = Path(tmp) / "报告.txt"
        path.write_text(L.escaped_html(report), encoding="utf-8")
        return read_report(path)


def _where(report: Report, key: Key) -> tuple[str, str, str]:
    fmt = report.format
    return TABLE_TITLES[fmt.block(key[0]).table], fmt.row_label(key), fmt.col_label(key)


def _unread_rows(got: Report) -> tuple[set[str], set[str]]:
    """Rows named by READ findings, and tables a READ finding gives up on as a whole."""
    unread = [f for f in got.structure if f.rule == "READ"]
    return {f.row for f in unread if f.row}, {f.table for f in unread if not f.row}


def _placed_or_named(src: Report, got: Report, skip: Key | None = None) -> None:
    rows, tables = _unread_rows(got)
    for key, cell in src.cells.items():
        if key == skip:
            continue
        table, row, _ = _where(src, key)
        if key in got.cells:
            assert got.value(key) == cell.value, (key, cell.raw, got.cells[key].raw)
        else:
            named = (
                table in tables
                or any(r in row or row in r for r in rows if r)
                or (key[0] == "T4" and any("表四" in f.message for f in got.structure))
            )
            assert named, (key, [f.message for f in got.structure])
    assert set(got.cells) <= set(src.cells)


def _triples(findings, severities=(Severity.ERROR, Severity.WARNING)):
    return {(f.rule, f.table, f.row, f.column) for f in findings if f.severity in severities}


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(report=reports, layout=st.sampled_from(LAYOUTS), seed=st.integers(0, 2**16))
# a blank cell before a signed 2019 change glued to its label ("行政处罚-38 1313")
@example(report=make("2019", 310, "zero rows", True), layout="glued_labels", seed=0)
@example(report=make("2019", 242, "large", True), layout="glued_labels", seed=0)
def test_every_layout_reads_back_or_says_which_rows(report: Report, layout: str, seed: int) -> None:
    got = render(report, layout, random.Random(seed))
    assert (got.version, got.year, got.agency) == (report.version, report.year, report.agency)
    assert [f.message for f in got.structure if f.rule != "READ"] == []
    _placed_or_named(report, got)
    # no error or warning the report itself does not have
    assert _triples(check(got)) <= _triples(check(report))


INPUTS = {v: [k for k in f.input_keys() if k[0] in ("T3", "T4")] for v, f in FORMATS.items()}
BOUNDED = ("collapsed", "stray", "glued_labels", "glued_items", "box", "markdown_split", "escaped")


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(report=reports, layout=st.sampled_from(BOUNDED), seed=st.integers(0, 2**16), data=st.data())
def test_one_wrong_number_fires_the_right_rule(
    report: Report, layout: str, seed: int, data: st.DataObject
) -> None:
    key = data.draw(st.sampled_from(INPUTS[report.version]))
    delta = data.draw(st.integers(1, 50))
    report.cells[key] = parse_value((report.value(key) or 0) + delta)
    got = render(report, layout, random.Random(seed))
    table, row, _ = _where(report, key)
    rows, tables = _unread_rows(got)
    # what the checker finds on the report itself, on the changed cell, must fire on what was
    # read (where every cell the finding names could be read)
    truth = [f for f in check(report) if f.severity is Severity.ERROR and key in f.keys]
    assert truth  # the change does break a rule
    want = {f.rule for f in truth if all(k in got.cells for k in f.keys)}
    if key in got.cells:
        assert got.value(key) == report.value(key)
        fired = {f.rule for f in check(got) if f.severity is Severity.ERROR and key in f.keys}
        if not rows and not tables:  # everything read: exactly what the report itself gives
            assert want <= fired <= {f.rule for f in truth}
        elif want:  # some rows unread: the checker may tell the change by another equation
            assert fired and fired <= {"R1", "R2", "R3", "R4"}
    else:  # the changed row could not be placed: it says so
        assert table in tables or any(r in row or row in r for r in rows) or key[0] == "T4"
    _placed_or_named(report, got, skip=key)
    errors = [f for f in check(got) if f.severity is Severity.ERROR]
    if not rows and not tables:
        assert _triples(errors, (Severity.ERROR,)) <= _triples(check(report), (Severity.ERROR,))
    else:  # every error is on the changed cell's row or column, never elsewhere
        for f in errors:
            assert f.rule in ("R1", "R2", "R3", "R4"), f.message
            assert any(k[0] == key[0] and (k[1] == key[1] or k[2] == key[2]) for k in f.keys)
