"""Property tests: consistent reports pass; changing any single input cell breaks the expected
rule, and the finding names that cell."""

from hypothesis import given, settings
from hypothesis import strategies as st

from gknb.formats import FORMATS
from gknb.model import Severity
from gknb.rules import check
from gknb.synth import consistent_report
from gknb.values import parse_value


def expected_rules(key) -> set[str]:
    block, row, _col = key
    if block == "T4":
        return {"R4"}
    if block == "T3":
        if row in ("new", "carry_in", "carry_out"):
            return {"R1", "R3"}
        return {"R2", "R3"}
    return set()


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
    fired = {f.rule for f in findings if key in f.keys}
    assert fired == expected_rules(key)


@settings(max_examples=60, deadline=None)
@given(version=st.sampled_from(["2019", "2021"]), seed=st.integers(0, 10_000))
def test_consistent_report_has_no_error_findings(version, seed):
    assert [f for f in check(consistent_report(version, seed)) if f.severity == "error"] == []


@settings(max_examples=60, deadline=None)
@given(version=st.sampled_from(["2019", "2021"]), seed=st.integers(0, 10_000), data=st.data())
def test_text_in_any_cell_is_an_r5_error_on_that_cell(version, seed, data):
    report = consistent_report(version, seed)
    key = data.draw(st.sampled_from(list(FORMATS[version].keys())))
    report.cells[key] = parse_value("见附件", FORMATS[version].kind(key))
    r5 = [f for f in check(report) if f.rule == "R5"]
    assert [f.keys[0] for f in r5] == [key]
