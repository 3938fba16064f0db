"""rdflib's reading of a query: its parse tree, obtained within a time limit and with room to recurse.

rdflib's parser (``rdflib.plugins.sparql.parser.parseQuery``, pyparsing) recurses about once per triple pattern
and several times per level of brackets: with Python's default limit of 1,000 frames, some 90 triple patterns or
25 nested parentheses raised RecursionError (issue 16). :func:`parse` runs it on a thread of its own with a
large stack and a raised recursion limit (the queries are first bounded by :mod:`perr_graph.sparql.limits`),
gives up waiting after ``time_limit`` seconds, and turns whatever goes wrong into one
:class:`~perr_graph.errors.QueryError` line. Parses run side by side: there is no lock around them (the grammar
is made ready once, :func:`_ready`).
"""

from __future__ import annotations

import contextlib
import re
import sys
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from perr_graph.errors import QueryError

if TYPE_CHECKING:
    from perr_graph.sparql.canonical import Canonical

T = TypeVar("T")

#: the stack of a parsing thread (virtual memory: only what is used is touched) and the recursion limit there
STACK_BYTES = 512 * 1024 * 1024
RECURSION_LIMIT = 200_000

_thread_lock = threading.Lock()  # threading.stack_size is one setting for the whole process
_depth_lock = threading.Lock()
_deep = 0  # parses running with the raised recursion limit
_saved_limit = sys.getrecursionlimit()
_ready_lock = threading.Lock()
_is_ready = False


def on_big_stack(work: Callable[[], T], time_limit: float | None, what: str) -> T:
    """``work()`` on a new thread with :data:`STACK_BYTES` of stack and :data:`RECURSION_LIMIT`; its result or
    its exception. Past ``time_limit`` seconds, QueryError at once (the thread is left to finish on its own: a
    daemon). ``what`` names the work in that message."""
    global _deep, _saved_limit
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = work()
        except BaseException as exc:  # handed to the caller's thread
            box["error"] = exc

    with _thread_lock:
        previous = threading.stack_size()
        with contextlib.suppress(
            ValueError, RuntimeError
        ):  # a platform where it cannot be chosen: the default
            threading.stack_size(STACK_BYTES)
        thread = threading.Thread(target=run, name="perr-deep", daemon=True)
        with _depth_lock:
            if _deep == 0:
                _saved_limit = sys.getrecursionlimit()
                sys.setrecursionlimit(max(_saved_limit, RECURSION_LIMIT))
            _deep += 1
        try:
            thread.start()
        finally:
            threading.stack_size(previous)
    try:
        thread.join(time_limit)
    finally:
        with _depth_lock:
            _deep -= 1
            if _deep == 0:
                sys.setrecursionlimit(_saved_limit)
    if thread.is_alive():
        raise QueryError(f"{what} took more than {time_limit:g} s: simplify the query")
    if "error" in box:
        raise box["error"]
    return box["value"]


def _ready() -> None:
    """pyparsing prepares a grammar on its first use (``streamline``): do it once, before parses run side by
    side."""
    global _is_ready
    with _ready_lock:
        if not _is_ready:
            from rdflib.plugins.sparql.parser import parseQuery

            parseQuery("ASK {}")
            _is_ready = True


#: the parse trees of the texts :func:`parse` read last with ``keep`` (the checks only walk them), by text
_KEPT: dict[str, tuple] = {}
KEPT_AT_MOST = 64
_kept_lock = threading.Lock()


def parse(
    text: str,
    source: str | None,
    *,
    time_limit: float | None,
    canon: Canonical | None = None,
    keep: bool = False,
):
    """rdflib's parse tree of a SPARQL query (``parseQuery``): (prologue, query). A syntax error, a parse past
    ``time_limit`` or one that recurses too deep is one QueryError line. With ``canon`` (``text`` is its canonical
    text), a syntax error points at the text the user wrote. With ``keep``, the tree is kept (the last
    :data:`KEPT_AT_MOST`) and given again for the same text, not parsed again: for callers that do not change
    it (:func:`perr_graph.sparql.safety.check_query`)."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    if keep and (kept := _KEPT.get(text)) is not None:
        return kept
    _ready()

    def work():
        try:
            return parseQuery(text)
        except ParseException as exc:
            return exc
        except RecursionError:
            return RecursionError()

    result = on_big_stack(work, time_limit, "checking this query")
    if isinstance(result, RecursionError):
        raise QueryError("query refused: too deeply nested to be checked", source)
    if isinstance(result, ParseException):
        raise _syntax_error(result, text, source, canon)
    if keep:
        with _kept_lock:
            while len(_KEPT) >= KEPT_AT_MOST:
                del _KEPT[next(iter(_KEPT))]
            _KEPT[text] = (result[0], result[1])
    return result[0], result[1]


def _syntax_error(error, text: str, source: str | None, canon: Canonical | None) -> QueryError:
    written = canon.original if canon is not None else text
    at = None
    if error.loc < len(text):
        at = canon.original_offset(error.loc) if canon is not None else error.loc
    message = re.sub(r"\s*\(at char \d+\), \(line:\d+, col:\d+\)$", "", str(getattr(error, "msg", error)))
    if at is not None:
        found = f" at {written[at : at + 20].split(chr(10))[0]!r}"
        line = written.count("\n", 0, at) + 1
        column = at - (written.rfind("\n", 0, at) + 1) + 1
    else:
        found = " at the end of the query" if text.strip() else ""
        line, column = error.lineno, error.col
    msg = f"syntax error{found} (column {column}): {message}"
    if source is None:
        return QueryError(f"line {line}: {msg}")
    return QueryError(msg, source, line)


def walk(node) -> Iterator[Any]:
    """Every node of an rdflib parse tree (CompValue, ParseResults, lists), depth first, without recursion."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, CompValue):
            yield n
            stack.extend(reversed([dict.__getitem__(n, k) for k in n]))
        elif isinstance(n, (ParseResults, list, tuple)):
            stack.extend(reversed(list(n)))


def term_str(term, prologue) -> str:
    """An IRI from the parse tree, resolved against the query's BASE: ``<https://…>``; a variable as
    ``?name``. (The canonical text has no prefixed names left.)"""
    from rdflib import URIRef, Variable

    if isinstance(term, Variable):
        return f"?{term}"
    if isinstance(term, URIRef):
        base = [str(dict.get(d, "iri")) for d in prologue if getattr(d, "name", None) == "Base"]
        iri = str(term)
        if base and not re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:", iri):
            from urllib.parse import urljoin

            iri = urljoin(base[-1], iri)
        return f"<{iri}>"
    return str(term)
