"""The report's file names and links. Every page name made from the data goes through
:func:`perr_graph.analysis.names.file_stem`: an id that is not a plain slug never becomes a path."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from perr_graph import namespaces as ns
from perr_graph.analysis.names import file_stem

_ORG = str(ns.ID["org/"])


def partner_key(iri: str) -> str:
    """``caf-drome`` for ``id:org/caf-drome``; an IRI outside ``id:org/`` is its own key."""
    return iri[len(_ORG) :] if iri.startswith(_ORG) else iri


@dataclass
class Links:
    """Where each page is. ``sources``: the protocols whose source page is written (their line links work)."""

    sources: set[str] = field(default_factory=set)

    def protocol(self, pid: str) -> str:
        return f"protocol-{file_stem(pid)}.html"

    def commitment(self, pid: str, key: str) -> str:
        return f"{self.protocol(pid)}#c-{key}"

    def source(self, pid: str) -> str | None:
        return f"source-{file_stem(pid)}.html" if pid in self.sources else None

    def line(self, pid: str, line: int | str | None) -> str | None:
        """The link to a line of a protocol's source text, or None when its source page is not written."""
        page = self.source(pid)
        return f"{page}#L{line}" if page and line else None

    def partner(self, iri: str) -> str:
        return f"partner-{file_stem(partner_key(iri))}.html"

    def search(self, **filters: str | None) -> str:
        """The commitments page filtered (``territory``, ``partner``, ``role``, ``category``, ``pillar``,
        ``theme``, ``lead``, ``strongest``): the filters go in the fragment, read by the page's script."""
        parts = [f"{k}={quote(str(v), safe='')}" for k, v in filters.items() if v is not None]
        return "commitments.html" + ("#" + "&".join(parts) if parts else "")
