"""The file-safety layer (gknb.files) on its own and through every command that writes:
atomic writes, backup generations, a full disk, outputs that must not be written (an input, a
file open in Excel/WPS, a read-only file) and stale temp files of killed runs."""

import errno
import os
import stat
import time
import zipfile
from pathlib import Path

import pytest

from gknb import files
from gknb.cli import main
from gknb.errors import DiskFull, FileLocked, GknbError, OutputExists, ReadOnlyFile
from support import SEEDS


def _no_temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(files.TEMP_PREFIX))


def _disk_full(monkeypatch) -> None:
    """Every file the layer writes hits a full disk when it is flushed."""

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)


def _read_only(path: Path) -> None:
    path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)


# ---- the layer ------------------------------------------------------------------------------


def test_write_atomic_new_file_has_the_usual_mode_not_0600(tmp_path):
    old = os.umask(0o022)
    try:
        target = tmp_path / "a.docx"
        assert files.write_atomic(target, b"one") is None
    finally:
        os.umask(old)
    assert target.read_bytes() == b"one"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert _no_temps(tmp_path) == []


def test_write_atomic_takes_a_writer_and_keeps_the_target_mode(tmp_path):
    target = tmp_path / "a.xlsx"
    target.write_bytes(b"old")
    target.chmod(0o640)
    files.write_atomic(target, lambda fh: fh.write(b"new"))
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_backup_generations_newest_first_oldest_dropped(tmp_path):
    target = tmp_path / "年报.xlsx"
    target.write_bytes(b"v0")
    for n in range(1, 8):
        kept = files.write_atomic(target, f"v{n}".encode(), backup=True)
        assert kept == tmp_path / "年报.备份.xlsx"
    assert target.read_bytes() == b"v7"
    names = ["年报.备份.xlsx"] + [f"年报.备份{n}.xlsx" for n in range(2, 6)]
    assert [(tmp_path / n).read_bytes() for n in names] == [b"v6", b"v5", b"v4", b"v3", b"v2"]
    assert not (tmp_path / "年报.备份6.xlsx").exists()
    # a backup shares nothing with the file it was taken from
    files.write_atomic(target, b"v8", backup=True)
    assert (tmp_path / "年报.备份.xlsx").read_bytes() == b"v7"


def test_backup_is_a_copy_where_hard_links_are_missing(tmp_path, monkeypatch):
    target = tmp_path / "a.xlsx"
    target.write_bytes(b"before")

    def no_links(*args):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(files.os, "link", no_links)
    files.write_atomic(target, b"after", backup=True)
    assert (tmp_path / "a.备份.xlsx").read_bytes() == b"before"
    assert target.read_bytes() == b"after"


def test_full_disk_changes_nothing(tmp_path, monkeypatch):
    target = tmp_path / "a.xlsx"
    target.write_bytes(b"original")
    (tmp_path / "a.备份.xlsx").write_bytes(b"previous backup")
    _disk_full(monkeypatch)
    with pytest.raises(DiskFull, match="磁盘空间不足"):
        files.write_atomic(target, b"new" * 1000, backup=True)
    assert target.read_bytes() == b"original"
    assert (tmp_path / "a.备份.xlsx").read_bytes() == b"previous backup"
    assert _no_temps(tmp_path) == []


def test_full_disk_while_copying_the_backup_changes_nothing(tmp_path, monkeypatch):
    target = tmp_path / "a.xlsx"
    target.write_bytes(b"original")
    (tmp_path / "a.备份.xlsx").write_bytes(b"previous backup")
    monkeypatch.setattr(
        files.os, "link", lambda *a: (_ for _ in ()).throw(OSError(errno.EXDEV, ""))
    )

    def copy_fills_disk(src, dst):
        Path(dst).write_bytes(b"trunc")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.shutil, "copy2", copy_fills_disk)
    with pytest.raises(DiskFull):
        files.write_atomic(target, b"new", backup=True)
    assert target.read_bytes() == b"original"
    assert (tmp_path / "a.备份.xlsx").read_bytes() == b"previous backup"
    assert _no_temps(tmp_path) == []


def test_is_backup():
    for name in ("年报.备份.xlsx", "年报.备份2.xlsx", "a.b.备份5.xlsm"):
        assert files.is_backup(Path(name)), name
    for name in ("备份.xlsx", "年报.xlsx", "年报.备份说明.xlsx", "年报备份.xlsx"):
        assert not files.is_backup(Path(name)), name


