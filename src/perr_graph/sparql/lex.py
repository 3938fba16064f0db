"""A small SPARQL 1.1 lexer, and parameter binding by a ``VALUES`` block for remote endpoints.

The lexer follows the lexical rules of the SPARQL 1.1 grammar (section 19.8, "Grammar", terminals) the way
Oxigraph applies them: comments run from ``#`` to the end of the line, strings (short and long, with ``ECHAR``
escapes) and IRI references are single tokens, ``?x`` / ``$x`` are variables, ``p:x`` prefixed names, ``@fr``
language tags. It does not parse: it only tells a keyword from the same letters inside a string, a comment, an
IRI, a prefixed name or a variable. :mod:`perr_graph.sparql.safety` uses it as a second, independent look at a
query next to rdflib's parse tree, and :func:`inject_values` uses it to find the outermost ``WHERE`` clause.

Parameters are never pasted into a query as text. For a remote endpoint they are bound by
``VALUES ?name { term }`` (SPARQL 1.1 section 10.2.2, "VALUES: Providing inline data"), inserted as the first
thing inside the outermost group graph pattern, with each term written in N-Triples syntax
(RDF 1.1 N-Triples, section 2.3 "Literals": ``ECHAR`` escapes for ``"``, ``\\``, line breaks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from perr_graph.errors import QueryError

_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_VAR = re.compile(r"[?$][A-Za-z0-9_\u00B7\u00C0-\U000EFFFF]+")
_LANG = re.compile(r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*")
_BNODE = re.compile(r"_:[A-Za-z0-9_\-.\u00B7\u00C0-\U000EFFFF]*")
# a prefixed name (with its prefix, possibly empty) or a bare word (keyword, function name, 'a', true/false)
_PNAME = re.compile(
    r"(?:[A-Za-z\u00C0-\U000EFFFF][A-Za-z0-9_\-.\u00B7\u00C0-\U000EFFFF]*)?:"
    r"(?:[A-Za-z0-9_\-.:%\u00B7\u00C0-\U000EFFFF]|\\[_~.\-!$&'()*+,;=/?#@%])*"
)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER = re.compile(r"[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?")
_WS = " \t\n\r"


@dataclass(frozen=True)
class Token:
    kind: str  # iri, string, var, pname, word, number, lang, bnode, punct
    text: str
    start: int
    end: int

    @property
    def keyword(self) -> str | None:
        """The keyword in upper case, for a bare word; None for anything else."""
        return self.text.upper() if self.kind == "word" else None


def canonical(text: str) -> str:
    """Line breaks as ``\\n`` only.

    SPARQL ends a comment at ``\\n`` or ``\\r``; rdflib's parser ends it at ``\\n`` only, so a lone ``\\r`` would
    let it read as a comment what Oxigraph runs as a pattern. With one kind of line break both read the same.
    """
    return text.replace("\r\n", "\n").replace("\r", "\n")


def tokens(text: str) -> list[Token]:
    """The tokens of ``text`` (comments and white space dropped). Never fails: an unterminated string runs to
    the end of its line (or of the text, for a long string), and any other character is a one-character token."""
    out: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in _WS:
            i += 1
            continue
        if c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
            continue
        if c in "'\"":
            j = _string_end(text, i)
            out.append(Token("string", text[i:j], i, j))
            i = j
            continue
        if c == "<":
            m = _IRIREF.match(text, i)
            if m:
                out.append(Token("iri", m.group(), i, m.end()))
                i = m.end()
                continue
        for kind, rx in (
            ("var", _VAR),
            ("lang", _LANG),
            ("bnode", _BNODE),
            ("pname", _PNAME),
            ("word", _WORD),
            ("number", _NUMBER),
        ):
            if kind == "var" and c not in "?$":
                continue
            if kind == "lang" and c != "@":
                continue
            m = rx.match(text, i)
            if m and m.end() > i + (1 if kind in ("var", "lang") else 0):
                if kind == "pname" and m.group().endswith(
                    "."
                ):  # a trailing dot ends the triple, not the name
                    end = m.end() - len(m.group()) + len(m.group().rstrip("."))
                    out.append(Token(kind, text[i:end], i, end))
                    i = end
                else:
                    out.append(Token(kind, m.group(), i, m.end()))
                    i = m.end()
                break
        else:
            out.append(Token("punct", c, i, i + 1))
            i += 1
    return out


def _string_end(text: str, i: int) -> int:
    q = text[i]
    if text.startswith(q * 3, i):
        j = i + 3
        while j < len(text):
            if text[j] == "\\":
                j += 2
                continue
            if text.startswith(q * 3, j):
                # a long string may end with one or two more quotes: '''a'''' is the string a'
                k = j + 3
                while k < len(text) and text[k] == q and k < j + 5:
                    k += 1
                return k
            j += 1
        return len(text)
    j = i + 1
    while j < len(text):
        ch = text[j]
        if ch == "\\":
            j += 2
            continue
        if ch == q:
            return j + 1
        if ch == "\n":
            return j
        j += 1
    return len(text)


def line_of(text: str, offset: int) -> int:
    """1-based line number of a character offset."""
    return text.count("\n", 0, offset) + 1


# --- terms in N-Triples syntax -------------------------------------------------------------------------------

_IRI_OK = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:[^<>\"{}|^`\\\x00-\x20]*$")
_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_UESCAPE = re.compile(r"\\[uU][0-9A-Fa-f]{4}")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def check_literal_text(value: str, what: str = "value") -> None:
    """Refuse what cannot travel safely as a literal: control characters, and a backslash followed by ``u`` and
    hex digits (engines disagree on whether that is an escape: see :mod:`perr_graph.sparql.safety`)."""
    if _CONTROL.search(value):
        raise QueryError(f"{what} contains a control character")
    if _UESCAPE.search(value):
        raise QueryError(
            f"{what} contains '\\u' followed by hex digits, which SPARQL engines read differently"
        )


def ntriples(term) -> str:
    """A pyoxigraph term in N-Triples syntax, escaped by ``ECHAR`` (never ``\\u``): ``<iri>``, ``"text"@fr``,
    ``"5"^^<http://www.w3.org/2001/XMLSchema#integer>``. Blank nodes are refused (they cannot be bound)."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        if not _IRI_OK.match(term.value):
            raise QueryError(f"{term.value!r} is not an absolute IRI that can be written in a query")
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        check_literal_text(term.value)
        body = '"' + "".join(_ECHAR.get(ch, ch) for ch in term.value) + '"'
        if term.language:
            if not re.fullmatch(r"[A-Za-z]+(-[A-Za-z0-9]+)*", term.language):
                raise QueryError(f"bad language tag {term.language!r}")
            return f"{body}@{term.language}"
        dt = term.datatype.value
        return body if dt == XSD_STRING else f"{body}^^{ntriples(term.datatype)}"
    raise QueryError(f"cannot bind {term!r}: only IRIs and literals can be parameter values")


