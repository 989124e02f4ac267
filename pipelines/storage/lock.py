"""One writer per warehouse: an advisory lock that dies with the process that holds it.

The lock is `flock` on the warehouse's folder (no lock file is written, so none can be left behind): the
kernel drops it when the holding process exits, even by SIGKILL, so a dead run never blocks the next one.
A second run waits for it with a bounded, logged retry and then fails with `WarehouseBusy`.

DuckDB's own file lock is a different thing: it is held by whoever has the DuckDB file open (an analyst's
read-write connection, the publishing run). `retry_busy` retries an open that DuckDB refuses that way.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import duckdb

log = logging.getLogger(__name__)

T = TypeVar("T")


class WarehouseBusy(RuntimeError):
    """The warehouse stayed held by another run or process for longer than the wait allows."""


class WarehouseLock:
    """An exclusive `flock` on the warehouse's folder, taken by `acquire` and dropped by `release`."""

    def __init__(self, warehouse: Path):
        self.warehouse = Path(warehouse)
        self.folder = self.warehouse.parent
        self._fd: int | None = None

    def acquire(self, timeout: float, poll: float = 0.5, say: Callable[[str], None] = log.info) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.folder, os.O_RDONLY)
        started = time.monotonic()
        next_note = 0.0
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self._fd = fd
                return
            except BlockingIOError:
                waited = time.monotonic() - started
                if waited >= timeout:
                    os.close(fd)
                    raise WarehouseBusy(
                        f"another run is writing to {self.warehouse} (the folder {self.folder} is locked); "
                        f"waited {waited:.0f} s (LEDGER_LOCK_TIMEOUT={timeout:g}). Try again when it ends."
                    ) from None
                if waited >= next_note:
                    say(
                        f"waiting for another run writing to {self.warehouse} ({waited:.0f} of {timeout:g} s)"
                    )
                    next_note = waited + 10
                time.sleep(poll)

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None


def is_lock_conflict(error: Exception) -> bool:
    """True when DuckDB refused to open a file because another process holds its lock."""
    text = str(error)
    return isinstance(error, duckdb.IOException) and ("lock" in text.lower() or "Conflicting" in text)


def retry_busy(
    action: Callable[[], T],
    what: str,
    timeout: float,
    poll: float = 1.0,
    say: Callable[[str], None] = log.warning,
) -> T:
    """`action()`, retried while DuckDB says another process holds the file, for at most `timeout` s."""
    started = time.monotonic()
    next_note = 0.0
    while True:
        try:
            return action()
        except duckdb.Error as exc:
            if not is_lock_conflict(exc):
                raise
            waited = time.monotonic() - started
            if waited >= timeout:
                raise WarehouseBusy(
                    f"{what}: the DuckDB file is held by another process for {waited:.0f} s "
                    f"(LEDGER_LOCK_TIMEOUT={timeout:g}); close other read-write connections (analysts: "
                    f"open it with read_only=True) and run again. DuckDB said: {exc}"
                ) from exc
            if waited >= next_note:
                say(f"{what}: the DuckDB file is held by another process; retrying ({waited:.0f} s)")
                next_note = waited + 10
            time.sleep(poll)
