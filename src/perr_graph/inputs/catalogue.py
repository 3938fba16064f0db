"""The source texts and their catalogue (``sources/catalogue.csv`` of a corpus).

A source is read byte-for-byte; line numbers are 1-based, as an editor shows them, and every quote the readers
record must stand in the lines they say. :meth:`SourceText.require` is how a reader proves it.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from perr_graph.errors import ConfigError, SourceError

#: the columns of ``catalogue.csv``, in order: the protocol id (the name of its configuration), the text's file
#: name under ``sources/`` (any name; ``perr add`` names it ``<id>.txt``), its title and territory as people say
#: them, the SHA-256 of its bytes and its number of lines (a last line without a final newline counts)
COLUMNS = ["id", "file", "title", "territory", "sha256", "lines"]


@dataclass(frozen=True)
class CatalogueEntry:
    id: str
    file: str
    title: str
    territory: str
    sha256: str
    lines: int
    #: where the row stands (catalogue file and line), for errors found when the text is read
    path: str = field(default="", compare=False)
    row: int = field(default=0, compare=False)


def read_catalogue(path: Path) -> dict[str, CatalogueEntry]:
    """The catalogue rows by protocol id."""
    if not path.exists():
        raise ConfigError("catalogue not found", path)
    entries: dict[str, CatalogueEntry] = {}
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        for n, row in enumerate(reader, start=2):
            try:
                entry = CatalogueEntry(
                    row["id"],
                    row["file"],
                    row["title"],
                    row["territory"],
                    row["sha256"],
                    int(row["lines"]),
                    str(path),
                    n,
                )
            except (KeyError, TypeError, ValueError) as exc:
                raise ConfigError(f"malformed catalogue row ({exc})", path, n) from None
            if entry.id in entries:
                raise ConfigError(f"duplicate protocol id {entry.id!r}", path, n)
            entries[entry.id] = entry
    return entries


@dataclass
class SourceText:
    """One source text, split into lines (``lines[0]`` is line 1)."""

    path: Path
    lines: list[str]
    sha256: str
    raw: bytes = field(repr=False, default=b"")

    @classmethod
    def load(cls, path: Path, expected_sha256: str | None = None) -> SourceText:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise SourceError(f"cannot read source text ({exc.strerror})", path) from None
        digest = hashlib.sha256(raw).hexdigest()
        if expected_sha256 and digest != expected_sha256:
            raise SourceError(
                f"checksum {digest[:12]}… differs from the catalogue's {expected_sha256[:12]}…; "
                "sources must be kept byte-for-byte",
                path,
            )
        if not raw.strip():
            raise SourceError("source text is empty", path)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise SourceError("not UTF-8 text (convert it to UTF-8 first)", path, line) from None
        return cls(path=path, lines=text.split("\n"), sha256=digest, raw=raw)

    @property
    def line_count(self) -> int:
        return len(self.lines) - (1 if self.lines and self.lines[-1] == "" else 0)

    def line(self, n: int) -> str:
        self.check_range(n, n)
        return self.lines[n - 1]

    def span(self, start: int, end: int) -> str:
        """Lines ``start``..``end`` inclusive, joined by newlines."""
        self.check_range(start, end)
        return "\n".join(self.lines[start - 1 : end])

    def check_range(self, start: int, end: int) -> None:
        if not (1 <= start <= end <= self.line_count):
            raise SourceError(
                f"line range {start}-{end} is outside the text (1-{self.line_count})",
                self.path,
                start if start >= 1 else None,
            )

    def require(self, quote: str, start: int, end: int | None = None) -> None:
        """Fail unless ``quote`` stands verbatim in lines ``start``..``end``."""
        end = start if end is None else end
        if quote not in self.span(start, end):
            raise SourceError(f"quote not found at line(s) {start}-{end}: {quote[:60]!r}", self.path, start)


def load_source(entry: CatalogueEntry, directory: Path) -> SourceText:
    """The text of a catalogue row, from the corpus's ``sources/`` folder, checked against its checksum and its
    line count (a wrong count in the catalogue is an error at the catalogue's row)."""
    source = SourceText.load(directory / entry.file, entry.sha256)
    if source.line_count != entry.lines:
        raise ConfigError(
            f"lines {entry.lines} for {entry.id!r}, but {entry.file} has {source.line_count} lines",
            entry.path or None,
            entry.row or None,
        )
    return source
