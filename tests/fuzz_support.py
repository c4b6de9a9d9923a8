"""The fuzz and fault corpus: hostile and broken inputs made from the product's own consistent
reports, and a runner that puts each through a real `gknb` process.

Seeds are built here (workbooks of both formats from the template, a published report as text,
HTML and Word); each case mutates one seed (byte flips, truncations, zip headers that lie, XML
mutations, control characters, huge sheets, deeply nested HTML, long digit runs) or a fault
around it (lock file, read-only file, SIGKILL mid-write, disk full), runs one command on it, and
records the outcome. A case fails when the process prints a traceback (or any stderr line that
is not one of our Chinese lines, such as a library's warning), exits 3 (or by a signal
it did not get from us), uses more than `HANG_SECONDS` of CPU (or is still running at three times
that on the wall clock), or takes more than `MEMORY_MB`.

Used by tests/test_fuzz.py (a few dozen cases) and bench/fuzz.py (thousands).
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import zipcraft

HANG_SECONDS = 10.0
MEMORY_MB = 500
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


# ---- seeds --------------------------------------------------------------------------------


def make_seeds(folder: Path) -> dict[str, Path]:
    """Consistent reports of every kind the product reads, written into `folder`."""
    from gknb.formats import FORMATS
    from gknb.synth import consistent_values
    from support.generate import report_text, write_workbook

    folder.mkdir(parents=True, exist_ok=True)
    seeds: dict[str, Path] = {}
    for version, year in (("2021", 2025), ("2019", 2020)):
        values = consistent_values(FORMATS[version], random.Random(year))
        for suffix in (".xlsx", ".xlsm") if version == "2021" else (".xlsx",):
            path = folder / f"seed{version}{suffix}"
            if suffix == ".xlsm":
                from gknb import service

                service.new_workbook(path, agency="种子局", year=year, force=True)
                from gknb.workbook.template import write_values
                from gknb.workbook.xlsx import open_workbook, save_atomic

                wb = open_workbook(path)
                write_values(wb, FORMATS[version], values)
                save_atomic(wb, path)
            else:
                write_workbook(path, version, "种子局", year, values)
            seeds[f"{version}{suffix}"] = path
        text = report_text(version, "种子局", year, values)
        txt = folder / f"seed{version}.txt"
        txt.write_text(text, encoding="utf-8")
        seeds[f"{version}.txt"] = txt
    html = folder / "seed2021.html"
    html.write_text(_as_html(seeds["2021.txt"].read_text(encoding="utf-8")), encoding="utf-8")
    seeds["2021.html"] = html
    docx = folder / "报告2021.docx"  # not seed2021.docx: that would be the workbook's draft
    docx.unlink(missing_ok=True)
    from gknb.word.export import export_workbook

    export_workbook(seeds["2021.xlsx"], docx, force=True)
    seeds["2021.docx"] = docx
    return seeds


def _as_html(text: str) -> str:
    """The text report as a page: each table row a <tr>, other lines paragraphs."""
    out = ["<html><head><meta charset='utf-8'></head><body>"]
    row: list[str] = []
    for line in text.splitlines():
        if line.startswith("\t"):
            row.append(line[1:])
            continue
        if row:
            out.append("<table><tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr></table>")
            row = []
        if line.strip():
            out.append(f"<p>{line}</p>")
    out.append("</body></html>")
    return "\n".join(out)


# ---- mutations ----------------------------------------------------------------------------

CONTROL = ["\x00", "\x07", "\x1b", "\x0b", "\x0c", "\ufffe", "&#27;", "&#x7;", "\ud800"]
HOSTILE_TEXT = [
    '=HYPERLINK("http://x.invalid/?leak","click")',
    "=1+1",
    "+1",
    "-1+2",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "9" * 60,
    "1234567890" * 8 + "甲",
    "<script>alert(1)</script>",
    "&amp;&lt;",
    "\u202e反向",
    "一" * 5000,
]


def _flip(data: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        i = rng.randrange(len(buf))
        buf[i] ^= 1 << rng.randrange(8)
    return bytes(buf)


def _truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data))]


def _insert(text: str, rng: random.Random, piece: str) -> str:
    i = rng.randrange(len(text) + 1)
    return text[:i] + piece + text[i:]


def _xml_mutation(xml: bytes, rng: random.Random) -> bytes:
    """One structural change to an XML part."""
    kind = rng.choice(["drop_tag", "dup_tag", "control", "text", "truncate", "attr", "deep"])
    tags = [m.span() for m in re.finditer(rb"<[^<>]{1,200}>", xml)]
    if kind == "truncate" or not tags:
        return xml[: rng.randrange(len(xml) + 1)]
    a, b = rng.choice(tags)
    if kind == "drop_tag":
        return xml[:a] + xml[b:]
    if kind == "dup_tag":
        return xml[:b] + xml[a:b] + xml[b:]
    if kind == "control":
        return xml[:b] + rng.choice(CONTROL).encode("utf-8", "surrogatepass") + xml[b:]
    if kind == "text":
        value = rng.choice(HOSTILE_TEXT).encode("utf-8", "surrogatepass")
        value = value.replace(b"&", b"&amp;").replace(b"<", b"&lt;")
        m = re.search(rb">([^<]{1,80})<", xml[a:])
        if m is None:
            return xml
        s, e = a + m.start(1), a + m.end(1)
        return xml[:s] + value + xml[e:]
    if kind == "attr":
        m = re.search(rb'="([^"]{0,40})"', xml[a:b])
        if m is None:
            return xml
        junk = rng.choice([b"999999999", b"-1", b"A0", b"#REF!", b"", b"ZZZZ99999999"])
        return xml[: a + m.start(1)] + junk + xml[a + m.end(1) :]
    depth = rng.choice([50, 300, 3000])
    return xml[:b] + b"<x>" * depth + b"</x>" * depth + xml[b:]


def _zip_mutation(path: Path, out: Path, rng: random.Random) -> str:
    members = list(zipcraft.members_of(path))
    i = rng.randrange(len(members))
    m = members[i]
    kind = rng.choice(
        ["xml", "xml", "xml", "drop", "garbage", "bomb", "lie_small", "method", "version", "flags",
         "crc", "rows", "duplicate"]
    )  # fmt: skip
    if kind == "xml":
        data = zlib.decompress(m.raw, -15) if m.method else m.raw
        members[i] = zipcraft.member(m.name, _xml_mutation(data, rng))
    elif kind == "drop":
        del members[i]
    elif kind == "garbage":
        members[i] = zipcraft.member(m.name, rng.randbytes(rng.randint(0, 2000)))
    elif kind == "bomb":
        raw = zipcraft.zeros_deflated(rng.choice([1 << 26, 1 << 28]))
        members[i] = zipcraft.Member(m.name, raw, 4096, zlib.crc32(bytes(4096)))
    elif kind == "lie_small":
        members[i] = zipcraft.lie(m, size=max(0, m.size // rng.choice([2, 10])))
    elif kind == "method":
        members[i] = zipcraft.lie(m, method=rng.choice([9, 12, 14, 99]))
    elif kind == "version":
        members[i] = zipcraft.lie(m, version=rng.choice([63, 64, 255]))
    elif kind == "flags":
        members[i] = zipcraft.lie(m, flags=rng.choice([1, 8, 0x41]))
    elif kind == "crc":
        members[i] = zipcraft.lie(m, crc=m.crc ^ 1)
    elif kind == "rows":
        sheet = next((x for x in members if x.name.startswith("xl/worksheets/")), m)
        j = members.index(sheet)
        xml = zlib.decompress(sheet.raw, -15)
        n = rng.choice([5_000, 100_001])
        extra = b"".join(
            b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (r, r) for r in range(2000, 2000 + n)
        )
        members[j] = zipcraft.member(
            sheet.name, xml.replace(b"</sheetData>", extra + b"</sheetData>")
        )
        kind = f"rows{n}"
    elif kind == "duplicate":
        members.insert(i, m)
    zipcraft.write(out, members)
    return f"zip:{kind}:{m.name}"


def _text_mutation(data: bytes, suffix: str, rng: random.Random) -> tuple[bytes, str]:
    text = data.decode("utf-8")
    kind = rng.choice(["control", "hostile", "digits", "nested", "utf16", "gbk", "shuffle"])
    if kind == "control":
        for _ in range(rng.randint(1, 5)):
            text = _insert(text, rng, rng.choice(CONTROL))
        return text.encode("utf-8", "surrogatepass"), "text:control"
    if kind == "hostile":
        lines = text.split("\n")
        k = rng.randrange(len(lines))
        lines[k] = rng.choice(HOSTILE_TEXT)
        return "\n".join(lines).encode("utf-8", "surrogatepass"), "text:hostile"
    if kind == "digits":  # a long digit run where cells were run together, beside text
        lines = text.split("\n")
        k = rng.randrange(len(lines))
        lines[k] = "\t" + "".join(rng.choice("0123456789") for _ in range(rng.randint(8, 40)))
        if rng.random() < 0.5:
            lines[k] += "\t无"
        return "\n".join(lines).encode("utf-8"), "text:digits"
    if kind == "nested":
        depth = rng.choice([100, 300, 3000])
        wrapped = "<div>" * depth + text + "</div>" * depth
        return wrapped.encode("utf-8"), f"text:nested{depth}"
    if kind == "utf16":
        raw = b"\xff\xfe" + text.encode("utf-16-le")
        return (raw[:-1] if rng.random() < 0.5 else raw), "text:utf16"
    if kind == "gbk":
        return text.encode("gb18030"), "text:gbk"
    lines = text.split("\n")
    rng.shuffle(lines)
    return "\n".join(lines).encode("utf-8"), "text:shuffle"


def mutate(seed: Path, out: Path, rng: random.Random) -> str:
    """Write a mutation of `seed` to `out`; returns what was done."""
    data = seed.read_bytes()
    zipped = seed.suffix.lower() in (*WORKBOOK_SUFFIXES, ".docx")
    roll = rng.random()
    if roll < 0.2:
        out.write_bytes(_flip(data, rng))
        return "flip"
    if roll < 0.3:
        out.write_bytes(_truncate(data, rng))
        return "truncate"
    if zipped:
        return _zip_mutation(seed, out, rng)
    mutated, what = _text_mutation(data, seed.suffix, rng)
    out.write_bytes(mutated)
    return what


# ---- running ------------------------------------------------------------------------------


@dataclass
class CaseRun:
    case: str
    command: list[str]
    code: int
    seconds: float
    rss_mb: float
    stderr: str
    stdout: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.problems)


_CJK = re.compile(r"[\u4e00-\u9fff]")
TRACEBACK = re.compile(
    r"Traceback \(most recent call last\)|Exception ignored in|^\w+Error: ", re.M
)


def run_gknb(
    args: list[str],
    cwd: Path,
    case: str,
    *,
    kill_after: float | None = None,
    preexec: Callable[[], None] | None = None,
    wrap: list[str] | None = None,
    hang_after: float = HANG_SECONDS,
) -> CaseRun:
    """One `gknb` process; its time, peak memory and output judged."""
    command = [*(wrap or []), sys.executable, "-m", "gknb", *args]
    peak_before, cpu_before = _children_peak_mb(), _children_cpu()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("GKNB_DEBUG", None)
    started = time.perf_counter()
    proc = subprocess.Popen(
        command,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=env,
        preexec_fn=preexec,
    )
    killed_by_us = False
    timeout = kill_after if kill_after is not None else hang_after * 3
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        killed_by_us = True
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate()
    seconds = time.perf_counter() - started
    cpu = _children_cpu() - cpu_before
    peak_after = _children_peak_mb()
    rss = peak_after if peak_after > peak_before else 0.0  # 0: not above an earlier case
    result = CaseRun(
        case, args, proc.returncode, seconds, rss, err.decode("utf-8", "replace"),
        out.decode("utf-8", "replace"),
    )  # fmt: skip
    if kill_after is not None and killed_by_us:
        return result  # a SIGKILL we sent: judged by what it left behind
    # a hang is judged by CPU time (the machine may be shared, so the wall clock runs slow),
    # and by the wall clock only at three times the limit, where the process is killed
    if killed_by_us or cpu > hang_after:
        result.problems.append(f"hang {max(cpu, seconds):.1f}s")
    if TRACEBACK.search(result.stderr):
        result.problems.append("traceback")
    elif any(line.strip() and not _CJK.search(line) for line in result.stderr.splitlines()):
        result.problems.append("library text")  # every line the user sees is ours, in Chinese
    if proc.returncode == 3:
        result.problems.append("exit 3")
    elif proc.returncode < 0 or proc.returncode not in (0, 1, 2):
        result.problems.append(f"exit {proc.returncode}")
    if rss > MEMORY_MB:
        result.problems.append(f"memory {rss:.0f} MB")
    return result


def _children_peak_mb() -> float:
    """The largest peak RSS of any child (and its waited-for descendants) so far."""
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def _children_cpu() -> float:
    """CPU seconds used by the children (and their waited-for descendants) so far."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# ---- cases --------------------------------------------------------------------------------


