#!/usr/bin/env bash
# The project's two everyday commands, usable on a fresh machine with Python 3.11:
#   bash dev.sh demo   -> set up .venv, build/check/mark the demo workbook (and its Word report)
#   bash dev.sh test   -> set up .venv, lint (ruff), type-check (mypy) and run the whole test suite
#   bash dev.sh template -> rebuild workbook_template.xlsm from the layout and addin/
#   bash dev.sh dist   -> build the frozen engine into dist/gknb/ and smoke-test it (installer/)
set -euo pipefail
cd "$(dirname "$0")"
PY="${PYTHON:-python3}"
VENV=.venv
STAMP="$VENV/.installed"

setup() {
  if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
  fi
  if [ ! -f "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ]; then
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -e ".[dev,dist]" -c installer/constraints.txt
    touch "$STAMP"
  fi
}

case "${1:-}" in
  demo)
    setup
    shift
    "$VENV/bin/gknb" demo "$@"
    ;;
  test)
    setup
    shift
    "$VENV/bin/ruff" check pysrc tests bench
    "$VENV/bin/ruff" format --check pysrc tests bench
    "$VENV/bin/mypy"
    "$VENV/bin/python" -m pytest "$@"
    ;;
  template)
    setup
    "$VENV/bin/python" -m gknb.build workbook_template.xlsm
    ;;
  bench)
    setup
    shift
    for script in bench/bench_*.py; do "$VENV/bin/python" "$script" "$@"; done
    ;;
  dist)
    # The frozen engine (PyInstaller onedir) in dist/gknb/, then its smoke test.
    setup
    shift
    "$VENV/bin/pyinstaller" --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller installer/gknb.spec
    "$VENV/bin/python" installer/smoke.py dist/gknb --seeds tests/data/seeds "$@"
    ;;
  *)
    echo "用法：bash dev.sh demo | test | bench | dist" >&2
    exit 2
    ;;
esac
