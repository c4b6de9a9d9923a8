"""生成说明文字: every number in the generated text equals the table, and R10 finds nothing."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from gknb import service
from gknb.rules import check
from gknb.rules.narrative import claims
from gknb.synth import consistent_report
from gknb.textgen import generate


@settings(max_examples=80, deadline=None)
@given(version=st.sampled_from(["2019", "2021"]), seed=st.integers(0, 10_000))
def test_generated_text_agrees_with_tables(version, seed):
    report = consistent_report(version, seed)
    texts = generate(report)
    report.texts.update(texts)
    report.texts["6"] = "本年度未收取信息处理费。"
    assert [f for f in check(report) if f.rule == "R10"] == []
    new = report.value(("T3", "new", "total"))
    stated = [c.number for c in claims(texts) if c.subject == "apply"]
    assert stated and all(n == new for n in stated)
    review = report.value(("T4", "all", "rv_total"))
    assert [c.number for c in claims(texts) if c.subject == "review"] == [review]
    # every number written is a table figure or the sum of one statutory group of rows/columns
    # (written out here from the national format, not taken from the code under test)
    organisations = ("commercial", "research", "public_interest", "legal_service", "other")
    result_groups = (
        ("r1_open",),
        ("r2_partial",),
        tuple(f"r3_{i}" for i in range(1, 9)),
        ("r4_1", "r4_2", "r4_3"),
        tuple(f"r5_{i}" for i in range(1, 6)),
        ("r6", "r6_1", "r6_2", "r6_3"),
    )
    figures = {report.value(k) for k in report.cells}
    figures.add(sum(report.value(("T3", "new", c)) for c in organisations))
    for rows in result_groups:
        figures.add(
            sum(
                report.value(("T3", r, "total")) for r in rows if ("T3", r, "total") in report.cells
            )
        )
    figures.add(report.value(("T4", "all", "ld_total")) + report.value(("T4", "all", "la_total")))
    numbers = re.findall(r"\d+", texts["3"] + texts["4"])
    assert len(numbers) >= 10  # the two parts state the statutory figures
    for number in numbers:
        assert int(number) in figures


def test_no_applications_and_no_cases():
    report = consistent_report("2021", 1)
    for key in report.cells:
        if key[0] in ("T3", "T4"):
            from gknb.values import parse_value

            report.cells[key] = parse_value(0)
    texts = generate(report)
    assert texts["3"] == "本年度未收到政府信息公开申请，无上年结转申请。"
    assert "未发生" in texts["4"]


def test_gknb_text_writes_own_cells_and_never_overwrites_clerk_text(make_book):
    path = make_book("2021")
    result = service.write_text(path)
    assert result.written == ["3", "4"]
    wb = load_workbook(path)
    assert wb["正文"]["B4"].value == result.texts["3"]
    wb["正文"]["B5"].value = "我自己写的复议诉讼情况。"
    wb["正文"]["B3"].value = "第一部分，我写的。"
    wb.save(path)
    again = service.write_text(path)
    assert again.written == ["3"] and again.kept == ["4"]
    wb = load_workbook(path)
    assert wb["正文"]["B5"].value == "我自己写的复议诉讼情况。"
    assert wb["正文"]["B3"].value == "第一部分，我写的。"
