"""What sets the registered formats apart, asked of the registry (FORMAT.md's two tables 二 and
三's （六） rows), and that a third format needs no list kept anywhere else."""

from __future__ import annotations

from dataclasses import replace

import pytest

from gknb.formats import F2019, F2021, FORMATS, Block, Line
from gknb.formats.across import distinctive, merged_rows, others, own_rows, remarks


def test_labels_only_one_format_prints_tell_the_formats_apart():
    # FORMAT.md: 2019's 表二 has 新制作/新公开/对外公开总数量, 上一年项目数量, 本年增/减 and the
    # 政府集中采购 block; 2021's has 制发/废止/现行有效, 本年处理决定数量 and the fee in 万元.
    # 处理决定数量 and 规范性文件 are inside 2021's labels, so they tell nothing.
    assert set(distinctive("2019", "T2")) == {
        "本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减",
        "采购项目数量", "采购总金额", "其他对外管理服务", "政府集中采购", "第二十条第(九)项",
    }  # fmt: skip
    assert distinctive("2021", "T2") == (
        "本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额",
        "行政规范性文件",
    )  # fmt: skip
    assert remarks("T2") == ("单位:万元",)


def test_table_three_rows_of_every_format_in_print_order():
    rows = [(line.id, versions) for line, versions in merged_rows("T3")]
    assert rows[0] == ("new", ("2019", "2021"))
    at = [r for r, _ in rows].index("r5_5")
    assert rows[at + 1 :] == [
        ("r6", ("2019",)),
        ("r6_1", ("2021",)),
        ("r6_2", ("2021",)),
        ("r6_3", ("2021",)),
        ("r7_total", ("2019", "2021")),
        ("carry_out", ("2019", "2021")),
    ]
    assert [r.id for r in own_rows("2019", "T3")] == ["r6"]
    assert [r.id for r in own_rows("2021", "T3")] == ["r6_1", "r6_2", "r6_3"]
    assert others("2019") == ["2021"] and others("2021") == ["2019"]


@pytest.fixture
def third(monkeypatch: pytest.MonkeyPatch):
    """A made-up later format: 2021's tables, with 制发 renamed and （六） as two rows."""
    t2_1 = F2021.block("T2_1")
    cols = (Line("issued", "本年新制发件数"), *t2_1.cols[1:])
    t3 = F2021.block("T3")
    rows = tuple(r for r in t3.rows if r.id not in ("r6_2", "r6_3"))
    at = [r.id for r in rows].index("r6_1") + 1
    rows = (*rows[:at], Line("r6_9", "2.其他", "（六）其他处理", "三、本年度办理结果"), *rows[at:])
    blocks: tuple[Block, ...] = tuple(
        replace(b, cols=cols) if b.id == "T2_1" else replace(b, rows=rows) if b.id == "T3" else b
        for b in F2021.blocks
    )
    fmt = replace(F2021, version="2030", blocks=blocks, sample_year=2031)
    monkeypatch.setitem(FORMATS, "2030", fmt)
    return fmt


def test_a_third_format_is_told_apart_by_the_registry_alone(third):
    assert distinctive("2030", "T2") == ("本年新制发件数",)
    assert distinctive("2021", "T2") == ("本年制发件数",)  # the rest 2030 prints too
    assert "本年新制作数量" in distinctive("2019", "T2")
    assert others("2021") == ["2019", "2030"]
    assert [r.id for r in own_rows("2030", "T3")] == ["r6_1", "r6_9"]  # 2019 lacks r6_1
    assert [r.id for r in own_rows("2021", "T3")] == ["r6_1", "r6_2", "r6_3"]
    ids = [(line.id, versions) for line, versions in merged_rows("T3")]
    assert [r for r, _ in ids if r.startswith("r6")] == ["r6", "r6_1", "r6_2", "r6_3", "r6_9"]
    assert dict(ids)["r6_1"] == ("2021", "2030")


def test_the_carried_over_rows_are_named_as_printed() -> None:
    assert F2021.in_force_labels() == {"regulation": "规章", "normative": "行政规范性文件"}
    assert F2019.in_force_labels() == {}


def test_result_groups_and_their_short_names() -> None:
    """The six results of table 三 as the national format prints them, (六) by format."""
    groups = dict(F2021.result_groups())
    assert list(groups) == ["予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他处理"]
    assert groups["不予公开"] == tuple(f"r3_{i}" for i in range(1, 9))
    assert groups["其他处理"] == ("r6_1", "r6_2", "r6_3")
    assert dict(F2019.result_groups())["其他处理"] == ("r6",)
    assert [c.label for c in F2019.organisations] == [
        "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他",
    ]  # fmt: skip
    assert F2021.t4_results() == (
        ("uphold", "结果维持"), ("correct", "结果纠正"), ("other", "其他结果"), ("pending", "尚未审结"),
    )  # fmt: skip


def test_blocks_only_one_format_has() -> None:
    from gknb.formats.across import own_blocks

    assert own_blocks("2019") == ("T2_9",)  # 第二十条第（九）项 政府集中采购
    assert own_blocks("2021") == ()