@pytest.mark.parametrize(
    "lock", ["~$年报2025.xlsx", "~$2025.xlsx", ".~年报2025.xlsx", ".~lock.年报2025.xlsx#"]
)
def test_guard_refuses_a_file_open_in_excel_or_wps(tmp_path, lock):
    out = tmp_path / "年报2025.xlsx"
    out.write_bytes(b"x")
    (tmp_path / lock).write_bytes(b"owner")
    with pytest.raises(FileLocked, match="正在 Excel 中打开"):
        files.guard_output(out, force=True)


def test_guard_never_allows_an_input_even_with_force(tmp_path):
    source = tmp_path / "own.xlsx"
    source.write_bytes(b"x")
    (tmp_path / "sub").mkdir()
    with pytest.raises(GknbError, match="原文件本身"):
        files.guard_output(tmp_path / "sub" / ".." / "own.xlsx", inputs=[source], force=True)


def test_guard_existing_read_only_and_in_place(tmp_path):
    out = tmp_path / "a.xlsx"
    out.write_bytes(b"x")
    with pytest.raises(OutputExists, match="--force"):
        files.guard_output(out)
    files.guard_output(out, force=True)
    files.guard_output(out, in_place=True)
    _read_only(out)
    with pytest.raises(ReadOnlyFile, match="只读"):
        files.guard_output(out, force=True)
    with pytest.raises(ReadOnlyFile, match="只读"):
        files.guard_output(out, in_place=True)


def test_sweep_removes_only_old_gknb_temps(tmp_path):
    old = time.time() - 2 * files.STALE_AFTER
    stale = tmp_path / ".gknb-0123abcd.xlsx"
    fresh = tmp_path / ".gknb-fresh.xlsx"
    other = tmp_path / ".other-old.xlsx"
    for p in (stale, fresh, other):
        p.write_bytes(b"x")
    for p in (stale, other):
        os.utime(p, (old, old))
    files.write_atomic(tmp_path / "a.xlsx", b"new")  # a later run writing into the folder
    assert not stale.exists()
    assert fresh.exists() and other.exists()


# ---- through the commands (issue 15 items 2–5, 14) -------------------------------------------


def _valid_zip(path: Path) -> bool:
    return zipfile.is_zipfile(path)


def test_full_disk_during_fill_keeps_workbook_and_backup(make_book, capsys, monkeypatch):
    path = make_book(overrides={("T4", "all", "rv_total"): None})
    assert main(["fill", str(path)]) == 0  # a first fill leaves a backup
    backup = path.with_name(f"{path.stem}.备份.xlsx")
    before = backup.read_bytes()
    wb_bytes = path.read_bytes()
    from openpyxl import load_workbook

    wb = load_workbook(path)
    wb["四、复议诉讼"]["E6"] = 12345  # a total to fill again
    wb.save(path)
    wb_bytes = path.read_bytes()
    capsys.readouterr()
    _disk_full(monkeypatch)
    assert main(["fill", str(path)]) == 2
    err = capsys.readouterr().err
    assert "磁盘空间不足" in err and "Traceback" not in err and err.count("\n") == 1
    assert path.read_bytes() == wb_bytes and backup.read_bytes() == before
    assert _valid_zip(backup)
    assert _no_temps(path.parent) == []


@pytest.mark.parametrize(
    "command",
    [
        ["clear", "{book}"],
        ["text", "{book}"],
        ["check", "{book}", "--mark", "{dir}/m.xlsx"],
        ["new", "{dir}/n.xlsx", "--agency", "局", "--year", "2025"],
        ["export", "{book}", "-o", "{dir}/r.docx", "--force"],
        ["review", "{book}", "-o", "{dir}/s.xlsx"],
        ["import", "{seed}", "-o", "{dir}/i.xlsx"],
        ["fill", "{book}"],
    ],
)
def test_full_disk_every_write_command_exit_2(make_book, tmp_path, capfd, monkeypatch, command):
    book = make_book(overrides={("T4", "all", "rv_total"): None})  # fill has a total to write
    before = book.read_bytes()
    seed = sorted(SEEDS.glob("*.txt"))[1]
    argv = [a.format(book=book, dir=tmp_path, seed=seed) for a in command]
    _disk_full(monkeypatch)
    code = main(argv)
    err = capfd.readouterr().err
    assert code == 2, err
    assert "磁盘空间不足" in err and "Traceback" not in err and "Exception ignored" not in err
    assert book.read_bytes() == before
    assert _no_temps(tmp_path) == []