# --- VALUES injection ----------------------------------------------------------------------------------------

_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")


def where_brace(text: str) -> int:
    """Offset just after the ``{`` that opens the outermost ``WHERE`` clause of a query."""
    toks = tokens(text)
    form_at = next((k for k, t in enumerate(toks) if t.keyword in _FORMS), None)
    if form_at is None:
        raise QueryError("not a SELECT, CONSTRUCT, DESCRIBE or ASK query")
    k = form_at + 1
    if toks[form_at].keyword == "CONSTRUCT":
        if k >= len(toks) or toks[k].text != "{":
            raise QueryError("parameters cannot be bound in the short form 'CONSTRUCT WHERE { … }'")
        depth = 0  # skip the construct template
        while k < len(toks):
            if toks[k].text == "{":
                depth += 1
            elif toks[k].text == "}":
                depth -= 1
                if depth == 0:
                    k += 1
                    break
            k += 1
    for t in toks[k:]:
        if t.kind == "punct" and t.text == "{":
            return t.end
    raise QueryError("the query has no WHERE clause to bind parameters in")


def inject_values(text: str, terms: dict[str, object]) -> str:
    """``text`` with ``VALUES ?name { term }`` for each parameter as the first thing inside the outermost WHERE
    clause, on the same line (so line numbers in error messages stay those of the file)."""
    if not terms:
        return text
    for name in terms:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryError(f"bad parameter name {name!r}")
    at = where_brace(text)
    block = "".join(f" VALUES ?{name} {{ {ntriples(term)} }}" for name, term in sorted(terms.items()))
    return text[:at] + block + text[at:]
