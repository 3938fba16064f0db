"""Resources: the files perr-graph ships inside its package, found with :mod:`importlib.resources`.

Owns where the bundled files are: the ontology and concept schemes (``ontology/``), the SHACL shapes
(``ontology/shapes/``), the query library (``queries/``) and the bundled example corpus (``corpus/``: its
``perr.toml`` and the five protocols' texts, configurations, registry and reference file under ``corpus/data/``).

In the project's checkout these entries are symbolic links to the top-level ``ontology/``, ``queries/``,
``data/`` and ``perr.toml``, which stay where they are: an editable install reads them in place, and building a
wheel copies what the links point to into the package (setuptools follows links when it collects package data),
so one code path serves both. ``tests/test_install.py`` builds the wheel, installs it outside the checkout and
runs the command from an empty folder.

Nothing here is read at import time; every function returns a folder of the installed package.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from perr_graph.errors import InputError


def root() -> Path:
    """The folder of this package, as a file system path (the package must be installed unzipped: rdflib,
    Oxigraph and the query library read files by path)."""
    here = files(__name__)
    if not isinstance(here, Path):
        raise InputError(f"perr-graph's resources are not in a folder ({here}): install the package unzipped")
    return here


def _existing(path: Path) -> Path:
    if not path.exists():
        raise InputError("bundled resource missing: the package is incomplete (reinstall perr-graph)", path)
    return path


def ontology() -> Path:
    """The folder of the ontology and concept schemes (``*.ttl``)."""
    return _existing(root() / "ontology")


def shapes() -> Path:
    """The folder of the bundled SHACL shapes (``*.ttl``)."""
    return _existing(root() / "ontology" / "shapes")


def queries() -> Path:
    """The folder of the bundled query library (``NN-short-subject.rq``)."""
    return _existing(root() / "queries")


def corpus() -> Path:
    """The root of the bundled example corpus (it holds ``perr.toml``)."""
    return _existing(root() / "corpus")
