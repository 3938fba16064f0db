"""The front's safety checks, in worker processes: side by side, each within a time limit.

:func:`perr_graph.sparql.safety.check_query` parses with rdflib, in pure Python: in the front's own process a
large query would hold the interpreter (and every other client) for seconds. Here each check runs in one of
``size`` worker processes (started once, with rdflib loaded: ``forkserver`` where the platform has it, else
``spawn``); a check that takes longer than ``time_limit`` seconds gets a one-line refusal, and its worker is
killed and replaced, so that it frees its CPU at once. No lock is held around a check: ``size`` checks run at
the same time, and a check waits at most ``wait`` seconds for a free worker (then the front answers 503).

Verdicts are remembered for the last :data:`CACHE` distinct texts of at most :data:`CACHE_TEXT` characters
(library queries come back often), refusals as well as passes.
"""

from __future__ import annotations

import collections
import contextlib
import multiprocessing
import queue
import threading
from dataclasses import dataclass
from typing import Any

from perr_graph.errors import QueryError
from perr_graph.sparql.limits import ShapeLimits
from perr_graph.sparql.safety import CHECK_SECONDS, Policy

#: verdicts remembered (distinct query texts of at most CACHE_TEXT characters)
CACHE, CACHE_TEXT = 256, 20_000


class Busy(QueryError):
    """Every worker is checking another query (the front answers 503)."""


def _context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _work(conn, policy: Policy, limits: ShapeLimits | None) -> None:  # in the worker process
    from perr_graph.sparql.safety import check_query

    while True:
        try:
            text = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(("ok", check_query(text, policy, None, limits=limits, time_limit=None)))
        except QueryError as exc:
            conn.send(("refused", str(exc)))


@dataclass
class _Worker:
    process: Any
    conn: Any


class Checker:
    """``check(text)``: the canonical text to forward, or QueryError (see the module docstring)."""

    def __init__(
        self,
        policy: Policy,
        *,
        size: int = 2,
        time_limit: float = CHECK_SECONDS,
        wait: float = 5.0,
        limits: ShapeLimits | None = None,
    ):
        self.policy = policy
        self.limits = limits
        self.size = size
        self.time_limit = time_limit
        self.wait = wait
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._started = False
        self._start_lock = threading.Lock()
        self._verdicts: collections.OrderedDict[str, tuple[bool, Any]] = collections.OrderedDict()
        self._verdicts_lock = threading.Lock()
        self._all: list[_Worker] = []

    def _spawn(self) -> _Worker:
        ctx = _context()
        mine, theirs = ctx.Pipe()
        process = ctx.Process(
            target=_work, args=(theirs, self.policy, self.limits), name="perr-check", daemon=True
        )
        process.start()
        theirs.close()
        worker = _Worker(process, mine)
        self._all.append(worker)
        return worker

    def _ensure_started(self) -> None:
        with self._start_lock:
            if not self._started:
                for _ in range(self.size):
                    self._idle.put(self._spawn())
                self._started = True

    def remember(self, text: str, verdict: tuple[bool, Any]) -> None:
        if len(text) <= CACHE_TEXT:
            with self._verdicts_lock:
                self._verdicts[text] = verdict
                self._verdicts.move_to_end(text)
                while len(self._verdicts) > CACHE:
                    self._verdicts.popitem(last=False)

    def check(self, text: str) -> str:
        with self._verdicts_lock:
            verdict = self._verdicts.get(text)
            if verdict is not None:
                self._verdicts.move_to_end(text)
        if verdict is None:
            verdict = self._check_in_a_worker(text)
            self.remember(text, verdict)
        passed, value = verdict
        if not passed:
            raise QueryError(value)
        return value.text

    def _check_in_a_worker(self, text: str) -> tuple[bool, Any]:
        self._ensure_started()
        try:
            worker = self._idle.get(timeout=self.wait)
        except queue.Empty:
            raise Busy("busy: every checker is working, try again") from None
        try:
            worker.conn.send(text)
            if worker.conn.poll(self.time_limit):
                status, value = worker.conn.recv()
                self._idle.put(worker)
                return (status == "ok", value)
            message = f"checking this query took more than {self.time_limit:g} s: simplify the query"
        except (EOFError, OSError):
            message = "the checker stopped on this query: simplify it"
        self._replace(worker)  # killed: its CPU is freed at once
        return (False, message)

    def _replace(self, worker: _Worker) -> None:
        worker.process.kill()
        worker.process.join(5)
        with contextlib.suppress(ValueError):
            self._all.remove(worker)
        self._idle.put(self._spawn())

    def close(self) -> None:
        for worker in list(self._all):
            with contextlib.suppress(OSError):
                worker.conn.close()
            worker.process.kill()
            worker.process.join(5)
        self._all.clear()
