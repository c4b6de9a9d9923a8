"""Review isolates every file: what one file does (content, crash, memory) never changes
another file's result, and the summary is always written."""

from __future__ import annotations

import multiprocessing
import os
import zipfile
from pathlib import Path

import pytest

import zipcraft
from gknb.pool import WORKER_MEMORY
from gknb.review import run
from gknb.review.batch import review


def _broken_copies(src: Path, folder: Path) -> list[Path]:
    """Workbooks that each break a reader differently, beside the healthy ones."""
    made = []
    members = list(zipcraft.members_of(src))
    for name, change in {
        "版本.xlsx": {"version": 255},  # zipfile: NotImplementedError("zip file version 25.5")
        "属性.xlsx": {"method": 14},  # an LZMA member
        "加密.xlsx": {"flags": 1},
    }.items():
        target = "docProps/core.xml"  # the part the summary sniff reads first
        made.append(
            zipcraft.write(
                folder / name,
                [zipcraft.lie(m, **change) if m.name == target else m for m in members],
            )
        )
    (folder / "截断.xlsx").write_bytes(src.read_bytes()[:3000])
    made.append(folder / "截断.xlsx")
    return made


@pytest.mark.parametrize("jobs", [1, 2])
def test_corrupt_workbooks_do_not_touch_their_neighbours(book, tmp_path, jobs):
    healthy = [book(f"好{i}.xlsx", seed=i, agency=f"局{i}") for i in range(6)]
    broken = _broken_copies(healthy[0], book.folder)
    out = tmp_path / "汇总.xlsx"
    outcome = review([book.folder], out, jobs=jobs, context=multiprocessing.get_context("fork"))
    errors = {Path(e.path).name: e.error for e in outcome.entries}
    for path in broken:
        assert errors.pop(path.name), path.name  # each is unreadable, with a reason
    assert errors == {p.name: None for p in healthy}
    assert "内部错误" not in " ".join(e.error or "" for e in outcome.entries)
    assert zipfile.is_zipfile(out)
    assert outcome.exit_status == 2


def test_is_summary_never_raises(tmp_path):
    for i, data in enumerate((b"", b"PK\x03\x04garbage", b"x" * 100)):
        path = tmp_path / f"{i}.xlsx"
        path.write_bytes(data)
        assert run.is_summary(path) is False


def test_check_one_turns_any_exception_into_this_files_result(monkeypatch, tmp_path):
    def explode(path):
        raise RecursionError("deep")

    monkeypatch.setattr(run, "is_summary", explode)
    result = run.check_one(run.Task(3, str(tmp_path / "a.xlsx")))
    assert result.pos == 3 and "内部错误" in (result.error or "")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork to patch the workers")
@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="the bound needs /proc")
def test_a_file_that_takes_too_much_memory_fails_alone(book, monkeypatch):
    healthy = [book(f"r{i}.xlsx", seed=i, agency=f"局{i}") for i in range(4)]
    book("greedy.xlsx")
    real = run._check_one

    def greedy(task):
        if task.path.endswith("greedy.xlsx"):
            hog = bytearray(WORKER_MEMORY + (64 << 20))  # more than a worker may take
            return real(task) if hog else None
        return real(task)

    monkeypatch.setattr(run, "_check_one", greedy)
    outcome = review([book.folder], None, jobs=2, context=multiprocessing.get_context("fork"))
    errors = {Path(e.path).name: e.error for e in outcome.entries}
    assert "内存不足" in errors.pop("greedy.xlsx")
    assert errors == {p.name: None for p in healthy}
