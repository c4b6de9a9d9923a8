"""Fixtures for the frozen-engine tests: the onedir build and installer/smoke.py's checks."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from support import SEEDS

ROOT = Path(__file__).resolve().parents[2]
INSTALLER = ROOT / "installer"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "frozen: builds the PyInstaller onedir (~30 s); deselect locally with -m 'not frozen'",
    )


def load_installer_module(name: str) -> ModuleType:
    """A script from installer/ (not a package) as a module."""
    spec = importlib.util.spec_from_file_location(
        f"gknb_installer_{name}", INSTALLER / f"{name}.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def required(what: str) -> None:
    """Skip locally when a build prerequisite is missing; in CI its absence is a failure."""
    if os.environ.get("CI"):
        pytest.fail(f"{what}（CI 必须运行本测试）")
    pytest.skip(f"{what}（CI 中会安装）")


@pytest.fixture(scope="session")
def smoke() -> ModuleType:
    return load_installer_module("smoke")


@pytest.fixture(scope="session")
def pack() -> ModuleType:
    return load_installer_module("pack")


@pytest.fixture(scope="session")
def frozen_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The onedir built from this tree into a temp dir, or GKNB_FROZEN_DIST (e.g. dist/gknb
    after `bash dev.sh dist`) when set."""
    reuse = os.environ.get("GKNB_FROZEN_DIST")
    if reuse:
        return Path(reuse).resolve()
    if importlib.util.find_spec("PyInstaller") is None:
        required('PyInstaller 未安装：pip install -e ".[dist]" -c installer/constraints.txt')
    tmp = tmp_path_factory.mktemp("frozen")
    env = dict(os.environ, PYINSTALLER_CONFIG_DIR=str(tmp / "cache"))  # no shared cache
    proc = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(tmp / "dist"), "--workpath", str(tmp / "build"),
         str(INSTALLER / "gknb.spec")],
        capture_output=True, text=True, env=env, timeout=900, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, (
        f"PyInstaller 构建失败：\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
    )
    return tmp / "dist" / "gknb"


@pytest.fixture(scope="session")
def engine(smoke: ModuleType, frozen_dist: Path):
    return smoke.Engine(frozen_dist)


@pytest.fixture(scope="session")
def seeds() -> Path:
    """The published seed reports of tests/data/seeds."""
    if not SEEDS.is_dir():
        required(f"找不到已发布报告样本 {SEEDS}")
    return SEEDS


@pytest.fixture(scope="session")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the checks write their workbooks: a folder name with a space and Chinese."""
    path = tmp_path_factory.mktemp("frozen-work") / "冒烟 测试"
    path.mkdir()
    return path
