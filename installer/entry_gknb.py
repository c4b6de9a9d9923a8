"""Frozen entry point of the command line (gknb.exe): the same as the `gknb` console script.

GKNB_FROZEN_SELFTEST=1 makes the program import every gknb module, and the libraries the
commands import only when needed, instead; it lists the ones that fail. The build scripts and
tests/installer use it to prove that nothing a command needs was left out of the bundle or
broken by stripping.
"""

import multiprocessing
import os
import sys

# Imported inside functions by gknb (reader, review, Word export, ribbon), so a plain import of
# every gknb module does not load them.
LAZY_IMPORTS = (
    "openpyxl",
    "PIL.Image",
    "docx",
    "lxml.etree",
    "lxml.html",
    "pdfplumber",
    "cryptography.hazmat.primitives.ciphers",
    "python_calamine",
    "xlwings",
)


def selftest() -> int:
    import importlib
    import pkgutil

    import gknb

    names = sorted(
        m.name
        for m in pkgutil.walk_packages(gknb.__path__, "gknb.")
        if not m.name.endswith("__main__")
    )
    names += LAZY_IMPORTS
    failed = []
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as exc:  # report every module, not only the first failure
            failed.append(f"{name}: {type(exc).__name__}: {exc}")
    for line in failed:
        print(f"FAILED {line}")
    print(f"gknb {gknb.__version__}: {len(names) - len(failed)}/{len(names)} modules import")
    return 1 if failed or not names else 0


if __name__ == "__main__":
    # A frozen Windows exe re-runs itself for each worker of `gknb review`'s process pool.
    multiprocessing.freeze_support()
    if os.environ.get("GKNB_FROZEN_SELFTEST") == "1":
        sys.exit(selftest())
    from gknb.cli import main

    sys.exit(main())
