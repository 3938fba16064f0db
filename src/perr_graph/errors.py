"""One exception hierarchy (after pySHACL's ``errors.py``).

The command line catches :class:`PerrError`, prints its one-line message and exits with its ``exit_code``;
a traceback is shown only with ``--debug``. Exit codes: 0 success / conforms, 1 validation results at or above
the threshold, 2 bad input or unreachable service.
"""

from __future__ import annotations

from pathlib import Path


class PerrError(Exception):
    """Base class: a problem the user can fix, reported as one line."""

    exit_code = 2

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line is not None else f"{self.path}: "
        return f"{where}{self.message}"


class SourceError(PerrError):
    """A source text does not read as its configuration says (unknown mark, shifted row, missing quote …)."""


class ConfigError(PerrError):
    """A protocol configuration, the catalogue or a registry file is malformed."""


class RegistryError(ConfigError):
    """A name, mark or code that the partner or territory registry does not know."""


class InputError(PerrError):
    """A user-supplied RDF or query file cannot be read (syntax error, unknown format, missing file)."""


class QueryError(PerrError):
    """A SPARQL query is malformed, refused (SERVICE, LOAD, remote FROM) or over a limit."""


class EndpointError(PerrError):
    """A remote SPARQL endpoint or graph store cannot be reached or answers wrongly."""


class UnreadContent(PerrError):
    """``perr build --strict``: content lines of a text that no block reads, no fact cites and the configuration
    does not ignore (exit code 1, like validation results at or above the threshold)."""

    exit_code = 1

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None, unread=()):
        super().__init__(message, path, line)
        #: every unread line: (protocol id, source path, line, what it holds, text)
        self.unread = list(unread)
