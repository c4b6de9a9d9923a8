"""Files in the old binary container (OLE compound file, MS-CFB): .xls, .doc, WPS's .et and .wps,
and every .xlsx or .docx that has an open password (Office keeps the encrypted package in one).

None of them can be read here. What a clerk has to do differs, so the message says which one it
is: the names in the file's directory (stored as UTF-16LE) tell Word, Excel and encrypted files
apart; where they say nothing, the file name does. Nothing else of the file is parsed.
"""

from __future__ import annotations

from pathlib import Path

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HEAD = MAGIC[:4]  # enough to tell; a file cut after four bytes is an old file all the same
SCAN_BYTES = 8 * 1024 * 1024  # the directory of a report-sized file lies well within this

# the first directory name found decides (an encrypted file also holds other streams)
_STREAMS = (
    ("EncryptedPackage", "encrypted"),
    ("WordDocument", "word"),
    ("Workbook", "excel"),
    ("Book", "excel"),
)
_BY_SUFFIX = {".xls": "excel", ".et": "excel", ".doc": "word", ".wps": "word"}
SUFFIXES = tuple(_BY_SUFFIX)  # the old formats' own names (found in folders, listed with advice)


def is_ole(head: bytes) -> bool:
    return head.startswith(HEAD)


def kind(path: Path) -> str:
    """ "encrypted", "word", "excel" or "" (not known) for an OLE compound file."""
    try:
        with path.open("rb") as fh:
            data = fh.read(SCAN_BYTES)
    except OSError:
        data = b""
    for name, what in _STREAMS:
        # a directory entry: the name in UTF-16LE, then the terminating NUL character
        if (name + "\0").encode("utf-16-le") in data:
            return what
    return _BY_SUFFIX.get(path.suffix.lower(), "")


def message(path: Path) -> str:
    """The one Chinese line for an OLE compound file: what it is and what to do."""
    name = path.name
    what = kind(path)
    if what == "encrypted":
        return (
            f"{name} 设置了打开密码（文件已加密），无法读取。请在 Excel、Word 或 WPS 中打开，"
            f"取消打开密码（文件 › 信息 › 保护 › 用密码进行加密，清空密码）后保存，再试。"
        )
    if what == "excel":
        return (
            f"{name} 是旧版 Excel（.xls）或 WPS 表格（.et）格式。请在 Excel 或 WPS 中打开，"
            f"“另存为”Excel 工作簿（.xlsx）后再试。"
        )
    if what == "word":
        return (
            f"{name} 是旧版 Word（.doc）或 WPS 文字（.wps）格式。请在 Word 或 WPS 中打开，"
            f"“另存为”Word 文档（.docx）后再试。"
        )
    return (
        f"{name} 是旧版 Office 或 WPS 格式（.xls/.doc/.et/.wps），或设置了打开密码。"
        f"请在 Office 或 WPS 中打开，取消打开密码，另存为 .xlsx（工作簿）或 .docx（Word 报告）后再试。"
    )
