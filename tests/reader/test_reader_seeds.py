"""The five seed reports give exactly the findings FORMAT.md lists for them."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from gknb.cli import main
from gknb.model import Issue
from gknb.reader import read_report
from gknb.rules import check
from support import SEEDS

T2 = "二、主动公开政府信息情况"
T3 = "三、收到和处理政府信息公开申请情况"
T4 = "四、政府信息公开行政复议、行政诉讼情况"


def seed(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


def findings(prefix: str):
    report = read_report(seed(prefix))
    return report, check(report)


def triples(found) -> Counter:
    return Counter((f.rule, f.row, f.column) for f in found)


def test_000_shizhongqu() -> None:
    report, found = findings("000")
    assert (report.agency, report.year, report.version) == ("市中区生态环境分局", 2020, "2019")
    assert triples(found) == Counter(
        {
            ("R1", "四、结转下年度继续办理", "自然人"): 1,
            ("R1", "四、结转下年度继续办理", "总计"): 1,
            ("R2", "（七）总计", "自然人"): 1,
            ("R3", "（四）无法提供 1.本机关不掌握相关政府信息", "总计"): 1,
            ("R5", "第二十条第（五）项 行政许可", "本年增/减"): 1,
            ("R5", "第二十条第（六）项 行政处罚", "本年增/减"): 1,
            ("R5b", "第二十条第（九）项 政府集中采购", "采购项目数量"): 1,
            ("R5b", "第二十条第（九）项 政府集中采购", "采购总金额"): 1,
            ("R10", "本年度有1起申请公开政府信息的情况", ""): 1,
        }
    )
    assert {f.found for f in found if f.rule == "R5b"} == {"4个", "323.6万"}
    assert {f.found for f in found if f.rule == "R5"} == {"减"}
    assert all(f.cell is None for f in found)
    # the OCR-doubled label 没有现成信息需需要要另行制作 is still its row
    assert ("T3", "r4_2", "natural") in report.cells


def test_001_ganzhou() -> None:
    report, found = findings("001")
    assert (report.agency, report.year, report.version) == ("赣州市生态环境局", 2020, "2019")
    assert {(f.rule, f.found) for f in found} == {
        ("R5b", "减51"),
        ("R5b", "增7"),
        ("R5b", "减8"),
        ("R5b", "增1"),
    }
    assert report.value(("T2_5", "license", "change")) == -51
    assert report.value(("T2_9", "procurement", "amount")) == 6032.346


def test_002_erqi() -> None:
    report, found = findings("002")
    assert (report.agency, report.year) == ("郑州市生态环境局二七分局", 2020)
    rules = Counter(f.rule for f in found)
    assert set(rules) == {"R1", "R2", "R5a", "R13"}
    blanks = [k for k, c in report.cells.items() if c.issue is Issue.BLANK]
    assert rules["R5a"] == len(blanks) == 155
    assert triples(f for f in found if f.rule in ("R1", "R2")) == Counter(
        {
            ("R1", "四、结转下年度继续办理", "自然人"): 1,
            ("R1", "四、结转下年度继续办理", "总计"): 1,
            ("R2", "（七）总计", "自然人"): 1,
            ("R2", "（七）总计", "总计"): 1,
        }
    )
    r13 = {f.row: f for f in found if f.rule == "R13"}
    assert set(r13) == {
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    }
    assert r13["四、政府信息公开行政复议、行政诉讼情况"].found == "四、政府信息公开的收费及减免情况"
    assert "收费及减免" in r13["四、政府信息公开行政复议、行政诉讼情况"].message
    # 六 carries part 五's subject: its text is part 五's, and part 六 is missing
    assert r13["五、存在的主要问题及改进情况"].found == "六、主要问题及改进措施"
    assert r13["六、其他需要报告的事项"].found == "六、主要问题及改进措施"
    assert report.texts["5"].startswith("2020年，我局政府信息公开工作虽然取得了一定成绩")
    assert "6" not in report.texts
    assert "截至2020年底，我局收到2件信息公开申请" in report.texts["other"]
    assert all(f.table == "正文" for f in r13.values())


def test_003_fuxin() -> None:
    report, found = findings("003")
    assert (report.agency, report.year, report.version) == ("阜新市生态环境局", 2020, "2019")
    assert [(f.rule, f.row, f.column, f.found) for f in found] == [
        ("R5b", "第二十条第（九）项 政府集中采购", "采购总金额", "281841.1 元")
    ]
    assert "请改为 281841.1" in found[0].message
    assert report.value(("T3", "r4_2", "commercial")) == 3  # labels broken by the PDF
    assert report.texts["6"] == "无"


def test_004_wanzhou() -> None:
    report, found = findings("004")
    assert (report.agency, report.year, report.version) == ("重庆市万州区生态环境局", 2020, "2019")
    assert found == []
    assert report.value(("T2_5", "license", "change")) == -394
    assert len(report.cells) == 198


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_texts_hold_no_table_cells(prefix: str) -> None:
    report = read_report(seed(prefix))
    text = "\n".join(report.texts.values())
    for label in ("本年新收政府信息公开申请数量", "结果维持", "信息内容", "申请人情况", "不予处理"):
        assert label not in text
    assert report.texts["1"] and report.texts["5"]


@pytest.mark.parametrize(
    ("prefix", "status"), [("000", 1), ("001", 0), ("002", 1), ("003", 0), ("004", 0)]
)
def test_gknb_check_json(prefix: str, status: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--json", str(seed(prefix))]) == status
    line = json.loads(capsys.readouterr().out)
    assert line["format"] == "2019" and line["year"] == 2020
    assert all(f["cell"] is None for f in line["findings"])
