"""The command line as a user runs it: exit codes, JSON lines, Chinese messages, no tracebacks."""

import json
import subprocess
import sys

import pytest

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


# ---- exit 2 (or the right code) and one Chinese line where exit 3 was seen ------------------


def _one_chinese_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "内部错误" not in lines[0] and "Traceback" not in err
    assert any("\u4e00" <= ch <= "\u9fff" for ch in lines[0]), err
    return lines[0]


def _seed(name: str = "001_39c027d6b48abaaa.txt"):
    return SEEDS / name


def test_diff_across_formats_and_file_kinds(make_book, tmp_path, capsys):
    """A 2019 text report against a 2021 workbook, a workbook against its Word export and
    against a folder or a broken PDF: a comparison (exit 0/1) or exit 2, never exit 3."""
    from gknb.word.export import export_workbook

    book = make_book("2021")
    docx = tmp_path / "报告.docx"
    export_workbook(book, docx, force=True)
    assert main(["diff", str(_seed()), str(book)]) == 1
    out, err = capsys.readouterr()
    assert "格式版本不同：2019版 → 2021版" in out and err == ""
    blank = tmp_path / "空白.xlsx"  # cells blank in one and missing from the other are alike
    assert main(["new", str(blank), "--agency", "局", "--year", "2025"]) == 0
    assert main(["diff", str(_seed()), str(blank)]) == 1
    out = capsys.readouterr().out
    assert "：0 → 空" in out and "空 → 空" not in out
    assert main(["diff", str(book), str(docx)]) == 0
    assert "内部错误" not in capsys.readouterr().err
    broken = tmp_path / "坏.pdf"
    broken.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")
    for other in (tmp_path, broken):
        assert main(["diff", str(book), str(other)]) == 2
        _one_chinese_line(capsys.readouterr().err)


SCRIPT_PAGE = (
    '<html><body><script>var page = "\\u003ctable\\u003e\\u003ctr\\u003e\\u003ctd\\u003e'
    '\\ud800 \\x0 \\u";</script><p>说明</p></body></html>'
)


@pytest.mark.parametrize("command", ["check", "import", "diff", "new-prior"])
@pytest.mark.parametrize("kind", ["script-u", "utf16", "pdf"])
def test_broken_published_reports_exit_2_in_every_reading_command(tmp_path, capsys, command, kind):
    """A bare \\u in a script string, a UTF-16 text cut in the middle of a character, a
    corrupt PDF: one Chinese line, exit 2, whichever command reads them."""
    text = _seed().read_text(encoding="utf-8")
    path = tmp_path / {"script-u": "页面.html", "utf16": "报告.txt", "pdf": "报告.pdf"}[kind]
    if kind == "script-u":
        path.write_text(SCRIPT_PAGE, encoding="utf-8")
    elif kind == "utf16":
        path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le")[:-1])
    else:
        path.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")
    args = {
        "check": ["check", str(path)],
        "import": ["import", str(path), "-o", str(tmp_path / "导入.xlsx")],
        "diff": ["diff", str(_seed()), str(path)],
        "new-prior": ["new", str(tmp_path / "新.xlsx"), "--agency", "局", "--year", "2021",
                      "--prior", str(path)],
    }[command]  # fmt: skip
    assert main(args) == 2
    assert path.name in _one_chinese_line(capsys.readouterr().err)
    assert not (tmp_path / "导入.xlsx").exists() and not (tmp_path / "新.xlsx").exists()


def _zip_changed(book, out, change):
    """`book` rewritten with one member changed by `change(member)`."""
    import zipcraft

    zipcraft.write(out, [change(m) for m in zipcraft.members_of(book)])
    return out


ZIP_COMMANDS = ["check", "fill", "mark", "mark-in-place", "export", "import", "diff", "text",
                "clear", "new-prior", "review"]  # fmt: skip


def _command(name, book, tmp_path):
    return {
        "check": ["check", str(book)],
        "fill": ["fill", str(book)],
        "mark": ["check", str(book), "--mark", str(tmp_path / "标记.xlsx")],
        "mark-in-place": ["check", str(book), "--mark", str(book)],
        "export": ["export", str(book), "-o", str(tmp_path / "报告.docx")],
        "import": ["import", str(book), "-o", str(tmp_path / "导入.xlsx")],
        "diff": ["diff", str(_seed()), str(book)],
        "text": ["text", str(book)],
        "clear": ["clear", str(book)],
        "new-prior": ["new", str(tmp_path / "新.xlsx"), "--agency", "局", "--year", "2026",
                      "--prior", str(book)],
        "review": ["review", str(book.parent), "-o", str(tmp_path / "汇总.xlsx")],
    }[name]  # fmt: skip


@pytest.mark.parametrize("command", ZIP_COMMANDS)
def test_zip_version_no_reader_knows_exits_2_in_every_command(make_book, tmp_path, capsys, command):
    """A member that needs zip version 25.5 (zipfile raises NotImplementedError)."""
    import zipcraft

    folder = tmp_path / "工作簿"
    folder.mkdir()
    book = _zip_changed(
        make_book("2021"),
        folder / "本局.xlsx",
        lambda m: zipcraft.lie(m, version=255) if m.name == "xl/styles.xml" else m,
    )
    original = book.read_bytes()
    assert main(_command(command, book, tmp_path)) == 2
    line = _one_chinese_line(capsys.readouterr().err)
    assert "不支持的压缩方式" in line
    assert book.read_bytes() == original


@pytest.mark.parametrize("command", ["fill", "mark", "mark-in-place", "text", "clear", "export"])
def test_truncated_package_relationships_on_save(make_book, tmp_path, capsys, command):
    """A truncated _rels/.rels: the workbook is read by its parts and written whole (or
    refused in one Chinese line) — never exit 3, never a broken file left behind."""
    import zipfile
    import zlib

    import zipcraft

    def cut(m):
        if m.name != "_rels/.rels":
            return m
        data = zlib.decompress(m.raw, -15) if m.method else m.raw
        return zipcraft.member(m.name, data[: len(data) // 2])

    folder = tmp_path / "工作簿"
    folder.mkdir()
    book = _zip_changed(make_book("2021"), folder / "本局.xlsx", cut)
    code = main(_command(command, book, tmp_path))
    err = capsys.readouterr().err
    if code == 2:
        _one_chinese_line(err)
    else:
        assert code in (0, 1) and "Traceback" not in err and "内部错误" not in err, err
    for written in (book, tmp_path / "标记.xlsx"):
        if written.exists():
            with zipfile.ZipFile(written) as zf:
                assert zf.testzip() is None
            assert main(["check", str(written)]) in (0, 1)
            capsys.readouterr()


def test_check_of_a_folder_skips_a_readme_and_names_it(make_book, tmp_path, capsys):
    """In a folder a file with none of a report's marks is skipped with one line (exit as
    for the reports); given by name it is that file's error (exit 2)."""
    folder = tmp_path / "报告"
    folder.mkdir()
    make_book("2021", name="报告/甲.xlsx")
    readme = folder / "README.md"
    readme.write_text("# Reports\n\nSent by the offices.\n", encoding="utf-8")
    assert main(["check", str(folder)]) == 0
    captured = capsys.readouterr()
    assert captured.err.strip() == f"{readme}：不是年报，已跳过。"
    assert "甲.xlsx ==" in captured.out
    assert main(["check", str(readme)]) == 2
    line = _one_chinese_line(capsys.readouterr().err)
    assert line.startswith("README.md：不是政府信息公开工作年度报告")
