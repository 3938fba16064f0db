"""Writing answers: the W3C SPARQL results formats (CSV, TSV, JSON, XML, by pyoxigraph's own serializers) and
a terminal table with IRIs shortened by the project prefixes."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from perr_graph.errors import QueryError

if TYPE_CHECKING:
    from perr_graph.sparql.run import Result

FORMATS = ("table", "csv", "tsv", "json", "xml")


def results_format(fmt: str):
    """pyoxigraph's writer for a W3C SPARQL results format name (csv, tsv, json, xml)."""
    import pyoxigraph as ox

    formats = {
        "csv": ox.QueryResultsFormat.CSV,
        "tsv": ox.QueryResultsFormat.TSV,
        "json": ox.QueryResultsFormat.JSON,
        "xml": ox.QueryResultsFormat.XML,
    }
    if fmt not in formats:
        raise QueryError(f"unknown result format {fmt!r} (use {', '.join(FORMATS)})")
    return formats[fmt]


def serialize(result: Result, fmt: str) -> bytes:
    """A result in one of the W3C SPARQL result formats (csv, tsv, json, xml), written by pyoxigraph."""
    import pyoxigraph as ox

    writer = results_format(fmt)
    parsed = ox.parse_query_results(json.dumps(result.to_json()), ox.QueryResultsFormat.JSON)
    data = parsed.serialize(format=writer)
    del parsed
    assert data is not None  # no output file given: the bytes are returned
    return data


def compact(iri: str) -> str:
    """``id:org/etat`` for ``https://w3id.org/perr-graph/id/org/etat`` (project prefixes; for people to read):
    :func:`perr_graph.rdf.terms.compact`, imported when first used (so that ``perr query --list`` needs no
    rdflib)."""
    from perr_graph.rdf.terms import compact as shorten

    return shorten(iri)


def display(term) -> str:
    """A term for people: IRIs compacted with the project prefixes, literals as their text."""
    import pyoxigraph as ox

    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def table(result: Result, max_width: int = 60, width: int | None = None) -> str:
    """The result as a terminal table: cells of at most ``max_width`` characters, lines of at most ``width``
    (:func:`perr_graph.terminal.terminal_width` decides when None)."""
    from perr_graph.terminal import render, terminal_width

    if result.boolean is not None:
        return "true" if result.boolean else "false"
    rows = [[display(t) for t in row] for row in result.rows]
    text = render(result.variables, rows, max_width=max_width, width=terminal_width(width) or 0)
    n = len(result.rows)
    return f"{text}\n({n} row{'s' if n != 1 else ''})"