def _copy(src: Path, dest: Path) -> Path:
    shutil.copyfile(src, dest)
    return dest


def run_case(n: int, seeds: dict[str, Path], work: Path, rng: random.Random) -> CaseRun:
    """Case n: one mutation or fault, one command."""
    folder = work / f"c{n}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    key = rng.choice(sorted(seeds))
    seed = seeds[key]
    suffix = seed.suffix
    target = folder / f"样本{suffix}"
    roll = rng.random()
    try:
        if roll < 0.12 and suffix in WORKBOOK_SUFFIXES:
            return _fault_case(n, seed, folder, rng)
        what = mutate(seed, target, rng)
        case = f"{n}:{key}:{what}"
        command = _command(target, folder, seeds, rng)
        outcome = run_gknb(command, folder, case)
        if command[0] == "review":
            _judge_review(outcome, folder)
        return outcome
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _command(target: Path, folder: Path, seeds: dict[str, Path], rng: random.Random) -> list[str]:
    workbook = target.suffix in WORKBOOK_SUFFIXES
    choices = ["check", "check-json", "review", "diff"]
    if workbook:
        choices += ["fill", "mark", "export", "text", "clear", "import-xlsx"]
    else:
        choices += ["import", "new-prior"]
    kind = rng.choice(choices)
    if kind == "check":
        return ["check", str(target)]
    if kind == "check-json":
        return ["check", "--json", str(target)]
    if kind == "review":
        _copy(seeds["2021.xlsx"], folder / "邻居.xlsx")
        return ["review", str(folder), "-o", str(folder / "汇总.xlsx"), "--json", "--jobs", "2"]
    if kind == "diff":
        return ["diff", str(seeds["2021.xlsx"]), str(target)]
    if kind == "fill":
        return ["fill", str(target)]
    if kind == "mark":
        return ["check", str(target), "--mark", str(folder / f"标记{target.suffix}")]
    if kind == "export":
        return ["export", str(target), "-o", str(folder / "报告.docx"), "--force"]
    if kind == "text":
        return ["text", str(target)]
    if kind == "clear":
        return ["clear", str(target)]
    if kind == "import-xlsx":
        return ["import", str(target), "-o", str(folder / "导入.xlsx")]
    if kind == "import":
        return ["import", str(target), "-o", str(folder / "导入.xlsx")]
    return [
        "new",
        str(folder / "新.xlsx"),
        "--agency",
        "局",
        "--year",
        "2025",
        "--prior",
        str(target),
    ]


