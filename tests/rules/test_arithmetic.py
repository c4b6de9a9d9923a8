"""R1–R4 name the cell to change: expected/found are that cell's, a single wrong cell is named
(疑似) instead of every total it disturbs, and blank totals are computed, not blamed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from gknb import service
from gknb.cli import main
from gknb.formats import FORMATS, Key
from gknb.model import Report, Severity
from gknb.rules import check
from gknb.synth import consistent_report
from gknb.values import parse_value

T3_KEYS = {v: [k for k in FORMATS[v].keys() if k[0] == "T3"] for v in ("2019", "2021")}


def changed(version: str, seed: int, changes: dict[Key, int | float | None]) -> Report:
    report = consistent_report(version, seed)
    for key, value in changes.items():
        assert key in report.cells, key
        report.cells[key] = parse_value(value, report.format.kind(key))
    return report


def errors(report: Report):
    return [f for f in check(report) if f.severity is Severity.ERROR]


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_every_single_table_3_change_is_named_exactly(version):
    """Every cell of table 三, input or total, changed alone: one error, on that cell, with
    the value it had as expected and the changed value as found."""
    for seed in (1, 2):
        base = consistent_report(version, seed)
        for i, key in enumerate(T3_KEYS[version]):
            delta = (i % 7 + 1) * (1 if i % 2 else -1)
            old = base.value(key)
            assert old is not None
            new = old + delta if old + delta >= 0 else old + abs(delta)
            (f,) = errors(changed(version, seed, {key: new}))
            assert f.keys[0] == key and f.suspect, (key, f.message)
            assert (f.expected, f.found) == (old, new)
            assert f.message.startswith("疑似本格填错") and f"本格应为 {old}" in f.message


@pytest.mark.parametrize("part", ["rv", "ld", "la"])
def test_table_4_input_change_stays_on_its_group_total(part):
    """A group of table 四 is one sum of five cells: any of them could be the wrong one, so
    the finding is the group total's, with expected/found about the total."""
    base = consistent_report("2021", 3)
    key = ("T4", "all", f"{part}_correct")
    total = ("T4", "all", f"{part}_total")
    (f,) = errors(changed("2021", 3, {key: base.value(key) + 2}))
    assert (f.rule, f.keys[0], f.suspect) == ("R4", total, False)
    assert (f.found, f.expected) == (base.value(total), base.value(total) + 2)
    # the message names the group and lists its five candidate cells with their values
    group = {"rv": "「行政复议」", "ld": "「行政诉讼·未经复议直接起诉」",
             "la": "「行政诉讼·复议后起诉」"}[part]  # fmt: skip
    assert f"疑似{group}一组至少有一格填错" in f.message and "分不出是哪一格" in f.message
    for label, cell in zip(
        ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计"),
        ("uphold", "correct", "other", "pending", "total"),
        strict=True,
    ):
        value = base.value(("T4", "all", f"{part}_{cell}")) + (2 if cell == "correct" else 0)
        assert f"{label} {value}" in f.message
    assert set(f.keys) == {("T4", "all", f"{part}_{c}") for c in
                           ("uphold", "correct", "other", "pending", "total")}  # fmt: skip


def test_two_wrong_cells_by_different_amounts_are_both_named():
    base = consistent_report("2021", 5)
    a, b = ("T3", "r1_open", "natural"), ("T3", "r5_2", "other")
    found = errors(changed("2021", 5, {a: base.value(a) + 2, b: base.value(b) + 5}))
    assert sorted(f.keys[0] for f in found) == sorted([a, b])
    assert all(f.suspect for f in found)


