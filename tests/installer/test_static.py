"""The installer's files agree with each other and with the project: what the spec, the build
scripts and the workflow name exists; one version (pysrc/gknb/__init__.py) and one PyInstaller
pin; the engine is installed where the ribbon's VBA looks for it; Windows scripts are saved so
that Windows PowerShell 5.1 and cmd.exe read them right."""

from __future__ import annotations

import re
import tomllib
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

import gknb

ROOT = Path(__file__).resolve().parents[2]
INSTALLER = ROOT / "installer"
WORKFLOW = ROOT / ".github" / "workflows" / "windows.yml"
BOM = b"\xef\xbb\xbf"

POWERSHELL = sorted(INSTALLER.glob("*.ps1"))
BATCH = sorted(INSTALLER.glob("*.cmd"))


def text(path: Path) -> str:
    return path.read_bytes().decode("utf-8-sig")


def test_the_scripts_are_there() -> None:
    names = {p.name for p in POWERSHELL + BATCH}
    assert names >= {
        "install.ps1", "install.cmd", "uninstall.ps1", "uninstall.cmd", "new-report.ps1",
        "build_windows.ps1", "verify-windows.ps1",
    }  # fmt: skip


def test_spec_entry_points_exist() -> None:
    spec = text(INSTALLER / "gknb.spec")
    scripts = re.findall(r'INSTALLER / "([\w.]+\.py)"', spec)
    assert {"entry_gknb.py", "entry_gknb_excel.py"} <= set(scripts)
    for script in scripts:
        assert (INSTALLER / script).is_file(), script
    for entry, module in (("entry_gknb.py", "cli"), ("entry_gknb_excel.py", "excel")):
        assert f"from gknb.{module} import main" in text(INSTALLER / entry)
        source = ROOT / "pysrc" / "gknb" / f"{module}.py"
        assert source.is_file(), f"{source} 不存在（{entry} 需要它）"
        assert re.search(r"^def main\(", text(source), re.M), f"gknb.{module} 没有 main()"
    assert 'program("entry_gknb", "gknb",' in spec
    assert 'program("entry_gknb_excel", "gknb-excel",' in spec


def test_one_version_everywhere() -> None:
    """Nothing in installer/ or the workflow writes the version: all of it reads gknb.__version__."""
    version = gknb.__version__
    init = text(ROOT / "pysrc" / "gknb" / "__init__.py")
    assert re.findall(r"^__version__ = \"(.+)\"$", init, re.M) == [version]
    literal = re.compile(rf"(?<![\d.]){re.escape(version)}(?![\d.])")
    for path in [*INSTALLER.iterdir(), WORKFLOW]:
        if path.is_file() and path.suffix in {
            ".py",
            ".ps1",
            ".cmd",
            ".spec",
            ".yml",
            ".md",
            ".txt",
        }:
            assert not literal.search(text(path)), f"{path.name} 写死了版本号 {version}"
    assert "gknb.__version__" in text(INSTALLER / "gknb.spec")
    assert "gknb.__version__" in text(INSTALLER / "build_windows.ps1")
    assert "gknb.__version__" in text(WORKFLOW)
    assert "version.txt" in text(INSTALLER / "install.ps1")


def test_one_pyinstaller_pin() -> None:
    pyproject = tomllib.loads(text(ROOT / "pyproject.toml"))
    (pin,) = [
        d for d in pyproject["project"]["optional-dependencies"]["dist"] if "pyinstaller" in d
    ]
    constraints = text(INSTALLER / "constraints.txt")
    assert re.search(rf"^{re.escape(pin)}$", constraints, re.M), (pin, constraints)
    assert pin.split("==")[1] in text(INSTALLER / "gknb.spec").splitlines()[1]
    for name in ("pyinstaller-hooks-contrib", "pywin32"):
        assert re.search(rf"^{name}==\S+$", constraints, re.M), f"{name} 未固定版本"


def test_engine_is_installed_where_the_ribbon_looks() -> None:
    launcher = text(ROOT / "addin" / "GknbLauncher.bas")
    assert 'ENGINE_EXE As String = "gknb-excel.exe"' in launcher
    assert 'Env("LOCALAPPDATA") & "\\gknb\\" & ENGINE_EXE' in launcher
    install = text(INSTALLER / "install.ps1")
    assert "$InstallDir = Join-Path $env:LOCALAPPDATA $AppId" in install
    assert "$AppId = 'gknb'" in install
    assert "'gknb\\gknb-excel.exe'" in install  # the package's engine is checked and copied


def test_uninstall_removes_what_install_adds() -> None:
    install, uninstall = text(INSTALLER / "install.ps1"), text(INSTALLER / "uninstall.ps1")
    items = re.search(r"\$InstalledItems = @\(([^)]*)\)", install)
    defaults = re.search(r"items = @\(([^)]*)\)", uninstall)
    assert items and defaults
    assert set(re.findall(r"'([^']+)'", items.group(1))) == set(
        re.findall(r"'([^']+)'", defaults.group(1))
    )
    for name in ("gknb", "gknb-reports"):
        assert f"'{name}'" in install and f"'{name}'" in uninstall
    assert "新建政府信息公开年报" in install and "新建政府信息公开年报" in uninstall
    assert "Uninstall\\$AppId" in install and "Uninstall\\gknb" in uninstall
    marker = "（安装程序添加）"
    assert marker in install and marker in uninstall


@pytest.mark.parametrize("path", POWERSHELL, ids=lambda p: p.name)
def test_powershell_is_utf8_with_bom_and_crlf(path: Path) -> None:
    """Windows PowerShell 5.1 reads a .ps1 without BOM in the ANSI code page: Chinese breaks."""
    data = path.read_bytes()
    assert data.startswith(BOM), f"{path.name} 需要 UTF-8 BOM"
    data.decode("utf-8")
    assert b"\n" not in data.replace(b"\r\n", b""), f"{path.name} 应使用 CRLF 换行"


