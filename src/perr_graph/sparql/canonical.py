"""The text every engine receives: a query written again from its tokens, in a form with one reading only.

Two SPARQL parsers may split the same text into different tokens (issue 16: rdflib reads
``ex:a.b.SERVICE:x`` as one prefixed name, Oxigraph as ``ex:a.b`` ``.`` ``SERVICE`` ``:x``). A check made on one
parser's reading then says nothing of what the other runs. So the engine never receives the text as written:
:func:`rewrite` writes it again from the tokens of :mod:`perr_graph.sparql.lex`, each in a shape whose limits no
SPARQL 1.1 lexer can draw elsewhere (section 19.8's terminals):

* every token is followed by white space (a line break where the original had one, so line numbers stay), and
  comments are dropped;
* prefixed names are written as full IRIs (``<http://example.org/a.b.SERVICE:x>``), and the ``PREFIX``
  declarations are dropped: there is no prefixed name left to split;
* strings are written with double quotes and only the escapes ``\\\\``, ``\\"``, ``\\n``, ``\\r`` (section 19.7);
  a language tag or ``^^`` stays attached to its string;
* a path modifier (``*``, ``+``, ``?``), or the ``(`` of a function call, written right after the previous token
  stays there (rdflib wants the modifiers attached; Oxigraph wants ``COALESCE(`` without a space);
* blank node labels become ``_:b0``, ``_:b1`` … (one for one: the same label, the same new label);
* IRIs, variables, numbers, language tags, words and operators are kept as they are: their terminals hold
  neither white space nor a character that could start another token in the middle.

The safety check (:mod:`perr_graph.sparql.safety`) is then made on this text, and it is this text that runs.
Writing again a text that is already canonical gives the same text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from perr_graph.errors import QueryError
from perr_graph.sparql import lex
from perr_graph.sparql.lex import Token

_IRI_CHARS = re.compile(r'^[^<>"{}|^`\\\x00-\x20]*$')
_UESCAPE = re.compile(r"\\[uU][0-9A-Fa-f]{4}")
_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"}
#: path modifiers (section 9.1), written right after what they modify when the original did so
_MODIFIERS = ("*", "+", "?")


@dataclass
class Canonical:
    """A query written again (:attr:`text`), with where each of its tokens came from in the original."""

    text: str
    tokens: list[Token]  # the tokens of ``text``
    origin: list[int]  # for each of them, the offset of the token it was written from, in the original
    original: str
    prefixes: dict[str, str] = field(default_factory=dict)
    bases: list[str] = field(default_factory=list)

    def original_offset(self, offset: int) -> int:
        """The offset in the original text of what stands at ``offset`` in :attr:`text`."""
        starts = [t.start for t in self.tokens]
        k = bisect_right(starts, offset) - 1
        return self.origin[k] if k >= 0 else 0


def _refuse(message: str, text: str, offset: int, source: str | None) -> QueryError:
    line = lex.line_of(text, offset)
    if source is None:
        return QueryError(f"line {line}: {message}")
    return QueryError(message, source, line)


def _string(value: str) -> str:
    return '"' + "".join(_STRING_ESCAPES.get(ch, ch) for ch in value) + '"'


def _prologue(toks: list[Token], text: str, source: str | None) -> tuple[dict[str, str], set[int]]:
    """The prefixes declared (``PREFIX p: <iri>``, section 4.1.1) and the positions of the tokens that declare
    them (dropped from the canonical text)."""
    prefixes: dict[str, str] = {}
    dropped: set[int] = set()
    for k, t in enumerate(toks):
        if t.keyword != "PREFIX":
            continue
        name = toks[k + 1] if k + 1 < len(toks) else None
        iri = toks[k + 2] if k + 2 < len(toks) else None
        if (
            name is None
            or name.kind != "pname"
            or not name.text.endswith(":")
            or iri is None
            or iri.kind != "iri"
        ):
            raise _refuse(
                "syntax error: PREFIX needs a prefix name and an IRI (PREFIX p: <…>)", text, t.start, source
            )
        prefixes[name.text[:-1]] = iri.text[1:-1]
        dropped.update((k, k + 1, k + 2))
    return prefixes, dropped


def _written(
    t: Token, prefixes: dict[str, str], bnodes: dict[str, str], text: str, source: str | None
) -> str:
    """One token as the canonical text writes it."""
    if t.kind == "pname":
        prefix, local = lex.local_name(t.text)
        if prefix not in prefixes:
            raise _refuse(
                f"unknown prefix {prefix}: (declare it: PREFIX {prefix}: <…>)", text, t.start, source
            )
        iri = prefixes[prefix] + local
        if not _IRI_CHARS.match(iri):
            raise _refuse(f"{t.text} does not make an IRI", text, t.start, source)
        return f"<{iri}>"
    if t.kind == "string":
        try:
            return _string(lex.string_value(t))
        except ValueError as exc:
            raise _refuse(f"syntax error: {exc}", text, t.start, source) from None
    if t.kind == "bad-string":
        raise _refuse("syntax error: a string is not closed on its line", text, t.start, source)
    if t.kind == "bnode":
        return bnodes.setdefault(t.text, f"_:b{len(bnodes)}")
    return t.text


def rewrite(text: str, source: str | None = None) -> Canonical:
    """``text`` (line breaks already unified) written again as the module docstring says; QueryError (one line,
    with the line number) for what cannot be written again: an undeclared prefix, a string not closed, an escape
    SPARQL does not have."""
    toks = lex.tokens(text)
    prefixes, dropped = _prologue(toks, text, source)
    bnodes: dict[str, str] = {}
    parts: list[str] = []
    starts: list[int] = []
    origin: list[int] = []
    words: list[str] = []
    size, pending_lines, previous_end = 0, 0, 0
    kind_before = ""
    for k, t in enumerate(toks):
        pending_lines += text.count("\n", previous_end, t.start)
        adjacent = t.start == previous_end
        previous_end = t.end
        previous_kind, kind_before = kind_before, t.kind
        if k in dropped:
            pending_lines += t.text.count("\n")
            continue
        word = _written(t, prefixes, bnodes, text, source)
        attached = (
            t.kind == "lang"
            or t.text == "^^"
            or (bool(words) and words[-1] == "^^")
            or (t.kind == "punct" and t.text in _MODIFIERS and adjacent)
            or (t.text == "(" and adjacent and previous_kind in ("word", "iri", "pname"))
        )
        if not parts and pending_lines:  # the lines before the first token written (comments, PREFIX …)
            parts.append("\n" * pending_lines)
            size += pending_lines
            pending_lines = 0
        elif parts and not attached:
            gap = "\n" * pending_lines if pending_lines else " "
            parts.append(gap)
            size += len(gap)
            pending_lines = 0
        starts.append(size)
        origin.append(t.start)
        parts.append(word)
        words.append(word)
        size += len(word)
        pending_lines += t.text.count(
            "\n"
        )  # a long string written on one line: its line breaks come after it
    pending_lines += text.count("\n", previous_end)
    if pending_lines:
        parts.append("\n" * pending_lines)
    out = "".join(parts)
    m = _UESCAPE.search(out)
    if m:  # a backslash before u and four hex digits, kept in a string: rdflib would read an escape there
        at = origin[bisect_right(starts, m.start()) - 1]
        raise _refuse(
            "'\\u' followed by hex digits is refused (engines read it differently)", text, at, source
        )
    written = lex.tokens(out)
    if [t.start for t in written] != starts or [
        t.text for t in written
    ] != words:  # cannot happen: every token keeps its limits (see above)
        raise _refuse("refused: the query cannot be written in a form with one reading", text, 0, source)
    bases = [
        toks[k + 1].text[1:-1]
        for k, t in enumerate(toks[:-1])
        if t.keyword == "BASE" and toks[k + 1].kind == "iri"
    ]
    return Canonical(out, written, origin, text, prefixes, bases)
