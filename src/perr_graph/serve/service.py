"""``perr serve``: the engine (:mod:`.oxigraph`, behind its gate) and the checking front (:mod:`.front`), started
and stopped together."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Sequence
from pathlib import Path

from perr_graph.errors import EndpointError
from perr_graph.serve.front import Front
from perr_graph.serve.oxigraph import Engine
from perr_graph.serve.upstream import exchange

#: the graphs the engine holds: what FROM and the protocol's graph parameters may name
_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"


class Service:
    """Engine + front, started together and stopped together (``with Service(...) as s: s.url``)."""

    def __init__(
        self,
        files: list[Path],
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        timeout: float = 30.0,
        max_bytes: int = 5_000_000,
        cors: str | None = None,
        queries: Sequence[Path] | None = None,
        lang: str = "fr",
        sources: Path | None = None,
    ):
        self.files = files
        self.queries = queries
        self.host, self.port = host, port
        self.timeout, self.max_bytes = timeout, max_bytes
        self.cors = cors
        self.lang, self.sources = lang, sources
        self.engine: Engine | None = None
        self.front: Front | None = None

    @property
    def url(self) -> str:
        if self.front is None:
            raise RuntimeError("the service is not started")
        return self.front.url

    @property
    def isolated(self) -> bool:
        """Whether the engine runs without network access (a network namespace of its own)."""
        return self.engine is not None and "namespace" in self.engine.isolation

    def __enter__(self) -> Service:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> Service:
        self.engine = Engine(self.files, timeout_s=self.timeout).start()
        try:
            graphs = _graph_names(self.engine)
            self.front = Front(
                (self.host, self.port),
                self.engine,
                graphs,
                timeout=self.timeout + 2,
                max_bytes=self.max_bytes,
                cors=self.cors,
                queries_dir=self.queries,
                lang=self.lang,
                sources=self.sources,
            )
        except OSError as exc:
            self.engine.stop()
            raise EndpointError(f"cannot listen on {self.host}:{self.port}: {exc.strerror or exc}") from None
        except BaseException:
            self.engine.stop()
            raise
        return self

    def serve_forever(self, poll_interval: float = 0.2) -> None:
        """Answer requests until :meth:`Front.shutdown` (from another thread) or an exception (Ctrl-C)."""
        if self.front is None:
            raise RuntimeError("the service is not started")
        self.front.serve_forever(poll_interval=poll_interval)

    def stop(self) -> None:
        """Close the front's socket (its request loop must have ended) and stop the engine."""
        if self.front is not None:
            self.front.server_close()
            self.front = None
        if self.engine is not None:
            self.engine.stop()
            self.engine = None


def _graph_names(engine: Engine) -> frozenset[str]:
    """The named graphs the engine holds (asked to the engine: the data is loaded once, by it)."""
    lease = engine.lease()
    body = urllib.parse.urlencode({"query": _GRAPHS}).encode()
    attempt = exchange(lease.sock, "/query", body, "application/sparql-results+json", 60, 50_000_000)
    engine.release(lease, attempt.outcome)
    if attempt.outcome != "ok" or attempt.status != 200:
        raise EndpointError(f"the SPARQL engine did not list its graphs ({attempt.outcome} {attempt.status})")
    rows = json.loads(attempt.body)["results"]["bindings"]
    return frozenset(row["g"]["value"] for row in rows if row.get("g", {}).get("type") == "uri")
