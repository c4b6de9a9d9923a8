"""Our own Word export printed to PDF by LibreOffice and checked: clean for every text length.

The generated sentences of parts 三 and 四 stand right before their tables, and a PDF wraps
them wherever the line ends — a line such as "…其中自然人 20 件" once came out as a row of table
二 (two false R13). Here a lead-in of 0 to 27 characters (a line of 3号 text holds 28) moves
every wrap through every position; each PDF must read back with the same numbers and no
finding at all.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from gknb import textgen
from gknb.model import Report
from gknb.reader import read_report
from gknb.rules import check
from gknb.synth import consistent_report
from support import needs

LEAD = "本机关依照条例规定认真办理每一件政府信息公开申请并按时答复申请人依申请公开情况如下"


def _report(n: int) -> Report:
    src = consistent_report("2021" if n % 2 else "2019", 100 + n)
    src.agency = "某某市" + "某" * (n % 5) + "局"
    src.texts = {
        "1": LEAD[: 28 - n] + "。",
        "5": "存在的主要问题：信息公开的及时性有待提高。",
        "6": "本机关未收取信息处理费。",
    }
    src.texts["3"] = LEAD[:n] + textgen.part3(src)
    src.texts["4"] = LEAD[: 27 - n] + textgen.part4(src)
    return src


@needs("soffice")
def test_export_to_pdf_reads_back_clean_for_every_text_length(tmp_path: Path) -> None:
    from gknb.word.document import ReportMeta, build_report
    from gknb.word.style import WordStyle

    sources = {n: _report(n) for n in range(28)}
    for n, src in sources.items():
        meta = ReportMeta(src.agency, src.year, "2026年1月20日", "book.xlsx")
        (tmp_path / f"{n:02d}.docx").write_bytes(build_report(src, meta, WordStyle()))
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), *sorted(str(p) for p in tmp_path.glob("*.docx"))],
        check=True, capture_output=True, timeout=600, env={**os.environ, "HOME": str(tmp_path)},
    )  # fmt: skip
    for n, src in sources.items():
        got = read_report(tmp_path / f"{n:02d}.pdf")
        assert (got.agency, got.year, got.version) == (src.agency, src.year, src.version), n
        assert {k: c.value for k, c in got.cells.items()} == {
            k: c.value for k, c in src.cells.items()
        }, n
        assert [f.message for f in check(got)] == [], n
