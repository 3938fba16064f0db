"""What validation finds, as plain values: results (SHACL §3.6, ``sh:ValidationResult``), the report of one
validation unit, and the whole report (units, conformance, counts). Renderers read these
(:mod:`perr_graph.validation.render`); nothing here depends on an engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rdflib import URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from perr_graph.validation import paths
from perr_graph.validation.terms import to_nt

SEVERITIES = {"info": SH.Info, "warning": SH.Warning, "violation": SH.Violation}
#: the rank of a severity; a custom severity (SHACL §2.1.4 allows any IRI) ranks as a Violation
RANK = {SH.Info: 0, SH.Warning: 1, SH.Violation: 2}
SHARED = "shared"


def rank(severity: Node) -> int:
    return RANK.get(severity, 2)  # type: ignore[call-overload]


@dataclass(frozen=True)
class Result:
    """One validation result (SHACL §3.6.2): focus node, source shape, constraint component, severity, and the
    result path and value where there is one. ``line`` is where the check itself points (the quote check);
    otherwise a result is located by its focus node."""

    focus: Node
    shape: Node
    component: Node
    severity: Node
    path: paths.Path | None = None
    value: Node | None = None
    line: int | None = None

    @property
    def key(self) -> tuple[str, str, str, str, str, str]:
        """(focus, path, value, shape, component, severity) in N-Triples: what two reports are compared by."""
        return (
            to_nt(self.focus),
            paths.key(self.path),
            "" if self.value is None else to_nt(self.value),
            to_nt(self.shape),
            to_nt(self.component),
            to_nt(self.severity),
        )

    def sort_key(self) -> tuple[Any, ...]:
        return (
            -rank(self.severity),
            self.key[3],
            self.key[0],
            self.key[1],
            self.key[2],
            self.key[4],
            self.line or 0,
        )


@dataclass(frozen=True)
class Location:
    """Where a result points in the source texts: the file as the corpus names it, a line, and a column (1-based)
    when the quote's position in the line is known."""

    file: str
    line: int
    column: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" + (f":{self.column}" if self.column else "")


@dataclass
class UnitReport:
    """The results of one validation unit (a protocol graph, a file, or the shared graphs) and what describes
    them: labels of their nodes, source locations of their focus nodes, details of each fault in French and
    English (by result key), notes (what could not be checked) and the descriptions of blank nodes."""

    name: str
    graph: str | None
    results: list[Result]
    labels: dict[Node, str] = field(default_factory=dict)
    locations: dict[Node, Location] = field(default_factory=dict)
    details: dict[tuple[str, ...], dict[str, str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: the blank nodes results name (focus nodes, values), each with its triples in N-Triples
    bnodes: dict[str, list[str]] = field(default_factory=dict)

    def location(self, r: Result) -> Location | None:
        loc = self.locations.get(r.focus)
        if r.line is not None and loc is not None:
            return Location(loc.file, r.line)
        return loc

    def sorted(self) -> list[Result]:
        return sorted(self.results, key=Result.sort_key)


@dataclass
class Report:
    """Every unit's report, the shapes they were checked against (for names and messages), the severity from
    which a result fails, and the engine that ran."""

    units: list[UnitReport]
    shapes: Any  # perr_graph.validation.shapes.Shapes
    fail_on: str = "violation"
    engine: str = "auto"

    def failing(self) -> list[Result]:
        threshold = RANK[SEVERITIES[self.fail_on]]
        return [r for u in self.units for r in u.results if rank(r.severity) >= threshold]

    @property
    def conforms(self) -> bool:
        return not self.failing()

    def unit_conforms(self, unit: UnitReport) -> bool:
        threshold = RANK[SEVERITIES[self.fail_on]]
        return not any(rank(r.severity) >= threshold for r in unit.results)

    def counts(self, unit: UnitReport | None = None) -> dict[URIRef, int]:
        """Results per severity (Violation, Warning, Info; a custom severity counts as a Violation)."""
        c = {SH.Violation: 0, SH.Warning: 0, SH.Info: 0}
        for u in [unit] if unit else self.units:
            for r in u.results:
                c[r.severity if r.severity in c else SH.Violation] += 1  # type: ignore[index]
        return c
