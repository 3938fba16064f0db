"""Pushing the dataset to a store: the SPARQL 1.1 Graph Store HTTP Protocol (section 5.3, "HTTP PUT": the
graph's content is replaced), one request per named graph, each followed by a SPARQL ``COUNT`` query that checks
what the store holds (:func:`perr_graph.remote.endpoint.remote_query`).

Faults are retried as for queries (:mod:`perr_graph.remote.retry`); a PUT carries the whole graph, so repeating
one is harmless. Whatever the fault, the graph's record says it in one line (``perr load`` prints the table).
"""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from perr_graph.errors import EndpointError
from perr_graph.remote import retry as retries
from perr_graph.remote.endpoint import (
    TRANSIENT_STATUS,
    USER_AGENT,
    body_of,
    check_url,
    first_line,
    network_fault,
    read_body,
    remote_query,
    status_text,
)
from perr_graph.remote.retry import EndpointUnreachable, Retry, Transient
from perr_graph.sparql.run import Limits

LOADED, FAILED, NOT_ATTEMPTED = "loaded and verified", "failed", "not attempted"


@dataclass
class GraphLoad:
    """What became of one graph in :func:`load_dataset`."""

    graph: str  # IRI, or "" for the default graph
    sent: int  # triples in the dataset (sent, or that would have been)
    counted: int | None = None  # triples the store holds after the PUT, by COUNT
    status: str = NOT_ATTEMPTED
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.status == LOADED


def endpoints_for(url: str, query_url: str | None = None) -> tuple[str, str]:
    """(graph store URL, query URL). An Oxigraph root URL (``http://host:7878`` or ``…/``) means ``/store``
    and ``/query``; a URL ending in ``/store`` has its ``/query`` beside it; otherwise both are ``url``."""
    check_url(url)
    parts = urllib.parse.urlsplit(url)
    if parts.path in ("", "/"):
        base = urllib.parse.urlunsplit((parts.scheme, parts.netloc, "", "", ""))
        store, query = base + "/store", base + "/query"
    elif parts.path.rstrip("/").endswith("/store"):
        store = url
        query = urllib.parse.urlunsplit(
            (parts.scheme, parts.netloc, parts.path.rstrip("/")[: -len("/store")] + "/query", "", "")
        )
    else:
        store = query = url
    if query_url:
        check_url(query_url)
        query = query_url
    return store, query


def put_graph(store_url: str, graph: str, data: bytes, timeout: float, *, retry: Retry | None = None) -> None:
    """HTTP PUT of N-Triples into one graph (GSP section 5.3): the graph's previous content is replaced.

    The whole graph goes in one request with its ``Content-Length``: a store that follows the protocol applies
    all of it or, if the body arrives short, none of it (``tests/test_faults.py`` shows it for Oxigraph)."""
    sep = "&" if "?" in store_url else "?"
    target = store_url + sep + (urllib.parse.urlencode({"graph": graph}) if graph else "default")
    name = f"<{graph or 'default graph'}>"

    def attempt(seconds: float) -> None:
        request = urllib.request.Request(
            target,
            data=data,
            method="PUT",
            headers={"Content-Type": "application/n-triples", "User-Agent": USER_AGENT},
        )
        try:
            with urllib.request.urlopen(request, timeout=seconds) as response:
                read_body(response, 1 << 20, time.monotonic() + seconds)
        except urllib.error.HTTPError as exc:
            message = f"{status_text(exc.code)}: {first_line(body_of(exc)) or 'no message'}"
            if exc.code in TRANSIENT_STATUS:
                raise Transient(
                    f"{store_url} failed to store the graph {name}: {message}", unreachable=False
                ) from None
            raise EndpointError(f"{store_url} refused the graph {name}: {message}") from None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            raise network_fault(store_url, exc, timeout, f" (PUT {name})") from None

    (retry or retries.RETRY).run(attempt, timeout)


def count_graph(query_url: str, graph: str, timeout: float, *, retry: Retry | None = None) -> int:
    """Triples in one graph of the remote store, by a SPARQL COUNT query."""
    if graph:
        text = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    else:
        text = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    result = remote_query(
        query_url, text, limits=Limits(timeout=timeout, max_rows=1), policy=_any_graph_policy(), retry=retry
    )
    if not result.rows or result.rows[0][0] is None:
        return 0
    try:
        return int(result.rows[0][0].value)
    except ValueError:
        raise EndpointError(
            f"{query_url} answered a COUNT with {result.rows[0][0]}, not an integer"
        ) from None


def _any_graph_policy():
    from perr_graph.sparql.safety import Policy

    return Policy(allow_any_from=True)


def load_dataset(
    url: str,
    files: list[Path],
    *,
    query_url: str | None = None,
    timeout: float = 60.0,
    progress=None,
    retry: Retry | None = None,
) -> list[GraphLoad]:
    """Push every graph of the dataset ``files`` to a Graph Store, one PUT each, and count each
    remotely right after its PUT. One :class:`GraphLoad` per graph, in order, whatever happened:

    * a graph the store refused (an HTTP error, after retries for 5xx) is ``failed``, and the next graphs are
      still sent;
    * when the store stops answering at all (:class:`EndpointUnreachable`), that graph is ``failed`` and the
      remaining ones are ``not attempted``;
    * a graph whose COUNT differs from what was sent is ``failed``.

    Raises only for what prevents any attempt (a bad URL, an unreadable dataset)."""
    import pyoxigraph as ox

    from perr_graph.store import graph_names, open_store

    store_url, query_url = endpoints_for(url, query_url)
    store = open_store(files)
    graphs = graph_names(store)
    names = graphs + ([""] if len(store) > sum(_count(store, g) for g in graphs) else [])
    records = [GraphLoad(g, _count(store, g)) for g in names]
    for rec in records:
        data = store.dump(
            format=ox.RdfFormat.N_TRIPLES,
            from_graph=ox.NamedNode(rec.graph) if rec.graph else ox.DefaultGraph(),
        )
        rec.status = FAILED
        try:
            put_graph(store_url, rec.graph, data, timeout, retry=retry)
        except EndpointError as exc:
            rec.reason = exc.message
            if isinstance(exc, EndpointUnreachable):
                break
            continue
        try:
            rec.counted = count_graph(query_url, rec.graph, timeout, retry=retry)
        except EndpointError as exc:
            rec.reason = f"sent, but not verified: {exc.message}"
            if isinstance(exc, EndpointUnreachable):
                break
            continue
        if rec.counted != rec.sent:
            rec.reason = f"sent {rec.sent} triples, the store holds {rec.counted}"
            continue
        rec.status = LOADED
        if progress:
            progress(f"PUT <{rec.graph or 'default graph'}>: {rec.sent} triples, verified")
    return records


def _count(store, graph: str) -> int:
    import pyoxigraph as ox

    name = ox.NamedNode(graph) if graph else ox.DefaultGraph()
    return sum(1 for _ in store.quads_for_pattern(None, None, None, name))
