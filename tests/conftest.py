"""Shared fixtures: the real dataset, built once per test session into a temporary folder (never into tests/)."""

from __future__ import annotations

import pytest

from perr_graph.inputs import paths


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The result of ``perr build`` on the real sources: graphs, protocols (facts) and output files."""
    from perr_graph.build import build

    return build(tmp_path_factory.mktemp("dist"))


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
def sources():
    """The source texts, by protocol id."""
    from perr_graph.inputs.catalogue import load_source, read_catalogue

    return {pid: load_source(e) for pid, e in read_catalogue().items()}


@pytest.fixture(scope="session")
def project_root():
    return paths.ROOT
