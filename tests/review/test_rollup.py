"""gknb review --rollup: a consolidated report against the sum of its units' reports."""

import random

import pytest
from openpyxl import Workbook, load_workbook

from gknb.errors import GknbError
from gknb.formats import FORMATS
from gknb.review.batch import review
from gknb.review.rollup import Link, check_cycles
from gknb.rules.rollup import rollup_keys
from gknb.synth import consistent_values


def plan(path, rows, header=("上级", "下级")):
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def units(book, parent_is_sum: bool):
    """Two units, and a parent that holds either their sum (consistent: every rule is linear)
    or only the first unit's figures (below the sum wherever the second unit has cases)."""
    fmt = FORMATS["2021"]
    a = consistent_values(fmt, random.Random(1))
    b = consistent_values(fmt, random.Random(2))
    book("区甲局.xlsx", agency="区甲局", values=a)
    book("区乙局.xlsx", agency="区乙局", values=b, seed=2)
    parent = {k: a[k] + b[k] for k in a} if parent_is_sum else dict(a)
    book("市局汇总.xlsx", agency="市局", values=parent, seed=3)
    return a, b


def overview(path):
    ws = load_workbook(path)["问题明细"]
    return [r for r in ws.iter_rows(values_only=True) if r[0] == "R14"]


def test_parent_below_its_units_gets_r14_with_both_sides(book, tmp_path):
    a, b = units(book, parent_is_sum=False)
    key = ("T3", "new", "total")
    assert b[key] > 0
    p = plan(tmp_path / "计划.xlsx", [("市局汇总.xlsx", "区甲局.xlsx"), ("市局", "区乙局")])
    out = tmp_path / "汇总.xlsx"
    outcome = review([book.folder], out, jobs=1, rollup=p)
    rows = overview(out)
    assert rows and all(r[9] == "市局汇总.xlsx" for r in rows)
    total_row = next(r for r in rows if (r[3] or "").startswith("一、") and r[4] == "总计")
    assert total_row[7] == a[key] and total_row[6] == f"≥ {a[key] + b[key]}"
    assert "区甲局.xlsx" in total_row[8] and "区乙局.xlsx" in total_row[8]
    expected = sum(1 for k in rollup_keys(FORMATS["2021"]) if b[k] > 0)
    assert len(rows) == expected
    parent = next(e for e in outcome.entries if e.display == "市局汇总.xlsx")
    assert parent.counts[1] >= 1 and any("汇总对照" in n for n in parent.notes)


def test_parent_at_or_above_its_units_has_no_r14(book, tmp_path):
    units(book, parent_is_sum=True)
    p = plan(tmp_path / "计划.xlsx", [("市局汇总", "区甲局"), ("市局汇总", "区乙局.xlsx")])
    out = tmp_path / "汇总.xlsx"
    review([book.folder], out, jobs=1, rollup=p)
    assert overview(out) == []


def test_missing_file_in_plan_is_a_clear_error(book, tmp_path):
    units(book, parent_is_sum=True)
    p = plan(tmp_path / "计划.xlsx", [("市局汇总.xlsx", "不存在的县局.docx")])
    with pytest.raises(GknbError, match=r"不存在的县局\.docx.*找不到"):
        review([book.folder], tmp_path / "汇总.xlsx", jobs=1, rollup=p)
    assert not (tmp_path / "汇总.xlsx").exists()


def test_cycle_in_plan_is_a_clear_error(book, tmp_path):
    p = plan(tmp_path / "计划.xlsx", [("市局", "区甲局"), ("区甲局", "区乙局"), ("区乙局", "市局")])
    with pytest.raises(GknbError, match="循环：市局 → 区甲局 → 区乙局 → 市局"):
        review([book.folder], tmp_path / "汇总.xlsx", jobs=1, rollup=p)
    with pytest.raises(GknbError, match="循环"):
        check_cycles([Link("甲", "乙", 2), Link("乙", "甲", 3)], "p.xlsx")


@pytest.mark.parametrize(
    ("header", "rows", "expect"),
    [
        (("机关", "单位"), [("a", "b")], "“上级”和“下级”两列"),
        (("上级", "下级"), [("a", None)], "第 2 行只填了"),
        (("上级", "下级"), [], "没有上下级关系"),
        (("上级", "下级"), [("a", "a")], "同一个"),
    ],
)
def test_bad_plans(tmp_path, book, header, rows, expect):
    units(book, parent_is_sum=True)
    p = plan(tmp_path / "计划.xlsx", rows, header)
    with pytest.raises(GknbError, match=expect):
        review([book.folder], tmp_path / "汇总.xlsx", jobs=1, rollup=p)
