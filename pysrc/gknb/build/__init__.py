"""Build the macro-enabled workbook template: vbaProject.bin from addin/ and the .xlsm package.

`python -m gknb.build OUT.xlsm [--format 2019|2021]` writes the template; see __main__.
"""

from gknb.build.vbaproject import vba_project_bin
from gknb.build.xlsm import build_xlsm

__all__ = ["build_xlsm", "vba_project_bin"]
