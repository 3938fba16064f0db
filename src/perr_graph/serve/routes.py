"""The routes of ``perr serve``'s front that are pages, not queries (:mod:`perr_graph.serve.pages` writes them):
the query page, its static files, the library (as JSON, and a library query with its parameters bound), the
service description, the dataset's resources and the source texts. Mixed into the front's request handler
(:class:`perr_graph.serve.front.Handler`), behind the same-origin rules like every other route."""

from __future__ import annotations

import functools
import json
import sys
import urllib.parse
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from perr_graph.errors import QueryError
from perr_graph.serve import pages


def _guarded(route):
    """A page that fails for a reason nobody foresaw is one line, HTTP 500 (and one line on the server's
    standard error), not a dropped connection with a traceback."""

    @functools.wraps(route)
    def run(self, *args, **kwargs):
        try:
            return route(self, *args, **kwargs)
        except Exception as exc:  # the connection stays answerable; the reason is said in one line
            print(f"perr serve: {self.path}: {exc.__class__.__name__}: {exc}", file=sys.stderr, flush=True)
            return self._text(HTTPStatus.INTERNAL_SERVER_ERROR, f"this page failed: {exc.__class__.__name__}")

    return run


class PageRoutes:
    """Handler methods; ``self`` is a :class:`perr_graph.serve.front.Handler`."""

    # what the handler this mixin is part of provides (declared for the type checker only)
    server: Any
    headers: Any
    _send: Callable[..., None]
    _text: Callable[..., None]
    _bind: Callable[..., Any]

    def _lang(self, params: dict[str, list[str]]) -> str:
        """The page's language: ``?lang=fr|en``, else the server's (``--lang``)."""
        asked = (params.get("lang") or [""])[0]
        return asked if asked in ("fr", "en") else self.server.lang

    def _library_items(self, lang: str) -> list[dict]:
        from perr_graph.sparql.library import library

        items = []
        for q in library(self.server.queries_dir):
            question = (q.question_fr if lang == "fr" else q.question_en) or q.title
            items.append(
                {
                    "name": q.name,
                    "file": q.path.name,
                    "title": q.title,
                    "heading": f"{q.path.stem.split('-')[0]} · {question if lang == 'fr' else q.title}",
                    "question": question,
                    "tab": _tab_name(q.path.stem, question if lang == "fr" else q.title),
                    "question_fr": q.question_fr,
                    "question_en": q.question_en,
                    "columns": q.columns,
                    "text": q.text,
                    "params": [
                        {"name": p.name, "kind": p.kind, "optional": p.optional, "description": p.description}
                        for p in q.params
                    ],
                }
            )
        return items

    @_guarded
    def _query_page(self, params: dict[str, list[str]]) -> None:
        lang = self._lang(params)
        body = pages.query_page(lang, self._library_items(lang))
        self._send(HTTPStatus.OK, body, "text/html; charset=utf-8")

    @_guarded
    def _library(self) -> None:
        items = [
            {k: v for k, v in item.items() if k not in ("heading", "question")}
            for item in self._library_items(self.server.lang)
        ]
        body = json.dumps(items, ensure_ascii=False).encode("utf-8")
        self._send(HTTPStatus.OK, body, "application/json; charset=utf-8")

    @_guarded
    def _bound(self, params: dict[str, list[str]]) -> None:
        """``/api/bind?library=NAME&param.NAME=value``: the library query's text with its parameters bound (the
        query the page puts in the editor: what runs is what the researcher sees)."""
        from perr_graph.sparql.library import lookup

        name = (params.get("library") or [""])[0]
        try:
            text = lookup(name, self.server.queries_dir).text
            self._send(HTTPStatus.OK, self._bind(text, params).encode("utf-8"), "text/plain; charset=utf-8")
        except QueryError as exc:
            self._text(HTTPStatus.BAD_REQUEST, str(exc))

    @_guarded
    def _static_file(self, name: str) -> None:
        ctype = pages.STATIC_FILES.get(name)
        path = pages.STATIC / name
        if ctype is None or not path.is_file():
            return self._text(HTTPStatus.NOT_FOUND, f"not found: /static/{name}")
        self._send(HTTPStatus.OK, path.read_bytes(), ctype)

    @_guarded
    def _service_description(self) -> None:
        """A GET of the endpoint without a query: the SPARQL 1.1 Service Description, in the RDF type asked."""
        media = pages.negotiate(self.headers.get("Accept"))
        endpoint = f"http://{self.headers.get('Host')}/sparql"
        if media == "text/html":  # a browser: the Turtle, shown as text rather than downloaded
            body = pages.service_description(endpoint, self.server.graphs, "text/turtle")
            return self._send(HTTPStatus.OK, body, "text/plain; charset=utf-8", {"Vary": "Accept"})
        body = pages.service_description(endpoint, self.server.graphs, media)
        self._send(HTTPStatus.OK, body, f"{media}; charset=utf-8", {"Vary": "Accept"})

    @_guarded
    def _resource(self, path: str, params: dict[str, list[str]]) -> None:
        """``/id/<path>``: the resource ``https://w3id.org/perr-graph/id/<path>``, as HTML or RDF (``Accept``);
        ``/concept/<path>`` likewise."""
        iri = pages.resource_iri(path)
        if iri is None:
            return self._text(HTTPStatus.NOT_FOUND, f"not an IRI of the dataset: {path}")
        media = pages.negotiate(self.headers.get("Accept"))
        media = pages.FORMATS.get((params.get("format") or [""])[0], media)
        lang = self._lang(params)
        try:
            if media != "text/html":
                attempt = self.server.ask(pages.fill(pages.TRIPLES, iri), "application/n-triples")
                if attempt.status == HTTPStatus.OK and attempt.body.strip():
                    body = pages.rdf(attempt.body, media)
                    return self._send(HTTPStatus.OK, body, f"{media}; charset=utf-8", {"Vary": "Accept"})
                return self._text(HTTPStatus.NOT_FOUND, f"no triple about {iri}", {"Vary": "Accept"})
            facts = self._rows(pages.fill(pages.FACTS, iri, lang))
            if not facts:
                return self._text(HTTPStatus.NOT_FOUND, f"no triple about {iri}", {"Vary": "Accept"})
            evidence = self._rows(pages.fill(pages.EVIDENCE, iri, lang))
            incoming = self._rows(pages.fill(pages.INCOMING, iri, lang))
        except QueryError as exc:
            return self._text(HTTPStatus.BAD_GATEWAY, str(exc))
        body = pages.resource_page(lang, iri, facts, evidence, incoming)
        self._send(HTTPStatus.OK, body, "text/html; charset=utf-8", {"Vary": "Accept"})

    def _rows(self, text: str) -> list[dict]:
        attempt = self.server.ask(text, "application/sparql-results+json")
        if attempt.status != HTTPStatus.OK:
            raise QueryError(f"the SPARQL engine answered {attempt.status or attempt.outcome}")
        rows: list[dict] = json.loads(attempt.body)["results"]["bindings"]
        return rows

    @_guarded
    def _source(self, name: str, params: dict[str, list[str]]) -> None:
        path = pages.source_file(self.server.sources, urllib.parse.unquote(name))
        if path is None:
            return self._text(HTTPStatus.NOT_FOUND, f"no source text {name} in this corpus")
        self._send(HTTPStatus.OK, pages.source_page(self._lang(params), path), "text/html; charset=utf-8")


def _tab_name(stem: str, title: str, width: int = 40) -> str:
    """A YASGUI tab's name for a library query: its number and the start of its title."""
    title = title if len(title) <= width else title[: width - 1].rstrip() + "…"
    return f"{stem.split('-')[0]} · {title}"
