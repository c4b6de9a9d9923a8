"""python -m gknb.build OUT.xlsm [--format 2019|2021]: build the macro-enabled template.

The same sources always give the same bytes: the committed workbook_template.xlsm (2021 format)
is checked against a fresh build by the tests.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from gknb.build.xlsm import DEFAULT_TIMESTAMP, build_xlsm, saved_xlsx
from gknb.errors import GknbError
from gknb.files import write_atomic
from gknb.formats import FORMATS

CURRENT = max(FORMATS)  # the format in force: the newest registered


def template_bytes(version: str = CURRENT) -> bytes:
    """The template workbook of a format version (default: the current one), as .xlsm bytes."""
    from gknb.workbook.contract import SHEETS
    from gknb.workbook.template import build_workbook

    wb = build_workbook(version, fixed_time=DEFAULT_TIMESTAMP.replace(tzinfo=None))
    return build_xlsm(saved_xlsx(wb), [code for _, code in SHEETS], timestamp=DEFAULT_TIMESTAMP)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m gknb.build",
        description="生成带“年报助手”功能区和 VBA 宏的工作簿模板（.xlsm），同样的源码总是生成同样的字节。",
    )
    parser.add_argument("out", metavar="输出文件.xlsm", type=Path)
    parser.add_argument(
        "--format",
        dest="version",
        choices=tuple(FORMATS),
        default=CURRENT,
        help=f"格式版本（默认 {CURRENT}）",
    )
    args = parser.parse_args(argv)
    out: Path = args.out
    if out.suffix.lower() != ".xlsm":
        print(f"输出文件名应以 .xlsm 结尾：{out}", file=sys.stderr)
        return 1
    try:
        data = template_bytes(args.version)
        write_atomic(out, data)
    except (OSError, ValueError, GknbError) as exc:
        print(f"生成失败：{exc}", file=sys.stderr)
        return 1
    digest = hashlib.sha256(data).hexdigest()
    print(f"已生成 {out}（{args.version} 格式，{len(data)} 字节，sha256 {digest[:16]}…）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
