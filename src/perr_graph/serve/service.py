"""``perr serve``: the engine (:mod:`.oxigraph`) and the checking front (:mod:`.front`), started and stopped
together."""

from __future__ import annotations

from pathlib import Path

from perr_graph.errors import EndpointError
from perr_graph.serve.front import Front
from perr_graph.serve.oxigraph import OxigraphServer


class Service:
    """Oxigraph + front, started together and stopped together (``with Service(...) as s: s.url``)."""

    def __init__(
        self,
        files: list[Path],
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        timeout: float = 30.0,
        max_bytes: int = 5_000_000,
    ):
        self.files = files
        self.host, self.port = host, port
        self.timeout, self.max_bytes = timeout, max_bytes
        self.oxigraph: OxigraphServer | None = None
        self.front: Front | None = None

    @property
    def url(self) -> str:
        if self.front is None:
            raise RuntimeError("the service is not started")
        return self.front.url

    def __enter__(self) -> Service:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> Service:
        from perr_graph.store import default_dataset, graph_names, open_store

        store = open_store(
            self.files
        )  # builds the dataset if missing; its graph names are the FROM allow-list
        graphs = frozenset(graph_names(store))
        del store
        files = self.files or [default_dataset()]
        self.oxigraph = OxigraphServer(files, timeout_s=self.timeout).start()
        try:
            self.front = Front(
                (self.host, self.port),
                self.oxigraph.query_url,
                graphs,
                timeout=self.timeout + 2,
                max_bytes=self.max_bytes,
            )
        except OSError as exc:
            self.oxigraph.stop()
            raise EndpointError(f"cannot listen on {self.host}:{self.port}: {exc.strerror or exc}") from None
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
        if self.oxigraph is not None:
            self.oxigraph.stop()
            self.oxigraph = None
