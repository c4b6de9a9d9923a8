from gknb import diff
from gknb.service import check
from gknb.synth import consistent_report
from gknb.values import parse_value


def test_diff_lists_changed_cells_and_findings():
    a = consistent_report("2021", 4)
    b = consistent_report("2021", 4)
    key = ("T3", "r1_open", "natural")
    b.cells[key] = parse_value(a.value(key) + 2)
    result = diff.compare(a, b, check)
    assert [c.key for c in result.changed_cells] == [key]
    assert [(f.rule, f.keys[0], f.suspect) for f in result.appeared] == [("R2", key, True)]
    assert result.disappeared == []
    back = diff.compare(b, a, check)
    assert [f.rule for f in back.disappeared] == ["R2"]
    lines = diff.render(result, "a", "b")
    assert any("（一）予以公开" in line for line in lines)


def test_same_number_written_differently_is_not_a_change():
    a = consistent_report("2021", 4)
    b = consistent_report("2021", 4)
    key = ("T2_5", "license", "decisions")
    b.cells[key] = parse_value(f"{a.value(key)}件")
    assert diff.compare(a, b, check).changed_cells == []


def test_workbook_against_its_own_word_export_has_no_numeric_change(make_book, tmp_path, capsys):
    from gknb import service
    from gknb.cli import main
    from gknb.word.export import export_workbook

    for version in ("2019", "2021"):
        book = make_book(version, {("T2_5", "license", "decisions"): "4个"}, name=f"{version}.xlsx")
        docx = export_workbook(book, tmp_path / f"{version}.docx", force=True)
        result = diff.compare(service.load(book), service.load(docx), check)
        assert result.changed_cells == []
        assert main(["diff", str(book), str(docx)]) == 0
        assert "数字没有改动" in capsys.readouterr().out


def test_reports_of_the_two_formats_compare_cell_by_cell():
    old, new = consistent_report("2019", seed=2), consistent_report("2021", seed=2)
    result = diff.compare(old, new, check)
    assert result.format_change == ("2019", "2021")
    only_2021 = [c for c in result.changed_cells if c.key not in set(old.format.keys())]
    only_2019 = [c for c in result.changed_cells if c.key not in set(new.format.keys())]
    assert only_2021 and only_2019
    assert all(c.before is None for c in only_2021) and all(c.after is None for c in only_2019)
    lines = diff.render(result, "旧", "新")
    assert lines[1] == "格式版本不同：2019版 → 2021版"
