"""vbaProject.bin: streams, determinism, olevba read-back, and the addin/ sources themselves."""

from __future__ import annotations

import io
import re
import struct
from pathlib import Path

import olefile
import pytest
from lxml import etree
from oletools.olevba import VBA_Parser, decompress_stream

from gknb.build import ovba, vbaproject
from gknb.build.vbaproject import ADDIN_DIR, addin_modules, standard_module, vba_project_bin

CODENAMES = ["shtReadme", "Sheet2", "shtTable3"]


def _ole(data: bytes) -> olefile.OleFileIO:
    return olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_POTENTIAL)


def _olevba_modules(data: bytes) -> dict[str, str]:
    parser = VBA_Parser("vbaProject.bin", data=data)
    try:
        return {stream.split("/")[-1]: code for _, stream, _, code in parser.extract_macros()}
    finally:
        parser.close()


def test_deterministic() -> None:
    assert vba_project_bin(CODENAMES) == vba_project_bin(CODENAMES)
    assert vba_project_bin(CODENAMES) != vba_project_bin(CODENAMES[:2])


def test_streams_and_layout() -> None:
    ole = _ole(vba_project_bin(CODENAMES))
    assert not ole.parsing_issues
    names = {"/".join(p) for p in ole.listdir()}
    modules = ["ThisWorkbook", *CODENAMES] + [m.name for m in addin_modules()]
    assert names == {"PROJECT", "PROJECTwm", "VBA/_VBA_PROJECT", "VBA/dir"} | {
        f"VBA/{m}" for m in modules
    }
    assert not any("__SRP" in n for n in names)
    # minimal _VBA_PROJECT: reserved1 0x61CC, version 0xFFFF, reserved2 0, reserved3 1
    assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("CC61FFFF000100")
    wm = ole.openstream("PROJECTwm").read()
    expected = b"".join(m.encode() + b"\0" + m.encode("utf-16-le") + b"\0\0" for m in modules)
    assert wm == expected + b"\0\0"


def _dir_records(data: bytes) -> list[tuple[int, bytes]]:
    """Split a decompressed dir stream into (id, payload); PROJECTVERSION has no size field."""
    out, pos = [], 0
    while pos < len(data):
        rec_id, size = struct.unpack_from("<HI", data, pos)
        if rec_id == 0x0009:
            size = 6
        out.append((rec_id, data[pos + 6 : pos + 6 + size]))
        pos += 6 + size
    return out


def test_dir_stream_records() -> None:
    ole = _ole(vba_project_bin(CODENAMES))
    raw = bytes(decompress_stream(ole.openstream("VBA/dir").read()))
    recs = _dir_records(raw)
    ids = [r for r, _ in recs]
    values = dict(recs)
    assert struct.unpack("<H", values[0x0003])[0] == 1252  # code page
    assert values[0x0004] == b"VBAProject"
    libids = [p[4 : 4 + struct.unpack_from("<I", p)[0]].decode() for r, p in recs if r == 0x000D]
    # stdole only: no Office type library (callbacks take `control As Object`)
    assert len(libids) == 1 and "{00020430-0000-0000-C000-000000000046}" in libids[0]
    names = [p.decode() for r, p in recs if r == 0x0019]
    assert names == ["ThisWorkbook", *CODENAMES] + [m.name for m in addin_modules()]
    types = [r for r in ids if r in (0x0021, 0x0022)]
    assert types == [0x0022] * (1 + len(CODENAMES)) + [0x0021] * len(addin_modules())
    offsets = [struct.unpack("<I", p)[0] for r, p in recs if r == 0x0031]
    assert set(offsets) == {0}  # no performance cache: source only
    assert ids[-1] == 0x0010