def test_two_wrong_cells_by_the_same_amount_are_not_guessed():
    """Rows r1, r5 and columns natural, other all miss by 3: (r1, other) and (r5, natural)
    would explain them as well, so no cell is named and each broken sum is reported."""
    base = consistent_report("2021", 5)
    a, b = ("T3", "r1_open", "natural"), ("T3", "r5_2", "other")
    found = errors(changed("2021", 5, {a: base.value(a) + 3, b: base.value(b) + 3}))
    assert not any(f.suspect for f in found)
    assert {(f.rule, f.keys[0]) for f in found} == {
        ("R2", ("T3", "r7_total", "natural")),
        ("R2", ("T3", "r7_total", "other")),
        ("R3", ("T3", "r1_open", "total")),
        ("R3", ("T3", "r5_2", "total")),
    }


def test_r1_expected_and_found_are_the_cells_own_values():
    """README's example: D30 (结转下年度 · 自然人) holds 3 where the column gives 2."""
    base = consistent_report("2021", 1)
    key = ("T3", "carry_out", "natural")
    others = {("T3", "carry_out", "total"): base.value(("T3", "carry_out", "total")) + 1}
    found = errors(changed("2021", 1, {key: base.value(key) + 1, **others}))
    r1 = next(f for f in found if f.keys[0] == key)
    assert r1.rule == "R1" and (r1.expected, r1.found) == (base.value(key), base.value(key) + 1)
    assert f"应为 {base.value(key)}）" in r1.message


def test_suspect_is_listed_first_in_its_table():
    base = consistent_report("2021", 2)
    key = ("T3", "carry_out", "commercial")
    unit = ("T3", "new", "legal_service")
    report = changed("2021", 2, {key: base.value(key) + 1, unit: f"{base.value(unit)}件"})
    t3 = [f for f in check(report) if f.table.startswith("三")]
    assert t3[0].suspect and t3[0].keys[0] == key
    assert [f.rule for f in t3[1:]] == ["R5b"]


# ---- a template workbook before 填充合计 -----------------------------------------------


@pytest.fixture
def unfilled(make_book: Callable[..., Path]) -> Callable[..., Path]:
    """A template workbook with every input right and every grey total still blank."""

    def make(version: str = "2021", inputs: dict | None = None) -> Path:
        blanks: dict = dict.fromkeys(FORMATS[version].total_keys())
        return make_book(version, {**blanks, **(inputs or {})})

    return make


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_blank_totals_give_one_piece_of_advice(unfilled, version):
    findings = service.check_file(unfilled(version)).findings
    assert [(f.rule, f.severity) for f in findings] == [("R5a", Severity.WARNING)]
    assert "先点“填充合计”" in findings[0].message
    assert findings[0].cell is not None  # listed in 校验结果 and marked once


def test_blank_totals_the_inputs_are_still_judged(unfilled, capsys):
    """With the totals blank, a wrong input is still found, and no correct cell is blamed:
    结转下年度 · 科研机构 typed 4 too many is the one error, its expected the right value."""
    key = ("T3", "carry_out", "research")
    right = service.read_workbook(unfilled()).value(key)
    assert right is not None
    path = unfilled("2021", {key: right + 4})
    cell = service.read_workbook(path).locations[key]
    assert main(["check", "--json", str(path)]) == 1
    found = json.loads(capsys.readouterr().out)["findings"]
    errs = [f for f in found if f["severity"] == "error"]
    assert [(e["rule"], e["cell"], e["expected"], e["found"]) for e in errs] == [
        ("R1", cell, right, right + 4)
    ]
    assert sum("填充合计" in f["message"] and "还是空的" in f["message"] for f in found) == 1


def test_blank_totals_printed_once_even_among_many_blanks(unfilled, capsys):
    path = unfilled("2021", {("T2_1", "regulation", "issued"): None})
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.count("先点“填充合计”") == 1
    assert "错误 0 处，警告 2 处" in out


# ---- a report with no figures at all ------------------------------------------------------


def test_a_workbook_with_no_figures_is_an_error(tmp_path, capsys):
    from gknb.workbook.template import build_workbook

    path = tmp_path / "空白.xlsx"
    build_workbook("2021", agency="测试局", year=2025).save(path)
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "一个数字也没有" in out and "错误 1 处，警告 0 处" in out
