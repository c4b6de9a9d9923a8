"""Opening workbooks with openpyxl: a damaged file is one Chinese line."""

import re


def test_unreadable_xlsm_one_chinese_line_no_zipfile_traceback(tmp_path):
    """A damaged .xlsm (a part cut short): one Chinese line on stderr, exit 2, nothing else —
    no openpyxl English text and no `Exception ignored in ZipFile.__del__` (issue 15 #11, #13)."""
    import subprocess
    import sys
    import zipfile

    from gknb.workbook.template import build_workbook

    good = tmp_path / "good.xlsx"
    build_workbook("2021", agency="局", year=2025).save(good)
    bad = tmp_path / "坏.xlsm"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bad, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            zout.writestr(info, data[:100] if info.filename == "xl/styles.xml" else data)
    proc = subprocess.run(
        [sys.executable, "-m", "gknb", "check", str(bad)], capture_output=True, text=True
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "坏.xlsm 已损坏" in lines[0], proc.stderr
    # no English parser text: only file and part names and "Excel" are in Latin letters
    words = re.sub(r"[\w\[\]]*(?:[./][\w\[\]]+)+|Excel", "", lines[0])
    assert not any(c.isascii() and c.isalpha() for c in words), lines[0]
