"""Run one function over many items in worker processes, each item isolated from the others.

`Pool(work, jobs, ...)` calls `work(item)` in child processes — always, also with one job — and
yields the results as they come. What one item does never costs another its result:

- a worker that dies (a crash in a C library, `os._exit`, the memory cap) takes only the item it
  was on with it: the items it had not started are run again, the suspect alone in a pool of its
  own, and if that worker dies too the item's result is `crashed(item)`;
- an item that runs longer than `timeout` seconds is given up (its worker is killed) and its
  result is `timed_out(item, timeout)`;
- each worker's address space is capped at what it started with plus `memory` bytes (where
  /proc tells the start, i.e. on Linux), so one huge item fails alone instead of starving the
  machine;
- a result that cannot cross the process boundary becomes `failed(item, exc)`;
- on an exception in the caller (Ctrl-C) the workers are killed, not waited for.

`work` must never raise (turn its own exceptions into results); it must be picklable where
workers are spawned (Windows, macOS), i.e. a module-level function. With fork (Linux) the
function, as it is when the pool starts, is inherited, so tests may patch it.

This module knows nothing of reports: `gknb.review.run` runs its file checks through it.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.context import BaseContext
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

TIMEOUT = 300.0  # seconds one item may take by default
WORKER_MEMORY = 1024 * 1024 * 1024  # address space a worker may take beyond what it starts with


class _Board:
    """Shared memory where each worker posts which item it is on, since when, and its pid; it
    survives the worker, so the parent knows which item killed or hung it."""

    def __init__(self, context: BaseContext, size: int) -> None:
        self.items = context.RawArray("q", [-1] * size)
        self.started = context.RawArray("d", [0.0] * size)
        self.pids = context.RawArray("q", [0] * size)
        self.counter = context.Value("i", 0)

    def busy(self) -> list[tuple[int, int, float]]:
        """(item index, pid, seconds running) of every worker on an item."""
        now = time.time()
        return [
            (self.items[i], self.pids[i], now - self.started[i])
            for i in range(len(self.items))
            if self.items[i] >= 0
        ]

    def kill_all(self) -> None:
        for pid in {p for p in self.pids if p > 0}:
            _kill(pid)


def _kill(pid: int) -> None:
    with contextlib.suppress(OSError):  # already gone
        os.kill(pid, getattr(signal, "SIGKILL", signal.SIGTERM))


# ---- in the worker ----------------------------------------------------------------------------

_BOARD: _Board | None = None
_SLOT = -1
_WORK: Callable[[Any], Any] | None = None


def _init_worker(board: _Board, work: Callable[[Any], Any], memory: int) -> None:
    global _BOARD, _SLOT, _WORK
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    with board.counter.get_lock():
        _SLOT = board.counter.value % len(board.items)
        board.counter.value += 1
    board.pids[_SLOT] = os.getpid()
    _BOARD, _WORK = board, work
    bound_memory(memory)


def bound_memory(memory: int) -> None:
    """Cap this process's address space at its present size plus `memory` bytes, so an item
    that would take gigabytes fails alone (a MemoryError, or the worker dies and only its item
    is reported) rather than starving the machine and the other workers. Where /proc is missing
    (Windows, macOS) the process runs unbounded."""
    try:
        import resource

        with open("/proc/self/statm") as fh:
            pages = int(fh.read().split()[0])
    except (ImportError, OSError, ValueError, IndexError):
        return
    limit = pages * resource.getpagesize() + memory
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft == resource.RLIM_INFINITY or soft > limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def peak_rss_kb() -> int:
    """This process's peak resident memory in KiB (0 where it cannot be known: Windows)."""
    try:
        import resource
    except ImportError:
        return 0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss // 1024 if sys.platform == "darwin" else rss


def _work(chunk: list[tuple[int, Any]]) -> tuple[list[Any], int]:
    assert _WORK is not None, "the worker was started without its initializer"
    results = []
    for index, item in chunk:
        if _BOARD is not None:
            _BOARD.started[_SLOT] = time.time()
            _BOARD.items[_SLOT] = index
        results.append(_WORK(item))
        if _BOARD is not None:
            _BOARD.items[_SLOT] = -1
    return results, peak_rss_kb()


# ---- in the parent ----------------------------------------------------------------------------


