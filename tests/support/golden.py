"""Query results in a comparable, readable form: the golden files under ``tests/golden/queries/`` and the
cross-engine checks (embedded pyoxigraph vs an Oxigraph server) both compare this form.

* every value as people read it (:func:`perr_graph.sparql.output.display`: IRIs with the project prefixes, literals as
  their text), unbound as an empty cell;
* rows in the query's own order (every library query has an ORDER BY that gives a total order);
* the parts of a ``GROUP_CONCAT`` column sorted: SPARQL leaves the order of the concatenated values to the
  engine (SPARQL 1.1 Query, section 18.5.1.7 "GroupConcat"), so two correct engines may differ there.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from perr_graph.sparql.output import display
from perr_graph.sparql.run import Result


def concat_columns(text: str) -> dict[str, str]:
    """Columns computed by GROUP_CONCAT in a SELECT's projection, with their separators (default " ")."""
    from rdflib.plugins.sparql.parserutils import CompValue

    from perr_graph.sparql.safety import parse_tree
    from perr_graph.sparql.tree import walk

    _prologue, query = parse_tree(text)
    out: dict[str, str] = {}
    if "projection" not in query:
        return out
    for item in dict.__getitem__(query, "projection"):
        evar = dict.get(item, "evar")
        if evar is None:
            continue
        for node in walk(dict.get(item, "expr")):
            if isinstance(node, CompValue) and node.name == "Aggregate_GroupConcat":
                sep = dict.get(node, "separator")
                out[str(evar)] = " " if sep is None else str(sep)
                break
    return out


def normalise(result: Result, text: str) -> list[list[str]]:
    """Header row then one row of strings per solution (see the module docstring)."""
    if result.boolean is not None:
        return [["boolean"], ["true" if result.boolean else "false"]]
    concat = concat_columns(text)
    rows = [list(result.variables)]
    for row in result.rows:
        out = []
        for var, term in zip(result.variables, row, strict=False):
            value = display(term)
            if var in concat and value:
                value = concat[var].join(sorted(value.split(concat[var])))
            out.append(value)
        rows.append(out)
    return rows


def to_csv(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerows(rows)
    return buf.getvalue()


def read_csv(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return [row for row in csv.reader(f)]
