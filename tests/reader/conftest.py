"""The reader tests share a helper module beside this file (reader_layouts);
with --import-mode=importlib test folders are not on sys.path, so put this one there."""

import sys
from pathlib import Path

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)
