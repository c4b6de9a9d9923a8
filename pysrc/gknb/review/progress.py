"""A plain progress bar on stderr, drawn only when stderr is a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO

WIDTH = 30


class Progress:
    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            isatty = getattr(self.stream, "isatty", None)
            enabled = bool(isatty and isatty())
        self.enabled = enabled
        self.label = ""
        self.total = 0
        self._started = 0.0
        self._drawn = 0.0
        self._width = 0

    def start(self, label: str, total: int) -> None:
        self.label, self.total = label, total
        self._started = time.perf_counter()
        self._drawn = 0.0
        self.update(0, force=True)

    def update(self, done: int, force: bool = False) -> None:
        if not self.enabled or self.total <= 0:
            return
        now = time.perf_counter()
        if not force and done < self.total and now - self._drawn < 0.1:
            return
        self._drawn = now
        filled = WIDTH * done // self.total
        bar = "#" * filled + "-" * (WIDTH - filled)
        elapsed = now - self._started
        line = f"{self.label} [{bar}] {done}/{self.total}  {elapsed:.1f} 秒"
        pad = max(0, self._width - len(line))
        self._width = len(line)
        self.stream.write("\r" + line + " " * pad)
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled and self.total > 0:
            self.update(self.total, force=True)
            self.stream.write("\n")
            self.stream.flush()
        self.total = 0

    def close(self) -> None:
        """End a bar left drawn by an interruption, so the next message starts on a new line."""
        if self.enabled and self.total > 0:
            self.stream.write("\n")
            self.stream.flush()
        self.total = 0
