"""A SPARQL 1.1 lexer, and parameter binding by a ``VALUES`` block for remote endpoints.

The lexer follows the terminals of the SPARQL 1.1 grammar (SPARQL 1.1 Query, section 19.8, productions [139] to
[173]) character class by character class: ``IRIREF``, ``PNAME_NS`` / ``PNAME_LN`` (a prefixed name's local part
may hold ``.`` and ``:`` but not end with ``.``), ``BLANK_NODE_LABEL``, ``VAR1`` / ``VAR2``, ``LANGTAG``, the
numbers with their sign (``INTEGER_POSITIVE``, ``DECIMAL_NEGATIVE`` …: the longest match, as section 19.8
says), the four kinds of strings with their ``ECHAR`` escapes, and the operators ``||``, ``&&``, ``!=``, ``<=``,
``>=``, ``^^``. Comments run from ``#`` to the end of the line (section 19.4). A word (``SELECT``, ``a``,
``STRLEN``) is a keyword or a function name. The lexer never fails: an unterminated string is a ``bad-string``
token, any other character a one-character ``punct`` token.

It does not parse. :mod:`perr_graph.sparql.canonical` writes a query again from these tokens (the text every
engine then receives), :mod:`perr_graph.sparql.limits` measures their shape, :mod:`perr_graph.sparql.safety`
applies the policy to them, and :func:`inject_values` finds the outermost ``WHERE`` clause with them.

Parameters are never pasted into a query as text. For a remote endpoint they are bound by
``VALUES ?name { term }`` (SPARQL 1.1 section 10.2.2, "VALUES: Providing inline data"), inserted as the first
thing inside the outermost group graph pattern, with each term written in N-Triples syntax
(RDF 1.1 N-Triples, section 2.3 "Literals": ``ECHAR`` escapes for ``"``, ``\\``, line breaks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from perr_graph.errors import QueryError

# SPARQL 1.1 Query, section 19.8: [164] PN_CHARS_BASE, [165] PN_CHARS_U, [167] PN_CHARS (as character classes)
_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d\u2070-\u218f"
    "\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_U = _BASE + "_"
_CHARS = _U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"  # [170] PLX: PERCENT | PN_LOCAL_ESC

_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')  # [139]
_PREFIX = f"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?"  # [168] PN_PREFIX
_LOCAL = f"(?:[{_U}:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?"  # [169] PN_LOCAL
_PNAME = re.compile(f"(?:{_PREFIX})?:(?:{_LOCAL})?")  # [140] PNAME_NS, [141] PNAME_LN
_BNODE = re.compile(f"_:[{_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?")  # [142] BLANK_NODE_LABEL
_VAR = re.compile(f"[?$][{_U}0-9][{_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*")  # [143], [144], [166]
_LANG = re.compile(r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*")  # [145] LANGTAG
# [146] to [154]: DOUBLE before DECIMAL before INTEGER (the longest match), each with an optional sign
_NUMBER = re.compile(
    r"[+-]?(?:[0-9]+\.[0-9]*[eE][+-]?[0-9]+|\.[0-9]+[eE][+-]?[0-9]+|[0-9]+[eE][+-]?[0-9]+"
    r"|[0-9]*\.[0-9]+|[0-9]+)"
)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_OPERATORS = ("||", "&&", "!=", "<=", ">=", "^^")
_WS = " \t\n\r"  # [162] WS (section 19.3)
_QUOTES = ("'", '"')
#: ECHAR ([160]) escapes and what they stand for
ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


@dataclass(frozen=True)
class Token:
    kind: str  # iri, string, bad-string, var, pname, bnode, lang, number, word, punct
    text: str
    start: int
    end: int

    @property
    def keyword(self) -> str | None:
        """The keyword in upper case, for a bare word; None for anything else."""
        return self.text.upper() if self.kind == "word" else None


def unify_line_breaks(text: str) -> str:
    """Line breaks as ``\\n`` only (SPARQL ends a comment at ``\\n`` or ``\\r``, rdflib at ``\\n`` only)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def tokens(text: str) -> list[Token]:
    """The tokens of ``text`` (comments and white space dropped), in order. Never fails."""
    out: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in _WS:
            i += 1
            continue
        if c == "#":  # section 19.4: a comment ends at the end of the line, \n or \r
            ends = [k for k in (text.find("\n", i), text.find("\r", i)) if k >= 0]
            i = min(ends) if ends else n
            continue
        token = _token_at(text, i, c)
        out.append(token)
        i = token.end
    return out


def _token_at(text: str, i: int, c: str) -> Token:
    if c in _QUOTES:
        j, closed = _string_end(text, i)
        return Token("string" if closed else "bad-string", text[i:j], i, j)
    m = None
    kind = ""
    if c == "<":
        m, kind = _IRIREF.match(text, i), "iri"
    elif c in "?$":
        m, kind = _VAR.match(text, i), "var"
    elif c == "@":
        m, kind = _LANG.match(text, i), "lang"
    elif c == "_" and text.startswith("_:", i):
        m, kind = _BNODE.match(text, i), "bnode"
    elif c in "+-.0123456789":
        m, kind = _NUMBER.match(text, i), "number"
    if m is None and (c == ":" or c.isalpha()):
        m, kind = _PNAME.match(text, i), "pname"
        if m is None and c.isascii():
            m, kind = _WORD.match(text, i), "word"
    if m is not None:
        return Token(kind, m.group(), i, m.end())
    for op in _OPERATORS:
        if text.startswith(op, i):
            return Token("punct", op, i, i + len(op))
    return Token("punct", c, i, i + 1)


def _string_end(text: str, i: int) -> tuple[int, bool]:
    """(end of the string starting at ``i``, whether it is closed). [156] to [159]: a short string cannot hold a
    line break; a long one may end with one or two more quotes (three quotes then ``a''''`` is ``a'``)."""
    q = text[i]
    if text.startswith(q * 3, i):
        j = i + 3
        while j < len(text):
            if text[j] == "\\":
                j += 2
                continue
            if text.startswith(q * 3, j):
                k = j + 3
                while k < len(text) and text[k] == q and k < j + 5:
                    k += 1
                return k, True
            j += 1
        return len(text), False
    j = i + 1
    while j < len(text):
        ch = text[j]
        if ch == "\\":
            j += 2
            continue
        if ch == q:
            return j + 1, True
        if ch in "\n\r":
            return j, False
        j += 1
    return len(text), False


def string_value(token: Token) -> str:
    """The characters a string token stands for, its ``ECHAR`` escapes applied; ValueError for a backslash that
    is not one of them."""
    body = token.text
    quote = 3 if body[:3] in (_QUOTES[0] * 3, _QUOTES[1] * 3) and len(body) >= 6 else 1
    body = body[quote:-quote]
    out, i = [], 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            nxt = body[i + 1 : i + 2]
            if nxt not in ECHAR:
                raise ValueError(
                    f"'\\{nxt}' is not a string escape (SPARQL has \\t \\b \\n \\r \\f \\\" \\' \\\\)"
                )
            out.append(ECHAR[nxt])
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def local_name(pname: str) -> tuple[str, str]:
    """(prefix, local part) of a prefixed name token, its ``PN_LOCAL_ESC`` escapes removed; ``%xx`` stays as
    written (section 19.5: the percent encoding is part of the IRI)."""
    prefix, _, local = pname.partition(":")
    return prefix, re.sub(r"\\(.)", r"\1", local)


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
