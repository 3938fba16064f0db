"""The query library (``queries/NN-short-subject.rq``): files, headers, lookup by name, and parameters.

Header lines at the top of each file, grlc style::

    #+ title: Who leads what
    #+ question_fr: …
    #+ question_en: …
    #+ param: protocol | IRI | optional | restrict to one protocol, e.g. <https://w3id.org/perr-graph/id/protocol/valence>
    #+ columns: protocol, section, pillar, commitment, text, leads, associated, line

Parameters are typed by their ``#+ param:`` line and become RDF terms (pyoxigraph terms: bound by substitution
on the embedded store, by a ``VALUES`` block for remote endpoints), never text pasted into the query.
Running a query is :mod:`perr_graph.sparql.run`; writing its answer, :mod:`perr_graph.sparql.output`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from perr_graph.errors import QueryError

_HEADER = re.compile(r"^#\+\s*(\w+)\s*:\s*(.*)$")


@dataclass
class Param:
    name: str
    kind: str  # IRI | literal | integer
    optional: bool
    description: str


@dataclass
class QueryFile:
    path: Path
    text: str
    title: str = ""
    question_fr: str = ""
    question_en: str = ""
    params: list[Param] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """``who-leads-what`` for ``01-who-leads-what.rq``."""
        return re.sub(r"^\d+-", "", self.path.stem)


def parse(path: Path) -> QueryFile:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise QueryError(f"cannot read query ({exc.strerror})", path) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        where = raw.count(b"\n", 0, exc.start) + 1
        raise QueryError("not UTF-8 text (convert it to UTF-8 first)", path, where) from None
    q = QueryFile(path, text)
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            break
        m = _HEADER.match(line)
        if not m:
            continue
        key, value = m.group(1), m.group(2).strip()
        if key == "param":
            parts = [x.strip() for x in value.split("|")]
            if (
                len(parts) != 4
                or parts[1] not in ("IRI", "literal", "integer")
                or parts[2] not in ("optional", "required")
            ):
                raise QueryError(
                    "#+ param: needs 'name | IRI|literal|integer | optional|required | description'", path, n
                )
            q.params.append(Param(parts[0], parts[1], parts[2] == "optional", parts[3]))
        elif key == "columns":
            q.columns = [c.strip() for c in value.split(",") if c.strip()]
        elif key in ("title", "question_fr", "question_en"):
            setattr(q, key, value)
        else:
            raise QueryError(f"unknown header key {key!r}", path, n)
    return q


def library(directory: Path | Sequence[Path] | None = None) -> list[QueryFile]:
    """The queries of a library folder, or of several (a corpus's own queries join the bundled ones); by default
    the bundled library. A name or number used by two files is an error."""
    from perr_graph import resources

    if directory is None:
        folders = [resources.queries()]
    else:
        folders = [directory] if isinstance(directory, Path) else list(directory)
    queries: list[QueryFile] = []
    seen: dict[str, Path] = {}
    for folder in folders:
        for p in sorted(Path(folder).glob("*.rq")):
            number = re.match(r"^(\d+)-", p.stem)
            for key in {re.sub(r"^\d+-", "", p.stem), *([number.group(1)] if number else [])}:
                if key in seen and seen[key].resolve() != p.resolve():
                    raise QueryError(f"query name or number {key!r} is also used by {seen[key]}", p)
                seen.setdefault(key, p)
            if all(q.path.resolve() != p.resolve() for q in queries):
                queries.append(parse(p))
    return queries


def find(name_or_path: str, directory: Path | Sequence[Path] | None = None) -> QueryFile:
    """A library query by name (``who-leads-what``), number (``01``) or file name; or a path to any file."""
    p = Path(name_or_path)
    if p.suffix == ".rq" and p.exists():
        return parse(p)
    return lookup(name_or_path, directory)


def lookup(name: str, directory: Path | Sequence[Path] | None = None) -> QueryFile:
    """A library query by name, number or file name, and nothing else: never a path (for names that come from
    outside, as the query page's ``library=`` field)."""
    queries = library(directory)
    for q in queries:
        if name in (q.name, q.path.stem, q.path.name, q.path.stem.split("-")[0]):
            return q
    names = ", ".join(q.name for q in queries)
    raise QueryError(f"no query named {name!r} in the library ({names})")


def bindings(q: QueryFile, given: dict[str, str]):
    """Parameter values as pyoxigraph terms, checked against the header."""
    import pyoxigraph as ox

    known = {p.name: p for p in q.params}
    out = {}
    for k, v in given.items():
        if k not in known:
            raise QueryError(
                f"query {q.name!r} has no parameter {k!r} (it has: {', '.join(known) or 'none'})"
            )
        kind = known[k].kind
        if kind == "IRI":
            iri = v[1:-1] if v.startswith("<") and v.endswith(">") else v
            out[ox.Variable(k)] = _iri(iri, f"parameter {k}: {v!r}")
        elif kind == "integer":
            if not re.fullmatch(r"-?\d+", v):
                raise QueryError(f"parameter {k}: {v!r} is not an integer")
            out[ox.Variable(k)] = ox.Literal(
                v, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
            )
        else:
            from perr_graph.sparql.lex import check_literal_text

            check_literal_text(v, f"parameter {k}")
            out[ox.Variable(k)] = ox.Literal(v)
    missing = [p.name for p in q.params if not p.optional and p.name not in given]
    if missing:
        raise QueryError(f"query {q.name!r} needs parameter(s): {', '.join(missing)} (--param name=value)")
    return out


def _iri(value: str, what: str):
    """A pyoxigraph NamedNode for an absolute IRI, or a QueryError."""
    import pyoxigraph as ox

    if not re.match(r"^[a-z][a-z0-9+.-]*:[^\s<>\"{}|\\^`]*$", value):
        raise QueryError(f"{what} is not an absolute IRI")
    try:
        return ox.NamedNode(value)
    except ValueError as exc:
        raise QueryError(f"{what} is not a valid IRI ({exc})") from None


def source_of(q: QueryFile | str) -> tuple[str, str | None]:
    """(query text, path for messages) for a library query or a query string."""
    if isinstance(q, QueryFile):
        return q.text, str(q.path)
    return q, None


def bind(q: QueryFile | str, params: dict[str, str] | None):
    """Library queries (with a header) type their parameters by their ``#+ param:`` lines; a query without a
    header takes any parameter, as :func:`_adhoc_bindings` reads it."""
    if isinstance(q, QueryFile) and (q.params or q.title):
        return bindings(q, params or {})
    return _adhoc_bindings(params)


def _adhoc_bindings(params: dict[str, str] | None):
    """Parameters for a query that is not in the library (no header): ``<iri>`` is an IRI, anything else a
    plain literal."""
    if not params:
        return {}
    import pyoxigraph as ox

    from perr_graph.sparql.lex import check_literal_text

    out = {}
    for k, v in params.items():
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", k):
            raise QueryError(f"bad parameter name {k!r}")
        if v.startswith("<") and v.endswith(">"):
            out[ox.Variable(k)] = _iri(v[1:-1], f"parameter {k}: {v!r}")
        else:
            check_literal_text(v, f"parameter {k}")
            out[ox.Variable(k)] = ox.Literal(v)
    return out


def terms(q: QueryFile | str, params: dict[str, str] | None) -> dict[str, object]:
    """Parameters as pyoxigraph terms by variable name (for a VALUES block)."""
    subs = bind(q, params)
    return {v.value: t for v, t in subs.items()}
