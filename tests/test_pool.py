"""The one process pool (``pool.py``): ordered results whatever the workers and the start method, state built
once per worker from its arguments, failures raised in the caller, workers stopped when the caller stops."""

from __future__ import annotations

import multiprocessing
import os
import threading

import pytest

from perr_graph import pool

METHODS = ["fork", "spawn"]
#: the test's own process (a forked worker inherits the name, not the process id)
CALLER = os.getpid()


class Offset:
    """A worker's state: built once per worker, from picklable arguments."""

    def __init__(self, k: int):
        self.k = k
        self.pid = os.getpid()


def add(state: Offset, x: int) -> tuple[int, int]:
    return x + state.k, state.pid


def fail_on_7(state: Offset, x: int) -> int:
    if x == 7:
        raise ValueError(f"no {x}")
    return x


def die_on_7(state: Offset, x: int) -> int:
    if x == 7:
        os._exit(3)
    return x


def unpicklable(state: Offset, x: int) -> object:
    return threading.Lock()


def bad_setup(k: int) -> Offset:
    raise RuntimeError("cannot set up")


def holds(lock: object) -> object:
    return lock


def same(state: object, x: int) -> int:
    return x


def offsets(method: str, chunksize: int, here: bool = False) -> set[int]:
    """``add`` over 0..39 with two jobs: checks the results come in order, returns the processes that worked."""
    got = list(
        pool.imap(
            add,
            range(40),
            setup=Offset,
            setup_args=(100,),
            jobs=2,
            chunksize=chunksize,
            start_method=method,
            here=here,
        )
    )
    assert [r for r, _ in got] == list(range(100, 140))
    return {w for _, w in got}


@pytest.mark.parametrize("method", METHODS)
def test_results_in_order_with_state_per_worker(method):
    for chunksize in (1, 3, 50):
        workers = offsets(method, chunksize)
        assert os.getpid() not in workers and 1 <= len(workers) <= 2


@pytest.mark.parametrize("method", METHODS)
def test_here_this_process_works_beside_the_workers_and_the_order_holds(method):
    """``here=True``: two jobs are this process and one worker. The worker takes the first chunks, this process
    the next one while no answer is waiting, so both work; the results keep the order of the items."""
    for chunksize in (1, 3):
        workers = offsets(method, chunksize, here=True)
        assert os.getpid() in workers and len(workers) == 2
        assert not multiprocessing.active_children()


def fail_here(state: Offset, x: int) -> int:
    if os.getpid() == CALLER:
        raise ValueError(f"no {x} here")
    return x


def test_here_a_failure_in_this_process_stops_the_workers():
    with pytest.raises(ValueError, match="here"):
        list(
            pool.imap(
                fail_here, range(20), setup=Offset, setup_args=(0,), jobs=2, start_method="fork", here=True
            )
        )
    assert not multiprocessing.active_children()


def test_one_job_runs_here_without_processes():
    got = list(pool.imap(add, iter(range(5)), setup=Offset, setup_args=(1,), jobs=1))
    assert got == [(x + 1, os.getpid()) for x in range(5)]
    assert not multiprocessing.active_children()


@pytest.mark.parametrize("method", METHODS)
def test_a_failure_is_raised_in_the_caller_and_stops_the_workers(method):
    with pytest.raises(ValueError, match="no 7") as info:
        list(pool.imap(fail_on_7, range(20), setup=Offset, setup_args=(0,), jobs=2, start_method=method))
    assert "fail_on_7" in str(info.value.__cause__)  # the worker's traceback
    with pytest.raises(RuntimeError, match="cannot set up"):
        list(pool.imap(same, range(20), setup=bad_setup, setup_args=(0,), jobs=2, start_method=method))
    assert not multiprocessing.active_children()


def test_a_dead_worker_or_an_unpicklable_result_is_an_error_not_a_hang():
    with pytest.raises(pool.WorkerError, match="ended unexpectedly"):
        list(pool.imap(die_on_7, range(20), setup=Offset, setup_args=(0,), jobs=2, start_method="fork"))
    with pytest.raises(TypeError, match="pickle"):
        list(pool.imap(unpicklable, range(4), setup=Offset, setup_args=(0,), jobs=2, start_method="fork"))
    assert not multiprocessing.active_children()


def test_stopping_early_stops_the_workers():
    results = pool.imap(add, range(10_000), setup=Offset, setup_args=(0,), jobs=2, start_method="fork")
    assert next(results)[0] == 0
    results.close()
    assert not multiprocessing.active_children()


def test_under_fork_the_setup_arguments_are_inherited_not_pickled():
    """What validation needs: a worker state built from an object that cannot be pickled (an open store)."""
    lock = threading.Lock()
    got = list(pool.imap(same, range(6), setup=holds, setup_args=(lock,), jobs=2, start_method="fork"))
    assert got == list(range(6))


def test_under_spawn_unpicklable_setup_arguments_are_an_error():
    with pytest.raises(TypeError, match="pickle"):
        list(
            pool.imap(
                same, range(6), setup=holds, setup_args=(threading.Lock(),), jobs=2, start_method="spawn"
            )
        )
    assert not multiprocessing.active_children()


def test_how_many_jobs_and_chunks():
    assert pool.jobs_for(8, 3) == 3 and pool.jobs_for(1, 0) == 1
    assert pool.jobs_for(None, 1000) == (os.cpu_count() or 1)
    assert pool.chunksize_for(500, 2) == 16 and pool.chunksize_for(10, 2) == 1
    assert pool.chunksize_for(200, 2, at_most=8, chunks_per_job=4) == 8


ORPHANS = """
import os, sys, time
from perr_graph import pool

def slow(state, x):
    time.sleep(0.05)
    return os.getpid()

seen = set()
for pid in pool.imap(slow, range(10_000), setup=lambda: None, jobs=2, start_method="fork"):
    if pid not in seen:
        seen.add(pid)
        print(pid, flush=True)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads /proc to see the workers end")
def test_workers_end_when_the_callers_process_is_killed():
    """``kill -9`` of the process that uses the pool (as when a user kills ``perr report``): its workers notice
    that nobody will send them work and end, instead of waiting for ever as orphans."""
    import signal
    import subprocess
    import sys
    import time

    proc = subprocess.Popen([sys.executable, "-c", ORPHANS], stdout=subprocess.PIPE, text=True)
    workers = {int(proc.stdout.readline()), int(proc.stdout.readline())}
    assert all(_alive(w) for w in workers) and proc.pid not in workers
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 30  # they look every half second; generous for a loaded machine
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = sorted(w for w in workers if _alive(w))
    for w in left:  # not left behind by a failing test
        os.kill(w, signal.SIGKILL)
    assert not left, f"workers {left} outlived their caller"
