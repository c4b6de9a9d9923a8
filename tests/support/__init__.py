"""Support code for the tests and the benchmarks in bench/ (not part of the shipped package).

The tests' conftest puts tests/ on sys.path; bench scripts do the same, then `import support.…`.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pytest

# The real published seed reports (tests/data/README.md).
SEEDS = Path(__file__).resolve().parents[1] / "data" / "seeds"


def needs(tool: str) -> pytest.MarkDecorator:
    """Skip when a tool is missing, except in CI where its absence is a failure."""
    import pytest

    missing = shutil.which(tool) is None and not os.environ.get("CI")
    return pytest.mark.skipif(missing, reason=f"{tool} 未安装（CI 中会安装）")