def _judge_review(outcome: CaseRun, folder: Path) -> None:
    """The healthy neighbour keeps its result and the summary is written."""
    import json

    if outcome.code not in (0, 1, 2):
        return
    if not (folder / "汇总.xlsx").exists():
        outcome.problems.append("review wrote no summary")
    for line in outcome.stdout.splitlines():
        try:
            item = json.loads(line)
        except ValueError:
            continue
        if str(item.get("file", "")).endswith("邻居.xlsx") and item.get("error"):
            outcome.problems.append("healthy neighbour spoiled")


def _fault_case(n: int, seed: Path, folder: Path, rng: random.Random) -> CaseRun:
    """Faults around a healthy workbook: what must survive is the user's file and its backup."""
    book = _copy(seed, folder / f"本局{seed.suffix}")
    original = book.read_bytes()
    kind = rng.choice(["lock", "readonly", "sigkill", "enospc"])
    case = f"{n}:fault:{kind}"
    command = rng.choice(
        [["fill", str(book)], ["clear", str(book)], ["text", str(book)],
         ["check", str(book), "--mark", str(book)]]
    )  # fmt: skip
    if kind == "lock":
        (folder / f"~${book.name}").write_bytes(b"\x00" * 165)
        outcome = run_gknb(command, folder, case)
        if book.read_bytes() != original:
            outcome.problems.append("workbook changed while open in Excel")
        return outcome
    if kind == "readonly":
        book.chmod(0o444)
        outcome = run_gknb(command, folder, case)
        book.chmod(0o644)
        return outcome
    if kind == "sigkill":
        outcome = run_gknb(command, folder, case, kill_after=rng.uniform(0.2, 2.0))
        _judge_intact(outcome, book, original)
        return outcome
    return _enospc_case(case, command, book, folder, original, rng)


