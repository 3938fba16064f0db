"""What every reader shares: the reading context, keys, spans, partner and label resolution."""

from __future__ import annotations

from dataclasses import dataclass, field

from perr_graph.errors import ConfigError, RegistryError, SourceError
from perr_graph.inputs.catalogue import SourceText
from perr_graph.inputs.config import Block, ProtocolConfig
from perr_graph.inputs.registry import NOBODY, Registry
from perr_graph.model import Involvement, Protocol, Section, Span
from perr_graph.text import clean, fold, line_key_for


@dataclass
class Context:
    """One protocol being read: its text, configuration, the registry, and the facts found so far."""

    pid: str
    source: SourceText
    config: ProtocolConfig
    registry: Registry
    protocol: Protocol
    _keys: dict[str, set[str]] = field(default_factory=dict)

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
    ) -> Section:
        """A document section: its label's mapping from ``[labels]`` unless pillar/themes are given."""
        if pillar is None and themes is None:
            pillar, themes = self.label_info(label, line)
        if line is not None:
            span = self.span(line, quote if quote is not None else self.source.line(line).strip())
            key = self.key("section", line)
        else:
            span, key = None, self.key("section", 0)
        section = Section(key, heading_text(label), span, pillar, list(themes or []), parent, note)
        self.protocol.sections.append(section)
        return section

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
