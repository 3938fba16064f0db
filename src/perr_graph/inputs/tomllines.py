"""Where each key of a TOML file is written: so that a mistake found after parsing still names its line.

:mod:`tomllib` returns plain values without positions. :func:`key_lines` reads the text once more, line by line,
and records the line of every key path it can see: table headers (``[period]``, the n-th ``[[read]]``), keys
(``line = 5``, ``"EMPLOI" = { … }``, dotted keys), the keys of an inline table written on one line, and the
elements of an array written one per line. :func:`line_of` answers with the longest recorded prefix of a path,
so a value nested deeper than this reading goes points at the line that holds it. It never fails: a path it
cannot place gives None, and the error is reported with the file alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

Path_ = tuple[str | int, ...]

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(
    r'^\s*((?:"[^"]*"|\'[^\']*\'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"[^"]*"|\'[^\']*\'|[A-Za-z0-9_-]+))*)\s*='
)
_INLINE_KEY = re.compile(r'(?:[{,]\s*)("[^"]*"|[A-Za-z0-9_-]+)\s*=')
_PART = re.compile(r'"([^"]*)"|\'([^\']*)\'|([A-Za-z0-9_-]+)')


def _parts(dotted: str) -> list[str]:
    """``a."b c".d`` → ``["a", "b c", "d"]``."""
    return [next(g for g in m.groups() if g is not None) for m in _PART.finditer(dotted)]


def _depth(text: str) -> int:
    """Bracket depth change of one line of TOML (strings and comments left out)."""
    depth, quote, i = 0, "", 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\" and quote == '"':
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            break
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        i += 1
    return depth


def key_lines(text: str) -> dict[Path_, int]:
    """Every key path this reading can place, with its 1-based line."""
    index: dict[Path_, int] = {}
    counts: dict[tuple[str, ...], int] = {}
    table: Path_ = ()
    in_string = False
    array: tuple[Path_, int, int] | None = None  # (path of a multi-line array, depth left, next element)
    for n, line in enumerate(text.split("\n"), start=1):
        if in_string:
            if line.count('"""') % 2 == 1:
                in_string = False
            continue
        if array is not None:
            path, depth, element = array
            if line.strip().startswith("{") or (
                line.strip() and depth == 1 and not line.strip().startswith("]")
            ):
                index.setdefault((*path, element), n)
                _inline_keys(index, (*path, element), line, n)
                element += 1
            depth += _depth(line)
            array = None if depth <= 0 else (path, depth, element)
            continue
        header = _HEADER.match(line)
        if header and not _KEY.match(line):
            names = tuple(_parts(header.group(2)))
            if header.group(1) == "[[":
                i = counts.get(names, 0)
                counts[names] = i + 1
                table = (*names, i)
            else:
                table = names
            index.setdefault(table, n)
            continue
        key = _KEY.match(line)
        if not key:
            continue
        path = (*table, *_parts(key.group(1)))
        index.setdefault(path, n)
        rest = line[key.end() :]
        if rest.count('"""') % 2 == 1:
            in_string = True
            continue
        _inline_keys(index, path, rest, n)
        depth = _depth(rest)
        if depth > 0 and rest.strip().startswith("["):
            element = _elements_on(rest)
            array = (path, depth, element)
    return index


def _elements_on(rest: str) -> int:
    """How many elements of an array begin on the line that opens it."""
    body = rest.strip()[1:].strip()
    return 0 if not body or body.startswith("#") else body.count("{") or 1


def _inline_keys(index: dict[Path_, int], path: Path_, text: str, n: int) -> None:
    for m in _INLINE_KEY.finditer(text):
        index.setdefault((*path, _parts(m.group(1))[0]), n)


def line_of(index: dict[Path_, int], path: Sequence[str | int]) -> int | None:
    """The line of ``path``, or of its longest prefix that has one."""
    p = tuple(path)
    while p:
        if p in index:
            return index[p]
        p = p[:-1]
    return None
