"""Build the workbook (template) for a format with openpyxl, from the layout grids."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from unicodedata import east_asian_width

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from gknb import __version__
from gknb.formats import FORMATS, SECTION_TITLES, TABLE_TITLES, Format, Key, Kind, format_for_year
from gknb.layout import TABLES, GridCell, grid
from gknb.model import Severity
from gknb.text import put
from gknb.workbook import livecheck
from gknb.workbook.contract import (
    BODY,
    COLORS,
    COVER,
    GRID_LEFT,
    GRID_TOP,
    HEADER_COLOR,
    MARKS,
    META,
    PRIOR,
    PRIOR_CARRY_OUT,
    PRIOR_IN_FORCE,
    README,
    RESULTS,
    SHEETS,
    TABLE_SHEETS,
    a1,
    defined_names,
    ref_text,
    template_locations,
)
from gknb.workbook.marks import parse_address

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor=HEADER_COLOR)
TOTAL_FILL = PatternFill("solid", fgColor="E7E6E6")
INPUT_FILL = PatternFill("solid", fgColor="FFFFFF")
FONT_NAME = "宋体"
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
NUMBER_FORMATS = {Kind.COUNT: "0", Kind.SIGNED: "0;-0;0", Kind.AMOUNT: "General"}

RESULT_HEADERS = (
    "序号",
    "级别",
    "规则",
    "表格",
    "行",
    "列",
    "单元格",
    "应为",
    "现为",
    "说明",
    "核实",
)
# Column widths of 校验结果 (Excel character units) and the columns whose long text wraps: the
# sheet prints one landscape page wide at a size still read without a magnifier.
RESULT_WIDTHS = (5, 6, 5, 16, 22, 14, 16, 8, 8, 54, 22, 18)  # the last (指纹) is hidden
RESULT_WRAPPED = (4, 5, 6, 10, 11)  # 表格, 行, 列, 说明, 核实
RESULT_LINE_PT = 14.5  # one line of 11-point 宋体 with Excel's spacing
MARK_HEADERS = ("工作表", "单元格", "原填充")


def _text_width(text: str) -> int:
    return sum(2 if east_asian_width(ch) in "WF" else 1 for ch in text)


def result_row_height(row: Sequence[object]) -> float | None:
    """Height (points) that shows every wrapped cell of a 校验结果 row whole; None for one line.

    A file carries no row heights unless they are written, and neither Excel nor LibreOffice
    grows a row for wrapped text it did not lay out itself. Width is counted in Excel's
    character units, a CJK or full-width character taking two; one unit per line is left
    spare, since lines break at characters, not at the exact width."""
    lines = 1
    for col in RESULT_WRAPPED:
        value = row[col - 1] if col <= len(row) else None
        if value is None or value == "":
            continue
        per_line = RESULT_WIDTHS[col - 1] - 1
        parts = str(value).split("\n")
        lines = max(lines, sum(max(1, -(-_text_width(part) // per_line)) for part in parts))
    return None if lines == 1 else round(lines * RESULT_LINE_PT + 2, 1)


HOW_TO_FILL = (
    "白色格填写数字（没有发生的填 0）；灰色格为合计，点击“年报助手”选项卡的“填充合计”自动计算；"
    "合计与各项对不上时，该格立即变红。"
)


def _font(bold: bool = False, size: int = 11) -> Font:
    return Font(name=FONT_NAME, bold=bold, size=size)


def _paint_grid(ws: Worksheet, fmt: Format, table: str) -> None:
    g = grid(fmt, table)
    for c in g.cells:
        _paint_cell(ws, fmt, c)
    # borders on every cell of the grid, merged areas included
    for r in range(GRID_TOP, GRID_TOP + g.n_rows):
        for col in range(GRID_LEFT, GRID_LEFT + g.n_cols):
            ws.cell(r, col).border = BORDER


def _paint_cell(ws: Worksheet, fmt: Format, c: GridCell) -> None:
    row, col = GRID_TOP + c.row, GRID_LEFT + c.col
    cell = ws.cell(row, col)
    if c.rowspan > 1 or c.colspan > 1:
        ws.merge_cells(
            start_row=row, start_column=col, end_row=row + c.rowspan - 1,
            end_column=col + c.colspan - 1,
        )  # fmt: skip
    if c.key is None:
        cell.value = c.text
        cell.font = _font(bold=c.role in ("title", "header"))
        cell.alignment = CENTER if c.role != "label" or c.rowspan > 1 else LEFT
        if c.role in ("title", "header", "corner"):
            cell.fill = HEADER_FILL
        if c.role == "label" and c.rowspan > 2 and c.col == 0:
            cell.alignment = Alignment(
                horizontal="center", vertical="center", wrap_text=True, text_rotation=255
            )
        return
    kind = fmt.kind(c.key)
    cell.number_format = NUMBER_FORMATS[kind]
    cell.alignment = Alignment(horizontal="right", vertical="center")
    if c.role == "total":
        cell.fill = TOTAL_FILL
        cell.font = _font(bold=True)
    else:
        cell.fill = INPUT_FILL
        cell.font = _font()
        cell.value = None


def _validations(ws: Worksheet, fmt: Format, table: str) -> None:
    g = grid(fmt, table)
    by_kind: dict[Kind, list[str]] = {}
    for c in g.number_cells():
        if c.role == "input" and c.key is not None:
            by_kind.setdefault(fmt.kind(c.key), []).append(a1(GRID_TOP + c.row, GRID_LEFT + c.col))
    specs = {
        Kind.COUNT: ("whole", "greaterThanOrEqual", "0", "请填写不小于 0 的整数，没有发生的填 0。"),
        Kind.AMOUNT: ("decimal", "greaterThanOrEqual", "0", "请填写不小于 0 的数字，不带单位。"),
        Kind.SIGNED: ("whole", "between", "-100000000", "请填写整数，减少写负数（如 -8）。"),
    }
    for kind, cells in by_kind.items():
        vtype, op, f1, msg = specs[kind]
        dv = DataValidation(
            type=vtype, operator=op, formula1=f1, allow_blank=True, showErrorMessage=True,
            errorTitle="数字格式不对", error=msg, errorStyle="stop",
        )  # fmt: skip
        if op == "between":
            dv.formula2 = "100000000"
        for ref in cells:
            dv.add(ref)
        ws.add_data_validation(dv)


def _table_sheet(ws: Worksheet, fmt: Format, table: str) -> None:
    g = grid(fmt, table)
    ws.cell(1, 1, TABLE_TITLES[table]).font = _font(bold=True, size=14)
    ws.cell(2, 1, HOW_TO_FILL).font = Font(name=FONT_NAME, size=10, color="595959")
    _paint_grid(ws, fmt, table)
    _validations(ws, fmt, table)
    if table == "T2":
        widths = {"A": 26, "B": 18, "C": 18, "D": 18}
        ws.freeze_panes = "A3"
    elif table == "T3":
        widths = {"A": 7, "B": 17, "C": 44} | {chr(68 + i): 11 for i in range(7)}
        ws.freeze_panes = a1(GRID_TOP + g.header_rows, 4)
        rows = fmt.block("T3").rows
        for i, row in enumerate(rows):
            # column C holds about 21 CJK characters per line; long items wrap
            lines = -(-len(row.label) // 21) if row.group else 1
            ws.row_dimensions[GRID_TOP + g.header_rows + i].height = 6 + 15 * lines
        ws.row_dimensions[GRID_TOP].height = 30
    else:
        widths = {a1(1, i + 1)[:-1]: 10 for i in range(g.n_cols)}
        ws.freeze_panes = a1(GRID_TOP + g.header_rows, 1)
        ws.row_dimensions[GRID_TOP + 2].height = 30
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width
    last_row, last_col = GRID_TOP + g.n_rows - 1, GRID_LEFT + g.n_cols - 1
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last_col)
    ws.cell(2, 1).alignment = Alignment(wrap_text=True, vertical="center")
    ws.row_dimensions[2].height = 28 if table == "T2" else 15
    titles = f"{GRID_TOP}:{GRID_TOP + g.header_rows - 1}" if g.header_rows else None
    # table 三 on one landscape page: no row of it is ever left alone on a page of its own
    _print_setup(ws, landscape=table != "T2", one_page=table == "T3", title_rows=titles)
    ws.print_area = f"A1:{a1(last_row, last_col)}"


def _print_setup(
    ws: Worksheet, landscape: bool, one_page: bool = False, title_rows: str | None = None
) -> None:
    """A4, one page wide (one page tall too if asked), centred, header rows repeated on every
    page and "sheet name 第 n 页，共 m 页" in the footer."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 1 if one_page else 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6, header=0.3, footer=0.3)
    ws.oddFooter.center.text = "&A　第 &P 页，共 &N 页"
    ws.oddFooter.center.size = 9
    if title_rows:
        ws.print_title_rows = title_rows


