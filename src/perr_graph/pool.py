"""The project's one process pool: ordered results of ``work(state, item)`` over worker processes.

Each worker builds its own ``state`` once, by calling ``setup(*setup_args)`` when it starts, and keeps it as a
local variable of its loop: nothing is read from module globals set before the workers start, so the pool works
with every start method of :mod:`multiprocessing` ("fork", "spawn", "forkserver"), and nothing is left behind
in this module between calls. Under "spawn" and "forkserver", ``work`` and ``setup`` must be module-level
functions (or classes) and ``setup_args``, the items and the results picklable; under "fork", ``setup_args``
are inherited by the workers, not pickled, so they may hold what cannot be pickled (an open store).

Items go to the workers in chunks; results come back in the order of the items, whatever the number of
workers, so the output of a caller never depends on it. At most two chunks per worker are in flight (sent and
not yet yielded), which bounds the memory the results held for reordering take (with ``here``, below: not yet
answered). With one job, no process is started: ``setup`` and ``work`` run in this process.

With ``here=True`` this process is one of the ``jobs``: beside ``jobs - 1`` workers, it takes the next chunk
itself whenever no answer is waiting. Under fork this is the cheaper process: a worker copies each page of
inherited memory it writes to (reference counts included), which on this project's machines made two workers
do the report's pages at 500 synthetic protocols with about 1.3 times the CPU of one process doing them all.

A failure in a worker is raised here, in the caller: the worker's exception (its traceback as the cause), or
:class:`WorkerError` when a worker died or its exception could not be sent. Closing the iterator early (or an
error in the caller) stops the workers.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
import signal
import traceback
from collections.abc import Callable, Generator, Iterable, Iterator
from itertools import islice
from multiprocessing.context import DefaultContext, ForkContext, ForkServerContext, SpawnContext
from typing import Any, Literal, TypeVar

#: a :mod:`multiprocessing` start method; None for the platform's default
StartMethod = Literal["fork", "spawn", "forkserver"]

State = TypeVar("State")
Item = TypeVar("Item")
Result = TypeVar("Result")

#: chunks in flight per worker (sent to the workers and not yet yielded)
IN_FLIGHT_PER_WORKER = 2
#: seconds between two checks that the workers are alive, while waiting for a result
_POLL = 0.5


class WorkerError(RuntimeError):
    """A worker process died, or failed with an exception that could not be sent back."""


class RemoteTraceback(Exception):
    """The traceback of an exception raised in a worker process (set as the ``__cause__`` of the exception
    raised in the caller)."""

    def __str__(self) -> str:
        return "\n" + str(self.args[0]) if self.args else ""


def jobs_for(jobs: int | None, n: int) -> int:
    """How many workers for ``n`` items: ``jobs`` (None or 0: one per core), at most ``n``, at least 1."""
    return max(1, min(jobs or os.cpu_count() or 1, n))


def chunksize_for(n: int, jobs: int, at_most: int = 16, chunks_per_job: int = 8) -> int:
    """Items per chunk: about ``chunks_per_job`` chunks per worker (so a slow item does not leave the others
    idle), at most ``at_most`` items, at least 1."""
    return max(1, min(at_most, n // (jobs * chunks_per_job) or 1))


def imap(
    work: Callable[[State, Item], Result],
    items: Iterable[Item],
    *,
    setup: Callable[..., State],
    setup_args: tuple[Any, ...] = (),
    jobs: int = 1,
    chunksize: int = 1,
    start_method: StartMethod | None = None,
    here: bool = False,
) -> Generator[Result, None, None]:
    """``work(state, item)`` for every item, in the order of ``items``, computed by ``jobs`` worker processes
    (see the module's docstring), ``state`` being ``setup(*setup_args)`` built once in each worker.

    ``jobs`` 1 or less: no process, ``state`` built once here. ``start_method``: a :mod:`multiprocessing`
    start method, or None for the platform's default. ``here``: this process works too, as one of the ``jobs``.
    ``items`` are read as the workers need them."""
    if jobs <= 1:
        state = setup(*setup_args)
        for item in items:
            yield work(state, item)
        return
    workers = _Workers(work, setup, setup_args, jobs - 1 if here else jobs, start_method)
    yield from workers.imap(items, max(1, chunksize), here)


class _Workers:
    """Worker processes, a queue of tasks (pickled ``(index, chunk)``) and a queue of answers."""

    def __init__(
        self,
        work: Callable[[Any, Any], Any],
        setup: Callable[..., Any],
        setup_args: tuple[Any, ...],
        jobs: int,
        start_method: StartMethod | None,
    ):
        ctx = _context(start_method)
        self.work, self.setup, self.setup_args = work, setup, setup_args
        self.tasks = ctx.Queue()
        self.answers = ctx.Queue()
        self.procs = [
            ctx.Process(target=_worker, args=(work, setup, setup_args, self.tasks, self.answers), daemon=True)
            for _ in range(jobs)
        ]

    def imap(self, items: Iterable[Any], chunksize: int, here: bool = False) -> Iterator[Any]:
        """The results in order; ``here``: this process takes a chunk whenever no answer is waiting."""
        chunks = _chunks(items, chunksize)
        limit = IN_FLIGHT_PER_WORKER * len(self.procs)
        sent = yielded = answered = 0  # chunks numbered; yielded; answered by the workers
        to_workers = 0  # chunks sent to the workers
        exhausted = False
        ready: dict[int, list[Any]] = {}
        state: tuple[Any] | None = None  # this process's state, built when it first takes a chunk
        finished = False

        def next_chunk() -> list[Any] | None:
            nonlocal exhausted
            chunk = None if exhausted else next(chunks, None)
            exhausted = chunk is None
            return chunk

        try:
            for p in self.procs:
                p.start()  # under spawn, pickles setup_args: may fail
            while True:
                # the workers' share: never more than ``limit`` chunks in flight
                while (to_workers - answered if here else sent - yielded) < limit and (
                    chunk := next_chunk()
                ) is not None:
                    self.tasks.put(pickle.dumps((sent, chunk), protocol=pickle.HIGHEST_PROTOCOL))
                    sent += 1
                    to_workers += 1
                if yielded == sent:
                    break
                if yielded in ready:
                    results = ready.pop(yielded)
                    yielded += 1
                    yield from results
                    continue
                answer = self._answer(wait=not here or exhausted)
                if answer is not None:
                    ready[answer[0]] = answer[1]
                    answered += 1
                elif (chunk := next_chunk()) is not None:  # no answer waiting: a chunk done here
                    if state is None:
                        state = (self.setup(*self.setup_args),)
                    ready[sent] = [self.work(state[0], item) for item in chunk]
                    sent += 1
            finished = True
        finally:
            self._stop(finished)

    def _answer(self, wait: bool = True) -> tuple[int, list[Any]] | None:
        """The next answer of any worker (None at once when none is waiting and not ``wait``); raises what a
        worker raised, or :class:`WorkerError` if one died."""
        while True:
            try:
                answer = self.answers.get(timeout=_POLL) if wait else self.answers.get_nowait()
            except queue.Empty:
                if not wait:
                    return None
                dead = [p for p in self.procs if p.exitcode is not None]
                if not dead:
                    continue
                try:  # what a worker sent just before it ended
                    answer = self.answers.get(timeout=_POLL)
                except queue.Empty:
                    raise WorkerError(
                        f"a worker process ended unexpectedly (exit code {dead[0].exitcode})"
                    ) from None
            index, ok, data, trace = answer
            if ok:
                return index, pickle.loads(data)
            try:
                exc = pickle.loads(data)
            except Exception:
                raise WorkerError(f"a worker process failed:\n{trace}") from None
            raise exc from RemoteTraceback(trace)

    def _stop(self, finished: bool) -> None:
        """Let the workers end (after the last answer) or, when the caller stopped early or failed, end them."""
        if finished:
            for _ in self.procs:
                self.tasks.put(None)
        for p in self.procs:
            if p.pid is None:  # never started
                continue
            if finished:
                p.join(timeout=30)
            if p.is_alive():
                p.terminate()
            p.join()
        if not finished:
            self.tasks.cancel_join_thread()
        for q in (self.tasks, self.answers):
            q.close()
        self.tasks.join_thread()


def _context(
    start_method: StartMethod | None,
) -> DefaultContext | ForkContext | SpawnContext | ForkServerContext:
    """The :mod:`multiprocessing` context of a start method (None: the platform's default)."""
    if start_method == "fork":
        return multiprocessing.get_context("fork")
    if start_method == "spawn":
        return multiprocessing.get_context("spawn")
    if start_method == "forkserver":
        return multiprocessing.get_context("forkserver")
    return multiprocessing.get_context()


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _worker(
    work: Callable[[Any, Any], Any],
    setup: Callable[..., Any],
    setup_args: tuple[Any, ...],
    tasks: Any,
    answers: Any,
) -> None:
    """A worker's loop: build the state, then answer each task with its chunk's results (pickled here, so a
    result that cannot be pickled is reported, not lost) until told to stop (None). Interrupts are left to the
    caller's process, which stops the workers; when that process is gone (``kill -9``), nothing will come and the
    worker ends at its next look (every :data:`_POLL` seconds) instead of waiting for ever."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()
    try:
        state = setup(*setup_args)
    except Exception as exc:
        answers.put(_failure(-1, exc))
        return
    while True:
        try:
            task = tasks.get(timeout=_POLL)
        except queue.Empty:
            if os.getppid() != parent:  # adopted by another process: the caller's died
                os._exit(0)  # at once: an answer left in the queue would wait for ever for its reader
            continue
        if task is None:
            return
        index, chunk = pickle.loads(task)
        try:
            data = pickle.dumps([work(state, item) for item in chunk], protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:
            answers.put(_failure(index, exc))
            return
        answers.put((index, True, data, ""))


def _failure(index: int, exc: BaseException) -> tuple[int, bool, bytes, str]:
    trace = "".join(traceback.format_exception(exc))
    try:
        data = pickle.dumps(exc)
    except Exception:
        data = b""
    return index, False, data, trace