def test_project_stream() -> None:
    ole = _ole(vba_project_bin(CODENAMES))
    text = ole.openstream("PROJECT").read().decode("cp1252")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    lines = text.split("\r\n")
    assert lines[0] == f'ID="{vbaproject.PROJECT_ID}"'
    assert "Document=ThisWorkbook/&H00000000" in lines
    assert all(f"Document={c}/&H00000000" in lines for c in CODENAMES)
    assert all(f"Module={m.name}" in lines for m in addin_modules())
    fields = dict(line.split("=", 1) for line in lines if line.startswith(("CMG=", "DPB=", "GC=")))
    decoded = {k: ovba.decrypt(bytes.fromhex(v.strip('"'))) for k, v in fields.items()}
    key = ovba.project_key(vbaproject.PROJECT_ID)
    assert decoded == {"CMG": (key, bytes(4)), "DPB": (key, b"\0"), "GC": (key, b"\xff")}


def test_olevba_reads_back_every_module_exactly() -> None:
    found = _olevba_modules(vba_project_bin(CODENAMES))
    for module in addin_modules():
        source = (ADDIN_DIR / f"{module.name}.bas").read_text("ascii")
        assert found[module.name] == module.code
        # the code equals the addin/ source, line ends and the VB_Name line aside
        body = [ln for ln in found[module.name].splitlines() if not ln.startswith("Attribute VB_")]
        assert body == [ln for ln in source.splitlines() if not ln.startswith("Attribute VB_")]
    for name in ["ThisWorkbook", *CODENAMES]:
        base = vbaproject.WORKBOOK_BASE if name == "ThisWorkbook" else vbaproject.SHEET_BASE
        assert found[name].splitlines() == [
            f'Attribute VB_Name = "{name}"',
            f'Attribute VB_Base = "{base}"',
            "Attribute VB_GlobalNameSpace = False",
            "Attribute VB_Creatable = False",
            "Attribute VB_PredeclaredId = True",
            "Attribute VB_Exposed = True",
            "Attribute VB_TemplateDerived = False",
            "Attribute VB_Customizable = True",
        ]


# --- the addin/ sources -------------------------------------------------------------------------

BAS_FILES = sorted(ADDIN_DIR.glob("*.bas"))


@pytest.mark.parametrize("path", BAS_FILES, ids=lambda p: p.name)
def test_sources_are_ascii_and_named(path: Path) -> None:
    raw = path.read_bytes()
    assert raw.isascii()
    assert raw.splitlines()[0].decode() == f'Attribute VB_Name = "{path.stem}"'
    assert max(len(line) for line in raw.splitlines()) <= 110


def _subs_with_control_arg() -> set[str]:
    subs = set()
    for path in BAS_FILES:
        for m in re.finditer(r"^Public Sub (\w+)\(control As Object\)\s*$", path.read_text(), re.M):
            subs.add(m.group(1))
    return subs


def test_every_ribbon_action_has_its_callback() -> None:
    ui = etree.parse(str(ADDIN_DIR / "customUI" / "customUI.xml")).getroot()
    actions = {el.get("onAction") for el in ui.iter() if el.get("onAction")}
    labels = {el.get("label") for el in ui.iter("{*}button")}
    assert {"校验", "填充合计", "清除标记", "导出Word", "帮助"} <= labels
    assert actions, "no onAction in customUI.xml"
    assert actions <= _subs_with_control_arg()
    assert ui.tag == "{http://schemas.microsoft.com/office/2006/01/customui}customUI"
    tab = next(ui.iter("{*}tab"))
    assert tab.get("label") == "年报助手"
    check = next(el for el in ui.iter("{*}button") if el.get("label") == "校验")
    assert check.get("size") == "large"
    assert all(el.get("imageMso") for el in ui.iter("{*}button"))


