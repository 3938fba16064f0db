"""What perr runs or serves is read-only and stays on this machine: the check every query passes first.

Refused by default, each with one line that says what and where (``file:line: message``):

* any SPARQL Update (SPARQL 1.1 Update, section 3: ``INSERT``, ``DELETE``, ``LOAD``, ``CLEAR``, ``CREATE``,
  ``DROP``, ``COPY``, ``MOVE``, ``ADD``) — the store is read-only, and ``LOAD`` fetches a document from the web;
* ``SERVICE`` (SPARQL 1.1 Federated Query, section 2) — it makes the engine call another server: pyoxigraph and
  Oxigraph's server run it even when read-only, rdflib too;
* ``FROM`` / ``FROM NAMED`` (SPARQL 1.1 Query, section 13.2 "Specifying RDF Datasets") naming anything but the
  dataset's own graphs — rdflib dereferences such IRIs over the network.

The decision is taken on rdflib's parse tree (``rdflib.plugins.sparql.parser.parseQuery`` /
``parseUpdate``), never on the raw text. Two engines must read the same text the same way, so before parsing:

* line breaks become ``\\n`` (:func:`perr_graph.sparql.lex.canonical`): SPARQL ends a comment at ``\\r`` too,
  rdflib does not, so ``# …\\r SERVICE <…> {…}`` would be a comment to rdflib and a federated call to Oxigraph;
* ``\\uXXXX`` escapes are refused: rdflib expands them over the whole text before parsing, Oxigraph only inside
  strings and IRIs, so ``"x\\u005C" SERVICE …`` would be one string to rdflib and a string then a call to Oxigraph.

Then a second, independent look: the lexer (:mod:`perr_graph.sparql.lex`) must find exactly as many ``SERVICE``
and ``FROM`` keywords, and no update keyword, as the parse tree holds; any disagreement is refused too. What the
engine receives is the text that was checked (:attr:`CheckedQuery.text`).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from perr_graph.errors import QueryError
from perr_graph.sparql import lex as sparql_lex

#: the keywords that begin a SPARQL 1.1 Update operation (section 3.1 and 3.2 of SPARQL 1.1 Update)
UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")
_FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}
_UESCAPE = re.compile(r"\\[uU][0-9A-Fa-f]{4}")

# rdflib's pyparsing grammar keeps state between calls: one parse at a time (the query page is multi-threaded)
_PARSE_LOCK = threading.Lock()


@dataclass(frozen=True)
class Policy:
    """What a query may do beyond reading the dataset.

    ``graphs``: the dataset's own graph IRIs, which ``FROM`` / ``FROM NAMED`` (and the protocol's
    ``default-graph-uri`` / ``named-graph-uri``) may name; None means "any IRI under the project's graph
    namespace" (for a remote endpoint whose graph list is not known).
    """

    graphs: frozenset[str] | None = None
    allow_service: bool = False
    allow_any_from: bool = False

    def graph_allowed(self, iri: str) -> bool:
        if self.allow_any_from:
            return True
        if self.graphs is None:
            from perr_graph.namespaces import GRAPH

            return iri.startswith(str(GRAPH))
        return iri in self.graphs


@dataclass
class CheckedQuery:
    """A query that passed :func:`check_query`: run ``text`` (canonical line breaks), nothing else."""

    text: str
    form: str  # SELECT, ASK, CONSTRUCT, DESCRIBE
    services: list[str] = field(default_factory=list)
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    #: the variables a SELECT projects (None for ``SELECT *`` and the other forms)
    projection: list[str] | None = None


def _where(source, text: str, offset: int | None) -> tuple[str | None, int | None]:
    return (source, sparql_lex.line_of(text, offset) if offset is not None else None)


def _refuse(message: str, source, text: str, offset: int | None = None):
    path, line = _where(source, text, offset)
    if path is None and line is not None:
        message = f"line {line}: {message}"
    return QueryError(message, path, line)


def check_query(text: str, policy: Policy | None = None, source: str | None = None) -> CheckedQuery:
    """Parse ``text`` as a SPARQL 1.1 query and refuse updates, SERVICE and foreign FROM graphs.

    ``source`` names the query in messages (a file path, or None for text typed in the query page).
    Raises :class:`~perr_graph.errors.QueryError` with the line of the offending keyword.
    """
    policy = policy or Policy()
    text = sparql_lex.canonical(text)
    m = _UESCAPE.search(text)
    if m:
        raise _refuse(
            "\\u escapes are refused (engines disagree on where they apply): write the character itself",
            source,
            text,
            m.start(),
        )
    toks = sparql_lex.tokens(text)
    for t in toks:
        if t.keyword in UPDATE_KEYWORDS:
            what = (
                "LOAD would fetch a document from the web and write it into the store"
                if t.keyword == "LOAD"
                else f"{t.keyword} would change the store"
            )
            raise _refuse(f"SPARQL Update refused: {what}; perr only reads", source, text, t.start)

    parsed = _parse(text, source)
    prologue, query = parsed[0], parsed[1]
    form = _FORMS.get(getattr(query, "name", ""))
    if form is None:  # pragma: no cover - the grammar only yields the four forms
        raise _refuse("not a SELECT, ASK, CONSTRUCT or DESCRIBE query", source, text)

    service_toks = [t for t in toks if t.keyword == "SERVICE"]
    from_toks = [t for t in toks if t.keyword == "FROM"]
    services = [n for n in _walk(query) if getattr(n, "name", None) == "ServiceGraphPattern"]
    clauses = [n for n in _walk(query) if getattr(n, "name", None) == "DatasetClause"]
    if len(services) != len(service_toks) or len(clauses) != len(from_toks):
        first = next(iter(service_toks or from_toks), None)
        raise _refuse(
            "refused: two SPARQL parsers read this query differently (a SERVICE or FROM they do not "
            "agree on)",
            source,
            text,
            first.start if first else None,
        )

    checked = CheckedQuery(text=text, form=form)
    if form == "SELECT" and "projection" in query:
        checked.projection = [
            str(dict.get(item, "var") or dict.get(item, "evar"))
            for item in dict.__getitem__(query, "projection")
        ]
    for node, tok in zip(services, service_toks, strict=False):
        target = _term_str(dict.get(node, "term"), prologue)
        checked.services.append(target)
        if not policy.allow_service:
            raise _refuse(
                f"SERVICE {target} refused: a federated query would make the engine call another "
                "server; perr only reads its own dataset",
                source,
                text,
                tok.start,
            )
    for node, tok in zip(clauses, from_toks, strict=False):
        named = dict.get(node, "named")
        iri = _term_str(named if named is not None else dict.get(node, "default"), prologue)
        (checked.named_graphs if named is not None else checked.default_graphs).append(iri)
        if not policy.graph_allowed(iri.strip("<>")):
            kw = "FROM NAMED" if named is not None else "FROM"
            raise _refuse(
                f"{kw} {iri} refused: only the dataset's own graphs may be named ({_graph_hint(policy)})",
                source,
                text,
                tok.start,
            )
    return checked


def check_protocol_graphs(default_graphs: Iterable[str], named_graphs: Iterable[str], policy: Policy) -> None:
    """The SPARQL 1.1 Protocol's ``default-graph-uri`` / ``named-graph-uri`` select a dataset like FROM."""
    for kind, iris in (("default-graph-uri", default_graphs), ("named-graph-uri", named_graphs)):
        for iri in iris:
            if not policy.graph_allowed(iri):
                raise QueryError(
                    f"{kind} <{iri}> refused: only the dataset's own graphs may be named "
                    f"({_graph_hint(policy)})"
                )


