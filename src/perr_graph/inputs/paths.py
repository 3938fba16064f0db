"""Where the project's data lives.

The package finds ``ontology/``, ``data/`` and ``queries/`` relative to the project root (an editable install or a
checkout); ``PERR_HOME`` overrides it, so the installed command works from any directory.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(os.environ.get("PERR_HOME", Path(__file__).resolve().parents[3]))
DATA = ROOT / "data"
SOURCES = DATA / "sources"
CATALOGUE = SOURCES / "catalogue.csv"
PROTOCOLS = DATA / "protocols"
REGISTRY = DATA / "registry"
REFERENCE = DATA / "reference" / "identifiers.csv"
ONTOLOGY = ROOT / "ontology"
SHAPES = ONTOLOGY / "shapes"
QUERIES = ROOT / "queries"
#: where `perr build` writes by default
DIST = ROOT / "dist"