@pytest.mark.parametrize("path", BATCH, ids=lambda p: p.name)
def test_batch_is_ascii_with_crlf(path: Path) -> None:
    """cmd.exe reads batch files in the OEM code page, and mis-parses labels with bare LF."""
    data = path.read_bytes()
    assert data.isascii(), f"{path.name} 只能包含 ASCII 字符"
    assert b"\n" not in data.replace(b"\r\n", b""), f"{path.name} 应使用 CRLF 换行"
    assert data.startswith(b"@echo off\r\n")


def test_install_notes_open_in_notepad() -> None:
    data = (INSTALLER / "安装说明.txt").read_bytes()
    assert data.startswith(BOM) and b"\n" not in data.replace(b"\r\n", b"")


def test_workflow_builds_with_the_scripts_that_exist() -> None:
    workflow = text(WORKFLOW)
    assert "runs-on: windows-latest" in workflow
    assert 'python-version: "3.11"' in workflow
    refs = re.findall(r"installer[\\/]([\w.-]+\.(?:ps1|py|cmd))", workflow)
    assert "build_windows.ps1" in refs
    for ref in refs:
        assert (INSTALLER / ref).is_file(), ref
    for step in (
        "install.cmd') /quiet",
        "uninstall.cmd') /quiet",
        "gknb-excel.exe' --no-such-option",
    ):
        assert step in workflow
    assert "actions/upload-artifact" in workflow and "gh release upload" in workflow
    build = text(INSTALLER / "build_windows.ps1")
    refs = re.findall(r"installer\\([\w.-]+\.(?:py|spec|txt))", build)
    assert "gknb.spec" in refs
    for ref in refs:
        assert (INSTALLER / ref).is_file(), ref


def test_pack_layout(tmp_path: Path, pack: ModuleType) -> None:
    """The zip holds the onedir, the template and every script install.ps1 needs."""
    dist = tmp_path / "gknb"
    (dist / "_internal").mkdir(parents=True)
    for name in ("gknb.exe", "gknb-excel.exe", "_internal/base_library.zip"):
        (dist / name).write_bytes(b"x")
    target = pack.pack(dist, tmp_path / "out", "win64")
    top = f"gknb-{gknb.__version__}-win64"
    assert target.name == f"{top}.zip"
    with zipfile.ZipFile(target) as z:
        names = set(z.namelist())
        assert z.read(f"{top}/version.txt").decode().strip() == gknb.__version__
        sums = z.read(f"{top}/SHA256SUMS.txt").decode()
    assert {
        f"{top}/gknb/gknb.exe",
        f"{top}/gknb/gknb-excel.exe",
        f"{top}/workbook_template.xlsm",
    } <= names
    install = text(INSTALLER / "install.ps1")
    required = re.search(r"\$required = @\(([^)]*)\)", install)
    assert required
    for rel in re.findall(r"'([^']+)'", required.group(1)):
        rel = rel.replace("\\", "/")
        assert any(n == f"{top}/{rel}" or n.startswith(f"{top}/{rel}/") for n in names), rel
    assert "gknb/gknb-excel.exe" in sums


def test_send_to_entries_match_the_engine_and_are_removed() -> None:
    from gknb import sendto

    install, uninstall = text(INSTALLER / "install.ps1"), text(INSTALLER / "uninstall.ps1")
    entries = re.search(r"\$SendToEntries = \[ordered\]@\{([^}]*)\}", install)
    assert entries
    pairs = dict(re.findall(r"'([^']+)' = '([^']+)'", entries.group(1)))
    assert pairs == {f"年报助手·{label}": verb for verb, label in sendto.VERBS.items()}
    assert "'--sendto ' + $SendToEntries[$label]" in install
    assert "GetFolderPath('SendTo')" in install and "GetFolderPath('SendTo')" in uninstall
    for label in pairs:
        assert f"'{label}.lnk'" in uninstall
    assert "sendToLinks = $sendToLinks" in install and "'sendToLinks'" in uninstall


def test_template_is_read_only_and_reports_stay_out_of_onedrive() -> None:
    install, new_report = text(INSTALLER / "install.ps1"), text(INSTALLER / "new-report.ps1")
    assert "Set-ItemProperty -LiteralPath $template -Name IsReadOnly -Value $true" in install
    # the flag is set after Unblock-File (a read-only file's zone stream cannot be removed)
    assert install.index("Unblock-File") < install.index("-Name IsReadOnly -Value $true")
    assert "-Name IsReadOnly -Value $false" in new_report  # copies are writable
    assert "Test-UnderOneDrive $documents" in install
    for var in ("$env:OneDrive", "$env:OneDriveCommercial", "$env:OneDriveConsumer"):
        assert var in install


def test_verify_script_runs_every_ribbon_callback_and_the_send_to_path() -> None:
    from lxml import etree

    from gknb import sendto

    script = text(INSTALLER / "verify-windows.ps1")
    ui = etree.parse(str(ROOT / "addin" / "customUI" / "customUI.xml")).getroot()
    actions = {el.get("onAction") for el in ui.iter() if el.get("onAction")}
    assert len(actions) >= 6  # one per ribbon button
    for action in actions:
        assert f"'{action}'" in script, action
    assert set(re.findall(r"'--sendto', '(\w+)'", script)) == set(sendto.VERBS)
    assert "GknbSelfTestResult" in script and "GknbLastMessage" in script
    assert "GKNB_VERIFY" in text(ROOT / "addin" / "GknbLauncher.bas")
    assert "Format-Table" in script and "exit 1" in script
    assert "verify-windows.ps1 -NoExcel" in text(WORKFLOW)
