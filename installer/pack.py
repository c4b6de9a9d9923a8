"""Pack the release zip: the frozen engine, the template and the install scripts.

    python installer/pack.py DIST_DIR [--out dist] [--platform win64]

writes OUT/gknb-<version>-<platform>.zip holding one folder gknb-<version>-<platform>/:

    gknb/                   the onedir (gknb.exe, gknb-excel.exe, _internal/)
    workbook_template.xlsm  the template with the ribbon
    install.cmd, install.ps1, uninstall.cmd, uninstall.ps1, new-report.ps1
    安装说明.txt, README-IT.md
    version.txt             the version (read by install.ps1)
    SHA256SUMS.txt          hashes of every file under gknb/ (antivirus whitelists, integrity)

The version comes from pysrc/gknb/__init__.py. Zip entry names use "/" and are UTF-8 flagged.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INSTALLER = ROOT / "installer"

# (file in the repository, name in the package)
PACKAGE_FILES: tuple[tuple[Path, str], ...] = (
    (ROOT / "workbook_template.xlsm", "workbook_template.xlsm"),
    (INSTALLER / "install.cmd", "install.cmd"),
    (INSTALLER / "install.ps1", "install.ps1"),
    (INSTALLER / "uninstall.cmd", "uninstall.cmd"),
    (INSTALLER / "uninstall.ps1", "uninstall.ps1"),
    (INSTALLER / "new-report.ps1", "new-report.ps1"),
    (INSTALLER / "安装说明.txt", "安装说明.txt"),
    (INSTALLER / "README-IT.md", "README-IT.md"),
)
ENGINE_FILES = ("gknb", "gknb-excel")  # the two programs, ".exe" on Windows


def source_version() -> str:
    text = (ROOT / "pysrc" / "gknb" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"', text, re.M)
    if not match:
        raise SystemExit("pysrc/gknb/__init__.py 中没有 __version__")
    return match.group(1)


def engine_files(dist: Path) -> Iterator[Path]:
    yield from sorted(p for p in dist.rglob("*") if p.is_file())


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def pack(dist: Path, out: Path, platform: str) -> Path:
    version = source_version()
    top = f"gknb-{version}-{platform}"
    missing = [str(src) for src, _ in PACKAGE_FILES if not src.is_file()]
    exe = ".exe" if platform.startswith("win") else ""
    missing += [
        str(dist / f"{name}{exe}") for name in ENGINE_FILES if not (dist / f"{name}{exe}").is_file()
    ]
    if missing:
        raise SystemExit("打包所需的文件不存在：\n  " + "\n  ".join(missing))
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{top}.zip"
    tmp = target.with_name(target.name + ".tmp")
    sums = []
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for path in engine_files(dist):
            rel = path.relative_to(dist).as_posix()
            z.write(path, f"{top}/gknb/{rel}")
            sums.append(f"{sha256(path)}  gknb/{rel}")
        for src, name in PACKAGE_FILES:
            z.write(src, f"{top}/{name}")
        z.writestr(f"{top}/version.txt", version + "\r\n")
        z.writestr(f"{top}/SHA256SUMS.txt", "\r\n".join(sums) + "\r\n")
    tmp.replace(target)
    return target


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="打包发布用的 zip：程序、模板和安装脚本")
    parser.add_argument("dist", type=Path, help="打包结果文件夹（dist/gknb）")
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="zip 的输出文件夹")
    parser.add_argument("--platform", default="win64", help="文件名中的平台（默认 win64）")
    args = parser.parse_args(argv)
    target = pack(args.dist.resolve(), args.out, args.platform)
    print(f"{target} ({target.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
