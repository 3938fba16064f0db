"""Per-protocol configuration (``data/protocols/<id>.toml``): which reader reads which lines, with which legend.

A new protocol needs a catalogue row, its text under ``data/sources/`` and one of these files — no Python.
The keys are documented in ``data/protocols/README.md``; this module checks their shape and reports the file
and line of a mistake.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from perr_graph.errors import ConfigError
from perr_graph.inputs import paths

READERS = {
    "matrix",
    "objectives-table",
    "prose",
    "signatory-list",
    "signature-html",
    "signature-blocks",
    "signature-for",
    "statistics",
    "amounts",
    "references",
    "party-table",
    "indicator-lines",
    "objective-list",
}

TOP_KEYS = {
    "id",
    "source",
    "epci",
    "territory",
    "lead_note",
    "title",
    "period",
    "signing",
    "contract",
    "qpv",
    "watch",
    "place",
    "objective",
    "population",
    "body",
    "labels",
    "matrix",
    "read",
    "explicit_words_ignore",
}


def load_config(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read configuration ({exc.strerror})", path) from None
    try:
        cfg = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"at line (\d+)", str(exc))
        raise ConfigError(
            f"not valid TOML: {str(exc).split(' (at line')[0]}", path, int(m.group(1)) if m else None
        ) from None
    cfg["_path"] = str(path)
    cfg["_text"] = text
    unknown = set(cfg) - TOP_KEYS - {"_path", "_text"}
    if unknown:
        raise ConfigError(
            f"unknown key(s): {', '.join(sorted(unknown))}", path, _line_of(text, sorted(unknown)[0])
        )
    for key in ("id", "source", "read"):
        if key not in cfg:
            raise ConfigError(f"missing key {key!r}", path)
    for n, block in enumerate(cfg["read"], start=1):
        if not isinstance(block, dict) or block.get("reader") not in READERS:
            raise ConfigError(
                f"[[read]] block {n}: reader must be one of {', '.join(sorted(READERS))}",
                path,
                _line_of(text, "[[read]]", n),
            )
        lines = block.get("lines")
        if not (
            isinstance(lines, list)
            and len(lines) == 2
            and all(isinstance(x, int) for x in lines)
            and lines[0] <= lines[1]
        ):
            raise ConfigError(
                f"[[read]] block {n}: lines must be [first, last]", path, _line_of(text, "[[read]]", n)
            )
        block["_n"] = n
        block["_line"] = _line_of(text, "[[read]]", n)
    return cfg


def _line_of(text: str, needle: str, occurrence: int = 1) -> int | None:
    """The line number of the n-th line containing ``needle`` (to point at a mistake)."""
    seen = 0
    for i, line in enumerate(text.split("\n"), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return i
    return None


def protocol_configs(directory: Path = paths.PROTOCOLS) -> list[Path]:
    return sorted(directory.glob("*.toml"))