def _live_checks(wb: Workbook, fmt: Format) -> None:
    """Conditional formats that turn a total red while it disagrees with what it adds up."""
    fill = PatternFill("solid", fgColor=livecheck.FILL, bgColor=livecheck.FILL)
    for check in livecheck.live_checks(fmt):
        rule = FormulaRule(
            formula=[check.formula], fill=fill, font=Font(color=livecheck.FONT_COLOR)
        )
        wb[check.sheet].conditional_formatting.add(check.cell, rule)


def _readme(ws: Worksheet, fmt: Format) -> None:
    lines = [
        ("政府信息公开工作年度报告 填报与校验工作簿", True),
        (
            f"年报助手 {__version__} · 表格格式：{fmt.version}版（{fmt.document}，用于{fmt.years}的报告）",
            False,
        ),
        ("", False),
        ("怎样使用", True),
        ("1. 在“封面”填写机关名称、报告年度；在“正文”填写第一、五、六部分的文字。", False),
        (
            "2. 在“二、主动公开”“三、依申请公开”“四、复议诉讼”的白色格中填写数字，没有发生的填 0。",
            False,
        ),
        ("3. 点击功能区“年报助手”选项卡：", False),
        (
            "   填充合计 —— 填完数字后先点它：自动计算所有灰色合计格（只改合计格，不改您填的数字）；",
            False,
        ),
        (
            "   校验 —— 检查所有勾稽关系和填写问题，有问题的单元格会标色并加批注，明细见“校验结果”工作表；",
            False,
        ),
        ("   清除标记 —— 去掉校验加的颜色和批注（您自己的颜色和批注不受影响）；", False),
        ("   导出Word —— 生成报告的 Word 文档（表格为国家规定的格式）；", False),
        (
            "   生成说明文字 —— 根据表格写出第三、四部分的说明文字，放在“正文”中（不覆盖您自己写的文字）。",
            False,
        ),
        ("4. 如有上一年的数字，填在“上年数据”工作表，校验时会检查上年结转等衔接关系。", False),
        (
            "5. 经核实无误的警告或提示，在“校验结果”的“核实”列写明理由，下次校验时显示为“已核实”（错误不能这样处理）。",
            False,
        ),
        ("", False),
        ("颜色说明", True),
        ("红色：错误，必须改正后才能发布", False),
        ("黄色：警告，很可能有误，请人工核对", False),
        ("蓝色：提示，值得看一看", False),
        ("灰色：合计格，由“填充合计”计算", False),
        (
            "即时检查：合计格（以及表三“四、结转下年度继续办理”）与相应各格对不上时，立即显示为红底深红字，"
            "不用点按钮、不需要宏；合计格还空着时不显示，改对后红色自动消失。",
            False,
        ),
        ("", False),
        (
            "如果功能区按钮没有反应：请关闭文件，右键文件 → 属性 → 勾选“解除锁定”；或把文件放在受信任位置。",
            False,
        ),
    ]
    for i, (text, bold) in enumerate(lines, start=1):
        ws.cell(i, 1, text).font = _font(bold=bold, size=14 if i == 1 else 11)
    legend = {
        "红色": COLORS[Severity.ERROR],
        "黄色": COLORS[Severity.WARNING],
        "蓝色": COLORS[Severity.HINT],
    }
    for i, (text, _) in enumerate(lines, start=1):
        if text[:2] in legend:
            ws.cell(i, 1).fill = PatternFill("solid", fgColor=legend[text[:2]])
        elif text.startswith("灰色"):
            ws.cell(i, 1).fill = TOTAL_FILL
    ws.column_dimensions["A"].width = 110
    _print_setup(ws, landscape=True)


