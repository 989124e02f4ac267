"""Bounds on the work of cleaning one page: a time cap and a cap on the size of its HTML tree.

A page past a bound is refused with an `UnparseablePage` subclass whose message names the cap, so the
document stage quarantines it with that reason instead of working unboundedly. The time cap uses
SIGALRM (`signal.setitimer`), so it acts only in the main thread of a process with POSIX signals;
elsewhere `page_time_limit` is a no-op. A signal handler runs between Python bytecodes: a single long
call into C (one lxml parse, one regex) finishes before the cap can act, which the byte cap per page
(applied before cleaning) keeps short.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from .model import UnparseablePage

logger = logging.getLogger(__name__)

# Seconds one page may take to clean; LEDGER_MAX_CLEAN_SECONDS overrides it (0 turns the cap off).
DEFAULT_MAX_CLEAN_SECONDS = 60.0
MAX_CLEAN_SECONDS_ENV = "LEDGER_MAX_CLEAN_SECONDS"
# Elements an HTML page's tree may hold. News articles hold a few thousand; a page past this is a
# generated or hostile document whose extraction would take minutes and gigabytes.
DEFAULT_MAX_TREE_ELEMENTS = 200_000
# After the time cap has fired, it fires again this often (seconds) until the page's work stops: a
# library that catches the first exception broadly (and goes on) is interrupted again.
_REFIRE_SECONDS = 0.1


class PageTooSlow(UnparseablePage):
    """The page took longer to clean than the time cap."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"cleaning the page took longer than the time cap of {seconds:g} s ({MAX_CLEAN_SECONDS_ENV})"
        )
        self.seconds = seconds


class TreeTooLarge(UnparseablePage):
    """The page's HTML tree holds more elements than the cap."""

    def __init__(self, cap: int) -> None:
        super().__init__(f"the HTML tree has more than {cap} elements, the cap on tree size")
        self.cap = cap


def max_clean_seconds() -> float:
    """The time cap per page: $LEDGER_MAX_CLEAN_SECONDS (seconds, 0 = no cap) or the default.

    The one place that reads the variable; a value that is not a number >= 0 is a configuration error.
    """
    raw = os.environ.get(MAX_CLEAN_SECONDS_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_CLEAN_SECONDS
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{MAX_CLEAN_SECONDS_ENV} must be a number of seconds, not {raw!r}") from None
    if not value >= 0 or value == float("inf"):
        raise ValueError(f"{MAX_CLEAN_SECONDS_ENV} must be a finite number of seconds >= 0, not {raw!r}")
    return value


def _can_use_alarm() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def page_time_limit(seconds: float | None) -> Iterator[None]:
    """Raise `PageTooSlow` when the block runs longer than `seconds` (None or 0: no cap).

    Main thread only (a no-op in other threads). The previous SIGALRM handler is restored on exit, and
    an outer timer that would fire first is left in charge (this one is then not set); an outer timer
    that would fire later is re-armed with its remaining time. Any exception that escapes the block
    after the cap fired is reported as `PageTooSlow`, and so is a block that swallowed the signal's
    exception and finished anyway: its work was cut short, its result cannot be trusted.
    """
    if not seconds or seconds <= 0 or not _can_use_alarm():
        yield
        return
    outer_delay, outer_interval = signal.getitimer(signal.ITIMER_REAL)
    if 0 < outer_delay <= seconds:
        logger.debug("an outer timer fires within %s s; leaving it in charge", seconds)
        yield
        return
    state = {"active": True, "fired": False}

    def on_alarm(signum: int, frame: object) -> None:
        if state["active"]:
            state["fired"] = True
            raise PageTooSlow(seconds)

    started = time.monotonic()
    old_handler = signal.signal(signal.SIGALRM, on_alarm)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds, _REFIRE_SECONDS)
        try:
            yield
        except BaseException as exc:
            state["active"] = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            if state["fired"] and not isinstance(exc, PageTooSlow):
                raise PageTooSlow(seconds) from exc
            raise
        state["active"] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        if state["fired"]:
            raise PageTooSlow(seconds)
    finally:
        state["active"] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        # None: the old handler was not set from Python; the default action is the nearest equivalent.
        signal.signal(signal.SIGALRM, signal.SIG_DFL if old_handler is None else old_handler)
        if outer_delay > 0:
            remaining = outer_delay - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(remaining, 1e-6), outer_interval)
