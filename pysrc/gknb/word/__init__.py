"""一键导出Word: the statutory tables into the report document (GB/T 9704 house style).

The public API (used by `gknb export` and the Excel add-in's 导出Word button):

    from gknb.word import ErrorsRemain, export_workbook
    path = export_workbook(Path("年报.xlsm"))            # raises ErrorsRemain while errors remain
    path = export_workbook(Path("年报.xlsm"), force=True)  # export anyway

Importing this package imports nothing else: `gknb.cli` loads `gknb.word.cli` on every command,
so the exporter (and python-docx, which it loads on demand) come in only when they are used.
"""

from typing import Any

_EXPORTS = {
    "ErrorsRemain": "gknb.word.export",
    "export_workbook": "gknb.word.export",
    "WordStyle": "gknb.word.style",
    "style_from": "gknb.word.style",
}

__all__ = ["ErrorsRemain", "WordStyle", "export_workbook", "style_from"]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'gknb.word' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_EXPORTS[name]), name)
