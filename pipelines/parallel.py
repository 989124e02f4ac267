"""A stage's documents spread over the machine's cores: `start_documents(fn, items)` is `map(fn, items)`,
run by a pool of `settings.processes()` worker processes when the batch is large enough to repay starting
them. The pool lives as long as the process that started it (one run: Dagster's in-process executor runs
every step there), so its workers load the spaCy model and compile the knowledge base once per run, not once
per stage; it is shut down at exit, and replaced when a worker died (the stage that saw it fails).

`start_documents` hands a batch to the pool at once and returns its results' iterator, and `overlapped`
runs a stage's batches so that batch k+1 is with the workers while this process writes batch k. A run has
one pool: a later batch that needs fewer workers uses the same pool (no second set of models).

Workers are spawned, never forked: the run's process holds DuckDB connections and Dagster's threads, which
a fork would copy half-way. Only the run's process touches the warehouse (one writer): workers get plain
rows and bytes and hand rows back, in input order. `fn` must be a module-level function (it is pickled by
name) that never raises for one item's sake: it returns that item's failure as a value (see the callers),
so one document never stops the pool.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from pipelines import settings

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

MIN_PER_PROCESS = 24  # fewer items per process than this: the pool's start-up costs more than it saves
_POOLS: dict[int, ProcessPoolExecutor] = {}  # the pool this process started (by its size), kept warm


def pool_size(items: int, processes: int | None = None) -> int:
    """How many processes `items` are spread over (1: in this process)."""
    processes = settings.processes() if processes is None else processes
    return max(1, min(processes, items // MIN_PER_PROCESS))


def start_documents(
    fn: Callable[[T], R], items: Sequence[T], workers: int | None = None, chunk: int = 4
) -> Iterator[R]:
    """`fn` over `items`: the results in order. With `workers` (default: `pool_size` of the items) above 1,
    the items are handed to the run's pool at once, so the workers start on them while this process goes on
    (writing the previous batch, say); in this process (1 worker) nothing runs until the results are read."""
    n = pool_size(len(items)) if workers is None else workers
    if n <= 1 or not items:
        return map(fn, items)
    log.info("spreading %d items over %d processes", len(items), n)
    pool = _pool(n)
    return _results(pool, pool.map(fn, items, chunksize=chunk))


def _results(pool: ProcessPoolExecutor, results: Iterator[R]) -> Iterator[R]:
    try:
        yield from results
    except BrokenProcessPool:
        for size, kept in list(_POOLS.items()):
            if kept is pool:
                del _POOLS[size]  # a worker died: the next stage starts a fresh pool
        raise


def overlapped(batches: Sequence[T], start: Callable[[T], R], finish: Callable[[R], None]) -> None:
    """`finish(start(b))` for each batch in order, with batch k+1 started before batch k is finished: while
    this process finishes a batch (collects its rows, validates and writes them: the one writer), the
    workers already work on the next. At most two batches are held at once."""
    pending: R | None = None
    for batch in batches:
        started = start(batch)
        if pending is not None:
            finish(pending)
        pending = started
    if pending is not None:
        finish(pending)


def _pool(n: int) -> ProcessPoolExecutor:
    """This process's pool, with at least `n` spawned workers: the one already started when it is large
    enough, else a new one (the smaller one is shut down)."""
    size = max(_POOLS, default=0)
    if size < n:
        shutdown()
        spawn = multiprocessing.get_context("spawn")
        _POOLS[n] = ProcessPoolExecutor(n, mp_context=spawn, initializer=_exit_with, initargs=(os.getpid(),))
        size = n
    return _POOLS[size]


def _exit_with(parent: int) -> None:
    """In a worker: exit as soon as the process that started the pool is gone (killed runs leave no idle
    workers behind, holding a model in memory)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


@atexit.register
def shutdown() -> None:
    """Stop this process's worker pools (at exit; tests call it to start from cold)."""
    while _POOLS:
        _POOLS.popitem()[1].shutdown(cancel_futures=True)
