"""The command line as a user runs it: exit codes, JSON lines, Chinese messages, no tracebacks."""

import json
import subprocess
import sys

from gknb.cli import main
from support import SEEDS


def run(*args, cwd=None):
    proc = subprocess.run(
        [sys.executable, "-m", "gknb", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )
    return proc.returncode, proc.stdout, proc.stderr


def test_new_then_break_r1_gives_exit_1_and_json(tmp_path, capsys):
    from openpyxl import load_workbook

    path = tmp_path / "测试局2025年报.xlsx"
    assert main(["new", str(path), "--agency", "测试局", "--year", "2025"]) == 0
    wb = load_workbook(path)
    ws = wb["三、依申请公开"]
    for col in "DEFGHIJ":  # everything 0, then one new application with nothing handled
        for row in range(6, 31):
            ws[f"{col}{row}"] = 0
    ws["D6"], ws["J6"] = 1, 1
    wb.save(path)
    capsys.readouterr()
    assert main(["check", "--json", str(path)]) == 1
    line = json.loads(capsys.readouterr().out.strip())
    assert line["agency"] == "测试局" and line["year"] == 2025 and line["format"] == "2021"
    r1 = [f for f in line["findings"] if f["rule"] == "R1"]
    assert [f["cell"] for f in r1] == ["三、依申请公开!D30", "三、依申请公开!J30"]
    assert set(r1[0]) == {"rule", "severity", "table", "row", "column", "cell", "expected",
                          "found", "message"}  # fmt: skip


def test_check_human_output_ends_with_count_line(make_book, capsys):
    path = make_book("2021", {("T2_5", "license", "decisions"): "/"})
    assert main(["check", str(path)]) == 0  # a warning is not an error
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1] == "错误 0 处，警告 1 处，提示 0 处"
    assert any(line.startswith("【二、主动公开政府信息情况】") for line in out)


def test_unreadable_file_exit_2_others_still_checked(make_book, tmp_path, capsys):
    good = make_book()
    bad = tmp_path / "坏文件.xlsx"
    bad.write_bytes(b"not a workbook")
    assert main(["check", "--json", str(bad), str(good)]) == 2
    captured = capsys.readouterr()
    assert len(captured.out.strip().splitlines()) == 1  # the good file was checked
    assert captured.err.strip().count("\n") == 0 and "坏文件.xlsx" in captured.err


def test_process_entry_point_and_no_traceback(tmp_path):
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    code, out, err = run("check", str(empty))
    assert code == 2 and "空文件" in err and "Traceback" not in err
    code, out, _ = run("--version")
    assert code == 0 and out.startswith("gknb ")


def test_fill_prints_changes(make_book, capsys):
    path = make_book("2021", {("T4", "all", "rv_total"): None})
    assert main(["fill", str(path)]) == 0
    out = capsys.readouterr().out
    assert "四、复议诉讼!E6" in out and "已填充 1 个合计格" in out


def test_rules_catalogue(capsys):
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    for rule in ("R1", "R5a", "R13"):
        assert rule in out
    assert main(["rules", "--markdown"]) == 0
    assert capsys.readouterr().out.startswith("| 规则 |")


def test_mark_option_writes_copy(make_book, tmp_path, capsys):
    path = make_book("2021", {("T3", "r1_open", "total"): 999})
    out = tmp_path / "marked.xlsx"
    assert main(["check", str(path), "--mark", str(out)]) == 1
    assert out.exists() and "已标记" in capsys.readouterr().out


def test_demo_builds_checks_and_marks(tmp_path, capsys):
    assert main(["demo", "--dir", str(tmp_path / "demo")]) == 0
    out = capsys.readouterr().out
    assert "R1" in out and "R10" in out and "已写出标记副本" in out
    files = {p.name for p in (tmp_path / "demo").iterdir()}
    assert any(".已标记." in name for name in files)


def test_folder_check_takes_report_files_only(make_book, capsys):
    book = make_book()
    folder = book.parent
    (folder / "photo.jpg").write_bytes(b"\xff\xd8")
    (folder / "~$book.xlsx").write_bytes(b"lock")
    (folder / "book.备份.xlsx").write_bytes(b"old")
    assert main(["check", "--json", str(folder)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["file"].endswith("book.xlsx")


def _closed_pipe_run(*args):
    """Run gknb with its output going into a pipe nobody reads (like `| head` after it quit)."""
    import os

    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "gknb", *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(write_end)
    return proc.returncode, proc.stderr


def test_output_cut_short_is_not_an_error(make_book):
    """`gknb rules | head -1`, `gknb check … | head`: no 内部错误, no traceback, and check
    still reports what it found through its exit code."""
    assert _closed_pipe_run("rules") == (0, "")
    path = make_book("2021", {("T3", "r1_open", "natural"): 999})
    assert _closed_pipe_run("check", str(path)) == (1, "")


def test_new_says_what_it_took_from_last_year(tmp_path, capsys):
    seed = SEEDS / "001_39c027d6b48abaaa.txt"
    assert main(["new", str(tmp_path / "a.xlsx"), "--agency", "赣州市生态环境局", "--year", "2021",
                 "--prior", str(seed)]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert (
        "赣州市生态环境局 2020年度）预填“上年数据”" in out and "结转下年度继续办理：自然人 0" in out
    )
    assert "注意" not in out
    assert main(["new", str(tmp_path / "b.xlsx"), "--agency", "测试局", "--year", "2022",
                 "--prior", str(seed)]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "注意：上年数据来自赣州市生态环境局的2020年度报告，本报告是2022年度" in out


def test_new_refuses_an_empty_agency_and_names_the_year_range(tmp_path, capsys):
    import datetime as dt

    assert main(["new", str(tmp_path / "a.xlsx"), "--agency", " ", "--year", "2025"]) == 2
    assert "机关名称不能为空" in capsys.readouterr().err
    assert main(["new", str(tmp_path / "a.xlsx"), "--agency", "局", "--year", "2099"]) == 2
    assert f"2019 年（现行格式起始）到 {dt.date.today().year + 1} 年之间" in capsys.readouterr().err
    assert not (tmp_path / "a.xlsx").exists()


def test_mark_an_xlsm_into_an_xlsx_copy_without_macros(tmp_path, capsys):
    """README's `--mark 标记副本.xlsx` on the .xlsm that `gknb new` makes."""
    import zipfile

    from openpyxl import load_workbook

    from gknb.demo import build_demo

    book = build_demo(tmp_path)
    assert book.suffix == ".xlsm"
    before = book.read_bytes()
    out = tmp_path / "标记副本.xlsx"
    assert main(["check", str(book), "--mark", str(out)]) == 1
    assert "已标记" in capsys.readouterr().out
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        types = zf.read("[Content_Types].xml").decode()
    assert not [n for n in names if "vba" in n.lower() or "customui" in n.lower()]
    assert "macroEnabled" not in types and "spreadsheetml.sheet.main+xml" in types
    wb = load_workbook(out)
    assert wb["校验结果"].max_row > 3
    assert book.read_bytes() == before


def test_mark_refused_before_anything_is_printed(tmp_path, capsys):
    book = tmp_path / "a.xlsx"
    assert main(["new", str(book), "--agency", "测试局", "--year", "2025"]) == 0
    capsys.readouterr()
    assert main(["check", str(book), "--mark", str(tmp_path / "b.xlsm")]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "请把输出文件名改为 b.xlsx" in err
    assert not (tmp_path / "b.xlsm").exists()
