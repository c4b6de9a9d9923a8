"""One case per rule and severity, on small Reports built in code."""

from dataclasses import replace

import pytest

from gknb.formats import F2021, FORMATS
from gknb.model import Prior, Severity, summary_line
from gknb.rules import RULES, applies, check
from gknb.synth import consistent_report
from gknb.values import parse_value


def report_with(version: str, changes: dict, year: int | None = None, texts=None, prior=None):
    report = consistent_report(version, seed=7, year=year)
    for key, raw in changes.items():
        report.cells[key] = parse_value(raw, report.format.kind(key))
    report.texts.update(texts or {})
    report.prior = prior
    return report


def fired(report):
    return [(f.rule, f.severity, f.keys[0] if f.keys else None) for f in check(report)]


def bump(report_version: str, key, delta=1):
    base = consistent_report(report_version, seed=7)
    return {key: base.value(key) + delta}


def test_consistent_reports_have_no_findings():
    for version in ("2019", "2021"):
        for seed in range(20):
            assert check(consistent_report(version, seed)) == []


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_r1_carry_out_wrong(version):
    key = ("T3", "carry_out", "natural")
    changes = bump(version, key)
    changes[("T3", "carry_out", "total")] = (
        consistent_report(version, 7).value(("T3", "carry_out", "total")) + 1
    )
    got = fired(report_with(version, changes))
    assert ("R1", Severity.ERROR, key) in got
    assert ("R1", Severity.ERROR, ("T3", "carry_out", "total")) in got
    assert {g[0] for g in got} == {"R1"}


def test_r2_grand_total_wrong():
    key = ("T3", "r7_total", "research")
    # R1 of the column and R3 of the （七）总计 row miss by the same 1: one finding, on the cell
    assert fired(report_with("2021", bump("2021", key))) == [("R2", Severity.ERROR, key)]


def test_r3_row_total_wrong():
    key = ("T3", "r4_2", "total")
    got = fired(report_with("2021", bump("2021", key)))
    assert got[0] == ("R3", Severity.ERROR, key)


@pytest.mark.parametrize("part", ["rv", "ld", "la"])
def test_r4_review_litigation_totals(part):
    key = ("T4", "all", f"{part}_total")
    assert fired(report_with("2021", bump("2021", key))) == [("R4", Severity.ERROR, key)]


@pytest.mark.parametrize(
    ("key", "raw", "rule", "severity"),
    [
        (("T3", "r1_open", "natural"), "abc", "R5", Severity.ERROR),
        (("T3", "r1_open", "natural"), -2, "R5", Severity.ERROR),
        (("T3", "r1_open", "natural"), 1.5, "R5", Severity.ERROR),
        (("T2_8", "fee", "amount"), -0.5, "R5", Severity.ERROR),
        (("T3", "r1_open", "natural"), None, "R5a", Severity.WARNING),
        (("T3", "r1_open", "natural"), "/", "R5a", Severity.WARNING),
        (("T3", "r1_open", "natural"), "—", "R5a", Severity.WARNING),
        (("T2_5", "license", "decisions"), "4个", "R5b", Severity.WARNING),
    ],
)
def test_r5_cell_values(key, raw, rule, severity):
    got = fired(report_with("2021", {key: raw}))
    assert (rule, severity, key) in got


def test_r5_signed_change_may_be_negative_in_2019_only():
    key = ("T2_5", "license", "change")
    assert fired(report_with("2019", {key: -8})) == []
    assert fired(report_with("2019", {key: "减51"})) == [("R5b", Severity.WARNING, key)]
    assert fired(report_with("2019", {key: "减"})) == [("R5", Severity.ERROR, key)]


def test_r5b_value_is_used_by_arithmetic():
    base = consistent_report("2021", 7)
    key = ("T3", "r1_open", "natural")
    got = fired(report_with("2021", {key: f"{base.value(key)}件"}))
    assert got == [("R5b", Severity.WARNING, key)]


