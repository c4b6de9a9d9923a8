"""Small file facts shared by every adapter (no heavy imports)."""

from __future__ import annotations

from pathlib import Path


def owner_lock(path: Path) -> Path | None:
    """The owner file Excel or Word keeps beside an open document (~$name; for long names the
    first two characters are replaced), if present."""
    for candidate in (f"~${path.name}", f"~${path.name[2:]}"):
        lock = path.with_name(candidate)
        if lock.exists():
            return lock
    return None