def _judge_intact(outcome: CaseRun, book: Path, original: bytes) -> None:
    """After any interruption the workbook is the original or a complete new version, and any
    backup is a complete workbook."""
    import zipfile

    if not book.exists():
        outcome.problems.append("workbook lost")
        return
    if book.read_bytes() != original and not zipfile.is_zipfile(book):
        outcome.problems.append("workbook corrupted")
    backup = book.with_name(f"{book.stem}.备份{book.suffix}")
    if backup.exists() and not zipfile.is_zipfile(backup):
        outcome.problems.append("backup corrupted")


def _enospc_case(
    case: str, command: list[str], book: Path, folder: Path, original: bytes, rng: random.Random
) -> CaseRun:
    """The command on a disk that fills up part way (a small tmpfs in a private mount
    namespace); skipped (judged clean) where that cannot be made."""
    if shutil.which("unshare") is None or os.geteuid() != 0:
        return CaseRun(case, command, 0, 0.0, 0.0, "")
    size_kb = 2 * len(original) // 1024 + rng.choice([4, 40, 120])
    disk = folder / "disk"
    disk.mkdir()
    backup = book.with_name(f"{book.stem}.备份{book.suffix}")
    _copy(book, backup)  # a previous backup that must survive
    script = (
        f"mount -t tmpfs -o size={size_kb}k tmpfs {disk} && cp {book} {backup} {disk}/ && "
        f'{{ "$@"; code=$?; cp {disk}/{book.name} {folder}/after{book.suffix}; '
        f"cp {disk}/{backup.name} {folder}/after-backup{book.suffix} 2>/dev/null; exit $code; }}"
    )
    moved = [str(disk / book.name) if a == str(book) else a for a in command]
    outcome = run_gknb(moved, folder, case, wrap=["unshare", "-m", "sh", "-c", script, "sh"])
    after = folder / f"after{book.suffix}"
    if after.exists():
        _judge_intact(outcome, after, original)
    prev = folder / f"after-backup{book.suffix}"
    import zipfile

    if prev.exists() and not zipfile.is_zipfile(prev):
        outcome.problems.append("previous backup destroyed")
    return outcome


