"""Bounds on the shape of a query, measured on its tokens before any parser or engine sees it.

Oxigraph's parser and evaluator recurse once per level of a query's syntax tree: a 16 KB ``BIND(1+1+…)`` of 8,000
terms, 3,000 nested groups or 10,000 ``!`` overflow its stack and kill the process (issue 16, measured on
pyoxigraph 0.5). rdflib's parser recurses too, about once per triple pattern. So before either sees a query,
:func:`check_shape` refuses one that is larger than the bounds of :class:`ShapeLimits`, in one line that says
which bound and where:

* ``max_chars``: the length of the text;
* ``max_tokens``: how many tokens (:mod:`perr_graph.sparql.lex`) it has;
* ``max_depth``: how deeply ``{ }``, ``( )`` and ``[ ]`` nest;
* ``max_chain``: how long one chain is, at one level of brackets: operators (``+ - * / || && = != < > <= >=
  ! ^ |``, signed numbers), and pattern separators or joining keywords (``.`` ``;`` ``,`` ``UNION``
  ``OPTIONAL`` ``MINUS``), each counted in its own chain.

The measure is one pass over the tokens, with no recursion. The bounds (50,000 characters, 5,000 tokens, 64
levels, chains of 200) are ten times and more what the query library uses (at most 5,326 characters, 454
tokens, 7 levels, chains of 10), far below what kills the engine (chains of 8,000, 1,000 levels), and they keep
the check itself short: rdflib takes about a second for a chain of 200 additions or 500 triple patterns.
"""

from __future__ import annotations

from dataclasses import dataclass

from perr_graph.errors import QueryError
from perr_graph.sparql import lex
from perr_graph.sparql.lex import Token

_OPEN = {"{": "}", "(": ")", "[": "]"}
_CLOSE = {"}", ")", "]"}
_OPERATORS = {"+", "-", "*", "/", "||", "&&", "=", "!=", "<", ">", "<=", ">=", "!", "^", "|"}
_SEPARATORS = {".", ";", ","}
_JOINS = {"UNION", "OPTIONAL", "MINUS"}


@dataclass(frozen=True)
class ShapeLimits:
    """The bounds :func:`check_shape` applies (see the module docstring)."""

    max_chars: int = 50_000
    max_tokens: int = 5_000
    max_depth: int = 64
    max_chain: int = 200


@dataclass
class Shape:
    """What :func:`measure` found: the largest of each measure, and where it is (a token offset)."""

    tokens: int = 0
    depth: int = 0
    depth_at: int = 0
    chain: int = 0
    chain_at: int = 0


def measure(toks: list[Token]) -> Shape:
    """The shape of a query from its tokens (see the module docstring), in one pass."""
    shape = Shape(tokens=len(toks))
    # per open bracket: [operators, separators, joins] counted at that level
    stack: list[list[int]] = [[0, 0, 0]]
    for t in toks:
        if t.kind == "punct" and t.text in _OPEN:
            stack.append([0, 0, 0])
            if len(stack) - 1 > shape.depth:
                shape.depth, shape.depth_at = len(stack) - 1, t.start
            continue
        if t.kind == "punct" and t.text in _CLOSE:
            if len(stack) > 1:
                stack.pop()
            continue
        counts = stack[-1]
        if (t.kind == "punct" and t.text in _OPERATORS) or (t.kind == "number" and t.text[0] in "+-"):
            counts[0] += 1
        elif t.kind == "punct" and t.text in _SEPARATORS:
            counts[1] += 1
        elif t.keyword in _JOINS:
            counts[2] += 1
        else:
            continue
        longest = max(counts)
        if longest > shape.chain:
            shape.chain, shape.chain_at = longest, t.start
    return shape


def check_shape(text: str, toks: list[Token], limits: ShapeLimits, source: str | None = None) -> Shape:
    """Refuse a query over one of the bounds, with the line where it goes over; the shape otherwise."""

    def refuse(message: str, offset: int) -> QueryError:
        line = lex.line_of(text, offset)
        if source is None:
            return QueryError(f"line {line}: {message}")
        return QueryError(message, source, line)

    if len(text) > limits.max_chars:
        raise refuse(f"query refused: {len(text)} characters, more than {limits.max_chars}", limits.max_chars)
    shape = measure(toks)
    if shape.tokens > limits.max_tokens:
        raise refuse(
            f"query refused: {shape.tokens} tokens, more than {limits.max_tokens}",
            toks[limits.max_tokens].start,
        )
    if shape.depth > limits.max_depth:
        raise refuse(
            f"query refused: brackets nested {shape.depth} deep, more than {limits.max_depth}", shape.depth_at
        )
    if shape.chain > limits.max_chain:
        raise refuse(
            f"query refused: an expression or a group of {shape.chain} operators or patterns in a row, "
            f"more than {limits.max_chain}: split it",
            shape.chain_at,
        )
    return shape
