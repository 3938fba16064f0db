"""Remote SPARQL: run a query on any SPARQL 1.1 endpoint, and push the dataset to a Graph Store.

* :func:`remote_query` — the SPARQL 1.1 Protocol (section 2.1, "query operation") through SPARQLWrapper, by POST,
  asking for the JSON results format; parameters bound by a ``VALUES`` block
  (:func:`perr_graph.sparql_lex.inject_values`), the query checked by :mod:`perr_graph.sparql_safety` first.
* :func:`load_dataset` — the SPARQL 1.1 Graph Store HTTP Protocol (section 5.3, "HTTP PUT": the graph's content
  is replaced), one request per named graph, then a ``COUNT`` query per graph to check what the store holds.

Every network failure becomes one :class:`~perr_graph.errors.EndpointError` line (exit code 2).
"""

from __future__ import annotations

import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from .errors import EndpointError, QueryError
from .queries import Limits, QueryFile, Result, source_of, terms

USER_AGENT = "perr-graph (https://w3id.org/perr-graph)"


def _reason(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.URLError) and not isinstance(exc, urllib.error.HTTPError):
        exc = exc.reason if isinstance(exc.reason, BaseException) else exc
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return "timed out"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, socket.gaierror):
        return "unknown host"
    text = getattr(exc, "strerror", None) or str(exc) or exc.__class__.__name__
    return text.strip().splitlines()[0] if text.strip() else exc.__class__.__name__


