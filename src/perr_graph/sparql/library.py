"""The query library (``queries/NN-short-subject.rq``): headers, lookup, and running a query on the embedded store.

Header lines at the top of each file, grlc style::

    #+ title: Who leads what
    #+ question_fr: …
    #+ question_en: …
    #+ param: protocol | IRI | optional | restrict to one protocol, e.g. <https://w3id.org/perr-graph/id/protocol/valence>
    #+ columns: protocol, section, pillar, commitment, text, leads, associated, line

Parameters are bound as RDF terms (pyoxigraph substitutions; a ``VALUES`` block for remote endpoints), never
pasted into the query text.

Every query passes :func:`perr_graph.sparql.safety.check_query` before an engine sees it (read-only, no SERVICE,
no FROM outside the dataset), and runs under :class:`Limits` (a timeout and a cap on the number of rows).
Results are :class:`Result` objects, written out in the W3C SPARQL result formats (CSV, TSV, JSON, XML) by
pyoxigraph's own serializers, or as a terminal table.
"""

from __future__ import annotations

import json
import re
import threading
import time
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
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise QueryError(f"cannot read query ({exc.strerror})", path) from None
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
    seen: dict[str, tuple[Path, Path]] = {}  # name or number → (path, resolved path)
    done: set[Path] = set()
    for folder in folders:
        for p in sorted(Path(folder).glob("*.rq")):
            real = p.resolve()
            number = re.match(r"^(\d+)-", p.stem)
            for key in {re.sub(r"^\d+-", "", p.stem), *([number.group(1)] if number else [])}:
                if key in seen and seen[key][1] != real:
                    raise QueryError(f"query name or number {key!r} is also used by {seen[key][0]}", p)
                seen.setdefault(key, (p, real))
            if real not in done:
                done.add(real)
                queries.append(parse(p))
    return queries


def find(name_or_path: str, directory: Path | Sequence[Path] | None = None) -> QueryFile:
    """A library query by name (``who-leads-what``), number (``01``) or file name; or a path to any file."""
    p = Path(name_or_path)
    if p.suffix == ".rq" and p.exists():
        return parse(p)
    for q in library(directory):
        if name_or_path in (q.name, q.path.stem, q.path.name, q.path.stem.split("-")[0]):
            return q
    names = ", ".join(q.name for q in library(directory))
    raise QueryError(f"no query named {name_or_path!r} (library: {names})")


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


def select(
    store, q: QueryFile, params: dict[str, str] | None = None, limits: Limits | None = None
) -> tuple[list[str], list[list]]:
    """Run a SELECT query on a pyoxigraph store: (column names, rows of pyoxigraph terms or None)."""
    result = run_local(store, q, params, limits=limits)
    if result.boolean is not None:
        raise QueryError("an ASK query has no rows", q.path)
    return result.variables, result.rows


@dataclass(frozen=True)
class Limits:
    """A time limit (seconds) and a cap on the rows of a result (SELECT) or on its bytes (remote answers)."""

    timeout: float = 30.0
    max_rows: int = 10_000
    max_bytes: int = 50_000_000


@dataclass
class Result:
    """The answer to a SELECT (``variables`` and ``rows`` of pyoxigraph terms, None where unbound) or to an ASK
    (``boolean``)."""

    variables: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)
    boolean: bool | None = None
    elapsed: float = 0.0

    def to_json(self) -> dict:
        """The SPARQL 1.1 Query Results JSON Format (W3C Recommendation, section 3)."""
        if self.boolean is not None:
            return {"head": {}, "boolean": self.boolean}
        bindings = []
        for row in self.rows:
            b = {}
            for var, term in zip(self.variables, row, strict=False):
                if term is not None:
                    b[var] = _json_term(term)
            bindings.append(b)
        return {"head": {"vars": list(self.variables)}, "results": {"bindings": bindings}}


def _json_term(term) -> dict:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": str(term)}  # pragma: no cover - RDF-star terms are not in our data


def source_of(q: QueryFile | str) -> tuple[str, str | None]:
    """(query text, path for messages) for a library query or a query string."""
    if isinstance(q, QueryFile):
        return q.text, str(q.path)
    return q, None


def local_policy(store):
    """The safety policy for the embedded store: FROM may name the graphs it holds."""
    from perr_graph.sparql.safety import Policy
    from perr_graph.store import graph_names

    return Policy(graphs=frozenset(graph_names(store)))


def _prepare(store, q: QueryFile | str, params: dict[str, str] | None, policy, allow_forms):
    """Check a query and bind its parameters: (checked query, substitutions, path for messages)."""
    from perr_graph.sparql.safety import check_query

    text, path = source_of(q)
    policy = policy or local_policy(store)
    checked = check_query(text, policy, path)
    if checked.form not in allow_forms:
        raise QueryError(
            f"{checked.form} queries are not supported here (use {' or '.join(allow_forms)})", path
        )
    subs = _bind(q, params)
    if subs and checked.projection is not None and not {v.value for v in subs} <= set(checked.projection):
        # pyoxigraph's substitutions (SEP-0007) only bind projected variables: bind the others by VALUES,
        # as for a remote endpoint
        from perr_graph.sparql.lex import inject_values

        checked = check_query(
            inject_values(checked.text, {v.value: t for v, t in subs.items()}), policy, path
        )
        subs = {}
    return checked, subs, path


