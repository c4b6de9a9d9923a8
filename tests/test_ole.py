"""Old and encrypted Office/WPS files get the line that says what to do with that file.

The files are real compound files (the project's MS-CFB writer, checked against olefile in
tests/build/test_cfb.py) holding the streams Word, Excel/WPS and an open password leave."""

from __future__ import annotations

from pathlib import Path

import pytest

from gknb import ole
from gknb.build import cfb
from gknb.cli import main
from gknb.errors import GknbError
from gknb.sources import read
from support import SEEDS

WORD = {"WordDocument": b"\0" * 600, "1Table": b"\0" * 300}
EXCEL = {"Workbook": b"\x09\x08" + b"\0" * 700}
ENCRYPTED = {"EncryptionInfo": b"\x04\0\x04\0" + b"\0" * 200, "EncryptedPackage": b"\0" * 5000}


def _file(folder: Path, name: str, streams: dict[str, bytes]) -> Path:
    path = folder / name
    path.write_bytes(cfb.write(streams))
    return path


@pytest.mark.parametrize(
    ("name", "streams", "kind", "words"),
    [
        ("年报.xlsx", ENCRYPTED, "encrypted", "设置了打开密码"),
        ("年报.docx", ENCRYPTED, "encrypted", "取消打开密码"),
        ("年报.xls", EXCEL, "excel", "“另存为”Excel 工作簿（.xlsx）"),
        ("年报.et", EXCEL, "excel", "WPS 表格"),
        ("年报.xlsx", EXCEL, "excel", "旧版 Excel"),  # an .xls renamed
        ("年报.doc", WORD, "word", "“另存为”Word 文档（.docx）"),
        ("年报.wps", WORD, "word", "WPS 文字"),
        ("年报.docx", WORD, "word", "旧版 Word"),
    ],
)
def test_the_file_says_what_it_is(tmp_path, name, streams, kind, words) -> None:
    path = _file(tmp_path, name, streams)
    assert ole.kind(path) == kind
    with pytest.raises(GknbError, match=words) as refused:
        read(path)
    assert path.name in str(refused.value)


def test_without_telling_names_the_suffix_decides(tmp_path) -> None:
    streams = {"Other": b"\0" * 100}
    assert ole.kind(_file(tmp_path, "a.et", streams)) == "excel"
    assert ole.kind(_file(tmp_path, "a.wps", streams)) == "word"
    unknown = _file(tmp_path, "a.xlsx", streams)
    assert ole.kind(unknown) == ""
    assert "打开密码" in ole.message(unknown) and "另存为 .xlsx" in ole.message(unknown)


def test_an_old_suffix_is_read_by_what_the_file_holds(tmp_path, capsys) -> None:
    """Systems export “.xls” files that are web pages, and a real .xlsx may be misnamed."""
    page = tmp_path / "导出.xls"
    seed = SEEDS / "001_39c027d6b48abaaa.txt"
    lines = seed.read_text(encoding="utf-8").splitlines()
    page.write_text(
        "<html><body><p>" + "</p><p>".join(lines) + "</p></body></html>", encoding="utf-8"
    )
    report, how = read(page)
    assert how == "reader" and report.value(("T3", "new", "total")) is not None
    empty = tmp_path / "空.et"
    empty.write_bytes(b"")
    with pytest.raises(GknbError, match="空文件"):
        read(empty)


def test_check_lists_each_old_file_with_its_advice(tmp_path, capsys) -> None:
    _file(tmp_path, "甲.et", EXCEL)
    _file(tmp_path, "乙.docx", ENCRYPTED)
    code = main(["check", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert "甲.et 是旧版 Excel（.xls）或 WPS 表格（.et）格式" in err
    assert "乙.docx 设置了打开密码" in err
    assert "Traceback" not in err