# ---- check and review agree -----------------------------------------------------------------


def verdicts(path: Path) -> tuple[tuple[object, ...], tuple[object, ...]]:
    """What `gknb check` and `gknb review` conclude about one file (in this process):
    unreadable (and why), or the findings (rule, severity, cell)."""
    from gknb import service
    from gknb.review.run import Task, check_one

    checked = service.check_file(path)
    if checked.error is not None:
        check_verdict: tuple[object, ...] = ("unreadable", checked.error)
    else:
        check_verdict = (
            "read",
            tuple(sorted((f.rule, f.severity.value, f.cell or "") for f in checked.findings)),
        )
    reviewed = check_one(Task(0, str(path)))
    if reviewed.error is not None:
        review_verdict: tuple[object, ...] = ("unreadable", reviewed.error)
    else:
        review_verdict = (
            "read",
            tuple(sorted((f["rule"], f["severity"], f["cell"] or "") for f in reviewed.findings)),
        )
    return check_verdict, review_verdict


def disagreement(path: Path) -> str | None:
    """None when check and review reach the same verdict; else both, for the report."""
    check_verdict, review_verdict = verdicts(path)
    if check_verdict[0] != review_verdict[0]:
        return f"check {check_verdict[0]}, review {review_verdict[0]}: {check_verdict} / {review_verdict}"
    if check_verdict[0] == "read" and check_verdict != review_verdict:
        return f"different findings: {check_verdict} / {review_verdict}"
    return None


