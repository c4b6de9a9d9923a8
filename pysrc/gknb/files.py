"""The one file-safety layer every command writes through (no heavy imports).

- `guard_output`: refuse, before any work, an output that must not be written: one of the
  command's own inputs (never, not even with --force), a file open in Excel/WPS/Word, a
  read-only file (said so, never silently replaced), an existing file without --force.
- `write_atomic`: the content goes to a hidden temp file in the target's folder first; only when
  it is completely on disk does it replace the target (one rename). With `backup=True` the
  file being replaced is kept as a backup, and earlier backups move down one generation
  (NAME.备份.xlsx newest, then NAME.备份2.xlsx … NAME.备份5.xlsx). A full disk or any other
  write failure leaves the original and every backup as they were and raises a one-line
  Chinese error (exit 2).
- `sweep_stale`: hidden `.gknb-*` temp files a killed run left behind are removed by a later
  run that writes into the same folder (only gknb's own, only ones older than an hour).
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import shutil
import stat
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from gknb.errors import DiskFull, FileLocked, GknbError, OutputExists, ReadOnlyFile

TEMP_PREFIX = ".gknb-"  # every temp file gknb writes starts with this (hidden on Linux/macOS)
STALE_AFTER = 3600.0  # seconds: a temp file this old belongs to no running gknb
BACKUP_MARK = ".备份"
BACKUP_GENERATIONS = 5  # NAME.备份.xlsx (newest) … NAME.备份5.xlsx (oldest)

Content = bytes | Callable[[BinaryIO], None]


# ---- facts about files ---------------------------------------------------------------------


def owner_lock(path: Path) -> Path | None:
    """The lock file an office program keeps beside an open document, if present: Excel, Word
    and WPS on Windows write ~$name (for long names the first two characters are replaced);
    WPS on Linux writes .~name; LibreOffice writes .~lock.name#."""
    name = path.name
    for candidate in (f"~${name}", f"~${name[2:]}", f".~{name}", f".~lock.{name}#"):
        lock = path.with_name(candidate)
        if lock.exists():
            return lock
    return None


def is_read_only(path: Path) -> bool:
    """The file is marked read-only (no write permission bits, or the read-only attribute on
    Windows). Checked on the mode, not os.access, which says yes to an administrator."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(path, os.W_OK)


def same_file(a: Path, b: Path) -> bool:
    """a and b name the same file (also through links, case-insensitive file systems, ../)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def backup_path(path: Path, generation: int = 1) -> Path:
    """NAME.备份.xlsx for the newest backup, NAME.备份2.xlsx for the one before, …"""
    tag = BACKUP_MARK if generation == 1 else f"{BACKUP_MARK}{generation}"
    return path.with_name(f"{path.stem}{tag}{path.suffix}")


def is_backup(path: Path) -> bool:
    """A backup gknb keeps (NAME.备份.xlsx, NAME.备份2.xlsx, …)."""
    name, mark, generation = path.stem.rpartition(BACKUP_MARK)
    return bool(name and mark) and (generation == "" or generation.isdigit())


def _folder(path: Path) -> Path:
    return path.parent if str(path.parent) else Path(".")


# ---- the output guard ------------------------------------------------------------------------


def refuse_if_open(path: Path) -> None:
    if owner_lock(path) is not None:
        program = "Word" if path.suffix.lower() in (".docx", ".doc") else "Excel"
        raise FileLocked(
            f"{path.name} 正在 {program} 中打开，请先保存并关闭它（WPS 等程序同样），再运行本命令。"
        )


def refuse_if_read_only(path: Path) -> None:
    if path.exists() and is_read_only(path):
        raise ReadOnlyFile(
            f"{path.name} 是只读文件，未修改。如确需修改，请先取消只读"
            f"（Windows：右键 → 属性 → 取消勾选“只读”），或另存一份再操作。"
        )


def check_folder(folder: Path) -> None:
    if not folder.exists():
        raise GknbError(f"文件夹 {folder} 不存在，请先建立它或换一个位置。")
    if not folder.is_dir():
        raise GknbError(f"输出位置 {folder} 不是文件夹，请换一个位置。")
    if not os.access(folder, os.W_OK):
        raise GknbError(
            f"无法写入文件夹 {folder}：没有写入权限，请换一个位置（如“桌面”或“文档”）。"
        )


def guard_output(
    out: Path,
    *,
    inputs: Iterable[Path] = (),
    force: bool = False,
    in_place: bool = False,
) -> None:
    """Refuse, before any work, an output that cannot or must not be written.

    inputs: the files the command reads; the output is never one of them (--force or not).
    in_place: the command rewrites `out` itself (fill, text, clear, in-place --mark); it must
    exist, and its backup is kept by write_atomic.
    """
    if out.is_dir():
        raise GknbError(f"{out} 是文件夹，请给出输出文件的文件名。")
    if not in_place:
        for source in inputs:
            if out.exists() and source.exists() and same_file(out, source):
                raise GknbError(
                    f"输出文件不能是原文件本身（{out.name}），否则原文件会被覆盖。"
                    f"请换一个输出文件名。"
                )
    check_folder(_folder(out))
    refuse_if_open(out)
    if not out.exists():
        return
    if not in_place and not force:
        raise OutputExists(f"{out} 已存在，未覆盖。请换一个文件名，或加 --force 覆盖。")
    refuse_if_read_only(out)


