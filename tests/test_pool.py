"""The process pool: every item runs in a worker process (also with one job), and what one item
does — crash its worker, hang, take too much memory, return what cannot be sent back — is that
item's result only."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

import pytest

from gknb.pool import Pool, default_jobs

FORK = multiprocessing.get_context("fork") if hasattr(os, "fork") else None
needs_fork = pytest.mark.skipif(FORK is None, reason="the tests' work functions need fork")


def _pool(work, jobs: int, **kw) -> Pool:
    return Pool(
        work,
        jobs,
        crashed=lambda item: ("crashed", item),
        timed_out=lambda item, seconds: ("timed out", item, seconds),
        failed=lambda item, exc: ("failed", item, type(exc).__name__),
        context=FORK,
        **kw,
    )


@needs_fork
@pytest.mark.parametrize("jobs", [1, 3])
def test_every_item_runs_once_in_a_worker_process(jobs):
    parent = os.getpid()
    with _pool(lambda n: (n, n * n, os.getpid()), jobs) as pool:
        results = list(pool.run(list(range(40))))
        again = list(pool.run([7]))  # the workers are kept between runs
    assert sorted(r[:2] for r in results) == [(n, n * n) for n in range(40)]
    assert parent not in {r[2] for r in results}
    assert again[0][:2] == (7, 49)
    assert pool.peak_rss_kb > 0


@needs_fork
@pytest.mark.parametrize("jobs", [1, 2])
def test_an_item_that_kills_its_worker_is_reported_alone(jobs):
    def work(n):
        if n == 5:
            os._exit(1)
        return n

    with _pool(work, jobs) as pool:
        results = list(pool.run(list(range(12))))
    assert ("crashed", 5) in results
    assert sorted(r for r in results if isinstance(r, int)) == [n for n in range(12) if n != 5]
    assert len(results) == 12


@needs_fork
@pytest.mark.parametrize("jobs", [1, 2])
def test_an_item_that_hangs_is_given_up_also_with_one_job(jobs):
    def work(n):
        if n == 2:
            time.sleep(60)
        return n

    started = time.perf_counter()
    with _pool(work, jobs, timeout=1.0) as pool:
        results = list(pool.run(list(range(6))))
    assert time.perf_counter() - started < 20
    assert ("timed out", 2, 1.0) in results
    assert sorted(r for r in results if isinstance(r, int)) == [0, 1, 3, 4, 5]


@needs_fork
@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="the bound needs /proc")
def test_a_worker_may_take_only_its_memory_allowance():
    allowance = 64 << 20

    def work(n):
        try:
            return len(bytearray(allowance * 2)) if n == 1 else n
        except MemoryError:
            return "MemoryError"

    with _pool(work, 2, memory=allowance) as pool:
        results = sorted(map(str, pool.run([0, 1, 2])))
    assert results == ["0", "2", "MemoryError"]


@needs_fork
def test_a_result_that_cannot_be_sent_back_fails_only_its_chunk():
    def work(n):
        return (lambda: n) if n == 3 else n  # a lambda cannot be pickled

    with _pool(work, 1) as pool:
        results = list(pool.run([3]))
        others = list(pool.run([1, 2]))
    assert [r[:2] for r in results] == [("failed", 3)]
    assert sorted(others) == [1, 2]


@needs_fork
def test_an_interrupt_does_not_wait_for_the_items_in_progress():
    def work(n):
        if n > 0:
            time.sleep(60)
        return n

    started = time.perf_counter()
    with pytest.raises(KeyboardInterrupt), _pool(work, 2) as pool:
        for _ in pool.run([0, 1, 2]):
            raise KeyboardInterrupt
    assert time.perf_counter() - started < 20


def test_default_jobs_is_at_least_one():
    assert default_jobs() >= 1
