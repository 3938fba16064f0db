"""Bounded retries of transient faults for every remote call, by tenacity.

The policy (:class:`Retry`): at most ``attempts`` tries; after a failed one, wait ``delay`` seconds, then
``factor`` times longer after each next one (0.5 s, 1 s, …: tenacity's ``wait_exponential``); no attempt starts,
and none runs, past ``total`` seconds after the first one started (default: twice the per-request time limit).
Only :class:`Transient` faults are retried; whatever the fault, the caller gets one
:class:`~perr_graph.errors.EndpointError` line, which says how many attempts were made.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import tenacity

from perr_graph.errors import EndpointError

T = TypeVar("T")


class EndpointUnreachable(EndpointError):
    """The endpoint did not answer at all (refused, reset, silent) at any attempt: the next request to it would
    most likely fail the same way, so ``load`` stops there."""


class Transient(Exception):
    """One attempt failed in a way another attempt might not (carries the message of the final error)."""

    def __init__(self, message: str, *, unreachable: bool):
        super().__init__(message)
        self.message = message
        self.unreachable = unreachable


@dataclass(frozen=True)
class Retry:
    """How many attempts, how far apart, within how long. ``sleep`` and ``clock`` are injectable so that tests
    do not wait."""

    attempts: int = 3
    delay: float = 0.5
    factor: float = 2.0
    total: float | None = None
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic

    def run(self, attempt: Callable[[float], T], timeout: float, path: str | None = None) -> T:
        """``attempt(seconds)`` until it returns, raises something other than :class:`Transient`, or the budget
        (attempts, total time) is spent; then the last fault as one :class:`EndpointError` line. ``seconds`` is
        what the attempt may take: the per-request ``timeout``, less near the end of the total budget."""
        started = self.clock()
        deadline = started + (self.total if self.total is not None else 2 * timeout)
        tries = 0

        def spent(state: tenacity.RetryCallState) -> bool:
            # tenacity computes the next wait (upcoming_sleep) before it asks whether to stop
            return (
                state.attempt_number >= max(1, self.attempts)
                or self.clock() + state.upcoming_sleep >= deadline
            )

        def once() -> T:
            nonlocal tries
            tries += 1
            return attempt(max(0.01, min(timeout, deadline - self.clock())))

        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(Transient),
            stop=spent,
            wait=tenacity.wait_exponential(multiplier=self.delay, exp_base=self.factor),
            sleep=self.sleep,
            reraise=True,
        )
        try:
            return retrying(once)
        except Transient as last:
            suffix = f" ({tries} attempts in {self.clock() - started:.1f} s)" if tries > 1 else ""
            error = EndpointUnreachable if last.unreachable else EndpointError
            raise error(last.message + suffix, path) from None


#: the default for every remote call (tests replace it, or pass ``retry=``)
RETRY = Retry()
