"""PDF files as reviewers get them: a broken one is one file's failure, never the batch's."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from gknb.cli import main
from support import SEEDS


class _Broken:
    """What pdfplumber hands back for a damaged file: pages that fail, and a close() that
    fails as well (pdfminer's stream already gone)."""

    @property
    def pages(self) -> Any:
        raise ValueError("damaged xref")

    def close(self) -> None:
        raise ValueError("I/O operation on closed file")


def test_check_goes_on_past_a_pdf_that_fails_to_close(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = sorted(SEEDS.glob("*.txt"))[0]
    a, c = tmp_path / "甲.txt", tmp_path / "丙.txt"
    shutil.copy(seed, a)
    shutil.copy(seed, c)
    b = tmp_path / "乙.pdf"
    b.write_bytes(b"%PDF-1.4\n%broken\n")
    monkeypatch.setattr(pdfplumber, "open", lambda *args, **kw: _Broken())
    assert main(["check", str(a), str(b), str(c)]) == 2
    out, err = capsys.readouterr()
    assert "甲.txt ==" in out and "丙.txt ==" in out
    assert "乙.pdf" in err and "损坏" in err and "Traceback" not in err


def _pdf(content: bytes) -> bytes:
    """A one-page PDF whose page draws `content` (a hand-written content stream)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    data = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(data))
        data += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(data)
    data += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    data += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    data += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(data)


# operands pdfminer cannot use: it logs "Cannot concatenate matrix …" and "Cannot set RGB
# non-stroke color …", which Python would print on stderr
ODD_PDF = _pdf(b"BT /F1 12 Tf 72 700 Td (annual report) Tj ET\n(x) 0 0 1 0 0 cm\n/Foo 0 0 rg\n")


def _gknb(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "GKNB_DEBUG"}
    return subprocess.run(
        [sys.executable, "-m", "gknb", *args],
        cwd=cwd, capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip


@pytest.mark.parametrize("command", ["check", "review", "import", "diff"])
def test_pdf_library_warnings_never_reach_the_user(tmp_path: Path, command: str) -> None:
    pdf = tmp_path / "乙.pdf"
    pdf.write_bytes(ODD_PDF)
    args = {
        "check": ["check", str(pdf)],
        "review": ["review", str(tmp_path), "-o", str(tmp_path / "汇总.xlsx")],
        "import": ["import", str(pdf), "-o", str(tmp_path / "导入.xlsx")],
        "diff": ["diff", str(pdf), str(pdf)],
    }[command]
    done = _gknb(*args, cwd=tmp_path)
    assert done.returncode == 2
    assert "Cannot" not in done.stderr and "pdfminer" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines and all(re.search(r"[\u4e00-\u9fff]", line) for line in lines), done.stderr


def test_pdf_library_warnings_are_shown_with_debug(tmp_path: Path) -> None:
    pdf = tmp_path / "乙.pdf"
    pdf.write_bytes(ODD_PDF)
    done = _gknb("--debug", "check", str(pdf), cwd=tmp_path)
    assert done.returncode == 2
    assert "pdfminer" in done.stderr and "Cannot set RGB non-stroke color" in done.stderr
