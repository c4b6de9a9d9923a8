"""PDF files as reviewers get them: a broken one is one file's failure, never the batch's."""

from __future__ import annotations

import shutil
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