def test_r6_carry_in_against_last_year():
    base = consistent_report("2021", 7)
    prior = Prior(year=2024, carry_out={c.id: base.value(("T3", "carry_in", c.id))
                                        for c in base.format.block("T3").cols})  # fmt: skip
    assert fired(report_with("2021", {}, prior=prior)) == []
    prior.carry_out["legal_service"] = (prior.carry_out["legal_service"] or 0) + 2
    got = fired(report_with("2021", {}, prior=prior))
    assert got == [("R6", Severity.WARNING, ("T3", "carry_in", "legal_service"))]


@pytest.mark.parametrize(
    ("year", "agency", "said"),
    [
        (2023, "测试局", "2023年度报告，本报告是2025年度"),
        (2024, "另一局", "另一局的报告，本报告是测试局的"),
    ],
)
def test_r6_last_year_of_another_year_or_agency_is_said_once(year, agency, said):
    """Last year's figures from the wrong report: one warning with what to do, no comparisons."""
    base = consistent_report("2021", 7)
    carry = {
        c.id: (base.value(("T3", "carry_in", c.id)) or 0) + 1 for c in base.format.block("T3").cols
    }
    prior = Prior(year=year, carry_out=carry, agency=agency)
    (f,) = check(report_with("2021", {}, prior=prior))
    assert (f.rule, f.severity, f.row) == ("R6", Severity.WARNING, "上年数据")
    assert said in f.message and "--prior" in f.message


def _t2_2021(issued, repealed, in_force):
    return {
        ("T2_1", "normative", "issued"): issued,
        ("T2_1", "normative", "repealed"): repealed,
        ("T2_1", "normative", "in_force"): in_force,
    }


def test_r7_in_force_hint_and_r8_repealed_warning():
    prior = Prior(year=2024, in_force={"regulation": None, "normative": 10})
    assert fired(report_with("2021", _t2_2021(3, 2, 11), prior=prior)) == []
    got = fired(report_with("2021", _t2_2021(3, 2, 15), prior=prior))
    assert got == [("R7", Severity.HINT, ("T2_1", "normative", "in_force"))]
    got = fired(report_with("2021", _t2_2021(1, 20, 0), prior=prior))
    assert ("R8", Severity.WARNING, ("T2_1", "normative", "repealed")) in got


def test_r9_published_not_above_total_2019():
    changes = {("T2_1", "normative", "published"): 30, ("T2_1", "normative", "total_public"): 23}
    assert fired(report_with("2019", changes)) == [
        ("R9", Severity.WARNING, ("T2_1", "normative", "published"))
    ]


FEE_SAID = {"6": "本年度未收取信息处理费。"}  # keeps R12 quiet in the text tests


def test_r10_narrative_against_tables():
    base = consistent_report("2021", 7)
    new = base.value(("T3", "new", "total"))
    texts = {**FEE_SAID, "1": f"本年度共收到政府信息公开申请{new}件，均已按时答复。"}
    assert fired(report_with("2021", {}, texts=texts)) == []
    texts = {**FEE_SAID, "1": f"本年度有{new + 3}起申请公开政府信息的情况。"}
    got = fired(report_with("2021", {}, texts=texts))
    assert got == [("R10", Severity.WARNING, ("T3", "new", "total"))]


def test_r10_all_upheld_while_a_case_is_pending():
    pending = {("T4", "all", "rv_pending"): 1, ("T4", "all", "rv_correct"): 0,
               ("T4", "all", "rv_other"): 0, ("T4", "all", "rv_uphold"): 1,
               ("T4", "all", "rv_total"): 2}  # fmt: skip
    texts = {**FEE_SAID, "1": "本年度发生行政复议2件，均获维持。"}
    got = fired(report_with("2021", pending, texts=texts))
    assert [g[0] for g in got] == ["R10"]


