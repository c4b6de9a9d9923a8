from openpyxl import load_workbook

from gknb.formats import FORMATS
from gknb.workbook.contract import SHEETS, defined_names
from gknb.workbook.template import build_workbook, result_row_height

CONTRACT = {
    "2021": {"GK_T3": (25, 7), "GK_T4": (1, 15), "GK_T2_1": (2, 3), "GK_T2_5": (1, 1),
             "GK_T2_6": (2, 1), "GK_T2_8": (1, 1)},
    "2019": {"GK_T3": (23, 7), "GK_T4": (1, 15), "GK_T2_1": (2, 3), "GK_T2_5": (2, 3),
             "GK_T2_6": (2, 3), "GK_T2_8": (1, 2), "GK_T2_9": (1, 2)},
}  # fmt: skip


def test_contract_names_and_shapes(tmp_path):
    for version, shapes in CONTRACT.items():
        path = tmp_path / f"{version}.xlsx"
        build_workbook(version, agency="测试局", year=2025 if version == "2021" else 2020).save(
            path
        )
        wb = load_workbook(path)
        assert [ws.title for ws in wb.worksheets] == [s for s, _ in SHEETS]
        names = set(wb.defined_names)
        for name in ("GK_AGENCY", "GK_YEAR", "GK_TEXT_1", "GK_TEXT_5", "GK_TEXT_6"):
            assert name in names
        for name, shape in shapes.items():
            assert defined_names(FORMATS[version])[name].shape == shape
            assert name in names
        assert ("GK_T2_9" in names) == (version == "2019")
        assert wb["三、依申请公开"].freeze_panes == "D6"


def test_inputs_and_totals_look_different():
    wb = build_workbook("2021", year=2025)
    ws = wb["三、依申请公开"]
    input_cell, total_cell = ws["D6"], ws["J6"]
    assert input_cell.fill.fgColor.rgb != total_cell.fill.fgColor.rgb
    assert total_cell.font.b
    assert ws.column_dimensions["C"].width >= 40
    assert input_cell.number_format == "0"
    validations = ws.data_validations.dataValidation
    assert validations and validations[0].type == "whole"
    assert "D6" in str(validations[0].sqref) and "J6" not in str(validations[0].sqref)


def test_help_sheet_says_fill_totals_before_checking():
    """Checking before 填充合计 only tells the clerk to fill them: the help lists 填充合计 first."""
    ws = build_workbook("2021", year=2025)["说明"]
    lines = [str(c.value) for c in ws["A"] if c.value]
    fill = next(i for i, t in enumerate(lines) if t.strip().startswith("填充合计"))
    check = next(i for i, t in enumerate(lines) if t.strip().startswith("校验"))
    assert fill < check and "先点" in lines[fill]


def test_result_row_height_fits_the_longest_wrapped_cell() -> None:
    """Heights by hand: 说明 is 54 units wide (53 used per line), 核实 22 (21), 表格 16 (15);
    a CJK character takes two units; 14.5 points a line plus 2."""
    row: list[object] = [1, "错误", "R1", "表三", "总计", "合计", "三!C5", 3, 4, "短", "", "fp"]
    assert result_row_height(row) is None
    row[9] = "甲" * 60  # 120 units: 3 lines of 53
    assert result_row_height(row) == 45.5
    row[9] = "a" * 53  # exactly one line of ASCII
    assert result_row_height(row) is None
    row[10] = "核对过\n见附件"  # two short lines in 核实
    assert result_row_height(row) == 31.0
    row[3] = "三、收到和处理政府信息公开申请情况"  # 17 wide characters: 34 units, 3 lines of 15
    assert result_row_height(row) == 45.5
    assert result_row_height(row[:4]) == 45.5  # a short row (older sheet) has no later columns
