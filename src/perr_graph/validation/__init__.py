"""SHACL validation: is each protocol complete and coherent? (``perr validate``, and the findings of
``perr report``).

This room owns everything between RDF data plus shapes and a report people and CI can read:

* :mod:`.shapes` — the shapes graph read from files (SHACL §1.5), blank-node shapes named, messages per language;
* :mod:`.units` (with :mod:`.rdfin`) — what is validated together: one unit per protocol graph with the shared
  graphs (a forward slice of them), terms read as written;
* :mod:`.engines` — the engines behind one interface: shacl-rust (fast), pySHACL (the reference) and ``auto``;
  :mod:`.routing` and :mod:`.guards` decide which shapes the fast engine is trusted with (statically, and on
  each unit's data), so that ``auto`` always gives pySHACL's results;
* :mod:`.quotes` — the check SHACL cannot make (every ``oa:exact`` at its lines of the source text) and where
  findings point in the source texts; :mod:`.describe` — labels, locations and the detail of each finding;
* :mod:`.model` — results and reports as plain values; :mod:`.render`, :mod:`.sarif`, :mod:`.turtle` — text,
  JSON, CSV, GitHub workflow commands, SARIF 2.1.0 and the SHACL validation report in Turtle, in French and
  English (:mod:`.wording`);
* :mod:`.run` — units on worker processes (:mod:`perr_graph.pool`), and :mod:`.cache` (SQLite, JSON values);
* :mod:`.api` — :func:`validate_dataset`, and :func:`validate` shaped like pySHACL's.
"""

from __future__ import annotations

from perr_graph.validation.api import check_severity, validate, validate_dataset, validate_report
from perr_graph.validation.engines import ENGINES
from perr_graph.validation.model import SHARED, Report, Result, UnitReport
from perr_graph.validation.quotes import QUOTE_SHAPE, Locator
from perr_graph.validation.shapes import Shapes, ShapesError

__all__ = [
    "ENGINES",
    "QUOTE_SHAPE",
    "SHARED",
    "Locator",
    "Report",
    "Result",
    "Shapes",
    "ShapesError",
    "UnitReport",
    "check_severity",
    "validate",
    "validate_dataset",
    "validate_report",
]
