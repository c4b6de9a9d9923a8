"""`gknb demo`: a small realistic workbook with a few typical mistakes, checked and marked."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from gknb.formats import F2021, Key
from gknb.formats.base import T3_GRAND, T3_TOTAL, T4_RESULTS, T4_TOTAL
from gknb.workbook.contract import META, PRIOR_CARRY_OUT, PRIOR_IN_FORCE
from gknb.workbook.template import write_values

if TYPE_CHECKING:
    from openpyxl import Workbook

AGENCY = "示例县生态环境局"
YEAR = 2025

# 表三 by column: 自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 (总计 is computed)
T3_INPUTS: dict[str, tuple[int, ...]] = {
    "new": (18, 3, 0, 1, 2, 1),
    "carry_in": (2, 0, 0, 0, 0, 0),
    "r1_open": (8, 1, 0, 0, 1, 0),
    "r2_partial": (3, 0, 0, 1, 0, 0),
    "r3_4": (1, 0, 0, 0, 0, 0),
    "r3_6": (0, 1, 0, 0, 0, 0),
    "r4_1": (4, 1, 0, 0, 0, 0),
    "r5_2": (1, 0, 0, 0, 0, 0),
    "r6_1": (1, 0, 0, 0, 0, 0),
    "r6_2": (0, 0, 0, 0, 0, 1),
    "carry_out": (2, 0, 0, 0, 2, 0),
}
# 表二 in the format's cell order: 规章 and 行政规范性文件 (本年制发, 本年废止, 现行有效),
# 行政许可, 行政处罚, 行政强制 (本年处理决定数量), 行政事业性收费 (本年收费金额, 万元)
T2_FIGURES: tuple[float, ...] = (0, 0, 3, 4, 1, 27, 1265, 86, 5, 12.6)
T4_VALUES = {"rv": (1, 0, 0, 1), "ld": (0, 0, 0, 1), "la": (0, 0, 0, 0)}
PRIOR_CARRY = (3, 0, 0, 0, 0, 0, 3)
PRIOR_IN_FORCE_VALUES = (2, 24)

TEXT_1 = (
    "2025年，我局认真贯彻落实《中华人民共和国政府信息公开条例》，围绕生态环境保护中心工作，"
    "深入推进政府信息公开。全年通过政府网站主动公开政府信息1376条。本年度共收到政府信息公开申请"
    "26件，均已按期答复。"
)
TEXT_5 = (
    "存在的主要问题：一是部分信息公开时效性不够强；二是政策解读形式较为单一。"
    "改进措施：一是完善信息发布审核机制；二是丰富图解、视频等解读形式。"
)
TEXT_6 = "本年度未收取信息处理费。本年度无其他需要报告的事项。"

MISTAKES = (
    "“三”表“（一）予以公开”行的总计写成 9（应为 10）—— R3 错误",
    "“三”表“（四）1.本机关不掌握”行“商业企业”写成“1件”—— R5b 警告",
    "“三”表“（五）2.重复申请”行“科研机构”留空 —— R5a 警告",
    "“三”表“四、结转下年度继续办理”的“法律服务机构”列多填了 1 —— R1 错误",
    "正文说收到申请 26 件，表中本年新收为 25 件 —— R10 警告",
    "上年数据的结转数为 3，本年“上年结转”填的是 2 —— R6 警告",
    "规章现行有效 3 件，上年 2 件、本年未制发未废止 —— R7 提示",
)


def _set(wb: Workbook, key: Key, value: object) -> None:
    write_values(wb, F2021, {key: value})


def fill_demo(wb: Workbook) -> None:
    """Type the demo numbers (with their mistakes) into a fresh 2021-format workbook."""
    t3 = F2021.block("T3")
    applicants = F2021.applicants
    key = F2021.t3
    for row in t3.rows:
        values = T3_INPUTS.get(row.id, (0,) * 6) if row.id != T3_GRAND else None
        if values is None:
            continue
        for col, v in zip(applicants, values, strict=True):
            _set(wb, key(row.id, col), v)
    # totals as a clerk would type them, including one slip
    for row in t3.rows:
        if row.id == T3_GRAND:
            continue
        total = sum(T3_INPUTS.get(row.id, (0,) * 6))
        _set(wb, key(row.id, T3_TOTAL), total)
    results = F2021.results
    for i, col in enumerate(applicants):
        _set(wb, key(T3_GRAND, col), sum(T3_INPUTS.get(r, (0,) * 6)[i] for r in results))
    grand = sum(sum(T3_INPUTS.get(r, (0,) * 6)) for r in results)
    _set(wb, key(T3_GRAND, T3_TOTAL), grand)
    # the mistakes
    _set(wb, key("r1_open", T3_TOTAL), 9)
    _set(wb, key("r4_1", "commercial"), "1件")
    _set(wb, key("r5_2", "research"), None)
    t2_keys = [k for b in F2021.table_blocks("T2") for k in b.keys()]
    for k, value in zip(t2_keys, T2_FIGURES, strict=True):
        _set(wb, k, value)
    for part, values in T4_VALUES.items():
        for result, v in zip(T4_RESULTS, values, strict=True):
            _set(wb, F2021.t4(part, result), v)
        _set(wb, F2021.t4(part, T4_TOTAL), sum(values))
    for name, text in (("GK_TEXT_1", TEXT_1), ("GK_TEXT_5", TEXT_5), ("GK_TEXT_6", TEXT_6)):
        sheet, r, c, _ = META[name]
        wb[sheet].cell(r, c).value = text
    sheet, r, c, _ = META["GK_DATE"]
    wb[sheet].cell(r, c).value = f"{YEAR + 1}年1月20日"
    sheet, r, c, _ = META["GK_PRIOR_YEAR"]
    ws = wb[sheet]
    ws.cell(r, c).value = YEAR - 1
    for i, v in enumerate(PRIOR_CARRY):
        ws.cell(PRIOR_CARRY_OUT.r1, PRIOR_CARRY_OUT.c1 + i).value = v
    for i, v in enumerate(PRIOR_IN_FORCE_VALUES):
        ws.cell(PRIOR_IN_FORCE.r1 + i, PRIOR_IN_FORCE.c1).value = v


def build_demo(folder: Path) -> Path:
    """Write the demo workbook into folder (replacing an earlier demo) and return its path."""
    from gknb.service import save_xlsm
    from gknb.workbook.template import build_workbook
    from gknb.workbook.xlsx import save_atomic

    folder.mkdir(parents=True, exist_ok=True)
    wb = build_workbook("2021", agency=AGENCY, year=YEAR)
    fill_demo(wb)
    try:
        import gknb.build.xlsm  # noqa: F401

        path = folder / f"{AGENCY}{YEAR}年报.xlsm"
        save_xlsm(wb, path)
    except ImportError:
        path = folder / f"{AGENCY}{YEAR}年报.xlsx"
        save_atomic(wb, path)
    return path
