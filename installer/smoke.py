"""Smoke test of a frozen onedir build: does the engine the clerks get actually work?

    python installer/smoke.py DIST_DIR [--seeds DIR] [--work DIR]

DIST_DIR is the onedir folder (dist/gknb). Run it with the Python the build used (gknb and
openpyxl importable): every command is run twice, frozen and as `python -m gknb`, and the two
must agree. Used by `bash dev.sh dist`, installer/build_windows.ps1 and tests/installer.

The checks go through the whole product with files whose folder and name hold spaces and
Chinese characters: version, every module importable, new -> fill -> check a workbook,
export it to Word and read that document back as a published report, review a folder with a
process pool (a frozen Windows exe needs multiprocessing.freeze_support for that), the seed
reports when given, the ribbon engine's answer to bad arguments, and Explorer's 发送到 path
(gknb-excel --sendto check) answering in a UTF-16 result file.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u4e00-\u9fff]")
AGENCY = "测试县 统计局"


class SmokeFailure(AssertionError):
    pass


def source_version() -> str:
    """The version as written in pysrc/gknb/__init__.py (the one place it lives)."""
    text = (ROOT / "pysrc" / "gknb" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"', text, re.M)
    if not match:
        raise SmokeFailure("pysrc/gknb/__init__.py 中没有 __version__")
    return match.group(1)


@dataclass
class Run:
    args: list[str]
    code: int
    out: str
    err: str

    def describe(self) -> str:
        return f"$ {' '.join(self.args)}\n  exit {self.code}\n  stdout: {self.out[-800:]}\n  stderr: {self.err[-800:]}"


class Engine:
    """The frozen programs in DIST_DIR, and the same commands through `python -m gknb`."""

    def __init__(self, dist: Path) -> None:
        self.dist = dist
        suffix = ".exe" if sys.platform == "win32" else ""
        self.gknb = dist / f"gknb{suffix}"
        self.excel = dist / f"gknb-excel{suffix}"
        for exe in (self.gknb, self.excel):
            if not exe.is_file():
                raise SmokeFailure(f"构建结果中缺少 {exe}")

    @staticmethod
    def _run(args: Sequence[str | Path], env: dict[str, str] | None = None) -> Run:
        full_env = dict(os.environ)
        # The frozen programs write UTF-8 to pipes (built in UTF-8 mode; they ignore the
        # environment). `python -m gknb` needs the same on a Windows runner, whose ANSI code
        # page (1252) cannot encode Chinese.
        full_env["PYTHONUTF8"] = "1"
        full_env.update(env or {})
        proc = subprocess.run(
            [str(a) for a in args], capture_output=True, env=full_env, timeout=300, check=False
        )
        return Run(
            [str(a) for a in args],
            proc.returncode,
            proc.stdout.decode("utf-8", "replace"),
            proc.stderr.decode("utf-8", "replace"),
        )

    def frozen(self, *args: str | Path, env: dict[str, str] | None = None) -> Run:
        return self._run([self.gknb, *args], env)

    def python(self, *args: str | Path) -> Run:
        return self._run([sys.executable, "-m", "gknb", *args])

    def ribbon(self, *args: str | Path) -> Run:
        return self._run([self.excel, *args])


PANDAS_HINT = (
    "\n  The frozen engine leaves out pandas and numpy (installer/gknb.spec: ~70 MB against an"
    " 80 MB budget, and xlwings imports pandas on every ribbon click when it is there)."
    " A command must work without them."
)


def expect(run: Run, codes: Sequence[int]) -> Run:
    if run.code not in codes:
        hint = PANDAS_HINT if re.search(r"No module named '(pandas|numpy)'", run.err) else ""
        raise SmokeFailure(f"退出码应为 {list(codes)}：\n{run.describe()}{hint}")
    if "Traceback" in run.err or "Traceback" in run.out:
        raise SmokeFailure(f"输出中出现了 Python 错误堆栈：\n{run.describe()}")
    return run


def same_as_python(engine: Engine, *args: str | Path) -> Run:
    """Run a command frozen and unfrozen: exit code and output must be identical."""
    frozen, plain = engine.frozen(*args), engine.python(*args)
    if (frozen.code, frozen.out) != (plain.code, plain.out):
        raise SmokeFailure(
            f"冻结版与 python -m gknb 的结果不同：\n{frozen.describe()}\n{plain.describe()}"
        )
    return frozen


# --- the checks -------------------------------------------------------------------------------


def check_version(engine: Engine, work: Path) -> str:
    run = expect(engine.frozen("--version"), [0])
    want = f"gknb {source_version()}"
    if run.out.strip() != want:
        raise SmokeFailure(f"--version 应输出 {want!r}：\n{run.describe()}")
    return run.out.strip()


def check_modules(engine: Engine, work: Path) -> str:
    run = expect(engine.frozen(env={"GKNB_FROZEN_SELFTEST": "1"}), [0])
    return run.out.strip().splitlines()[-1]


def make_workbook(engine: Engine, work: Path) -> Path:
    """`gknb new`, type the input cells (consistent figures), leave the totals to `gknb fill`."""
    from openpyxl import load_workbook

    from gknb.formats import FORMATS
    from gknb.synth import consistent_values
    from gknb.workbook.contract import template_locations
    from gknb.workbook.marks import parse_address

    folder = work / "年报 测试"
    folder.mkdir(parents=True, exist_ok=True)
    book = folder / "测试县统计局2025年报.xlsx"
    if book.exists():
        return book
    expect(engine.frozen("new", book, "--agency", AGENCY, "--year", "2025"), [0])
    # the macro workbook needs the add-in sources bundled with the engine
    xlsm = folder / "测试县统计局2025年报（带按钮）.xlsm"
    expect(engine.frozen("new", xlsm, "--agency", AGENCY, "--year", "2025"), [0])
    if b"vbaProject.bin" not in xlsm.read_bytes():
        raise SystemExit(f"{xlsm.name} has no VBA project")
    fmt = FORMATS["2021"]
    totals = set(fmt.total_keys())
    values = consistent_values(fmt, random.Random(7))
    wb = load_workbook(book)
    for key, address in template_locations(fmt).items():
        if key in totals:
            continue
        sheet, row, col = parse_address(address)
        wb[sheet].cell(row, col).value = values[key]
    wb.save(book)
    return book


def check_workbook(engine: Engine, work: Path) -> str:
    book = make_workbook(engine, work)
    fill = expect(engine.frozen("fill", book), [0])
    check = expect(same_as_python(engine, "check", "--json", book), [0])
    line = json.loads(check.out)
    if line["agency"] != AGENCY or line["year"] != 2025:
        raise SmokeFailure(f"读出的机关名称或年度不对：\n{check.describe()}")
    errors = [f for f in line["findings"] if f["severity"] == "error"]
    if errors:
        raise SmokeFailure(f"填充合计后仍有错误：{errors}\n{fill.describe()}")
    from openpyxl import load_workbook

    readme = load_workbook(book, read_only=True)["说明"]
    texts = [str(v) for row in readme.iter_rows(values_only=True) for v in row if v is not None]
    if not any(source_version() in t for t in texts):
        raise SmokeFailure(f"“说明”工作表中没有版本号 {source_version()}")
    return f"{len(line['findings'])} findings, 0 errors after fill; 说明 shows the version"


def has_command(engine: Engine, name: str) -> bool:
    """Feature commands register themselves; a tree may not have all of them yet."""
    run = expect(engine.frozen("--help"), [0])
    return re.search(rf"^\s+{name}\s", run.out, re.M) is not None


def check_export_and_read_back(engine: Engine, work: Path) -> str:
    if not has_command(engine, "export"):
        return "no export command in this tree"
    book = make_workbook(engine, work)
    expect(engine.frozen("fill", book), [0])
    docx = book.with_name("导出 测试.docx")
    docx.unlink(missing_ok=True)
    expect(engine.frozen("export", book, "-o", docx, "--no-draft"), [0])
    with zipfile.ZipFile(docx) as z:
        names = set(z.namelist())
        props = b"".join(z.read(n) for n in names if n.startswith("docProps/")).decode("utf-8")
    if "word/document.xml" not in names:
        raise SmokeFailure(f"{docx.name} 不是 Word 文档：{sorted(names)[:10]}")
    if source_version() not in props:
        raise SmokeFailure(f"{docx.name} 的文档属性中没有版本号 {source_version()}")
    run = expect(same_as_python(engine, "check", "--json", docx), [0, 1])
    line = json.loads(run.out)
    errors = [f for f in line["findings"] if f["severity"] == "error"]
    if errors:
        raise SmokeFailure(f"导出的 Word 报告读回后有错误：{errors}")
    return f"{docx.name}: read back as a published report, {len(line['findings'])} findings"


def check_review(engine: Engine, work: Path) -> str:
    if not has_command(engine, "review"):
        return "no review command in this tree"
    book = make_workbook(engine, work)
    expect(engine.frozen("fill", book), [0])
    folder = work / "汇总 测试"
    folder.mkdir(exist_ok=True)
    for i in range(3):
        (folder / f"第{i + 1}份.xlsx").write_bytes(book.read_bytes())
    # The process pool: frozen workers must give what python -m gknb gives.
    args = ("review", folder, "--json", "--jobs", "2")
    frozen, plain = expect(engine.frozen(*args), [0, 1]), expect(engine.python(*args), [0, 1])
    lines = sorted(frozen.out.splitlines())
    if len(lines) != 3 or lines != sorted(plain.out.splitlines()):
        raise SmokeFailure(f"冻结版批量校验的结果不同：\n{frozen.describe()}\n{plain.describe()}")
    # The summary workbook.
    out = work / "汇总 结果.xlsx"
    run = expect(engine.frozen("review", folder, "-o", out, "--jobs", "2", "--force"), [0, 1])
    if not out.is_file():
        raise SmokeFailure(f"没有生成汇总工作簿 {out}：\n{run.describe()}")
    return f"3 workbooks in 2 processes, frozen == python -m gknb -> {out.name}"


def check_seeds(engine: Engine, work: Path, seeds: Path) -> str:
    files = sorted(p for p in seeds.iterdir() if p.is_file())
    if not files:
        raise SmokeFailure(f"{seeds} 中没有报告文件")
    for path in files:
        expect(same_as_python(engine, "check", "--json", path), [0, 1])
    return f"{len(files)} seed reports, frozen == python -m gknb"


def check_ribbon_bad_arguments(engine: Engine, work: Path) -> str:
    for args in (["--no-such-option"], [], ["check", "--wb=" + str(work / "不存在 的.xlsm")]):
        run = engine.ribbon(*args)
        if run.code == 0:
            raise SmokeFailure(f"错误的参数应得到非零退出码：\n{run.describe()}")
        if "Traceback" in run.err + run.out:
            raise SmokeFailure(f"不应显示 Python 错误堆栈：\n{run.describe()}")
        if not CJK.search(run.err):
            raise SmokeFailure(f"应在 stderr 给出中文说明：\n{run.describe()}")
    return "non-zero exit, Chinese message on stderr, no traceback"


def check_sendto(engine: Engine, work: Path) -> str:
    """Explorer's 发送到 path: gknb-excel --sendto check marks a closed workbook in place and
    answers in a UTF-16 result file (the ribbon's protocol)."""
    import shutil

    book = make_workbook(engine, work)
    copy = book.with_name("发送到 & 100%PATH% 测试.xlsx")
    shutil.copyfile(book, copy)
    result = work / "答复 &%TEMP%.txt"
    run = expect(engine.ribbon("--sendto", "check", copy, "--result", result, "--no-open"), [0])
    data = result.read_bytes() if result.exists() else b""
    if not data.startswith(b"\xff\xfe"):
        raise SmokeFailure(f"结果文件不是 UTF-16 LE（带 BOM）：\n{run.describe()}")
    answer = data[2:].decode("utf-16-le")
    if not answer.startswith(f"{copy.name}：错误 ") or "Traceback" in answer:
        raise SmokeFailure(f"“发送到 → 校验”的答复不对：{answer}\n{run.describe()}")
    if not copy.with_name(f"{copy.stem}.备份{copy.suffix}").exists():
        raise SmokeFailure(f"就地标记后没有备份：\n{run.describe()}")
    return answer.splitlines()[0]


Check = Callable[[Engine, Path], str]
CHECKS: list[tuple[str, Check]] = [
    ("version", check_version),
    ("modules", check_modules),
    ("workbook", check_workbook),
    ("export", check_export_and_read_back),
    ("review", check_review),
    ("ribbon", check_ribbon_bad_arguments),
    ("sendto", check_sendto),
]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="冒烟测试：检查打包好的 gknb 程序能否正常工作")
    parser.add_argument("dist", type=Path, help="打包结果文件夹（含 gknb 和 gknb-excel）")
    parser.add_argument("--seeds", type=Path, help="已发布报告样本所在文件夹（可选）")
    parser.add_argument("--work", type=Path, help="临时文件夹（默认新建）")
    args = parser.parse_args(argv)
    checks = list(CHECKS)
    if args.seeds:
        seeds: Path = args.seeds
        checks.append(("seeds", lambda e, w: check_seeds(e, w, seeds)))
    failed = 0
    with tempfile.TemporaryDirectory(prefix="gknb 冒烟 ") as tmp:
        work = args.work or Path(tmp)
        try:
            engine = Engine(args.dist.resolve())
        except SmokeFailure as exc:
            print(f"FAIL {exc}")
            return 1
        for name, check in checks:
            try:
                print(f"ok   {name}: {check(engine, work)}", flush=True)
            except SmokeFailure as exc:
                failed += 1
                print(f"FAIL {name}: {exc}", flush=True)
    print(f"{len(checks) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
