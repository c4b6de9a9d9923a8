"""`gknb export` as a user runs it, `gknb demo` writing the report, and `gknb check` staying
free of python-docx."""

import subprocess
import sys

from docx import Document

from gknb.cli import main

BROKEN_R3 = {("T3", "r1_open", "total"): 999}


def test_export_prints_the_file(make_book, capsys):
    book = make_book("2021")
    assert main(["export", str(book)]) == 0
    out = capsys.readouterr().out
    assert "已导出 Word：" in out and "book（导出）.docx" in out
    assert (book.parent / "book（导出）.docx").exists()


def test_export_with_errors_lists_them_and_exits_1(make_book, capsys):
    book = make_book("2021", BROKEN_R3)
    assert main(["export", str(book)]) == 1
    captured = capsys.readouterr()
    assert "R3" in captured.out and "三、依申请公开!J8" in captured.out
    assert "错误" in captured.out
    assert "仍有" in captured.err and "--force" in captured.err
    assert not list(book.parent.glob("*.docx"))
    assert main(["export", str(book), "--force"]) == 0
    assert "仍有" in capsys.readouterr().out
    assert (book.parent / "book（导出）.docx").exists()


def test_export_options(make_book, make_draft, capsys, tmp_path):
    book = make_book("2021")
    draft = make_draft(tmp_path / "稿.docx")
    out = tmp_path / "结果.docx"
    argv = ["export", str(book), "-o", str(out), "--draft", str(draft), "--fonts", "gb2312"]
    assert main([*argv, "--title-font", "宋体"]) == 0
    assert "第二部分" in capsys.readouterr().out
    runs = [
        r for t in Document(out).tables[1:] for c in t._cells for p in c.paragraphs for r in p.runs
    ]
    assert runs and all(
        r._r.rPr.rFonts.get(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
        )
        == "仿宋_GB2312"
        for r in runs
    )
    assert main(argv) == 2  # exists now: not replaced without --force
    assert "已存在" in capsys.readouterr().err
    assert main(["export", str(book), "--draft", str(tmp_path / "无.docx")]) == 2
    assert "找不到草稿文件" in capsys.readouterr().err


def test_demo_writes_the_word_report(tmp_path, capsys):
    assert main(["demo", "--dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    docs = list(tmp_path.glob("*.docx"))
    assert len(docs) == 1 and docs[0].name.endswith("（导出）.docx")
    assert "已导出 Word 报告" in out and docs[0].name in out
    assert Document(docs[0]).paragraphs[0].text.startswith("示例县生态环境局")
    assert main(["demo", "--dir", str(tmp_path)]) == 0  # a second demo replaces its own report
    assert len(list(tmp_path.glob("*.docx"))) == 1


def test_check_does_not_import_python_docx(make_book):
    book = make_book("2021")
    code = (
        "import sys; from gknb.cli import main; rc = main(['check', sys.argv[1]]); "
        "print('DOCX' if any(m == 'docx' or m.startswith('docx.') for m in sys.modules) else 'OK')"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(book)], capture_output=True, text=True, timeout=120
    )
    assert proc.stdout.strip().splitlines()[-1] == "OK", proc.stdout + proc.stderr
