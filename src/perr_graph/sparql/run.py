"""Running a query on the embedded store (pyoxigraph): held or streamed answers, under limits.

Every query passes :func:`perr_graph.sparql.safety.check_query` before an engine sees it (read-only, no SERVICE,
no FROM outside the dataset, bounded in size and shape), and its canonical text runs under :class:`Limits` (a
timeout and a cap on the number of rows), in a child process that is killed past the timeout
(:mod:`perr_graph.sparql.child`).
Answers are :class:`Result` objects (held), or written as the engine produces them in a W3C SPARQL results
format (streamed, :func:`stream_local`); :mod:`perr_graph.sparql.output` writes held answers out.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from perr_graph.errors import QueryError
from perr_graph.sparql.child import run_in_child
from perr_graph.sparql.library import QueryFile, bind, source_of
from perr_graph.sparql.output import results_format


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


def select(
    store, q: QueryFile, params: dict[str, str] | None = None, limits: Limits | None = None
) -> tuple[list[str], list[list]]:
    """Run a SELECT query on a pyoxigraph store: (column names, rows of pyoxigraph terms or None)."""
    result = run_local(store, q, params, limits=limits)
    if result.boolean is not None:
        raise QueryError("an ASK query has no rows", q.path)
    return result.variables, result.rows


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
    subs = bind(q, params)
    if subs and checked.projection is not None and not {v.value for v in subs} <= set(checked.projection):
        # pyoxigraph's substitutions (SEP-0007) only bind projected variables: bind the others by VALUES,
        # as for a remote endpoint
        from perr_graph.sparql.lex import inject_values

        checked = check_query(
            inject_values(checked.text, {v.value: t for v, t in subs.items()}), policy, path
        )
        subs = {}
    return checked, subs, path


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

    The engine runs in a child process (:mod:`perr_graph.sparql.child`): past ``limits.timeout`` it is killed
    and the caller gets a :class:`QueryError`; if the engine dies on the query, a QueryError too. Rows are read
    one by one and reading stops past ``limits.max_rows``.
    """
    import json

    import pyoxigraph as ox

    limits = limits or Limits()
    checked, subs, path = _prepare(store, q, params, policy, allow_forms)
    chunks: list[bytes] = []

    def work(writer) -> None:
        answer = None
        try:
            answer = store.query(checked.text, substitutions=subs)
            if isinstance(answer, ox.QueryBoolean):
                writer.write(json.dumps(Result(boolean=bool(answer)).to_json()).encode())
                return
            variables = [v.value for v in answer.variables]
            rows: list[list] = []
            for solution in answer:
                if len(rows) >= limits.max_rows:
                    writer.error(f"more than {limits.max_rows} rows: add a LIMIT or raise --max-rows")
                    return
                rows.append([solution[v] for v in variables])
            writer.write(json.dumps(Result(variables, rows).to_json()).encode())
        except SyntaxError as exc:
            writer.error(f"syntax error: {exc}")
        except (OSError, ValueError, RuntimeError) as exc:
            writer.error(f"query failed: {exc}")
        finally:
            # pyoxigraph's results may only be dropped on the thread that made them
            answer = solution = None

    started = time.monotonic()
    run_in_child(work, chunks.append, timeout=limits.timeout, path=path)
    result = _result(b"".join(chunks))
    result.elapsed = time.monotonic() - started
    return result


