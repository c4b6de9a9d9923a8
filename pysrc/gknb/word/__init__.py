"""一键导出Word: the statutory tables into the report document (GB/T 9704 house style).

The public API (used by `gknb export` and the Excel add-in's 导出Word button):

    from gknb.word import ErrorsRemain, export_workbook
    path = export_workbook(Path("年报.xlsm"))            # raises ErrorsRemain while errors remain
    path = export_workbook(Path("年报.xlsm"), force=True)  # export anyway

Importing this package does not import python-docx; the export functions load it on demand.
"""

from gknb.word.export import ErrorsRemain, export_workbook
from gknb.word.style import WordStyle, style_from

__all__ = ["ErrorsRemain", "WordStyle", "export_workbook", "style_from"]
