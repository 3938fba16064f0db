"""What perr runs or serves is read-only and stays on this machine: the check every query passes first.

Refused, each with one line that says what and where (``file:line: message``):

* any SPARQL Update (SPARQL 1.1 Update, section 3: ``INSERT``, ``DELETE``, ``LOAD``, ``CLEAR``, ``CREATE``,
  ``DROP``, ``COPY``, ``MOVE``, ``ADD``, ``WITH``) — the store is read-only, and ``LOAD`` fetches a document from
  the web;
* ``SERVICE`` (SPARQL 1.1 Federated Query, section 2) — it makes the engine call another server: pyoxigraph and
  Oxigraph's server run it even when read-only, rdflib too;
* ``FROM`` / ``FROM NAMED`` (SPARQL 1.1 Query, section 13.2 "Specifying RDF Datasets") naming anything but the
  dataset's own graphs — rdflib dereferences such IRIs over the network;
* a query larger, deeper or with longer chains than :class:`~perr_graph.sparql.limits.ShapeLimits` allows — such
  a query can kill the engine (a stack overflow) or keep the checker busy.

The check does not rest on two parsers reading the same text the same way (issue 16: they did not). In order:

1. line breaks become ``\\n`` (SPARQL ends a comment at ``\\r`` too, rdflib does not) and ``\\uXXXX`` escapes are
   refused (rdflib expands them over the whole text before parsing, Oxigraph only inside strings and IRIs);
2. the shape is measured on the tokens (:mod:`perr_graph.sparql.limits`), with no recursion, and a prefixed
   name or blank node label with a ``.`` inside is refused: the grammar allows it (section 19.8, ``PN_LOCAL``),
   Oxigraph splits it (``ex:a.b.SERVICE:x`` became ``ex:a.b . SERVICE :x``);
3. the query is written again from its tokens (:mod:`perr_graph.sparql.canonical`): prefixed names become full
   IRIs, strings are re-quoted, comments dropped, every token delimited, so that no SPARQL lexer can split it
   otherwise. **This canonical text is the only text any engine receives** (:attr:`CheckedQuery.text`);
4. the policy is applied to the canonical tokens: no update keyword, no ``SERVICE``, ``FROM`` only before an
   allowed IRI;
5. rdflib parses the canonical text (:mod:`perr_graph.sparql.tree`: within a time limit, on a large stack):
   it must be a query, and its tree must hold exactly the ``SERVICE`` (none) and ``FROM`` clauses the tokens
   hold; any disagreement is refused.

Where the platform allows it, the engines also run without network access (:mod:`perr_graph.sandbox`), so that
a query that slipped through could not reach another host either.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urljoin

from perr_graph.errors import QueryError
from perr_graph.sparql import canonical, lex, tree
from perr_graph.sparql.limits import ShapeLimits, check_shape

#: the keywords that begin a SPARQL 1.1 Update operation (section 3.1 and 3.2 of SPARQL 1.1 Update)
UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")
_FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}
_UESCAPE = re.compile(r"\\[uU][0-9A-Fa-f]{4}")
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")

#: how long the check of one query may take (rdflib's parse), in seconds
CHECK_SECONDS = 10.0


@dataclass(frozen=True)
class Policy:
    """What a query may do beyond reading the dataset.

    ``graphs``: the dataset's own graph IRIs, which ``FROM`` / ``FROM NAMED`` (and the protocol's
    ``default-graph-uri`` / ``named-graph-uri``) may name; None means "any IRI under the project's graph
    namespace" (for a remote endpoint whose graph list is not known). ``allow_any_from``: any graph (``perr
    load``'s COUNT queries on a store of the user's choosing).
    """

    graphs: frozenset[str] | None = None
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
    """A query that passed :func:`check_query`: run ``text`` (the canonical text), nothing else."""

    text: str
    form: str  # SELECT, ASK, CONSTRUCT, DESCRIBE
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    #: the variables a SELECT projects (None for ``SELECT *`` and the other forms)
    projection: list[str] | None = None


def _refuse(message: str, source: str | None, text: str, offset: int | None = None) -> QueryError:
    line = lex.line_of(text, offset) if offset is not None else None
    if source is None and line is not None:
        return QueryError(f"line {line}: {message}")
    return QueryError(message, source, line)


def check_query(
    text: str,
    policy: Policy | None = None,
    source: str | None = None,
    *,
    limits: ShapeLimits | None = None,
    time_limit: float | None = CHECK_SECONDS,
) -> CheckedQuery:
    """Check ``text`` as the module docstring says; the canonical text to run, or one QueryError line.

    ``source`` names the query in messages (a file path, or None for text typed in the query page)."""
    policy = policy or Policy()
    text = lex.unify_line_breaks(text)
    m = _UESCAPE.search(text)
    if m:
        raise _refuse(
            "\\u escapes are refused (engines disagree on where they apply): write the character itself",
            source,
            text,
            m.start(),
        )
    toks = lex.tokens(text)
    check_shape(text, toks, limits or ShapeLimits(), source)
    for t in toks:
        if t.kind in ("pname", "bnode") and "." in t.text:
            raise _refuse(
                f"{t.text} refused: a name with '.' inside is read differently by SPARQL engines (one name, or "
                "a name, '.', and more); write the IRI in full, <…>",
                source,
                text,
                t.start,
            )
    canon = canonical.rewrite(text, source)
    froms = _token_policy(canon, policy, source)
    prologue, query = tree.parse(canon.text, source, time_limit=time_limit, canon=canon, keep=True)
    form = _FORMS.get(getattr(query, "name", ""))
    if form is None:  # pragma: no cover - the grammar only yields the four forms
        raise _refuse("not a SELECT, ASK, CONSTRUCT or DESCRIBE query", source, text)
    services = [n for n in tree.walk(query) if getattr(n, "name", None) == "ServiceGraphPattern"]
    clauses = []
    for node in tree.walk(query):
        if getattr(node, "name", None) == "DatasetClause":
            named = dict.get(node, "named")
            iri = tree.term_str(named if named is not None else dict.get(node, "default"), prologue)
            clauses.append((named is not None, iri.strip("<>")))
    if services or clauses != [(named, iri) for named, iri, _ in froms]:
        raise _refuse(
            "refused: two SPARQL parsers read this query differently (a SERVICE or FROM they do not agree on)",
            source,
            text,
            froms[0][2] if froms else None,
        )
    checked = CheckedQuery(text=canon.text, form=form)
    for named, iri, _ in froms:
        (checked.named_graphs if named else checked.default_graphs).append(iri)
    if form == "SELECT" and "projection" in query:
        checked.projection = [
            str(dict.get(item, "var") or dict.get(item, "evar"))
            for item in dict.__getitem__(query, "projection")
        ]
    return checked


def _token_policy(
    canon: canonical.Canonical, policy: Policy, source: str | None
) -> list[tuple[bool, str, int]]:
    """Updates, SERVICE and FROM, decided on the canonical tokens: the FROM clauses as (named, IRI, offset in
    the canonical text). Line numbers of the canonical text are those of the original."""
    toks, text = canon.tokens, canon.text
    froms: list[tuple[bool, str, int]] = []
    base: str | None = None
    for k, t in enumerate(toks):
        word = t.keyword
        nxt = toks[k + 1] if k + 1 < len(toks) else None
        if word in UPDATE_KEYWORDS:
            what = (
                "LOAD would fetch a document from the web and write it into the store"
                if word == "LOAD"
                else f"{word} would change the store"
            )
            raise _refuse(f"SPARQL Update refused: {what}; perr only reads", source, text, t.start)
        if word == "BASE" and nxt is not None and nxt.kind == "iri":
            base = nxt.text[1:-1]
        if word == "SERVICE":
            j = k + 2 if nxt is not None and nxt.keyword == "SILENT" else k + 1
            target = toks[j].text if j < len(toks) else "(no target)"
            raise _refuse(
                f"SERVICE {target} refused: a federated query would make the engine call another server; "
                "perr only reads its own dataset",
                source,
                text,
                t.start,
            )
        if word == "FROM":
            named = nxt is not None and nxt.keyword == "NAMED"
            iri_tok = toks[k + 2] if named and k + 2 < len(toks) else nxt
            kw = "FROM NAMED" if named else "FROM"
            if iri_tok is None or iri_tok.kind != "iri":
                raise _refuse(f"syntax error: {kw} needs an IRI", source, text, t.start)
            iri = iri_tok.text[1:-1]
            if base is not None and not _ABSOLUTE.match(iri):
                iri = urljoin(base, iri)
            if not policy.graph_allowed(iri):
                raise _refuse(
                    f"{kw} <{iri}> refused: only the dataset's own graphs may be named ({_graph_hint(policy)})",
                    source,
                    text,
                    t.start,
                )
            froms.append((named, iri, t.start))
    return froms


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


def parse_tree(text: str):
    """rdflib's parse tree (prologue, query) of a query that passes :func:`check_query` with any graph allowed
    (for tests and tools that read a query's structure, e.g. its GROUP_CONCAT columns)."""
    checked = check_query(text, Policy(allow_any_from=True))
    return tree.parse(checked.text, None, time_limit=CHECK_SECONDS)
