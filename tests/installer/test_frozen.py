"""The frozen engine built from this tree (PyInstaller onedir, Linux flavour) works as the
clerks' exe must: each check runs the frozen program on files whose folder and name hold
spaces and Chinese, and compares with `python -m gknb` (installer/smoke.py)."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

pytestmark = pytest.mark.frozen

SIZE_BUDGET = 80 * 1000 * 1000  # bytes, the whole onedir folder


def test_folder_within_size_budget(frozen_dist: Path) -> None:
    files = [p for p in frozen_dist.rglob("*") if p.is_file() and not p.is_symlink()]
    total = sum(p.stat().st_size for p in files)
    largest = sorted(files, key=lambda p: p.stat().st_size, reverse=True)[:8]
    detail = ", ".join(
        f"{p.relative_to(frozen_dist)} {p.stat().st_size / 1e6:.1f} MB" for p in largest
    )
    assert total < SIZE_BUDGET, f"{total / 1e6:.1f} MB ≥ 80 MB; largest: {detail}"


def test_nothing_the_engine_must_not_carry(frozen_dist: Path) -> None:
    internal = frozen_dist / "_internal"
    present = {p.name for p in internal.iterdir()}
    for unwanted in ("pandas", "numpy", "tkinter", "pytest", "IPython", "matplotlib", "pypdfium2"):
        assert unwanted not in present, f"{unwanted} 不应打包进冻结版"


def test_version(engine: Any, work: Path, smoke: ModuleType) -> None:
    assert smoke.check_version(engine, work) == f"gknb {smoke.source_version()}"


def test_every_module_imports(engine: Any, work: Path, smoke: ModuleType) -> None:
    smoke.check_modules(engine, work)


def test_new_fill_check_workbook(engine: Any, work: Path, smoke: ModuleType) -> None:
    smoke.check_workbook(engine, work)


def test_export_word_and_read_it_back(engine: Any, work: Path, smoke: ModuleType) -> None:
    smoke.check_export_and_read_back(engine, work)


def test_review_folder_with_process_pool(engine: Any, work: Path, smoke: ModuleType) -> None:
    smoke.check_review(engine, work)


def test_seed_reports(engine: Any, work: Path, smoke: ModuleType, seeds: Path) -> None:
    smoke.check_seeds(engine, work, seeds)


def test_ribbon_engine_rejects_bad_arguments(engine: Any, work: Path, smoke: ModuleType) -> None:
    smoke.check_ribbon_bad_arguments(engine, work)


def test_send_to_marks_a_closed_workbook(engine: Any, work: Path, smoke: ModuleType) -> None:
    assert "错误 0 处" in smoke.check_sendto(engine, work)