# ---- writing ---------------------------------------------------------------------------------


def _write_error(exc: OSError, target: Path) -> GknbError:
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return DiskFull(
            f"磁盘空间不足，无法写入 {target.name}；原文件和备份都没有改动。"
            f"请清理磁盘（或换一个位置）后重试。"
        )
    if exc.errno == errno.EROFS:
        return ReadOnlyFile(f"{_folder(target)} 所在的磁盘是只读的，无法写入 {target.name}。")
    if isinstance(exc, PermissionError):
        return GknbError(
            f"无法写入 {target.name}：没有权限，或文件正在被其他程序使用。请关闭后重试。"
        )
    return GknbError(f"写入 {target.name} 失败：{exc.strerror or exc}。原文件没有改动。")


def _new_file_mode() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _mode_for(target: Path) -> int:
    """Keep the target's permissions; a new file gets the usual mode (never 0600)."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        return _new_file_mode()


def _temp_name(folder: Path, suffix: str) -> Path:
    return folder / f"{TEMP_PREFIX}{os.urandom(6).hex()}{suffix}"


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def content_bytes(content: Content) -> bytes:
    """The bytes to write. A writer (e.g. openpyxl's save) writes into memory first, so a
    full disk can never interrupt it half way (and leave a zip file open)."""
    if isinstance(content, bytes | bytearray):
        return bytes(content)
    buf = io.BytesIO()
    content(buf)
    return buf.getvalue()


def create_new(path: Path) -> int:
    """Open a file that must not exist yet, for writing (owner-only until it is complete)."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)


def write_temp(folder: Path, data: bytes, suffix: str, mode: int | None = None) -> Path:
    """data in a new hidden temp file in folder (flushed to disk). On failure nothing is left."""
    tmp = _temp_name(folder, suffix)
    try:
        fd = create_new(tmp)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
            raise _write_error(exc, folder / f"x{suffix}") from None
        raise GknbError(
            f"无法写入文件夹 {folder}：{exc.strerror or exc}。请换一个位置（如“桌面”或“文档”）。"
        ) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _new_file_mode() if mode is None else mode)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise _write_error(exc, folder / f"x{suffix}") from None
    return tmp


def _copy_temp(source: Path, folder: Path) -> Path:
    """A temp copy of source that shares nothing with it afterwards: a hard link when the file
    system has them (no space needed), else a byte copy."""
    tmp = _temp_name(folder, source.suffix)
    try:
        os.link(source, tmp)
        return tmp
    except OSError:
        pass
    try:
        shutil.copy2(source, tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise _write_error(exc, source) from None
    return tmp


def _rotate(path: Path, fresh: Path) -> Path:
    """Move the backups down one generation (the oldest goes) and put `fresh` in as newest."""
    for n in range(BACKUP_GENERATIONS - 1, 0, -1):
        older = backup_path(path, n)
        if older.exists():
            os.replace(older, backup_path(path, n + 1))
    newest = backup_path(path)
    os.replace(fresh, newest)
    return newest


def write_atomic(path: Path, content: Content, *, backup: bool = False) -> Path | None:
    """Write content to path through a temp file and one rename. With backup=True an existing
    file is kept as NAME.备份.xlsx (older backups move to 备份2 … 备份5). Returns the backup
    written, if any. Raises GknbError (DiskFull on a full disk) with nothing changed."""
    folder = _folder(path)
    check_folder(folder)
    sweep_stale(folder)
    data = content_bytes(content)
    tmp = write_temp(folder, data, path.suffix, _mode_for(path))
    saved: Path | None = None
    try:
        if backup and path.exists():
            fresh = _copy_temp(path, folder)
            try:
                saved = _rotate(path, fresh)
            except OSError as exc:
                with contextlib.suppress(OSError):
                    fresh.unlink()
                raise _write_error(exc, backup_path(path)) from None
        try:
            os.replace(tmp, path)
        except OSError as exc:
            raise _write_error(exc, path) from None
        _fsync_dir(folder)
    finally:
        with contextlib.suppress(OSError):
            if tmp.exists():
                tmp.unlink()
    return saved


def sweep_stale(folder: Path, older_than: float = STALE_AFTER) -> int:
    """Remove gknb's own temp files (.gknb-*) older than `older_than` seconds from folder.
    Returns how many were removed; never fails."""
    removed = 0
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        if not entry.name.startswith(TEMP_PREFIX):
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            if now - entry.stat(follow_symlinks=False).st_mtime < older_than:
                continue
            os.unlink(entry.path)
            removed += 1
        except OSError:
            continue
    return removed