def test_every_ui_text_the_vba_asks_for_exists() -> None:
    """T("KEY") in the VBA and addin/ui-strings.txt agree both ways; no \\u escapes or ChrW."""
    from gknb.build.xlsm import ui_strings

    texts = ui_strings()
    used = set()
    for path in BAS_FILES:
        code = path.read_text()
        used |= set(re.findall(r'\bT\("([A-Z0-9_]+)"\)', code))
        assert "ChrW" not in code and "\\u" not in code, path.name
    assert used == set(texts)
    joined = "".join(texts.values())
    for phrase in ("年报助手", "找不到年报助手程序", "GKNB_ENGINE", "GK_ENGINE", "发送到", "说明"):
        assert phrase in joined


def test_ui_strings_are_checked(tmp_path: Path) -> None:
    from gknb.build.xlsm import ui_strings

    (tmp_path / "ui-strings.txt").write_text("TITLE = 年报助手\nbad line\n", "utf-8")
    with pytest.raises(ValueError, match="第 2 行"):
        ui_strings(tmp_path)
    (tmp_path / "ui-strings.txt").write_text("LONG = " + "字" * 256 + "\n", "utf-8")
    with pytest.raises(ValueError, match="255"):
        ui_strings(tmp_path)


def test_antivirus_indicators_stay_low() -> None:
    """olevba's analysis of the template (what antivirus heuristics look at): no command shell,
    no obfuscation indicators from Chinese escapes (ChrW), no interpreter names. 25 indicators
    before the launcher was rewritten, 15 after; the remaining ones are the launcher's job
    (WScript.Shell Run, CreateObject, the self-test's file output, Excel's own GUIDs)."""
    from gknb.build.__main__ import template_bytes

    parser = VBA_Parser("t.xlsm", data=template_bytes("2021"))
    keywords = {kw for _, kw, _ in parser.analyze_macros()}
    parser.close()
    assert not keywords & {"cmd.exe", "ChrW", "python.exe", "pythonw.exe", "py.exe", "Chr"}
    assert not any(k.lower().startswith("u30") for k in keywords)  # no "\\u3001py.exe" IOCs
    assert len(keywords) <= 15, sorted(keywords)


def test_launcher_documents_the_exit_code_protocol() -> None:
    text = (ADDIN_DIR / "GknbLauncher.bas").read_text()
    for const, value in (("EXIT_OK", 0), ("EXIT_USER_ERROR", 1), ("EXIT_CONFIRM", 3)):
        assert re.search(rf"Private Const {const} As Long = {value}\b", text)
    assert '"--from_xl=1"' in text and '"--hwnd="' in text and '"--force"' in text
    assert '"--result="' in text


def test_non_ascii_source_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "Bad.bas"
    bad.write_bytes('Attribute VB_Name = "Bad"\r\nMsgBox "校验"\r\n'.encode())
    with pytest.raises(ValueError, match="ASCII"):
        standard_module(bad)


def test_wrong_module_name_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "Good.bas"
    bad.write_text('Attribute VB_Name = "Other"\nSub X()\nEnd Sub\n')
    with pytest.raises(ValueError, match="VB_Name"):
        standard_module(bad)


def test_line_ends_are_normalised(tmp_path: Path) -> None:
    path = tmp_path / "M.bas"
    path.write_bytes(b'Attribute VB_Name = "M"\nSub X()\r\nEnd Sub')
    assert standard_module(path).code == 'Attribute VB_Name = "M"\r\nSub X()\r\nEnd Sub\r\n'


def test_duplicate_module_names_are_refused() -> None:
    with pytest.raises(ValueError, match="重复"):
        vba_project_bin(["SelfTest"])


def test_addin_sources_are_found_elsewhere_or_refused_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "addin"
    copy.mkdir()
    (copy / "Only.bas").write_text('Attribute VB_Name = "Only"\nSub X()\nEnd Sub\n')
    monkeypatch.setenv("GKNB_ADDIN_DIR", str(copy))
    assert vbaproject.find_addin_dir() == copy
    assert [m.name for m in addin_modules(copy)] == ["Only"]
    with pytest.raises(vbaproject.MissingAddin, match="GKNB_ADDIN_DIR"):
        addin_modules(tmp_path / "empty")
