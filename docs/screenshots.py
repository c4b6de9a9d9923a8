"""Render the README's pictures of table 三 from the demo workbook, with LibreOffice:

- docs/live-check.png: as the clerk typed it, before any button is clicked (the template's
  live checks show the wrong totals);
- docs/marked-workbook.png: the marked copy that 校验 / `gknb check --mark` writes.

Run from the project folder: .venv/bin/python docs/screenshots.py (needs soffice, pdftoppm).
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from gknb.demo import AGENCY, YEAR, build_demo, fill_demo
from gknb.service import check_file, mark_copy
from gknb.workbook.contract import TABLE_SHEETS
from gknb.workbook.template import build_workbook

DOCS = Path(__file__).resolve().parent
DPI = 100
CROP = (30, 45, 1110, 720)  # x, y, width, height at DPI on the landscape A4 page


def render(wb: Workbook, out: Path, work: Path) -> None:
    """Table 三 of the workbook, alone, as LibreOffice prints it; cropped to the table."""
    for ws in list(wb.worksheets):
        if ws.title != TABLE_SHEETS["T3"]:
            wb.remove(ws)
    book = work / f"{out.stem}.xlsx"
    wb.save(book)
    subprocess.run(
        ["soffice", f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(work), str(book)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    x, y, w, h = CROP
    subprocess.run(
        ["pdftoppm", "-r", str(DPI), "-f", "1", "-l", "1", "-x", str(x), "-y", str(y),
         "-W", str(w), "-H", str(h), "-png", "-singlefile", str(book.with_suffix(".pdf")),
         str(out.with_suffix(""))],
        check=True,
    )  # fmt: skip
    print(f"已写出 {out}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        typed = build_workbook("2021", agency=AGENCY, year=YEAR)
        fill_demo(typed)
        render(typed, DOCS / "live-check.png", work)
        demo = build_demo(work / "demo")
        marked = work / "marked.xlsm"
        mark_copy(demo, marked, check_file(demo).findings)
        render(load_workbook(marked), DOCS / "marked-workbook.png", work)


if __name__ == "__main__":
    main()
