"""Build vbaProject.bin (MS-OVBA) from VBA source text, deterministically.

What is written, and why (see ../shared/notes/excel-feasibility.md):

- `_VBA_PROJECT` is the minimal 7-byte form (reserved1 0x61CC, version 0xFFFF, reserved2 0,
  reserved3 0x0001), with no performance cache and no `__SRP_*` streams: Excel then compiles the
  project from source, as it does for xlwings' own templates and vbamc's output.
- Module streams hold only compressed source (MODULEOFFSET 0).
- One reference, stdole (OLE Automation, present on every Windows): the ribbon callbacks take
  `control As Object`, so no Office type library is needed, and none can be MISSING.
- Code page 1252; every source must be ASCII (Chinese text comes from the ribbon XML and the
  hidden GKNB_UI_* names, see gknb.build.xlsm.ui_strings).
- A fixed project id and fixed seeds for CMG/DPB/GC (encrypted per MS-OVBA 2.4.3 and valid when
  decrypted: unprotected, no password, visible), so the same sources give the same bytes.
"""

from __future__ import annotations

import os
import re
import struct
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from gknb.build import cfb, ovba
from gknb.errors import GknbError

CODEPAGE = 1252
LCID = 0x0409
PROJECT_NAME = "VBAProject"
# Fixed so builds are reproducible; any GUID works, Excel keeps it when it re-saves.
PROJECT_ID = "{5A1F6B2E-4C3D-4E8A-9B07-1D2C3E4F6A7B}"
PROJECT_VERSION = (0x645BE109, 11)
_SEEDS = {"CMG": 0x5D, "DPB": 0x3B, "GC": 0x71}

WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
SHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"

REFERENCES: tuple[tuple[str, str], ...] = (
    (
        "stdole",
        r"*\G{00020430-0000-0000-C000-000000000046}#2.0#0#"
        r"C:\Windows\System32\stdole2.tlb#OLE Automation",
    ),
)


def find_addin_dir() -> Path:
    """Where the add-in sources (addin/*.bas, addin/customUI/) are.

    In order: $GKNB_ADDIN_DIR; the source tree (repo/addin); a frozen build's bundle
    (sys._MEIPASS/addin); package data (gknb/data/addin). The first holding .bas files wins;
    the source tree's path is returned when none does, so the error names it.
    """
    source_tree = Path(__file__).resolve().parents[3] / "addin"
    candidates = [Path(p) for p in [os.environ.get("GKNB_ADDIN_DIR", "")] if p]
    candidates.append(source_tree)
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.append(Path(bundle) / "addin")
    candidates.append(Path(__file__).resolve().parents[1] / "data" / "addin")
    for path in candidates:
        if path.is_dir() and any(path.glob("*.bas")):
            return path
    return source_tree


ADDIN_DIR = find_addin_dir()


class MissingAddin(GknbError):
    """The add-in's VBA sources are not part of this installation."""


_IDENT = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,30}\Z")
_VB_NAME = re.compile(r'Attribute VB_Name = "([^"]*)"\r?\n')


@dataclass(frozen=True)
class Module:
    name: str
    kind: Literal["document", "standard"]
    code: str  # the text as stored in the module stream, Attribute lines included, CRLF

    def __post_init__(self) -> None:
        if not _IDENT.match(self.name):
            raise ValueError(
                f"模块名“{self.name}”不是合法的 VBA 标识符（ASCII 字母开头，最多 31 个字符）"
            )


