"""Property tests: consistent reports pass; changing any single input cell gives one error that
names that cell (table 三: the row's and the column's sums agree on it), or for table 四, whose
groups are one sum each, the group's total."""

from hypothesis import given, settings
from hypothesis import strategies as st

from gknb.formats import FORMATS
from gknb.model import Severity
from gknb.rules import check
from gknb.synth import consistent_report
from gknb.values import parse_value


def expected(key) -> tuple[str, tuple[str, str, str], bool]:
    """(rule, cell named, named as the likely one) for one changed input cell."""
    block, row, _col = key
    if block == "T4":
        part = key[2].split("_")[0]
        return "R4", ("T4", "all", f"{part}_total"), False
    return ("R1" if row in ("new", "carry_in", "carry_out") else "R2"), key, True


T3_T4_INPUTS = {v: [k for k in f.input_keys() if k[0] in ("T3", "T4")] for v, f in FORMATS.items()}


@settings(max_examples=150, deadline=None)
@given(
    version=st.sampled_from(["2019", "2021"]),
    seed=st.integers(0, 10_000),
    data=st.data(),
)
def test_single_input_change_fires_expected_rule_on_that_cell(version, seed, data):
    report = consistent_report(version, seed)
    assert [f for f in check(report) if f.severity == Severity.ERROR] == []
    key = data.draw(st.sampled_from(T3_T4_INPUTS[version]))
    delta = data.draw(st.integers(1, 50))
    report.cells[key] = parse_value(report.value(key) + delta)
    findings = [f for f in check(report) if f.severity == Severity.ERROR]
    assert [(f.rule, f.keys[0], f.suspect) for f in findings] == [expected(key)]
    assert key in findings[0].keys
    if findings[0].suspect:
        now = report.value(key)
        assert (findings[0].expected, findings[0].found) == (now - delta, now)


@settings(max_examples=60, deadline=None)
@given(version=st.sampled_from(["2019", "2021"]), seed=st.integers(0, 10_000))
def test_consistent_report_has_no_error_findings(version, seed):
    assert [
        f for f in check(consistent_report(version, seed)) if f.severity is Severity.ERROR
    ] == []


@settings(max_examples=60, deadline=None)
@given(version=st.sampled_from(["2019", "2021"]), seed=st.integers(0, 10_000), data=st.data())
def test_text_in_any_cell_is_an_r5_error_on_that_cell(version, seed, data):
    report = consistent_report(version, seed)
    key = data.draw(st.sampled_from(list(FORMATS[version].keys())))
    report.cells[key] = parse_value("见附件", FORMATS[version].kind(key))
    r5 = [f for f in check(report) if f.rule == "R5"]
    assert [f.keys[0] for f in r5] == [key]
