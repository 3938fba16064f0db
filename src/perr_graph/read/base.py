"""What every reader shares: the reading context, keys, spans, partner and label resolution."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from perr_graph.errors import ConfigError, RegistryError, SourceError
from perr_graph.inputs.catalogue import SourceText
from perr_graph.inputs.config import Block, ProtocolConfig
from perr_graph.inputs.registry import NOBODY, Registry
from perr_graph.model import Involvement, Protocol, Section, Span
from perr_graph.text import clean, fold, line_key_for, vocabulary


@dataclass
class Context:
    """One protocol being read: its text, configuration, the registry, and the facts found so far."""

    pid: str
    source: SourceText
    config: ProtocolConfig
    registry: Registry
    protocol: Protocol
    #: the text of another protocol of the corpus, by id (for the premises of a hypothesis); None: not available
    sources: Callable[[str], SourceText] | None = None
    _keys: dict[str, set[str]] = field(default_factory=dict)
    _words: set[str] | None = None
    _ignored: set[int] | None = None

    # --- where ---------------------------------------------------------------------------------------------

    @property
    def path(self) -> str:
        return str(self.source.path)

    def error(self, message: str, line: int | None) -> SourceError:
        return SourceError(message, self.source.path, line)

    def config_error(self, message: str, block: Block | None = None, value: str | None = None) -> ConfigError:
        """An error in the configuration, pointing at the block or at the line where ``value`` is written."""
        line = block.toml_line if block else None
        if value is not None:
            line = self.config_line(value) or line
        return ConfigError(message, self.config.path, line)

    def words(self) -> set[str]:
        """The document's own words, folded and upper-cased (to cut a heading spelled letter by letter)."""
        if self._words is None:
            self._words = vocabulary("\n".join(self.source.lines))
        return self._words

    def other_source(self, pid: str) -> SourceText:
        """The text of protocol ``pid`` of the same corpus; an error when the build did not give access to it."""
        if self.sources is None:
            raise self.config_error(
                f"protocol {pid!r}: other protocols' texts are not available here", value=pid
            )
        try:
            return self.sources(pid)
        except KeyError:
            raise self.config_error(f"protocol {pid!r} is not in the catalogue", value=pid) from None

    def config_line(self, value: str) -> int | None:
        """The line of the configuration where the string ``value`` is written."""
        for n, line in enumerate(self.config.text.split("\n"), start=1):
            if f'"{value}"' in line:
                return n
        return None

    def span(self, start: int, quote: str, end: int | None = None) -> Span:
        """A span whose quote is checked against the text now, so no unverifiable quote enters the graph."""
        end = start if end is None else end
        self.source.require(quote, start, end)
        return Span(start, end, quote)

    def line_span(self, start: int, end: int | None = None) -> Span:
        """A span quoting whole lines (trailing white space trimmed)."""
        end = start if end is None else end
        return Span(start, end, self.source.span(start, end).strip())

    def key(self, kind: str, line: int) -> str:
        """``L<line>``, or ``L<line>-<n>`` for the n-th ``kind`` read from that line."""
        used = self._keys.setdefault(kind, set())
        n = 1
        while line_key_for(line, n) in used:
            n += 1
        k = line_key_for(line, n)
        used.add(k)
        return k

    def skipped(self, n: int) -> bool:
        """Whether line ``n`` is listed under the configuration's ``ignore`` (a page footer inside a table, a
        repeated title): readers pass over it, and it counts as accounted for with its reason."""
        if self._ignored is None:
            self._ignored = {
                line for entry in self.config.ignore for line in range(entry.lines[0], entry.lines[1] + 1)
            }
        return n in self._ignored

    # --- who -----------------------------------------------------------------------------------------------

    def partner(self, name: str, line: int, *, what: str = "name") -> str:
        """The partner id that ``name`` means in this protocol; unknown names are errors."""
        hit = self.registry.partner_aliases.lookup(name, self.pid)
        if hit is None:
            raise RegistryError(
                f"unknown partner {what} {clean(name)!r}: add it to data/registry/aliases.csv",
                self.source.path,
                line,
            )
        return hit.target

    def partners_in_cell(self, cell: str, line: int) -> list[str]:
        """Split a cell naming several partners ("PE ML ADSEA") by longest match; unknown words are errors."""
        found, unknown = self.registry.partner_aliases.split(cell, self.pid)
        if unknown:
            raise RegistryError(
                f"unknown partner mark {' '.join(unknown)!r} in {clean(cell)!r}: add it to "
                "data/registry/aliases.csv",
                self.source.path,
                line,
            )
        return [a.target for a in found if a.target != NOBODY]

    def partners_in_phrase(self, phrase: str, line: int) -> list[str]:
        """The partners a phrase names: the whole phrase if it is an alias, else every alias inside it."""
        hit = self.registry.partner_aliases.lookup(phrase, self.pid)
        if hit is not None:
            return [] if hit.target == NOBODY else [hit.target]
        hits = self.registry.partner_aliases.search(phrase, self.pid)
        if not hits:
            raise RegistryError(
                f"no known partner in {clean(phrase)!r}: add an alias to data/registry/aliases.csv",
                self.source.path,
                line,
            )
        return [a.target for a, _, _ in hits if a.target != NOBODY]

    def territories_in(self, text: str) -> list[str]:
        """QPV, communes and named places a text names (not Départements or Régions, whose names stand
        inside organisation names such as "Drôme Aménagement Habitat")."""
        kinds = {"qpv", "commune", "place"}
        hits = self.registry.territory_aliases.search(text, self.pid)
        return sorted({a.target for a, _, _ in hits if self.registry.territories[a.target].type in kinds})

    # --- what ----------------------------------------------------------------------------------------------

    def label_info_optional(self, label: str) -> tuple[str | None, list[str]] | None:
        """(pillar, themes) for a label the ``[labels]`` table maps, or None when it does not map it."""
        want = _label_key(label)
        for written, info in self.config.labels.items():
            if _label_key(written) == want:
                return info.pillar, list(info.themes)
        return None

    def label_info(self, label: str, line: int | None) -> tuple[str | None, list[str]]:
        """(pillar, themes) for a heading or theme label, from the configuration's ``[labels]`` table."""
        found = self.label_info_optional(label)
        if found is not None:
            return found
        raise SourceError(
            f"label {clean(label)!r} is not mapped to a pillar/themes in the configuration's [labels] table",
            self.source.path,
            line,
        )

    def add_section(
        self,
        label: str,
        line: int | None,
        *,
        pillar: str | None = None,
        themes: list[str] | None = None,
        parent: str | None = None,
        note: str | None = None,
        quote: str | None = None,
        position: int | None = None,
    ) -> Section:
        """A document section: its label's mapping from ``[labels]`` unless pillar/themes are given. ``position``
        is the line that places a section without a span (its heading lost) in document order."""
        if pillar is None and themes is None:
            pillar, themes = self.label_info(label, line)
        if line is not None:
            span = self.span(line, quote if quote is not None else self.source.line(line).strip())
            key = self.key("section", line)
        else:
            span, key = None, self.key("section", 0)
        at = line if line is not None else (position or 0)
        section = Section(key, heading_text(label), span, pillar, list(themes or []), parent, note, at)
        self.protocol.sections.append(section)
        return section

    def block_section(self, block: Any) -> Section | None:
        """The section a block opens: its ``heading`` line (pillar and themes from the block, else from
        ``[labels]``), or, for a heading lost in the conversion, the ``section`` it supplies (label, pillar,
        themes and a note, no source line); None when it gives neither."""
        heading = getattr(block, "heading", None)
        if heading is not None:
            return self.add_section(
                self.source.line(heading).strip(),
                heading,
                pillar=getattr(block, "pillar", None),
                themes=getattr(block, "themes", None),
            )
        lost = getattr(block, "section", None)
        if lost is not None:
            lines = getattr(block, "lines", None)
            return self.add_section(
                lost.label,
                None,
                pillar=lost.pillar,
                themes=lost.themes,
                note=lost.note,
                position=lines[0] if lines else None,
            )
        return None

    def inherited(self, section: Section | None) -> tuple[str | None, list[str]]:
        """A section's pillar and themes, each taken from the nearest section up its parents that states one."""
        by_key = {s.key: s for s in self.protocol.sections}
        pillar, themes, s = None, None, section
        while s is not None and (pillar is None or not themes):
            pillar = pillar or s.pillar
            themes = themes or (list(s.themes) if s.themes else None)
            s = by_key.get(s.parent) if s.parent else None
        return pillar, sorted(themes or [])

    def involvement(self, partner: str, role: str, evidence: str, rule: str, span: Span) -> Involvement:
        return Involvement(partner, role, evidence, rule, span)


def heading_text(text: str) -> str:
    """A heading as a label: no markdown marks (``###``, ``**``), no HTML, no trailing colon."""
    return clean(text.replace("#", " ")).rstrip(" :").strip()


def _label_key(label: str) -> str:
    return fold(heading_text(label)).lower()