def _cover(ws: Worksheet, fmt: Format, agency: str, year: int | None) -> None:
    ws.cell(1, 2, "封面").font = _font(bold=True, size=14)
    values = {
        "GK_AGENCY": agency,
        "GK_YEAR": year,
        "GK_FORMAT": fmt.version,
    }
    for name, (sheet, row, col, label) in META.items():
        if sheet != COVER:
            continue
        ws.cell(row, col - 1, label).font = _font(bold=True)
        cell = ws.cell(row, col)
        put(cell, values.get(name))  # the agency's name is outside text: never a formula
        cell.border = BORDER
        cell.alignment = LEFT
    ws.cell(5, 4, f"{fmt.document}（用于{fmt.years}的报告）")
    ws.cell(10, 2, "高级设置").font = _font(bold=True)
    ws.column_dimensions["B"].width = 22
    ws.column_dimensions["C"].width = 50
    ws.column_dimensions["D"].width = 50
    _print_setup(ws, landscape=True)


def _body(ws: Worksheet) -> None:
    ws.cell(
        1, 1, "正文（第一、五、六部分的文字；第二、三、四部分是表格，可附说明文字）"
    ).font = _font(bold=True, size=14)
    for name in ("GK_TEXT_1", "GK_TEXT_3", "GK_TEXT_4", "GK_TEXT_5", "GK_TEXT_6"):
        _sheet, row, col, label = META[name]
        ws.cell(row, 1, label).font = _font(bold=True)
        ws.cell(row, 1).alignment = CENTER
        cell = ws.cell(row, col)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.border = BORDER
        ws.row_dimensions[row].height = 160
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 110
    _print_setup(ws, landscape=True)


