"""填充合计 against figures added up by hand from FORMAT.md's rules: R2 （七）总计 = the result
rows (一)…(六) of its column, R3 总计 = the six applicant columns of its row, R4 each 表四 总计 =
维持 + 纠正 + 其他 + 尚未审结."""

from gknb.synth import consistent_report, report_from_values
from gknb.totals import compute_totals
from gknb.values import parse_value


def test_an_unreadable_input_blocks_only_its_totals():
    report = consistent_report("2021", 3)
    bad = ("T3", "r1_open", "natural")
    report.cells[bad] = parse_value("abc")
    blocked = {c.key for c in compute_totals(report) if c.new is None}
    assert blocked == {
        ("T3", "r1_open", "total"),
        ("T3", "r7_total", "natural"),
        ("T3", "r7_total", "total"),
    }


# Inputs of a 2021 report (everything else 0) and every total, worked out by hand.
HAND_INPUTS = {
    ("T3", "new", "natural"): 6,
    ("T3", "new", "legal_service"): 2,
    ("T3", "carry_in", "natural"): 1,
    ("T3", "r1_open", "natural"): 3,
    ("T3", "r1_open", "commercial"): 1,
    ("T3", "r2_partial", "natural"): 2,
    ("T3", "r4_1", "research"): 4,
    ("T3", "r6_2", "other"): 1,
    ("T3", "carry_out", "commercial"): 2,
    ("T4", "all", "rv_uphold"): 2,
    ("T4", "all", "rv_correct"): 1,
    ("T4", "all", "rv_pending"): 3,
    ("T4", "all", "ld_other"): 1,
}
HAND_TOTALS = {
    ("T3", "new", "total"): 8,  # 6 + 2
    ("T3", "carry_in", "total"): 1,
    ("T3", "r1_open", "total"): 4,  # 3 + 1
    ("T3", "r2_partial", "total"): 2,
    ("T3", "r4_1", "total"): 4,
    ("T3", "r6_2", "total"): 1,
    ("T3", "carry_out", "total"): 2,
    ("T3", "r7_total", "natural"): 5,  # 3 + 2
    ("T3", "r7_total", "commercial"): 1,
    ("T3", "r7_total", "research"): 4,
    ("T3", "r7_total", "other"): 1,
    ("T3", "r7_total", "total"): 11,  # 4 + 2 + 4 + 1
    ("T4", "all", "rv_total"): 6,  # 2 + 1 + 0 + 3
    ("T4", "all", "ld_total"): 1,
}


def test_totals_equal_the_hand_computed_figures():
    report = report_from_values("2021", HAND_INPUTS)
    got = {c.key: c.new for c in compute_totals(report)}
    assert set(got) == set(report.format.total_keys())
    want = {key: HAND_TOTALS.get(key, 0) for key in report.format.total_keys()}
    assert got == want


def test_the_2019_other_handling_row_counts_in_the_grand_total():
    report = report_from_values("2019", {("T3", "r6", "natural"): 2, ("T3", "r5_2", "other"): 3})
    got = {c.key: c.new for c in compute_totals(report)}
    assert got[("T3", "r6", "total")] == 2
    assert got[("T3", "r7_total", "natural")] == 2
    assert got[("T3", "r7_total", "other")] == 3
    assert got[("T3", "r7_total", "total")] == 5
