"""Frozen entry point of the ribbon launcher's engine (gknb-excel.exe): `python -m gknb.excel`."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from gknb.excel import main

    sys.exit(main())