def test_mark_in_place_after_fill_keeps_the_pre_fill_backup(make_book, capsys):
    path = make_book(overrides={("T4", "all", "rv_total"): None})
    original = path.read_bytes()
    assert main(["fill", str(path)]) == 0
    filled = path.read_bytes()
    assert main(["check", str(path), "--mark", str(path)]) in (0, 1)
    assert path.with_name(f"{path.stem}.备份.xlsx").read_bytes() == filled
    assert path.with_name(f"{path.stem}.备份2.xlsx").read_bytes() == original
    assert "原文件备份为 book.备份.xlsx" in capsys.readouterr().out


def test_new_force_refuses_a_workbook_open_in_excel(tmp_path, capsys):
    path = tmp_path / "年报.xlsx"
    assert main(["new", str(path), "--agency", "局", "--year", "2025"]) == 0
    before = path.read_bytes()
    (tmp_path / "~$年报.xlsx").write_bytes(b"owner")
    assert main(["new", str(path), "--agency", "别的局", "--year", "2025", "--force"]) == 2
    assert "正在 Excel 中打开" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_import_never_overwrites_its_input(make_book, capsys):
    own = make_book(name="own.xlsx")
    from gknb.workbook.template import build_workbook

    # an agency's own layout: the template's sheets without its names
    wb = build_workbook("2021", agency="局", year=2025)
    for name in list(wb.defined_names):
        del wb.defined_names[name]
    wb.save(own)
    before = own.read_bytes()
    assert main(["import", str(own), "-o", str(own), "--force"]) == 2
    assert "原文件本身" in capsys.readouterr().err
    assert own.read_bytes() == before


def test_review_output_never_overwrites_a_report_of_the_batch(make_book, tmp_path, capsys):
    make_book(name="a.xlsx")
    b = make_book(name="b.xlsx")
    before = b.read_bytes()
    assert main(["review", str(tmp_path), "-o", str(b), "--force"]) == 2
    assert "要审核的报告之一" in capsys.readouterr().err
    assert b.read_bytes() == before
    # an earlier summary in the folder may be replaced with --force (and is not reviewed)
    summary = tmp_path / "汇总.xlsx"
    assert main(["review", str(tmp_path), "-o", str(summary)]) == 0
    assert main(["review", str(tmp_path), "-o", str(summary), "--force"]) == 0
    assert "已校验 2 个文件" in capsys.readouterr().out


def test_review_summary_is_not_private(make_book, tmp_path, capsys):
    make_book()
    old = os.umask(0o022)
    try:
        out = tmp_path / "s.xlsx"
        assert main(["review", str(tmp_path), "-o", str(out)]) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


@pytest.mark.parametrize(
    "command",
    [
        ["fill", "{book}"],
        ["clear", "{book}"],
        ["text", "{book}"],
        ["check", "{book}", "--mark", "{book}"],
    ],
)
def test_read_only_workbook_is_not_rewritten(make_book, capsys, command):
    book = make_book(overrides={("T4", "all", "rv_total"): None})
    _read_only(book)
    before = book.read_bytes()
    code = main([a.format(book=book) for a in command])
    assert code == 2
    assert "只读" in capsys.readouterr().err
    assert book.read_bytes() == before
    assert stat.S_IMODE(book.stat().st_mode) == 0o444
    assert not book.with_name(f"{book.stem}.备份.xlsx").exists()


def test_export_force_does_not_replace_a_read_only_docx(make_book, tmp_path, capsys):
    book = make_book()
    out = tmp_path / "报告.docx"
    assert main(["export", str(book), "-o", str(out)]) == 0
    _read_only(out)
    before = out.read_bytes()
    assert main(["export", str(book), "-o", str(out), "--force"]) == 2
    assert "只读" in capsys.readouterr().err
    assert out.read_bytes() == before and stat.S_IMODE(out.stat().st_mode) == 0o444


def test_a_later_run_sweeps_stale_temps_of_a_killed_run(make_book, capsys):
    book = make_book(overrides={("T4", "all", "rv_total"): None})
    killed = book.with_name(".gknb-4f2a9c1b7d3e.xlsx")
    killed.write_bytes(b"PK\x03\x04 half written")
    old = time.time() - 2 * files.STALE_AFTER
    os.utime(killed, (old, old))
    assert main(["fill", str(book)]) == 0
    assert not killed.exists()
