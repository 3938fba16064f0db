"""Shared fixtures: the real dataset, built once per test session into a temporary folder (never into tests/).

Every test runs with ``PERR_HOME`` naming a temporary corpus whose data is the checkout's (``data/``) and whose
outputs go to a temporary folder, so that a command run in process or as a subprocess finds the five protocols
and never writes into the checkout. Tests of corpus discovery set their own environment.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from support import project


@pytest.fixture(scope="session")
def corpus_home(tmp_path_factory) -> Path:
    """A corpus folder holding only a perr.toml: the checkout's data, outputs in its own dist/."""
    return project.make_test_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="session", autouse=True)
def _perr_home(corpus_home):
    """Every test runs on the test corpus; and no test writes the checkout's own outputs (dist/)."""
    before = _outputs(project.ROOT / "dist")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PERR_HOME", str(corpus_home))
        yield
    after = _outputs(project.ROOT / "dist")
    if after != before:
        pytest.fail(
            f"the tests wrote into the checkout's dist/: {sorted(set(after.items()) - set(before.items()))}"
        )


def _outputs(folder: Path) -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()} if folder.is_dir() else {}


@pytest.fixture(scope="session")
def corpus(corpus_home):
    """The corpus the commands find during the tests (:func:`corpus_home`)."""
    from perr_graph.inputs.corpus import open_corpus

    return open_corpus(corpus_home, "PERR_HOME")


@pytest.fixture(scope="session")
def built(corpus):
    """The result of ``perr build`` on the real sources: graphs, protocols (facts) and output files, written to
    the test corpus's dist/ (so commands run without --data find it built)."""
    from perr_graph.build import build

    return build(corpus)


@pytest.fixture(scope="session")
def dataset_nq(built):
    """Path to the built N-Quads file."""
    return built.outputs[1]


@pytest.fixture(scope="session")
def dataset_trig(built):
    return built.outputs[0]


@pytest.fixture(scope="session")
def store(dataset_nq):
    """A pyoxigraph store holding the built dataset (read-only use, please)."""
    from perr_graph.store import open_store

    return open_store([dataset_nq])


@pytest.fixture(scope="session")
def protocols(built):
    """The facts read from each protocol, by protocol id."""
    return {p.pid: p for p in built.protocols}


@pytest.fixture(scope="session")
def sources(corpus):
    """The source texts, by protocol id."""
    from perr_graph.inputs.catalogue import load_source, read_catalogue

    return {pid: load_source(e, corpus.sources) for pid, e in read_catalogue(corpus.catalogue).items()}


@pytest.fixture(scope="session")
def project_root():
    return project.ROOT


def pytest_terminal_summary(terminalreporter):
    """The counts tests measured (tests/support/summary.py), at the end of the run."""
    from support import summary

    if summary.LINES:
        terminalreporter.section("measured")
        for line in summary.LINES:
            terminalreporter.write_line(line)
