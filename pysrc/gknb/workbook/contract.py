"""The workbook template contract: sheets, defined names and where each table sits.

Pure data (no openpyxl, no xlwings): the template builder, both workbook adapters and the
add-in build read it.
"""

from __future__ import annotations

from dataclasses import dataclass

from gknb.errors import GknbError
from gknb.formats import Format
from gknb.layout import TABLES, grid
from gknb.model import Severity

README, COVER, BODY = "说明", "封面", "正文"
TABLE_SHEETS = {"T2": "二、主动公开", "T3": "三、依申请公开", "T4": "四、复议诉讼"}
PRIOR, RESULTS, MARKS = "上年数据", "校验结果", "_gknb"

SHEETS: tuple[tuple[str, str], ...] = (  # (sheet name, VBA code name)
    (README, "shtReadme"),
    (COVER, "shtCover"),
    (BODY, "shtBody"),
    (TABLE_SHEETS["T2"], "shtTable2"),
    (TABLE_SHEETS["T3"], "shtTable3"),
    (TABLE_SHEETS["T4"], "shtTable4"),
    (PRIOR, "shtPrior"),
    (RESULTS, "shtResults"),
    (MARKS, "shtMarks"),
)

GRID_TOP = 3  # first sheet row of a table grid (row 1: title, row 2: how to fill)
GRID_LEFT = 1

MARK_PREFIX = "【年报助手】"
COLORS = {
    Severity.ERROR: "FFC7CE",
    Severity.WARNING: "FFEB9C",
    Severity.HINT: "DDEBF7",
    Severity.UNREAD: "E4DFEC",
}
HEADER_COLOR = "D9E1F2"  # table and sheet headers, in workbooks and the review summary


class BrokenName(GknbError):
    """A defined name that exists but cannot be used (points at #REF!, a missing sheet or a
    reference no reader understands). The message is the reason only (“它指向的工作表……不存在”);
    callers put it into their own sentence that names the name."""


@dataclass(frozen=True)
class Ref:
    sheet: str
    r1: int  # 1-based, inclusive
    c1: int
    r2: int
    c2: int

    @property
    def shape(self) -> tuple[int, int]:
        return self.r2 - self.r1 + 1, self.c2 - self.c1 + 1


def col_letter(col: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def a1(row: int, col: int) -> str:
    return f"{col_letter(col)}{row}"


def quote_sheet(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def ref_text(ref: Ref) -> str:
    start = f"${col_letter(ref.c1)}${ref.r1}"
    if (ref.r1, ref.c1) == (ref.r2, ref.c2):
        return f"{quote_sheet(ref.sheet)}!{start}"
    return f"{quote_sheet(ref.sheet)}!{start}:${col_letter(ref.c2)}${ref.r2}"


def cell_address(sheet: str, row: int, col: int) -> str:
    """The address shown to users and in JSON: 三、依申请公开!D5."""
    return f"{sheet}!{a1(row, col)}"


# Single cells of metadata: name -> (sheet, row, col, label shown beside it in column B)
META: dict[str, tuple[str, int, int, str]] = {
    "GK_AGENCY": (COVER, 3, 3, "机关名称"),
    "GK_YEAR": (COVER, 4, 3, "报告年度"),
    "GK_FORMAT": (COVER, 5, 3, "格式版本"),
    "GK_DATE": (COVER, 6, 3, "成文日期"),
    "GK_PRIOR_FILE": (COVER, 7, 3, "上年报告文件（可选）"),
    "GK_DRAFT": (COVER, 8, 3, "Word 草稿文件（可选）"),
    "GK_ENGINE": (COVER, 11, 3, "引擎路径（一般留空）"),
    "GK_TEXT_1": (BODY, 3, 2, "一、总体情况"),
    "GK_TEXT_3": (BODY, 4, 2, "三、依申请公开情况说明（可点击“生成说明文字”）"),
    "GK_TEXT_4": (BODY, 5, 2, "四、复议诉讼情况说明（可点击“生成说明文字”）"),
    "GK_TEXT_5": (BODY, 6, 2, "五、存在的主要问题及改进情况"),
    "GK_TEXT_6": (BODY, 7, 2, "六、其他需要报告的事项"),
    "GK_PRIOR_YEAR": (PRIOR, 3, 3, "上年年度"),
}
TEXT_NAMES = {p: f"GK_TEXT_{p}" for p in ("1", "3", "4", "5", "6")}
GENERATED = {"3": (MARKS, 1, 5), "4": (MARKS, 2, 5)}  # last text 生成说明文字 wrote, per part

PRIOR_CARRY_OUT = Ref(PRIOR, 6, 3, 6, 9)  # 上年 四、结转下年度继续办理, 7 columns
PRIOR_IN_FORCE = Ref(PRIOR, 9, 3, 10, 3)  # 上年 现行有效件数: 规章, 行政规范性文件
PRIOR_NAMES = {"GK_PRIOR_T3_CARRY_OUT": PRIOR_CARRY_OUT, "GK_PRIOR_T2_IN_FORCE": PRIOR_IN_FORCE}


RESULT_COLUMNS = 12  # 校验结果: 序号 … 说明, 核实 (the reason a person settles with), 指纹 (hidden)
RESULTS_FIRST = Ref(RESULTS, 3, 1, 3, RESULT_COLUMNS)  # first finding row (GK_RESULTS)
MAX_RESULTS = 2000


def block_ref(fmt: Format, block_id: str) -> Ref:
    """Where the template puts a block's number cells."""
    block = fmt.block(block_id)
    g = grid(fmt, block.table)
    r0, c0 = g.origin(block_id)
    rows, cols = block.shape
    # the last column of a block whose last header spans to the grid edge stays one cell wide
    return Ref(
        TABLE_SHEETS[block.table],
        GRID_TOP + r0,
        GRID_LEFT + c0,
        GRID_TOP + r0 + rows - 1,
        GRID_LEFT + c0 + cols - 1,
    )


def block_name(block_id: str) -> str:
    return f"GK_{block_id}"


def defined_names(fmt: Format) -> dict[str, Ref]:
    names: dict[str, Ref] = {}
    for name, (sheet, row, col, _) in META.items():
        names[name] = Ref(sheet, row, col, row, col)
    for table in TABLES:
        for block in fmt.table_blocks(table):
            names[block_name(block.id)] = block_ref(fmt, block.id)
    names.update(PRIOR_NAMES)
    names["GK_RESULTS"] = RESULTS_FIRST
    return names


def template_locations(fmt: Format) -> dict[tuple[str, str, str], str]:
    """Address (sheet!A1) of every number cell in a fresh template."""
    locations: dict[tuple[str, str, str], str] = {}
    for table in TABLES:
        g = grid(fmt, table)
        for c in g.number_cells():
            assert c.key is not None
            locations[c.key] = cell_address(
                TABLE_SHEETS[table], GRID_TOP + c.row, GRID_LEFT + c.col
            )
    return locations
