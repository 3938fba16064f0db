"""The project's checkout as the tests see it: its folders, and the corpus it holds (the five protocols).

Tests read the checkout's files but never write into it: :func:`corpus` gives the checkout's corpus with its
outputs redirected to a temporary folder.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from perr_graph.inputs.corpus import Corpus, open_corpus

#: the checkout (README.md, .ci/, scripts/, the top-level data/, ontology/, queries/)
ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
SOURCES = DATA / "sources"
PROTOCOLS = DATA / "protocols"
REGISTRY = DATA / "registry"
QUERIES = ROOT / "queries"


def corpus() -> Corpus:
    """The checkout's corpus (its perr.toml), for reading: its outputs point nowhere."""
    return replace(open_corpus(ROOT, "--corpus"), output=Path("/nonexistent/perr-test-output"))


def make_test_corpus(folder: Path) -> Path:
    """Make ``folder`` a corpus that reads the checkout's data and writes into its own ``dist/``: the checkout's
    ``perr.toml`` (so the dataset's description is the bundled one's, byte for byte) with ``data`` pointing at the
    checkout's ``data/``."""
    settings = (ROOT / "perr.toml").read_text(encoding="utf-8")
    settings = settings.replace('data = "data"', f"data = {str(DATA)!r}")
    assert f"data = {str(DATA)!r}" in settings, "the checkout's perr.toml names its data folder"
    (folder / "perr.toml").write_text(settings, encoding="utf-8")
    return folder


def user_cache() -> Path:
    """The user's cache folder for this project (``$XDG_CACHE_HOME/perr-graph``, default ``~/.cache/perr-graph``):
    what tests fetch or compute once and keep between runs (never the checkout)."""
    import os

    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "perr-graph"


DATASET_GRAPH = "<https://w3id.org/perr-graph/graph/dataset>"


def without_description(nquads: bytes) -> list[bytes]:
    """The N-Quads lines of a dataset except its description (``graph:dataset``), which says how one corpus is
    published (licence, publisher, date) and so differs between two corpora holding the same protocols."""
    return [line for line in nquads.splitlines() if not line.endswith(DATASET_GRAPH.encode() + b" .")]
