"""What the commands show in a terminal: plain values, tables that fit the terminal's width, progress bars.

:func:`plain_value` is how a value is written wherever the project writes a table — the terminal, the
comparison's CSV and the report's pages. :func:`render` aligns a table for the terminal (numbers right-aligned)
and fits it to a width: the ``--width`` given, else ``COLUMNS``, else the real terminal when standard output is
one; piped into a file with none of these, a table keeps its natural width. Text cells are shortened with an
ellipsis, numbers never; a table too wide even so is cut into blocks of columns, each repeating the first
column(s). :class:`Progress` shows rich's progress bars on standard error, only when it is a terminal and the
command was not given ``--quiet``.
"""

from __future__ import annotations

import os
import shutil
import sys
from contextlib import AbstractContextManager
from typing import Any

#: text columns are not shortened below this many characters (unless the text itself is shorter)
MIN_TEXT = 8
SEP = "  "
ELLIPSIS = "…"


def plain_value(v) -> str:
    """A cell value as text: empty for None, floats to at most 4 decimals without trailing zeros."""
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.4f}".rstrip("0").rstrip(".")
    return str(v)


def terminal_width(override: int | None = None) -> int | None:
    """The width tables must fit: ``override`` (``--width``), else ``COLUMNS``, else the terminal standard
    output is written to; None (no limit) when output goes to a file or a pipe and nothing says otherwise."""
    if override:
        return max(override, 20)
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return max(int(columns), 20)
    try:
        if sys.stdout.isatty():
            return max(shutil.get_terminal_size().columns, 20)
    except (AttributeError, ValueError, OSError):
        pass
    return None


def shorten(text: str, width: int) -> str:
    """``text`` in at most ``width`` characters, an ellipsis standing for what is cut."""
    if len(text) <= width:
        return text
    return text[: max(width - 1, 0)] + ELLIPSIS if width > 0 else ""


def _is_number(s: str) -> bool:
    return s.lstrip("-").replace(".", "", 1).isdigit()


def _fit(natural: list[int], minimum: list[int], room: int) -> list[int]:
    """Column widths within ``room`` characters (separators left out): the widest columns are narrowed first,
    none below its minimum (water-filling on a common cap)."""
    if sum(natural) <= room:
        return natural
    lo, hi = 0, max(natural)
    while lo < hi:  # the largest cap whose widths fit
        cap = (lo + hi + 1) // 2
        if sum(max(m, min(w, cap)) for w, m in zip(natural, minimum, strict=True)) <= room:
            lo = cap
        else:
            hi = cap - 1
    widths = [max(m, min(w, lo)) for w, m in zip(natural, minimum, strict=True)]
    spare = room - sum(widths)
    for i in sorted(range(len(widths)), key=lambda i: -natural[i]):  # hand out what the cap left over
        if spare <= 0:
            break
        extra = min(spare, natural[i] - widths[i])
        widths[i] += extra
        spare -= extra
    return widths


def _blocks(minimum: list[int], keep: int, width: int) -> list[list[int]]:
    """Column indices cut into blocks that fit ``width`` at their minimum widths, each starting with the first
    ``keep`` columns."""
    head = list(range(min(keep, len(minimum))))
    blocks: list[list[int]] = []
    current = list(head)
    used = sum(minimum[i] for i in head) + len(SEP) * max(len(head) - 1, 0)
    for i in range(len(head), len(minimum)):
        need = minimum[i] + (len(SEP) if current else 0)
        if len(current) > len(head) and used + need > width:
            blocks.append(current)
            current = list(head)
            used = sum(minimum[j] for j in head) + len(SEP) * max(len(head) - 1, 0)
            need = minimum[i] + (len(SEP) if current else 0)
        current.append(i)
        used += need
    blocks.append(current)
    return blocks


def render(
    header: list[str], rows: list[list], max_width: int = 60, width: int | None = None, keep: int = 1
) -> str:
    """A table for the terminal: a header line, a rule, a line per row; no cell wider than ``max_width``, and
    no line longer than ``width`` (None: :func:`terminal_width`; 0: no limit). ``keep``: how many leading
    columns each block repeats when the table must be cut into blocks of columns."""
    limit = terminal_width() if width is None else (width or None)
    body = [[shorten(plain_value(v).replace("\n", " "), max_width) for v in r] for r in rows]
    n = len(header)
    numeric = [any(r[i] for r in body) and all(_is_number(r[i]) for r in body if r[i]) for i in range(n)]
    natural = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(header)]
    content = [max([len(r[i]) for r in body], default=0) for i in range(n)]
    minimum = [max(content[i], 3) if numeric[i] else min(natural[i], MIN_TEXT) for i in range(n)]
    if limit is None or sum(natural) + len(SEP) * (n - 1) <= limit:
        blocks = [list(range(n))]
    else:
        blocks = _blocks(minimum, keep, limit)
    out: list[str] = []
    for b, cols in enumerate(blocks):
        room = (limit or 10**9) - len(SEP) * (len(cols) - 1)
        widths = _fit([natural[i] for i in cols], [minimum[i] for i in cols], room)
        if b:
            out.append("")

        def line(values: list[str], widths: list[int] = widths, cols: list[int] = cols) -> str:
            cells = []
            for v, w, i in zip(values, widths, cols, strict=True):
                v = shorten(v, w)
                cells.append(v.rjust(w) if numeric[i] else v.ljust(w))
            return SEP.join(cells).rstrip()

        out.append(line([header[i] for i in cols]))
        out.append(SEP.join("-" * w for w in widths))
        out += [line([r[i] for i in cols]) for r in body]
    return "\n".join(out)


class Progress(AbstractContextManager):
    """Progress bars on standard error (rich), for work that can take more than a few seconds; silent when
    standard error is not a terminal or with ``quiet``. Use::

        with Progress(quiet=args.quiet) as progress:
            pages = progress.task("Pages", total=len(names))
            for name in names:
                ...
                progress.advance(pages)
    """

    def __init__(self, quiet: bool = False, stream=None):
        stream = stream or sys.stderr
        try:
            tty = stream.isatty()
        except (AttributeError, ValueError):
            tty = False
        self.enabled = tty and not quiet
        self._bars: Any = None  # rich's Progress, once started
        self._stream = stream

    def __enter__(self) -> Progress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )
            from rich.progress import Progress as Bars

            self._bars = Bars(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(file=self._stream),
                transient=True,
            )
            self._bars.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._bars is not None:
            self._bars.stop()
            self._bars = None

    def task(self, description: str, total: int | None = None) -> int:
        """A new bar (``total`` None: a spinner for work of unknown length); its id for :meth:`advance`."""
        if self._bars is None:
            return -1
        return int(self._bars.add_task(description, total=total))

    def advance(self, task: int, steps: int = 1) -> None:
        if self._bars is not None and task >= 0:
            self._bars.advance(task, steps)

    def done(self, task: int) -> None:
        """Mark ``task`` finished (a spinner stops, a bar fills)."""
        if self._bars is not None and task >= 0:
            t = next(x for x in self._bars.tasks if x.id == task)
            self._bars.update(t.id, total=t.completed or 1, completed=t.completed or 1)