def mutated_workbooks(seeds: dict[str, Path], work: Path, count: int, seed: int = 0):
    """`count` mutations of the workbook seeds (path, what was done), one at a time."""
    rng = random.Random(seed)
    books = sorted(k for k in seeds if seeds[k].suffix in WORKBOOK_SUFFIXES)
    work.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        key = rng.choice(books)
        out = work / f"m{n}{seeds[key].suffix}"
        what = mutate(seeds[key], out, rng)
        yield out, f"{key}:{what}"
        out.unlink(missing_ok=True)


def run_batch(
    n: int, size: int, seeds: dict[str, Path], work: Path, rng: random.Random
) -> list[CaseRun]:
    """`size` mutated inputs in one folder, each a case: checked together by one `gknb check`
    and reviewed together (beside a healthy neighbour) by one `gknb review`. A process that
    fails is run again on each input alone, so the failure is pinned to its case."""
    folder = work / f"b{n}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    try:
        made: list[tuple[Path, str]] = []
        for i in range(size):
            key = rng.choice(sorted(seeds))
            target = folder / f"样本{n + i}{seeds[key].suffix}"
            made.append((target, f"{n + i}:{key}:{mutate(seeds[key], target, rng)}"))
        _copy(seeds["2021.xlsx"], folder / "邻居.xlsx")
        failures: list[CaseRun] = []
        peak = slowest = 0.0
        for kind in ("check", "review"):
            if kind == "check":
                command = ["check", "--json", *(str(p) for p, _ in made)]
            else:
                command = ["review", str(folder), "-o", str(folder / "汇总.xlsx"), "--json"]
            outcome = run_gknb(command, folder, f"batch {n} {kind}", hang_after=HANG_SECONDS * size)
            if kind == "review":
                _judge_review(outcome, folder)
            peak, slowest = max(peak, outcome.rss_mb), max(slowest, outcome.seconds / size)
            if not outcome.failed:
                continue
            pinned = []
            for path, case in made:  # each input alone
                sub = folder / f"单{path.stem}"
                shutil.rmtree(sub, ignore_errors=True)
                sub.mkdir()
                _copy(path, sub / path.name)
                if kind == "check":
                    single = run_gknb(["check", "--json", str(sub / path.name)], sub, case)
                else:
                    _copy(seeds["2021.xlsx"], sub / "邻居.xlsx")
                    single = run_gknb(
                        ["review", str(sub), "-o", str(sub / "汇总.xlsx"), "--json"], sub, case
                    )
                    _judge_review(single, sub)
                peak = max(peak, single.rss_mb)
                if single.failed:
                    pinned.append(single)
            failures += pinned or [outcome]
        failed = {o.case for o in failures}
        clean = [
            CaseRun(case, ["batch"], 0, slowest, peak, "") for _, case in made if case not in failed
        ]
        return failures + clean
    finally:
        shutil.rmtree(folder, ignore_errors=True)