def _prior(ws: Worksheet, fmt: Format) -> None:
    ws.cell(1, 1, "上年数据（用于上年结转、现行有效件数等跨年度校验；可留空）").font = _font(
        bold=True, size=14
    )
    ws.cell(3, 2, "上年年度").font = _font(bold=True)
    ws.cell(3, 3).border = BORDER
    ws.cell(5, 2, "上年“四、结转下年度继续办理”").font = _font(bold=True)
    for i, c in enumerate(fmt.block("T3").cols):
        head = ws.cell(5, PRIOR_CARRY_OUT.c1 + i, c.label)
        head.fill, head.font, head.alignment, head.border = HEADER_FILL, _font(True), CENTER, BORDER
        ws.cell(6, PRIOR_CARRY_OUT.c1 + i).border = BORDER
    ws.cell(8, 2, "上年“现行有效件数”（2021版及以后）").font = _font(bold=True)
    carried = max((f for f in FORMATS.values() if f.in_force), key=lambda f: f.version)
    for i, label in enumerate(carried.in_force_labels().values()):
        ws.cell(PRIOR_IN_FORCE.r1 + i, 2, label)
        ws.cell(PRIOR_IN_FORCE.r1 + i, 3).border = BORDER
    ws.column_dimensions["B"].width = 34
    for i in range(7):
        ws.column_dimensions[chr(67 + i)].width = 12
    _print_setup(ws, landscape=True)


def _results(ws: Worksheet) -> None:
    ws.cell(1, 1, "校验结果（点击“校验”后更新；点击单元格地址可跳到该格）").font = _font(
        bold=True, size=14
    )
    for i, head in enumerate(RESULT_HEADERS, start=1):
        c = ws.cell(2, i, head)
        c.font, c.fill, c.alignment, c.border = _font(True), HEADER_FILL, CENTER, BORDER
    for letter, width in zip("ABCDEFGHIJKL", RESULT_WIDTHS, strict=True):
        ws.column_dimensions[letter].width = width
    ws.column_dimensions["L"].hidden = True
    ws.freeze_panes = "A3"
    _print_setup(ws, landscape=True, title_rows="2:2")


def write_values(
    wb: Workbook, fmt: Format, values: Mapping[Key, object], *, outside: bool = False
) -> int:
    """Type values into a template workbook's number cells by key; returns the cells written.
    As a clerk types them in Excel ("=SUM(…)" a formula, "#REF!" an error), or with
    outside=True as text from outside (a published report): never a formula (text.put)."""
    locations = template_locations(fmt)
    for key, value in values.items():
        sheet, row, col = parse_address(locations[key])
        cell = wb[sheet].cell(row, col)
        if outside:
            put(cell, value)
        else:
            cell.value = value
    return len(values)


def build_workbook(
    version: str | None = None,
    agency: str = "",
    year: int | None = None,
    fixed_time: dt.datetime | None = None,
) -> Workbook:
    """A new workbook holding the four statutory tables of the format (by version or year)."""
    fmt = FORMATS[version] if version else format_for_year(year or 2021)
    wb = Workbook()
    wb.code_name = "ThisWorkbook"
    first = wb.active
    for i, (title, code) in enumerate(SHEETS):
        ws = first if i == 0 else wb.create_sheet()
        ws.title = title
        ws.sheet_properties.codeName = code
    _readme(wb[README], fmt)
    _cover(wb[COVER], fmt, agency, year)
    _body(wb[BODY])
    for table in TABLES:
        _table_sheet(wb[TABLE_SHEETS[table]], fmt, table)
    _live_checks(wb, fmt)
    _prior(wb[PRIOR], fmt)
    _results(wb[RESULTS])
    marks = wb[MARKS]
    marks.append(list(MARK_HEADERS))
    marks.sheet_state = "veryHidden"
    for name, ref in defined_names(fmt).items():
        wb.defined_names[name] = DefinedName(name, attr_text=ref_text(ref))
    wb.active = 1 if not agency else 3
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws is wb.active
    if fixed_time is not None:
        wb.properties.created = fixed_time
        wb.properties.modified = fixed_time
    wb.properties.creator = "年报助手"
    wb.properties.title = "政府信息公开工作年度报告"
    wb.properties.version = __version__
    return wb


__all__ = ["RESULT_HEADERS", "SECTION_TITLES", "build_workbook"]