def _result(data: bytes) -> Result:
    """A :class:`Result` from the SPARQL JSON results the child wrote (terms as pyoxigraph reads them)."""
    import pyoxigraph as ox

    answer = ox.parse_query_results(data, ox.QueryResultsFormat.JSON)
    if isinstance(answer, ox.QueryBoolean):
        return Result(boolean=bool(answer))
    variables = [v.value for v in answer.variables]
    rows = [[solution[v] for v in variables] for solution in answer]
    del answer
    return Result(variables, rows)


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
    of the answer, and there is no cap on rows. Returns the number of bytes written. The engine runs in a child
    process, as for :func:`run_local`."""
    writer_format = results_format(fmt)
    checked, subs, path = _prepare(store, q, params, policy, ("SELECT", "ASK"))
    written = [0]

    def work(writer) -> None:
        answer = None
        try:
            answer = store.query(checked.text, substitutions=subs)
            answer.serialize(output=writer, format=writer_format)
        except SyntaxError as exc:
            writer.error(f"syntax error: {exc}")
        except (OSError, ValueError, RuntimeError) as exc:
            writer.error(f"query failed: {exc}")
        finally:
            answer = None

    def on_data(data: bytes) -> None:
        out.write(data)
        written[0] += len(data)

    run_in_child(work, on_data, timeout=timeout, path=path)
    return written[0]


#: the store a batch's child process loaded (:class:`perr_graph.store.DatasetFiles`), kept until the child exits:
#: its end (``os._exit``) frees it at once, where dropping it first took seconds at national scale, with this
#: process waiting
_LOADED: list = []


def select_plain(
    store,
    queries: Sequence[tuple[QueryFile, dict[str, str] | None]],
    convert: Callable[[Any], Any],
    *,
    limits: Limits | None = None,
    jobs: int | None = None,
) -> list[tuple[list[str], list[list]]]:
    """Several SELECT queries on a pyoxigraph store, each checked as by :func:`run_local`: ``(columns, rows)`` for
    each, in order, every term turned into a plain value (number, text, None) by ``convert``.

    For the analyses, which read whole answers (at national scale, 90,000 rows of 13 columns). The queries run in
    one child process (:mod:`perr_graph.sparql.child`; ``limits.timeout`` bounds them all), ``jobs`` at a time on
    threads (one per core by default: the engine evaluates without holding Python's lock), the terms are
    converted there, and the rows come back pickled (as :mod:`multiprocessing` sends values between its processes;
    plain values only, made by this code), where :func:`run_local` sends each term as a SPARQL JSON object and
    reads it back (query 39 at 50 synthetic protocols: 1.0 s instead of 2.3 s; at 500, the 93,507 rows of query 39
    and the other answers of the report, 67 MB, go across in 2.0 s where JSON took 2.7 s).

    ``store`` may be a :class:`perr_graph.store.DatasetFiles`: the child loads the files first (the time limit
    covers the load), then checks and runs the queries; an error of either (a line of a file that does not read,
    a query refused) is raised here as the same one-line error."""
    import os
    import pickle
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from perr_graph.store import DatasetFiles

    limits = limits or Limits()
    files = store if isinstance(store, DatasetFiles) else None

    def prepare(st) -> list:
        policy = local_policy(st)
        return [_prepare(st, q, params, policy, ("SELECT",)) for q, params in queries]

    prepared = None if files is not None else prepare(store)
    chunks: list[bytes] = []
    caller = os.getpid()

    def one(st, item) -> tuple[list[str], list[list]]:
        checked, subs, path = item
        answer = None
        try:
            answer = st.query(checked.text, substitutions=subs)
            variables = [v.value for v in answer.variables]
            positions = range(len(variables))  # a solution's terms by position: faster than by variable
            rows: list[list] = []
            for solution in answer:
                if len(rows) >= limits.max_rows:
                    raise QueryError(
                        f"more than {limits.max_rows} rows: add a LIMIT or raise --max-rows", path
                    )
                rows.append([convert(solution[i]) for i in positions])
            return variables, rows
        except SyntaxError as exc:
            raise QueryError(f"syntax error: {exc}", path) from None
        except (OSError, ValueError, RuntimeError) as exc:
            raise QueryError(f"query failed: {exc}", path) from None
        finally:
            answer = solution = None  # dropped on the thread that made them (pyoxigraph's rule)

    def work(writer) -> None:  # in the child, whose threads have the engine's large stack
        from perr_graph.errors import PerrError

        try:
            if files is not None:
                # the queries are parsed while the files load (the engine loads without Python's lock), so that
                # checking them once the store is there finds their parse trees made
                warm = threading.Thread(target=_parse_ahead, args=(queries,), daemon=True)
                warm.start()
                st = files.open()
                if os.getpid() != caller:  # a child (not the thread used where fork does not exist)
                    _LOADED.append(st)
                warm.join()
            else:
                st = store
            items = prepared if prepared is not None else prepare(st)
            workers = max(1, min(jobs or os.cpu_count() or 1, len(items)))
            with ThreadPoolExecutor(workers) as threads:
                answers = list(threads.map(lambda item: one(st, item), items))
        except PerrError as exc:  # sent as it is (its class, message, file and line), raised by the parent
            writer.write(pickle.dumps((type(exc).__name__, exc.message, exc.path, exc.line)))
            return
        writer.write(pickle.dumps(answers, protocol=pickle.HIGHEST_PROTOCOL))

    if not queries:
        return []
    run_in_child(work, chunks.append, timeout=limits.timeout)
    answers = pickle.loads(b"".join(chunks))  # our own child's plain values
    if isinstance(answers, tuple):
        raise _error(*answers)
    return [(columns, rows) for columns, rows in answers]


def _parse_ahead(queries: Sequence[tuple[QueryFile, dict[str, str] | None]]) -> None:
    """Check each query with any FROM allowed, for its parse tree only (kept by
    :func:`perr_graph.sparql.tree.parse`); the real check, with the store's graphs, comes after and says what is
    wrong, if anything."""
    from perr_graph.errors import PerrError
    from perr_graph.sparql.safety import Policy, check_query

    for q, _ in queries:
        text, path = source_of(q)
        with contextlib.suppress(PerrError):
            check_query(text, Policy(allow_any_from=True), path)


def _error(name: str, message: str, path: str | None, line: int | None):
    """The one-line error a child sent (a class of :mod:`perr_graph.errors`)."""
    from perr_graph import errors

    cls = getattr(errors, name, None)
    if not (isinstance(cls, type) and issubclass(cls, errors.PerrError)):
        cls = QueryError
    return cls(message, path, line)
