"""The time cap on cleaning one page: a page past it is refused with a reason naming the cap; the cap
comes from a keyword or LEDGER_MAX_CLEAN_SECONDS; it acts in the main thread only and leaves the
process's SIGALRM handler and timers as they were. No test asserts on elapsed time."""

from __future__ import annotations

import random
import signal
import threading
import time

import pytest

from pipelines.cleaning import UnparseablePage, clean_page
from pipelines.cleaning.limits import (
    DEFAULT_MAX_CLEAN_SECONDS,
    MAX_CLEAN_SECONDS_ENV,
    PageTooSlow,
    max_clean_seconds,
    page_time_limit,
)

TINY = 0.02


@pytest.fixture(scope="module")
def slow_page() -> str:
    """A plain-text page of thousands of distinct long lines: the repeated-sentence pass compares every
    pair of lines, so cleaning it takes far longer than TINY seconds."""
    rng = random.Random(14)
    words = "forces village shelled clashes province rebel talks capital convoy border civilians".split()
    return "\n\n".join(" ".join(rng.choice(words) for _ in range(12)) + "." for _ in range(4000))


def test_a_slow_page_is_refused_naming_the_cap(slow_page):
    with pytest.raises(PageTooSlow, match=r"time cap of 0\.02 s") as caught:
        clean_page(slow_page, kind="text", max_seconds=TINY)
    assert isinstance(caught.value, UnparseablePage)
    assert MAX_CLEAN_SECONDS_ENV in str(caught.value)


def test_the_cap_is_read_from_the_environment(slow_page, monkeypatch):
    monkeypatch.setenv(MAX_CLEAN_SECONDS_ENV, str(TINY))
    assert max_clean_seconds() == TINY
    with pytest.raises(PageTooSlow):
        clean_page(slow_page, kind="text")


def test_the_keyword_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv(MAX_CLEAN_SECONDS_ENV, "0.000001")
    page = clean_page(
        "Government forces shelled the village, killing two civilians.", kind="text", max_seconds=0
    )
    assert page.clean_text


def test_default_and_invalid_values(monkeypatch):
    monkeypatch.delenv(MAX_CLEAN_SECONDS_ENV, raising=False)
    assert max_clean_seconds() == DEFAULT_MAX_CLEAN_SECONDS == 60
    monkeypatch.setenv(MAX_CLEAN_SECONDS_ENV, "0")
    assert max_clean_seconds() == 0
    for bad in ("soon", "-1", "nan", "inf"):
        monkeypatch.setenv(MAX_CLEAN_SECONDS_ENV, bad)
        with pytest.raises(ValueError, match=MAX_CLEAN_SECONDS_ENV):
            max_clean_seconds()


def test_old_handler_and_timer_are_restored(slow_page):
    calls: list[int] = []

    def outer(signum, frame):
        calls.append(signum)

    previous = signal.signal(signal.SIGALRM, outer)
    try:
        signal.setitimer(signal.ITIMER_REAL, 30)
        with pytest.raises(PageTooSlow):
            clean_page(slow_page, kind="text", max_seconds=TINY)
        assert signal.getsignal(signal.SIGALRM) is outer
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 0 < remaining <= 30  # the outer timer is armed again, not lost
        assert calls == []
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_no_timer_is_left_after_a_page_that_cleans():
    clean_page("Government forces shelled the village, killing two civilians.", kind="text", max_seconds=5)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL


def test_an_exception_swallowed_inside_the_block_is_still_reported():
    swallowed = 0
    with pytest.raises(PageTooSlow):
        with page_time_limit(TINY):
            while swallowed < 3:
                try:
                    sum(range(10_000))
                except Exception:  # a library that catches broadly and goes on
                    swallowed += 1
    assert swallowed == 3  # the cap fired again after each swallowed exception


def test_outside_the_main_thread_the_limit_is_a_no_op():
    outcome: list[object] = []

    def work() -> None:
        try:
            with page_time_limit(TINY):
                time.sleep(TINY * 5)  # in the main thread the cap would interrupt this
                outcome.append(signal.getitimer(signal.ITIMER_REAL))
        except BaseException as exc:  # reported to the main thread
            outcome.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert outcome == [(0.0, 0.0)]


def test_in_the_main_thread_the_limit_interrupts_a_wait():
    with pytest.raises(PageTooSlow):
        with page_time_limit(TINY):
            time.sleep(30)