def crlf(text: str) -> str:
    """Normalise line ends to CRLF and end with one."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and lines[-1] == "":
        lines.pop()
    return "".join(line + "\r\n" for line in lines)


def document_module(name: str, *, workbook: bool) -> Module:
    """The code-behind of the workbook or a worksheet, as Excel stores an empty one."""
    base = WORKBOOK_BASE if workbook else SHEET_BASE
    text = (
        f'Attribute VB_Name = "{name}"\n'
        f'Attribute VB_Base = "{base}"\n'
        "Attribute VB_GlobalNameSpace = False\n"
        "Attribute VB_Creatable = False\n"
        "Attribute VB_PredeclaredId = True\n"
        "Attribute VB_Exposed = True\n"
        "Attribute VB_TemplateDerived = False\n"
        "Attribute VB_Customizable = True\n"
    )
    return Module(name, "document", crlf(text))


def standard_module(path: Path) -> Module:
    """A .bas file as exported by the VBE: first line `Attribute VB_Name = "<file stem>"`."""
    raw = path.read_bytes()
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ValueError(
            f"{path.name} 第 {line} 行含非 ASCII 字符；VBA 源码只能用 ASCII（中文用 ChrW）"
        ) from exc
    text = crlf(text)
    m = _VB_NAME.match(text)
    if not m or m.group(1) != path.stem:
        raise ValueError(f'{path.name} 必须以 Attribute VB_Name = "{path.stem}" 开头')
    return Module(path.stem, "standard", text)


def addin_modules(addin_dir: Path = ADDIN_DIR) -> list[Module]:
    """Every addin/*.bas, sorted by file name."""
    paths = sorted(addin_dir.glob("*.bas"), key=lambda p: p.name)
    if not paths:
        raise MissingAddin(
            f"找不到 Excel 加载项的源码（{addin_dir} 中没有 .bas 文件）：这个安装不含 addin 文件夹，"
            f"请用 .xlsx 文件名（不带按钮），或设置环境变量 GKNB_ADDIN_DIR 指向 addin 文件夹。"
        )
    return [standard_module(p) for p in paths]


def _mbcs(text: str) -> bytes:
    return text.encode("cp1252")


def _rec(rec_id: int, payload: bytes) -> bytes:
    return struct.pack("<HI", rec_id, len(payload)) + payload


def _rec_pair(rec_id: int, text: str, reserved: int) -> bytes:
    """A record with an MBCS string and its UTF-16 twin (DOCSTRING, HELPFILEPATH, ...)."""
    return _rec(rec_id, _mbcs(text)) + _rec(reserved, text.encode("utf-16-le"))


def dir_stream(modules: Sequence[Module]) -> bytes:
    """The decompressed `dir` stream (MS-OVBA 2.3.4.2)."""
    out = bytearray()
    out += _rec(0x0001, struct.pack("<I", 1))  # PROJECTSYSKIND: Win32
    out += _rec(0x0002, struct.pack("<I", LCID))  # PROJECTLCID
    out += _rec(0x0014, struct.pack("<I", LCID))  # PROJECTLCIDINVOKE
    out += _rec(0x0003, struct.pack("<H", CODEPAGE))  # PROJECTCODEPAGE
    out += _rec(0x0004, _mbcs(PROJECT_NAME))  # PROJECTNAME
    out += _rec_pair(0x0005, "", 0x0040)  # PROJECTDOCSTRING
    out += _rec(0x0006, b"") + _rec(0x003D, b"")  # PROJECTHELPFILEPATH: HelpFile1, HelpFile2
    out += _rec(0x0007, struct.pack("<I", 0))  # PROJECTHELPCONTEXT
    out += _rec(0x0008, struct.pack("<I", 0))  # PROJECTLIBFLAGS
    # PROJECTVERSION: Reserved is 4 and is written where a size would be.
    out += struct.pack("<HIIH", 0x0009, 4, *PROJECT_VERSION)
    out += _rec_pair(0x000C, "", 0x003C)  # PROJECTCONSTANTS
    for name, libid in REFERENCES:
        out += _rec_pair(0x0016, name, 0x003E)  # REFERENCENAME
        lib = _mbcs(libid)
        registered = struct.pack("<I", len(lib)) + lib + struct.pack("<IH", 0, 0)
        out += _rec(0x000D, registered)  # REFERENCEREGISTERED
    out += _rec(0x000F, struct.pack("<H", len(modules)))  # PROJECTMODULES
    out += _rec(0x0013, struct.pack("<H", 0xFFFF))  # PROJECTCOOKIE
    for m in modules:
        out += _rec(0x0019, _mbcs(m.name))  # MODULENAME
        out += _rec(0x0047, m.name.encode("utf-16-le"))  # MODULENAMEUNICODE
        out += _rec_pair(0x001A, m.name, 0x0032)  # MODULESTREAMNAME
        out += _rec_pair(0x001C, "", 0x0048)  # MODULEDOCSTRING
        out += _rec(0x0031, struct.pack("<I", 0))  # MODULEOFFSET: source only
        out += _rec(0x001E, struct.pack("<I", 0))  # MODULEHELPCONTEXT
        out += _rec(0x002C, struct.pack("<H", 0xFFFF))  # MODULECOOKIE
        out += struct.pack("<HI", 0x0022 if m.kind == "document" else 0x0021, 0)  # MODULETYPE
        out += struct.pack("<HI", 0x002B, 0)  # module terminator
    out += struct.pack("<HI", 0x0010, 0)  # dir terminator
    return bytes(out)


def project_stream(modules: Sequence[Module]) -> bytes:
    """The PROJECT stream (MS-OVBA 2.3.1): text in the project code page, CRLF lines."""

    def protected(key: str, data: bytes) -> str:
        return ovba.encrypt(data, PROJECT_ID, _SEEDS[key]).hex().upper()

    lines = [f'ID="{PROJECT_ID}"']
    for m in modules:
        lines.append(
            f"Document={m.name}/&H00000000" if m.kind == "document" else f"Module={m.name}"
        )
    lines += [
        f'Name="{PROJECT_NAME}"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        f'CMG="{protected("CMG", bytes(4))}"',  # protection state: none
        f'DPB="{protected("DPB", bytes(1))}"',  # password: none
        f'GC="{protected("GC", bytes([0xFF]))}"',  # visibility: visible
        "",
        "[Host Extender Info]",
        "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
    ]
    return _mbcs("".join(line + "\r\n" for line in lines))


def projectwm_stream(modules: Sequence[Module]) -> bytes:
    """PROJECTwm (MS-OVBA 2.3.3): each module name in MBCS and UTF-16, then a terminator."""
    out = bytearray()
    for m in modules:
        out += _mbcs(m.name) + b"\0" + m.name.encode("utf-16-le") + b"\0\0"
    return bytes(out + b"\0\0")


VBA_PROJECT_STREAM = struct.pack("<HHBH", 0x61CC, 0xFFFF, 0x00, 0x0001)


def project_modules(
    sheet_codenames: Sequence[str],
    workbook_codename: str = "ThisWorkbook",
    standard: Sequence[Module] | None = None,
) -> list[Module]:
    """Document modules (workbook, then sheets in order) followed by the standard modules."""
    modules = [document_module(workbook_codename, workbook=True)]
    modules += [document_module(name, workbook=False) for name in sheet_codenames]
    modules += list(addin_modules() if standard is None else standard)
    seen: set[str] = set()
    for m in modules:
        if m.name.lower() in seen:
            raise ValueError(f"模块名重复：{m.name}")
        seen.add(m.name.lower())
    return modules


def vba_project_bin(
    sheet_codenames: Sequence[str],
    workbook_codename: str = "ThisWorkbook",
    standard: Sequence[Module] | None = None,
) -> bytes:
    """vbaProject.bin for a workbook with these code names and the addin/ modules."""
    modules = project_modules(sheet_codenames, workbook_codename, standard)
    streams = {
        "PROJECT": project_stream(modules),
        "PROJECTwm": projectwm_stream(modules),
        "VBA/_VBA_PROJECT": VBA_PROJECT_STREAM,
        "VBA/dir": ovba.compress(dir_stream(modules), allow_raw=False),
    }
    for m in modules:
        streams[f"VBA/{m.name}"] = ovba.compress(_mbcs(m.code), allow_raw=False)
    return cfb.write(streams)