def _check_url(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise EndpointError(f"{url!r} is not an http(s) URL")


def _first_line(body: bytes | str | None) -> str:
    if body is None:
        return ""
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    for line in body.splitlines():
        if line.strip():
            return line.strip()[:300]
    return ""


def remote_query(url: str, q: QueryFile | str, params: dict[str, str] | None = None, *,
                 limits: Limits | None = None, policy=None, allow_forms=("SELECT", "ASK")) -> Result:
    """Check ``q``, bind its parameters with VALUES, run it on the endpoint at ``url``; a :class:`Result`."""
    import pyoxigraph as ox
    from SPARQLWrapper import JSON, POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    from .sparql_lex import inject_values
    from .sparql_safety import Policy, check_query

    _check_url(url)
    limits = limits or Limits()
    policy = policy or Policy()
    text, path = source_of(q)
    check_query(text, policy, path)  # what the user wrote
    bound = terms(q, params)
    checked = check_query(inject_values(text, bound), policy, path)  # what the endpoint will receive
    if checked.form not in allow_forms:
        raise QueryError(f"{checked.form} queries are not supported here (use {' or '.join(allow_forms)})", path)

    sparql = SPARQLWrapper(url, agent=USER_AGENT)
    sparql.setMethod(POST)
    sparql.setQuery(checked.text)
    sparql.setReturnFormat(JSON)
    sparql.setTimeout(max(1, int(round(limits.timeout))))
    try:
        response = sparql.query().response
        body = response.read(limits.max_bytes + 1)
    except SPARQLWrapperException as exc:
        raise EndpointError(f"{url} refused the query: {_first_line(getattr(exc, 'msg', None) or str(exc))}",
                            path) from None
    except urllib.error.HTTPError as exc:
        raise EndpointError(f"{url} answered HTTP {exc.code}: {_first_line(exc.read())}", path) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = _reason(exc)
        if reason == "timed out":
            raise EndpointError(f"{url} did not answer within {limits.timeout:g} s (--timeout)", path) from None
        raise EndpointError(f"cannot reach {url}: {reason}", path) from None
    if len(body) > limits.max_bytes:
        raise QueryError(f"the answer is larger than {limits.max_bytes} bytes: add a LIMIT", path)
    if body.rstrip().endswith(b"The SPARQL operation has been cancelled"):  # Oxigraph's own time limit
        raise EndpointError(f"{url} cancelled the query (its own time limit): add a LIMIT", path)
    try:
        answer = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
    except (SyntaxError, ValueError) as exc:
        raise EndpointError(f"{url} did not answer in the SPARQL JSON results format ({exc})", path) from None
    if isinstance(answer, ox.QueryBoolean):
        return Result(boolean=bool(answer))
    variables = [v.value for v in answer.variables]
    rows = [[solution[v] for v in variables] for solution in answer]
    del answer  # pyoxigraph's results may only be dropped on the thread that made them: drop them here
    if len(rows) > limits.max_rows:
        raise QueryError(f"more than {limits.max_rows} rows: add a LIMIT or raise --max-rows", path)
    return Result(variables, rows)


# --- Graph Store HTTP Protocol ---------------------------------------------------------------------------------

@dataclass
class GraphLoad:
    graph: str  # IRI, or "" for the default graph
    sent: int
    counted: int | None

    @property
    def ok(self) -> bool:
        return self.sent == self.counted


def endpoints_for(url: str, query_url: str | None = None) -> tuple[str, str]:
    """(graph store URL, query URL). An Oxigraph root URL (``http://host:7878`` or ``…/``) means ``/store``
    and ``/query``; a URL ending in ``/store`` has its ``/query`` beside it; otherwise both are ``url``."""
    _check_url(url)
    parts = urllib.parse.urlsplit(url)
    if parts.path in ("", "/"):
        base = urllib.parse.urlunsplit((parts.scheme, parts.netloc, "", "", ""))
        store, query = base + "/store", base + "/query"
    elif parts.path.rstrip("/").endswith("/store"):
        store = url
        query = urllib.parse.urlunsplit((parts.scheme, parts.netloc,
                                         parts.path.rstrip("/")[: -len("/store")] + "/query", "", ""))
    else:
        store = query = url
    if query_url:
        _check_url(query_url)
        query = query_url
    return store, query


def put_graph(store_url: str, graph: str, data: bytes, timeout: float) -> None:
    """HTTP PUT of N-Triples into one graph (GSP section 5.3): the graph's previous content is replaced."""
    sep = "&" if "?" in store_url else "?"
    target = store_url + sep + (urllib.parse.urlencode({"graph": graph}) if graph else "default")
    request = urllib.request.Request(target, data=data, method="PUT",
                                     headers={"Content-Type": "application/n-triples", "User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        raise EndpointError(f"{store_url} refused the graph <{graph or 'default'}>: HTTP {exc.code} "
                            f"{_first_line(exc.read())}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise EndpointError(f"cannot reach {store_url}: {_reason(exc)}") from None


def count_graph(query_url: str, graph: str, timeout: float) -> int:
    """Triples in one graph of the remote store, by a SPARQL COUNT query."""
    if graph:
        text = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    else:
        text = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    result = remote_query(query_url, text, limits=Limits(timeout=timeout, max_rows=1),
                          policy=_any_graph_policy())
    return int(result.rows[0][0].value) if result.rows and result.rows[0][0] is not None else 0


def _any_graph_policy():
    from .sparql_safety import Policy

    return Policy(allow_any_from=True)


def load_dataset(url: str, files: list[Path] | None = None, *, query_url: str | None = None,
                 timeout: float = 60.0, progress=None) -> list[GraphLoad]:
    """Push every graph of the dataset (default: the built one) to a Graph Store, then count each remotely."""
    import pyoxigraph as ox

    from .store import graph_names, open_store

    store_url, query_url = endpoints_for(url, query_url)
    store = open_store(files)
    graphs = graph_names(store)
    names = graphs + ([""] if len(store) > sum(_count(store, g) for g in graphs) else [])
    out = []
    for g in names:
        source = ox.NamedNode(g) if g else ox.DefaultGraph()
        data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=source)
        sent = _count(store, g)
        put_graph(store_url, g, data, timeout)
        if progress:
            progress(f"PUT <{g or 'default graph'}>: {sent} triples")
        out.append(GraphLoad(g, sent, None))
    for rec in out:
        rec.counted = count_graph(query_url, rec.graph, timeout)
    return out


def _count(store, graph: str) -> int:
    import pyoxigraph as ox

    name = ox.NamedNode(graph) if graph else ox.DefaultGraph()
    return sum(1 for _ in store.quads_for_pattern(None, None, None, name))
