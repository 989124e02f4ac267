"""A stage's documents spread over the machine's cores: `map_documents(fn, items)` is `map(fn, items)`,
run by a pool of `settings.processes()` worker processes when the batch is large enough to repay starting
them (each worker loads the spaCy model and the knowledge base once).

Workers are spawned, never forked: the run's process holds DuckDB connections and Dagster's threads, which
a fork would copy half-way. Only the run's process touches the warehouse (one writer): workers get plain
rows and bytes and hand rows back, in input order. `fn` must be a module-level function (it is pickled by
name) that never raises for one item's sake: it returns that item's failure as a value (see the callers),
so one document never stops the pool.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

from pipelines import settings

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

MIN_PER_PROCESS = 24  # fewer items per process than this: the pool's start-up costs more than it saves


def pool_size(items: int, processes: int | None = None) -> int:
    """How many processes `items` are spread over (1: in this process)."""
    processes = settings.processes() if processes is None else processes
    return max(1, min(processes, items // MIN_PER_PROCESS))


def map_documents(
    fn: Callable[[T], R], items: Sequence[T], workers: int | None = None, chunk: int = 4
) -> Iterator[R]:
    """`fn` over `items`, in order; in a spawned pool of `workers` processes (default: `pool_size` of the
    items) when that is above 1."""
    n = pool_size(len(items)) if workers is None else workers
    if n <= 1 or not items:
        yield from map(fn, items)
        return
    log.info("spreading %d items over %d processes", len(items), n)
    with ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield from pool.map(fn, items, chunksize=chunk)