def test_r10_zero_claim_and_chinese_numerals():
    zero = {("T3", "new", c): 0 for c in ("natural", "commercial", "research",
                                           "public_interest", "legal_service", "other")}  # fmt: skip
    zero[("T3", "new", "total")] = 0
    # the table is now unbalanced (R1), but R10 is what this test is about
    texts = {**FEE_SAID, "1": "本年度收到政府信息公开申请三件。"}
    assert ("R10", Severity.WARNING, ("T3", "new", "total")) in fired(
        report_with("2021", zero, texts=texts)
    )
    base = consistent_report("2021", 7)
    if base.value(("T3", "new", "total")):
        texts = {**FEE_SAID, "1": "2025年全年我局无依申请公开信息。"}
        assert [g[0] for g in fired(report_with("2021", {}, texts=texts))] == ["R10"]


def test_r10_ignores_numbers_about_other_things():
    texts = {**FEE_SAID, "1": "建议提案共计 4 件，已全部公开。依申请公开件分类统计表见附件。"}
    assert fired(report_with("2021", {}, texts=texts)) == []


def test_r11_fee_in_yuan():
    key = ("T2_8", "fee", "amount")
    assert fired(report_with("2021", {key: 28000})) == [("R11", Severity.WARNING, key)]
    assert fired(report_with("2021", {key: 12.5})) == []


def test_r12_information_fee_not_mentioned():
    from gknb.synth import report_from_values
    from gknb.totals import compute_totals

    values = {k: c.value for k, c in consistent_report("2021", 7).cells.items()}
    values[("T3", "r6_2", "natural")] += 1  # one more case closed for an unpaid fee
    values[("T3", "new", "natural")] += 1
    for change in compute_totals(report_from_values("2021", values)):
        values[change.key] = change.new
    report = report_from_values("2021", values, year=2025)
    report.texts["6"] = "本年度无其他需要报告的事项。"
    assert [(f.rule, f.severity) for f in check(report)] == [("R12", Severity.HINT)]
    report.texts["6"] = "本年度收取信息处理费0元。"
    assert check(report) == []


def test_r13_format_does_not_match_year():
    got = fired(consistent_report("2019", 7, year=2025))
    assert got == [("R13", Severity.ERROR, None)]
    assert fired(consistent_report("2021", 7, year=2020)) == [("R13", Severity.ERROR, None)]
    assert fired(consistent_report("2019", 7, year=2020)) == []


def test_catalogue_covers_every_rule_and_summary():
    ids = [r.id for r in RULES]
    assert ids == ["R1", "R2", "R3", "R4", "R5", "R5a", "R5b", "R6", "R7", "R8", "R9", "R10",
                   "R11", "R12", "R13", "R14", "READ"]  # fmt: skip
    report = report_with("2021", {("T3", "r1_open", "natural"): "abc"})
    assert summary_line(check(report)) == "错误 1 处，警告 0 处，提示 0 处"
    assert summary_line([]) == "错误 0 处，警告 0 处，提示 0 处"


def test_every_catalogue_entry_carries_its_check():
    for rule in RULES:
        # exactly one: a check of one report, or a comparison of reports (R14)
        assert (rule.check is None) != (rule.compare is None), rule.id
        assert rule.part is None or hasattr(F2021, rule.part), rule.id


def test_a_rule_applies_where_the_format_declares_its_part():
    applying = {v: {r.id for r in RULES if applies(r, FORMATS[v])} for v in FORMATS}
    assert applying["2019"] - applying["2021"] == {"R9"}
    assert applying["2021"] - applying["2019"] == {"R7", "R8", "R11", "R12"}
    bare = replace(F2021, version="test", in_force=None, fee_in_wan=None, unpaid_fee=None)
    assert {r.id for r in RULES if not applies(r, bare)} == {"R7", "R8", "R9", "R11", "R12"}


def test_findings_are_grouped_by_table_in_report_order():
    report = report_with(
        "2021",
        {("T4", "all", "rv_total"): 99, ("T2_5", "license", "decisions"): "/",
         ("T3", "r1_open", "natural"): "x"},
    )  # fmt: skip
    tables = [f.table[:1] for f in check(report)]
    assert tables == sorted(tables, key="二三四".index)


def test_r10_withdrawn_applications_are_not_a_count_of_received():
    texts = {**FEE_SAID, "1": "本年度有2件申请人撤回申请。"}
    assert fired(report_with("2021", {}, texts=texts)) == []
