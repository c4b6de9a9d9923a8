"""Render docs/live-check.png: the demo's table 三 as the clerk typed it, before any button is
clicked, with the template's live checks evaluated by LibreOffice.

Run from the project folder: .venv/bin/python docs/live_check_png.py (needs soffice, pdftoppm).
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from gknb.demo import AGENCY, YEAR, fill_demo
from gknb.workbook.contract import TABLE_SHEETS
from gknb.workbook.template import build_workbook

OUT = Path(__file__).resolve().parent / "live-check.png"
DPI = 100
CROP = (30, 45, 1110, 720)  # x, y, width, height at DPI on the landscape A4 page


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        wb = build_workbook("2021", agency=AGENCY, year=YEAR)
        fill_demo(wb)
        for ws in list(wb.worksheets):
            if ws.title != TABLE_SHEETS["T3"]:
                wb.remove(ws)
        book = work / "live.xlsx"
        wb.save(book)
        subprocess.run(
            ["soffice", f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
             "--convert-to", "pdf", "--outdir", str(work), str(book)],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
        x, y, w, h = CROP
        subprocess.run(
            ["pdftoppm", "-r", str(DPI), "-f", "1", "-l", "1", "-x", str(x), "-y", str(y),
             "-W", str(w), "-H", str(h), "-png", "-singlefile", str(work / "live.pdf"),
             str(OUT.with_suffix(""))],
            check=True,
        )  # fmt: skip
    print(f"已写出 {OUT}")


if __name__ == "__main__":
    main()