def _on_worker(work, box: dict, cancel: threading.Event, timeout: float, path) -> None:
    """Run ``work`` on a daemon thread (pyoxigraph releases the GIL); past ``timeout`` raise at once."""
    worker = threading.Thread(target=work, name="perr-query", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        cancel.set()
        raise QueryError(f"query timed out after {timeout:g} s (raise --timeout, or add a LIMIT)", path)
    if "error" in box:
        raise QueryError(box["error"], path)


def run_local(
    store,
    q: QueryFile | str,
    params: dict[str, str] | None = None,
    *,
    limits: Limits | None = None,
    policy=None,
    allow_forms=("SELECT", "ASK"),
) -> Result:
    """Check, then run a query on a pyoxigraph store with its parameters bound by ``substitutions``.

    The query runs in a worker thread (pyoxigraph releases the GIL): past ``limits.timeout`` the caller gets a
    :class:`QueryError` at once. The engine itself cannot be interrupted mid-way: a query that aggregates
    keeps its thread busy until it finishes (the ``perr`` process exits regardless: the thread is a daemon).
    Rows are read one by one and reading stops past ``limits.max_rows``.
    """
    limits = limits or Limits()
    checked, subs, path = _prepare(store, q, params, policy, allow_forms)
    box: dict = {}
    cancel = threading.Event()

    def work():
        import pyoxigraph as ox

        answer = None
        try:
            answer = store.query(checked.text, substitutions=subs)
            if isinstance(answer, ox.QueryBoolean):
                box["result"] = Result(boolean=bool(answer))
                return
            variables = [v.value for v in answer.variables]
            rows = []
            for solution in answer:
                if cancel.is_set():
                    return
                if len(rows) >= limits.max_rows:
                    box["over"] = True
                    return
                rows.append([solution[v] for v in variables])
            box["result"] = Result(variables, rows)
        except SyntaxError as exc:
            box["error"] = f"syntax error: {exc}"
        except (OSError, ValueError, RuntimeError) as exc:
            box["error"] = f"query failed: {exc}"
        finally:
            # pyoxigraph's results may only be dropped on the thread that made them
            answer = solution = None

    started = time.monotonic()
    _on_worker(work, box, cancel, limits.timeout, path)
    if box.get("over"):
        raise QueryError(f"more than {limits.max_rows} rows: add a LIMIT or raise --max-rows", path)
    box["result"].elapsed = time.monotonic() - started
    return box["result"]


def stream_local(
    store,
    q: QueryFile | str,
    out,
    fmt: str,
    params: dict[str, str] | None = None,
    *,
    timeout: float = 30.0,
    policy=None,
) -> int:
    """Check, then run a query on a pyoxigraph store and write its answer to the binary file ``out`` in a W3C
    results format (csv, tsv, json, xml) as the engine produces it: no row is held in memory, whatever the size
    of the answer, and there is no cap on rows. Returns the number of bytes written."""
    results_format = _results_format(fmt)
    checked, subs, path = _prepare(store, q, params, policy, ("SELECT", "ASK"))
    box: dict = {}
    cancel = threading.Event()

    class Counting:
        """The output, counting bytes; writing stops once the caller gave up (timeout)."""

        def __init__(self) -> None:
            self.n = 0

        def write(self, b) -> int:
            if cancel.is_set():
                raise OSError("cancelled")
            self.n += len(b)
            return out.write(b)

        def flush(self) -> None:
            out.flush()

    sink = Counting()

    def work():
        answer = None
        try:
            answer = store.query(checked.text, substitutions=subs)
            answer.serialize(output=sink, format=results_format)
        except SyntaxError as exc:
            box["error"] = f"syntax error: {exc}"
        except (OSError, ValueError, RuntimeError) as exc:
            box["error"] = f"query failed: {exc}"
        finally:
            answer = None

    _on_worker(work, box, cancel, timeout, path)
    return sink.n


def _bind(q: QueryFile | str, params: dict[str, str] | None):
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
    subs = _bind(q, params)
    return {v.value: t for v, t in subs.items()}


# --- output -------------------------------------------------------------------------------------------------

FORMATS = ("table", "csv", "tsv", "json", "xml")


def _results_format(fmt: str):
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

    results_format = _results_format(fmt)
    parsed = ox.parse_query_results(json.dumps(result.to_json()), ox.QueryResultsFormat.JSON)
    data = parsed.serialize(format=results_format)
    del parsed
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


def table(result: Result, max_width: int = 60) -> str:
    from perr_graph.terminal import render

    if result.boolean is not None:
        return "true" if result.boolean else "false"
    text = render(result.variables, [[display(t) for t in row] for row in result.rows], max_width=max_width)
    n = len(result.rows)
    return f"{text}\n({n} row{'s' if n != 1 else ''})"


def plain(term) -> str:
    """A term as a plain string for tables and CSV: the IRI, or the literal's lexical form."""
    if term is None:
        return ""
    return term.value
