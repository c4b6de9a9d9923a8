"""Bad input, each with a Chinese message that says what to do; and the error-findings stop."""

import os
import stat
import zipfile

import pytest

from gknb import files
from gknb.errors import GknbError, OutputExists
from gknb.model import Severity
from gknb.word import ErrorsRemain, export_workbook
from gknb.word.style import WordStyle, missing_fonts, style_from

BROKEN_R3 = {("T3", "r1_open", "total"): 999}  # 总计 ≠ the six columns: error R3 (and R2)


def test_draft_that_is_not_a_docx(make_book, tmp_path):
    book = make_book("2021")
    cases = {
        "文本.docx": b"just some text",
        "旧版.docx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100,
        "空.docx": b"",
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    with pytest.raises(GknbError, match="不是 Word 文档"):
        export_workbook(book, draft=tmp_path / "文本.docx")
    with pytest.raises(GknbError, match="旧版 Office 或 WPS 格式"):
        export_workbook(book, draft=tmp_path / "旧版.docx")
    with pytest.raises(GknbError, match="不是 Word 文档"):
        export_workbook(book, draft=tmp_path / "空.docx")
    with pytest.raises(GknbError, match="是 Excel 工作簿"):
        export_workbook(book, draft=book)
    zipped = tmp_path / "压缩包.docx"
    with zipfile.ZipFile(zipped, "w") as zf:
        zf.writestr("readme.txt", "x")
    with pytest.raises(GknbError, match="缺少正文"):
        export_workbook(book, draft=zipped)
    with pytest.raises(GknbError, match="找不到草稿文件"):
        export_workbook(book, draft=tmp_path / "没有这个文件.docx")
    assert not list(tmp_path.glob("*（导出*"))


def test_macro_enabled_draft_is_refused(make_book, make_draft, tmp_path):
    draft = make_draft(tmp_path / "宏.docx")
    data = {}
    with zipfile.ZipFile(draft) as zf:
        for name in zf.namelist():
            data[name] = zf.read(name)
    data["[Content_Types].xml"] = data["[Content_Types].xml"].replace(
        b"document.main+xml", b"document.macroEnabled.main+xml"
    )
    with zipfile.ZipFile(draft, "w") as zf:
        for name, value in data.items():
            zf.writestr(name, value)
    with pytest.raises(GknbError, match="另存为"):
        export_workbook(make_book("2021"), draft=draft)


def test_draft_without_the_headings_says_which(make_book, make_draft, tmp_path):
    book = make_book("2021")
    draft = make_draft(tmp_path / "缺标题.docx", {"三": "三、依申请情况说明一下"})
    with pytest.raises(GknbError) as exc:
        export_workbook(book, draft=draft)
    message = str(exc.value)
    assert "找不到标题“三、收到和处理政府信息公开申请情况”" in message
    assert "缺标题.docx" in message
    assert "“二、" not in message and "“四、" not in message  # only the missing one is named
    old = make_draft(tmp_path / "旧格式.docx", {"四": "四、政府信息公开收费及减免情况"})
    with pytest.raises(GknbError, match="四、政府信息公开行政复议、行政诉讼情况"):
        export_workbook(book, draft=old)
    assert not list(tmp_path.glob("*（导出*"))


def test_output_folder_not_writable(make_book, tmp_path, monkeypatch):
    book = make_book("2021")
    locked = tmp_path / "只读"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        if os.access(locked, os.W_OK):  # root ignores permissions: make the write itself fail
            denied = PermissionError(13, "Permission denied")
            monkeypatch.setattr(files, "create_new", lambda *a, **k: (_ for _ in ()).throw(denied))
        with pytest.raises(GknbError, match="无法写入文件夹"):
            export_workbook(book, locked / "报告.docx")
    finally:
        locked.chmod(stat.S_IRWXU)
    assert list(locked.iterdir()) == []
    with pytest.raises(GknbError, match="不存在"):
        export_workbook(book, tmp_path / "没有的文件夹" / "报告.docx")
    not_a_folder = tmp_path / "文件"
    not_a_folder.write_text("x")
    with pytest.raises(GknbError, match="不是文件夹"):
        export_workbook(book, not_a_folder / "报告.docx")


def test_output_that_exists_needs_force(make_book, tmp_path):
    book = make_book("2021")
    out = tmp_path / "报告.docx"
    out.write_bytes(b"keep me")
    with pytest.raises(OutputExists, match="--force"):
        export_workbook(book, out)
    assert out.read_bytes() == b"keep me"
    assert export_workbook(book, out, force=True) == out
    assert zipfile.is_zipfile(out)
    with pytest.raises(GknbError, match=r"\.docx"):
        export_workbook(book, tmp_path / "报告.doc")
    # a document open in Word is not replaced even with --force
    (tmp_path / "~$报告.docx").write_bytes(b"lock")
    with pytest.raises(GknbError, match="Word 中打开"):
        export_workbook(book, out, force=True)


def test_output_never_replaces_the_draft(make_book, make_draft, tmp_path):
    book = make_book("2021")
    draft = make_draft(tmp_path / "稿.docx")
    with pytest.raises(GknbError, match="原文件本身"):
        export_workbook(book, draft, draft=draft, force=True)


def test_errors_stop_the_export_and_force_exports_anyway(make_book, tmp_path):
    book = make_book("2021", BROKEN_R3)
    with pytest.raises(ErrorsRemain) as exc:
        export_workbook(book)
    err = exc.value
    assert err.count == len(err.findings) >= 1
    assert {f.rule for f in err.findings} <= {"R1", "R2", "R3"}
    assert all(f.severity is Severity.ERROR for f in err.findings)
    assert f"仍有 {err.count} 处错误" in str(err) and err.exit_code == 1
    assert isinstance(err, GknbError)
    assert not list(tmp_path.glob("*.docx"))
    notes = []
    out = export_workbook(book, force=True, notes=notes)
    assert out.exists()
    assert any(f"仍有 {err.count} 处错误" in n for n in notes)


def test_unreadable_table_is_not_exported_even_with_force(make_book, tmp_path):
    from openpyxl import load_workbook

    book = make_book("2021")
    wb = load_workbook(book)
    del wb.defined_names["GK_T3"]
    wb.save(book)
    with pytest.raises(ErrorsRemain):
        export_workbook(book)
    with pytest.raises(GknbError, match="有表格读不出来"):
        export_workbook(book, force=True)


def test_cover_must_name_agency_and_year_for_a_complete_report(make_book):
    with pytest.raises(GknbError, match="机关名称"):
        export_workbook(make_book("2021", agency=""), force=True)


def test_not_a_workbook(tmp_path):
    path = tmp_path / "报告.docx"
    path.write_bytes(b"x")
    with pytest.raises(GknbError, match="工作簿"):
        export_workbook(path)


def test_font_configuration(tmp_path):
    assert style_from("gb2312").body == "仿宋_GB2312"
    assert style_from("windows").title == "宋体"
    assert style_from(None, {"title": "宋体", "body": None}).title == "宋体"
    conf = tmp_path / "gknb-word.toml"
    conf.write_text('[fonts]\npreset = "gb2312"\ntitle = "宋体"\n', encoding="utf-8")
    style = style_from(config=conf)
    assert (style.body, style.title, style.heading2) == ("仿宋_GB2312", "宋体", "楷体_GB2312")
    assert style_from(config=conf, overrides={"title": "方正小标宋简体"}).title == "方正小标宋简体"
    conf.write_text("[fonts]\nbody = 3\n", encoding="utf-8")
    with pytest.raises(GknbError, match="字体名称"):
        style_from(config=conf)
    conf.write_text("[fonts]\ncolour = 'red'\n", encoding="utf-8")
    with pytest.raises(GknbError, match="不认识的项 colour"):
        style_from(config=conf)
    conf.write_text("[fonts\n", encoding="utf-8")
    with pytest.raises(GknbError, match="格式不对"):
        style_from(config=conf)
    with pytest.raises(GknbError, match="没有名为"):
        style_from("fancy")


def test_config_beside_the_workbook_is_used(make_book):
    from docx import Document

    book = make_book("2021")
    (book.parent / "gknb-word.toml").write_text('[fonts]\ntitle = "宋体"\n', encoding="utf-8")
    out = export_workbook(book)
    title = Document(out).paragraphs[0]
    assert (
        title.runs[0]._r.rPr.rFonts.get(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
        )
        == "宋体"
    )


def test_missing_fonts_uses_english_names_too():
    installed = {"FangSong", "SimHei", "KaiTi", "SimSun"}
    assert missing_fonts(WordStyle(), installed) == ["方正小标宋简体"]
    assert missing_fonts(WordStyle(title="宋体"), installed) == []
    assert missing_fonts(WordStyle(), None) in ([], ["方正小标宋简体"])  # only Windows can tell


def test_draft_named_on_the_cover_but_missing(make_book, set_meta):
    book = set_meta(make_book("2021"), GK_DRAFT="不存在的草稿.docx")
    with pytest.raises(GknbError, match=r"封面“Word 草稿文件”写的是 不存在的草稿\.docx"):
        export_workbook(book)
    assert export_workbook(book, use_draft=False).exists()  # --no-draft ignores the cover
