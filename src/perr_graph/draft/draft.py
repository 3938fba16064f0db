"""A drafted configuration and the registry entries it proposes, and how they are written.

The configuration is written as the TOML a person would write (``data/protocols/README.md``), each block with a
comment that says what was found there; the proposed registry entries are rows for ``registry/partners.csv`` and
``registry/aliases.csv``, each with ``status = proposed``, the protocol and line it comes from and the words there.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from perr_graph.inputs.registry import PROPOSAL_COLUMNS, PROPOSED

PARTNER_COLUMNS = ["id", "label", "category", "kind", "parent", "jurisdiction", "scope", "note"]
ALIAS_COLUMNS = ["alias", "protocol", "partner", "note"]
TERRITORY_COLUMNS = ["id", "label", "type", "part_of", "note"]
TERRITORY_ALIAS_COLUMNS = ["alias", "protocol", "territory", "note"]


@dataclass
class DraftBlock:
    reader: str
    first: int
    last: int
    keys: dict[str, Any] = field(default_factory=dict)
    #: what was found, for the comment above the block and for perr add's report
    why: str = ""

    @property
    def lines(self) -> tuple[int, int]:
        return (self.first, self.last)


@dataclass
class ProposedPartner:
    id: str
    label: str
    category: str
    kind: str
    line: int
    quote: str
    parent: str = ""
    scope: str = ""
    note: str = ""
    jurisdiction: str = ""


@dataclass
class ProposedTerritory:
    id: str
    label: str
    type: str
    line: int
    quote: str
    note: str = ""
    part_of: str = ""


@dataclass
class ProposedAlias:
    alias: str
    partner: str
    line: int
    note: str = ""


@dataclass
class Draft:
    pid: str
    source: str
    epci: str | None = None
    territory: str | None = None
    title: tuple[int, int] | None = None
    facts: dict[str, dict[str, Any]] = field(default_factory=dict)  # period, signing, contract
    matrix: dict[str, Any] | None = None
    labels: dict[str, dict[str, Any]] = field(default_factory=dict)
    ignore: list[tuple[int, int, str]] = field(default_factory=list)
    blocks: list[DraftBlock] = field(default_factory=list)
    partners: list[ProposedPartner] = field(default_factory=list)
    aliases: list[ProposedAlias] = field(default_factory=list)
    territories: list[ProposedTerritory] = field(default_factory=list)
    territory_aliases: list[ProposedAlias] = field(default_factory=list)
    #: the places the text names: "qpv", "watch", "place" → entries { territory, line, quote }
    mentions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: populations as stated: { territory, value, year, approximate, line, quote }
    populations: list[dict[str, Any]] = field(default_factory=list)
    #: what the drafter could not read, and why (printed by perr add)
    notes: list[str] = field(default_factory=list)

    def toml(self) -> str:
        """The configuration as TOML (see the module docstring)."""
        out = [
            f"# {self.pid} — sources/{self.source}",
            "# Drafted by perr add: every block says what was found; review it against the text, then run",
            "# perr build and perr validate. Keys are documented in data/protocols/README.md.",
            "",
            f"id = {_value(self.pid)}",
            f"source = {_value(self.source)}",
        ]
        if self.epci:
            out.append(f"epci = {_value(self.epci)}")
        if self.territory:
            out.append(f"territory = {_value(self.territory)}")
        out.append(
            'lead_note = """\nDrafted by perr add from the layouts of the text (see the comment above each [[read]] '
            'block); not reviewed yet."""'
        )
        if self.title:
            out += ["", "[title]", f"lines = [{self.title[0]}, {self.title[1]}]"]
        for name in ("period", "signing", "contract"):
            if name in self.facts:
                out += ["", f"[{name}]"] + [f"{k} = {_value(v)}" for k, v in self.facts[name].items()]
        for kind in ("qpv", "watch", "place"):
            for entry in self.mentions.get(kind, []):
                out += ["", f"[[{kind}]]"] + [f"{k} = {_value(v)}" for k, v in entry.items()]
        for entry in self.populations:
            out += ["", "[[population]]"] + [f"{k} = {_value(v)}" for k, v in entry.items()]
        if self.matrix:
            out += ["", "[matrix]"] + [f"{k} = {_value(v)}" for k, v in self.matrix.items()]
        if self.labels:
            out += ["", "[labels]"] + [f"{_value(k)} = {_value(v)}" for k, v in sorted(self.labels.items())]
        for a, b, reason in sorted(self.ignore):
            out += ["", "[[ignore]]", f"lines = [{a}, {b}]", f"reason = {_value(reason)}"]
        for block in sorted(self.blocks, key=lambda b: b.first):
            out += [""] + [f"# {part}" for part in block.why.split("\n") if part]
            out += ["[[read]]", f"reader = {_value(block.reader)}", f"lines = [{block.first}, {block.last}]"]
            out += [f"{k} = {_value(v)}" for k, v in block.keys.items()]
        return "\n".join(out) + "\n"

    def partner_rows(self) -> list[dict[str, str]]:
        """Rows for ``registry/partners.csv``: every proposed partner, ``status = proposed``."""
        return [
            {
                "id": p.id,
                "label": p.label,
                "category": p.category,
                "kind": p.kind,
                "parent": p.parent,
                "jurisdiction": p.jurisdiction,
                "scope": p.scope,
                "note": p.note,
                "status": PROPOSED,
                "source": self.pid,
                "line": str(p.line),
                "quote": p.quote,
            }
            for p in self.partners
        ]

    def territory_rows(self) -> list[dict[str, str]]:
        """Rows for ``registry/territories.csv``: every proposed territory, ``status = proposed``."""
        return [
            {
                "id": t.id,
                "label": t.label,
                "type": t.type,
                "part_of": t.part_of,
                "note": t.note,
                "status": PROPOSED,
                "source": self.pid,
                "line": str(t.line),
                "quote": t.quote,
            }
            for t in self.territories
        ]

    def territory_alias_rows(self) -> list[dict[str, str]]:
        """Rows for ``registry/territory-aliases.csv``, scoped to this protocol, marked proposed."""
        return [
            {
                "alias": a.alias,
                "protocol": self.pid,
                "territory": a.partner,
                "note": f"proposed by perr add from {self.source} l.{a.line}",
                "status": PROPOSED,
            }
            for a in self.territory_aliases
        ]

    def alias_rows(self) -> list[dict[str, str]]:
        """Rows for ``registry/aliases.csv``, scoped to this protocol; the note says they are proposed, and from
        which line."""
        return [
            {
                "alias": a.alias,
                "protocol": self.pid,
                "partner": a.partner,
                "note": f"proposed by perr add from {self.source} l.{a.line}"
                + (f": {a.note}" if a.note else ""),
                "status": PROPOSED,
            }
            for a in self.aliases
        ]


def _value(v: Any) -> str:
    """A TOML value: strings (JSON escapes are TOML's), numbers, booleans, lists and inline tables."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        items = ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items())
        return "{ " + items + " }" if items else "{}"
    raise TypeError(f"no TOML value for {v!r}")


def _key(k: Any) -> str:
    k = str(k)
    return (
        k
        if k.replace("-", "").replace("_", "").isalnum() and k.isascii()
        else json.dumps(k, ensure_ascii=False)
    )


def append_rows(path: Path, rows: list[dict[str, str]], columns: list[str]) -> str:
    """``path``'s CSV text with ``rows`` appended; the header gains the proposal columns it lacks (older rows get
    them empty). Returned, not written: the caller writes every file once the draft builds."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    reader = csv.DictReader(io.StringIO(text))
    header = list(reader.fieldnames or columns)
    existing = list(reader)
    for c in [*columns, *PROPOSAL_COLUMNS]:
        if c not in header and any(c in r for r in rows):
            header.append(c)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for r in [*existing, *rows]:
        writer.writerow({c: r.get(c) or "" for c in header})
    return buf.getvalue()