def default_jobs() -> int:
    """The CPUs this process may use (a container's limit, not the host's count)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


class Pool(Generic[T, R]):
    """See the module docstring. Use as a context manager; `run` may be called more than once
    (the workers are kept between runs). `peak_rss_kb` is the largest worker's peak memory."""

    def __init__(
        self,
        work: Callable[[T], R],
        jobs: int,
        *,
        crashed: Callable[[T], R],
        timed_out: Callable[[T, float], R],
        failed: Callable[[T, BaseException], R],
        context: BaseContext | None = None,
        timeout: float = TIMEOUT,
        memory: int = WORKER_MEMORY,
        warm: Callable[[], None] | None = None,
    ) -> None:
        self.work = work
        self.jobs = max(1, jobs)
        self.crashed, self.timed_out, self.failed = crashed, timed_out, failed
        self.context = context or multiprocessing.get_context()
        self.timeout = timeout
        self.memory = memory
        self.warm = warm
        self.peak_rss_kb = 0
        self._pool: ProcessPoolExecutor | None = None
        self._board: _Board | None = None

    def __enter__(self) -> Pool[T, R]:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        if kind is not None and self._board is not None:
            self._board.kill_all()  # interrupted: do not wait for the items in progress
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _new_pool(self, workers: int) -> tuple[ProcessPoolExecutor, _Board]:
        if self.warm is not None and self.context.get_start_method() == "fork":
            self.warm()  # forked workers share the parent's imports instead of repeating them
        board = _Board(self.context, workers * 4)
        pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=self.context,
            initializer=_init_worker,
            initargs=(board, self.work, self.memory),
        )
        return pool, board

    def run(self, items: Sequence[T]) -> Iterator[R]:
        """Every item's result, in the order they finish."""
        if not items:
            return
        indexed = list(enumerate(items))
        size = max(1, min(12, math.ceil(len(indexed) / (self.jobs * 6))))
        todo = [indexed[i : i + size] for i in range(0, len(indexed), size)]
        while todo:
            lost, busy, overdue = yield from self._round(todo)
            todo = []
            if not lost:
                break
            for index in overdue:
                yield self.timed_out(items[index], self.timeout)
            suspects = {i for i in busy if i not in overdue}
            for index, item in lost:
                if index in suspects:
                    yield self._alone(index, item)
            rest = [(i, t) for i, t in lost if i not in suspects and i not in overdue]
            if rest and not suspects and not overdue:  # the culprit is unknown: one at a time
                for index, item in rest:
                    yield self._alone(index, item)
                rest = []
            todo = [rest[i : i + size] for i in range(0, len(rest), size)]

    def _round(
        self, chunks: list[list[tuple[int, T]]]
    ) -> Generator[R, None, tuple[list[tuple[int, T]], set[int], set[int]]]:
        """Submit every chunk and yield results. Returns the items lost to a broken pool, the
        items the workers were on when it broke, and the items given up for taking too long."""
        if self._pool is None:
            self._pool, self._board = self._new_pool(self.jobs)
        board = self._board
        assert board is not None
        pending: dict[Future[tuple[list[R], int]], list[tuple[int, T]]] = {
            self._pool.submit(_work, chunk): chunk for chunk in chunks
        }
        lost: list[tuple[int, T]] = []
        overdue: set[int] = set()
        busy: set[int] = set()
        while pending:
            done, _ = wait(pending, timeout=min(1.0, self.timeout), return_when=FIRST_COMPLETED)
            if not done:
                for index, pid, seconds in board.busy():
                    if seconds > self.timeout and index not in overdue:
                        overdue.add(index)
                        _kill(pid)
                continue
            for future in done:
                chunk = pending.pop(future)
                try:
                    results, rss = future.result()
                except BrokenProcessPool:
                    if not busy:
                        busy = {index for index, _, _ in board.busy()}
                    lost.extend(chunk)
                    continue
                except Exception as exc:  # a result that cannot cross the process boundary
                    for _, item in chunk:
                        yield self.failed(item, exc)
                    continue
                self.peak_rss_kb = max(self.peak_rss_kb, rss)
                yield from results
        if lost:
            self.close()
        return lost, busy, overdue

    def _alone(self, index: int, item: T) -> R:
        """One item in a pool of its own: if the worker dies again, the item is the cause."""
        pool, board = self._new_pool(1)
        try:
            results, rss = pool.submit(_work, [(index, item)]).result(timeout=self.timeout)
            self.peak_rss_kb = max(self.peak_rss_kb, rss)
            return results[0]
        except BrokenProcessPool:
            return self.crashed(item)
        except TimeoutError:
            board.kill_all()
            return self.timed_out(item, self.timeout)
        except Exception as exc:  # a result that cannot cross the process boundary
            return self.failed(item, exc)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
