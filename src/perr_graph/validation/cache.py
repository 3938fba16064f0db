"""The validation cache (``perr validate --cache DIR``): each unit's report kept in an SQLite file under the
SHA-256 of everything it depends on, so a second run validates again only the units whose key changed.

The key covers the unit's own triples (sorted N-Triples), the shared graphs, the shapes graph, the engine, the
source texts its quotes cite (and the folder they are read from), the versions of the engines and the code of
this package. Reports are stored as JSON (terms in N-Triples, paths in SPARQL syntax), never pickled.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from perr_graph.validation import paths
from perr_graph.validation.model import Location, Result, UnitReport
from perr_graph.validation.terms import from_nt, to_nt

FILE = "validation.sqlite"


def code_digest() -> str:
    """The code of this package, the French catalogue (a unit's report keeps the details of its findings in both
    languages) and the engines' versions: a change of any invalidates every entry."""
    from perr_graph.i18n import catalogue_path

    h = hashlib.sha256()
    for f in [*sorted(Path(__file__).parent.glob("*.py")), catalogue_path("fr")]:
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    for dist in ("shacl-rust", "pyshacl", "rdflib", "pyoxigraph"):
        try:
            h.update(f"{dist}={version(dist)}".encode())
        except PackageNotFoundError:
            h.update(dist.encode())
    return h.hexdigest()


def unit_key(context: str, name: str, graphs: tuple[str, ...], own: bytes, sources: Path | None) -> str:
    """The key of one unit's report; ``context`` is :func:`code_digest`, the shapes, engine and shared graphs."""
    h = hashlib.sha256()
    h.update(context.encode())
    h.update(repr((name, graphs, str(sources))).encode("utf-8"))
    h.update(own)
    if sources is not None:
        for file in sorted(set(re.findall(rb'<http://purl\.org/dc/terms/identifier> "([^"\\]*)"', own))):
            path = Path(sources) / file.decode("utf-8", "replace")
            h.update(file + b"\0")
            try:
                h.update(
                    hashlib.sha256(path.read_bytes()).digest()
                    if path.is_file() and b"/" not in file
                    else b"-"
                )
            except OSError:
                h.update(b"unreadable")
    return h.hexdigest()


class Cache:
    """One SQLite file in the cache folder: key -> unit report (JSON)."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(folder / FILE)
        self.db.execute("CREATE TABLE IF NOT EXISTS units (key TEXT PRIMARY KEY, report TEXT NOT NULL)")

    def get(self, key: str) -> UnitReport | None:
        row = self.db.execute("SELECT report FROM units WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        try:
            return from_json(json.loads(row[0]))
        except (ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, report: UnitReport) -> None:
        with self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO units (key, report) VALUES (?, ?)",
                (key, json.dumps(to_json(report), ensure_ascii=False, sort_keys=True)),
            )

    def __len__(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM units").fetchone()[0])

    def close(self) -> None:
        self.db.close()


def to_json(u: UnitReport) -> dict[str, Any]:
    return {
        "name": u.name,
        "graph": u.graph,
        "notes": u.notes,
        "results": [
            [
                to_nt(r.focus),
                to_nt(r.shape),
                to_nt(r.component),
                to_nt(r.severity),
                paths.key(r.path),
                "" if r.value is None else to_nt(r.value),
                r.line,
            ]
            for r in u.results
        ],
        "labels": sorted([to_nt(n), label] for n, label in u.labels.items()),
        "locations": sorted([to_nt(n), loc.file, loc.line, loc.column] for n, loc in u.locations.items()),
        "details": sorted([list(k), v] for k, v in u.details.items()),
        "bnodes": u.bnodes,
    }


def from_json(d: dict[str, Any]) -> UnitReport:
    results = [
        Result(
            _term(focus),
            _term(shape),
            _term(component),
            _term(severity),
            paths.from_sparql(path) if path else None,
            from_nt(value) if value else None,
            line,
        )
        for focus, shape, component, severity, path, value, line in d["results"]
    ]
    return UnitReport(
        d["name"],
        d["graph"],
        results,
        labels={_term(n): label for n, label in d["labels"]},
        locations={_term(n): Location(f, line, col) for n, f, line, col in d["locations"]},
        details={tuple(k): v for k, v in d["details"]},
        notes=list(d["notes"]),
        bnodes={k: list(v) for k, v in d["bnodes"].items()},
    )


def _term(text: str) -> Any:
    term = from_nt(text)
    if term is None:
        raise ValueError("empty term")
    return term