def _graph_hint(policy: Policy) -> str:
    if policy.graphs is None:
        from perr_graph.namespaces import GRAPH

        return f"IRIs under <{GRAPH}>"
    names = sorted(policy.graphs)
    return ", ".join(f"<{g}>" for g in names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")


def _parse(text: str, source):
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    with _PARSE_LOCK:
        try:
            return parseQuery(text)
        except ParseException as exc:
            error = exc
        try:
            parseUpdate(text)
        except ParseException:
            pass
        else:  # pragma: no cover - every update begins with an update keyword, refused above
            raise _refuse("SPARQL Update refused; perr only reads", source, text)
    message = re.sub(
        r"\s*\(at char \d+\), \(line:\d+, col:\d+\)$", "", str(error.msg if hasattr(error, "msg") else error)
    )
    found = ""
    if error.loc < len(text):
        found = text[error.loc : error.loc + 20].split("\n")[0]
        found = f" at {found!r}"
    elif text.strip():
        found = " at the end of the query"
    path, line = source, error.lineno
    msg = f"syntax error{found} (column {error.col}): {message}"
    if path is None:
        msg = f"line {line}: {msg}"
    raise QueryError(msg, path, line if path is not None else None) from None


def _walk(node):
    """Every node of an rdflib parse tree (CompValue, ParseResults, lists), depth first."""
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


def _term_str(term, prologue) -> str:
    """An IRI from the parse tree, with its prefix resolved: ``<https://…>``; a variable as ``?name``."""
    from rdflib import URIRef, Variable
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(term, Variable):
        return f"?{term}"
    if isinstance(term, CompValue) and term.name == "pname":
        prefixes = {
            dict.get(d, "prefix") or "": str(dict.get(d, "iri"))
            for d in prologue
            if getattr(d, "name", None) == "PrefixDecl"
        }
        prefix = dict.get(term, "prefix") or ""
        local = dict.get(term, "localname") or ""
        return f"<{prefixes[prefix]}{local}>" if prefix in prefixes else f"{prefix}:{local}"
    if isinstance(term, URIRef):
        base = [str(dict.get(d, "iri")) for d in prologue if getattr(d, "name", None) == "Base"]
        iri = str(term)
        if base and not re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:", iri):
            from urllib.parse import urljoin

            iri = urljoin(base[-1], iri)
        return f"<{iri}>"
    return str(term)
