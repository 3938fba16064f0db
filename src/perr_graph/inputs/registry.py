"""The reviewed registry (``registry/`` of a corpus): organisations, territories, people and the aliases that name
them, and which node each row of the reference file identifies (:func:`reference_targets`).

Matching rule (``data/registry/README.md``): white space is folded, typographic apostrophes made straight and
accents ignored; an alias of four characters or more also ignores case, a shorter one (a code such as ``EN``)
must match its case exactly. A protocol-scoped alias wins over a global one. A name that matches nothing is an
error for the caller to report with its file and line; the registry never guesses.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import URIRef

from perr_graph import namespaces as ns
from perr_graph.errors import ConfigError, PerrError
from perr_graph.text import fold

if TYPE_CHECKING:
    from perr_graph.inputs.catalogue import SourceText

#: the partner id that says "these words name no identified organisation"
NOBODY = "-"
#: the partner id that says "all the signatories of this protocol" (expanded by the build)
SIGNATORIES = "@signatories"


#: optional columns of ``partners.csv`` for an entry ``perr add`` proposed: ``status = proposed`` until a person
#: reviews it (and empties the status), the protocol and line it comes from, and the words there
PROPOSAL_COLUMNS = ["status", "source", "line", "quote"]
PROPOSED = "proposed"


@dataclass(frozen=True, kw_only=True)
class Proposal:
    """What a registry entry says of its review: "proposed" (``status``) for an entry ``perr add`` drafted and no
    person reviewed yet, else empty; the protocol id (``source``) and line a proposed entry comes from, and the
    words there (``quote``). The columns :data:`PROPOSAL_COLUMNS` of ``partners.csv`` and ``territories.csv``."""

    status: str = ""
    source: str = ""
    line: int | None = None
    quote: str = ""

    @property
    def proposed(self) -> bool:
        return self.status == PROPOSED


@dataclass(frozen=True)
class Partner(Proposal):
    id: str
    label: str
    category: str
    kind: str
    parent: str
    jurisdiction: str
    scope: str
    note: str
    #: where a text says the parent holds this organisation: ``<pid> <line>: <quote>``, several joined by `` | ``
    parent_evidence: str = ""
    #: why the label expands a name or code beyond what the texts state (empty: the label is the texts' own)
    unverified: str = ""

    def parent_quotes(self) -> list[tuple[str, int, str]]:
        """``parent_evidence`` as (protocol id, line, quote)."""
        out = []
        for part in (x.strip() for x in self.parent_evidence.split(" | ") if x.strip()):
            m = re.fullmatch(r"([a-z0-9-]+) (\d+): (.+)", part)
            if m is None:
                raise ValueError(f"parent_evidence {part!r} is not '<protocol> <line>: <quote>'")
            out.append((m.group(1), int(m.group(2)), m.group(3)))
        return out


@dataclass(frozen=True)
class Territory(Proposal):
    id: str
    label: str
    type: str
    part_of: str
    note: str


@dataclass(frozen=True)
class Person:
    id: str
    given: str
    family: str
    variants: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class Alias:
    alias: str
    protocol: str
    target: str
    note: str
    path: str
    line: int


def _key(name: str, case_sensitive: bool) -> str:
    k = fold(name)
    return k if case_sensitive else k.lower()


def _is_case_sensitive(name: str) -> bool:
    return len(fold(name)) < 4


class AliasTable:
    """Aliases → target ids, with protocol scopes, exact lookup, cell splitting and search in running text."""

    def __init__(self, aliases: list[Alias]):
        self.aliases = aliases
        self._map: dict[tuple[str, str], Alias] = {}
        for a in aliases:
            key = (a.protocol, _key(a.alias, _is_case_sensitive(a.alias)))
            if key in self._map:
                first = self._map[key]
                raise ConfigError(
                    f"alias {a.alias!r} (protocol {a.protocol or 'any'}) already listed at line {first.line}",
                    a.path,
                    a.line,
                )
            self._map[key] = a
        self._patterns: dict[str, list[tuple[re.Pattern, Alias]]] = {}

    def lookup(self, name: str, pid: str) -> Alias | None:
        """The alias entry that names exactly ``name`` in protocol ``pid``, or None."""
        if not fold(name):
            return None
        for scope in (pid, ""):
            for cs in (True, False):
                if not cs and _is_case_sensitive(name):
                    continue
                hit = self._map.get((scope, _key(name, cs)))
                if hit is not None and _is_case_sensitive(hit.alias) == cs:
                    return hit
        return None

    def split(self, cell: str, pid: str) -> tuple[list[Alias], list[str]]:
        """Split a cell holding several names ("PE ML ADSEA", "Mission Locale PE") by longest match.

        Returns the aliases found and the words no alias covers (the caller reports those as errors)."""
        words = fold(cell).split()
        found: list[Alias] = []
        unknown: list[str] = []
        i = 0
        while i < len(words):
            for j in range(len(words), i, -1):
                hit = self.lookup(" ".join(words[i:j]), pid)
                if hit is not None:
                    found.append(hit)
                    i = j
                    break
            else:
                unknown.append(words[i])
                i += 1
        return found, unknown

    def search(self, text: str, pid: str) -> list[tuple[Alias, int, int]]:
        """Every alias standing as whole words in running ``text``, longest first, without overlaps.

        Returns (alias, start, end) with offsets into ``fold(text)``, sorted by position."""
        folded = fold(text)
        taken: list[tuple[int, int]] = []
        hits: list[tuple[Alias, int, int]] = []
        for pattern, alias in self._compiled(pid):
            for m in pattern.finditer(folded):
                s, e = m.span()
                if any(s < te and ts < e for ts, te in taken):
                    continue
                taken.append((s, e))
                hits.append((alias, s, e))
        return sorted(hits, key=lambda h: h[1])

    def _compiled(self, pid: str) -> list[tuple[re.Pattern, Alias]]:
        if pid not in self._patterns:
            chosen: dict[str, Alias] = {}
            for a in self.aliases:  # scoped aliases override global ones with the same key
                if a.protocol not in ("", pid):
                    continue
                k = _key(a.alias, _is_case_sensitive(a.alias))
                if k not in chosen or a.protocol == pid:
                    chosen[k] = a
            items = sorted(chosen.values(), key=lambda a: (-len(fold(a.alias)), a.alias))
            self._patterns[pid] = [
                (
                    re.compile(
                        r"(?<![\w])" + re.escape(fold(a.alias)) + r"(?![\w])",
                        0 if _is_case_sensitive(a.alias) else re.IGNORECASE,
                    ),
                    a,
                )
                for a in items
            ]
        return self._patterns[pid]


def _rows(path: Path, required: list[str]):
    if not path.exists():
        raise ConfigError("registry file not found", path)
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise ConfigError(f"missing column(s) {', '.join(missing)}", path, 1)
        for n, row in enumerate(reader, start=2):
            if None in row or any(v is None for v in row.values()):
                raise ConfigError("wrong number of fields", path, n)
            yield n, {k: (v or "").strip() for k, v in row.items()}


@dataclass
class Registry:
    partners: dict[str, Partner]
    territories: dict[str, Territory]
    people: dict[str, Person]
    partner_aliases: AliasTable
    territory_aliases: AliasTable
    #: ``(path, line)`` of each registry row, so other modules can point at it
    origin: dict[str, tuple[str, int]] = field(default_factory=dict)

    @classmethod
    def load(cls, directory: Path, categories: set[str] | None = None) -> Registry:
        partners: dict[str, Partner] = {}
        origin: dict[str, tuple[str, int]] = {}
        p = directory / "partners.csv"
        for n, r in _rows(p, ["id", "label", "category", "kind", "parent", "jurisdiction", "scope", "note"]):
            if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", r["id"]):
                raise ConfigError(f"partner id {r['id']!r} is not a lowercase slug", p, n)
            if r["id"] in partners:
                raise ConfigError(f"duplicate partner id {r['id']!r}", p, n)
            if r["kind"] not in ("FormalOrganization", "OrganizationalUnit", "CollectiveParty"):
                raise ConfigError(f"unknown kind {r['kind']!r}", p, n)
            if categories is not None and r["category"] not in categories:
                raise ConfigError(f"unknown category {r['category']!r}", p, n)
            partners[r["id"]] = _partner(r, p, n)
            origin[f"org:{r['id']}"] = (str(p), n)

        territories: dict[str, Territory] = {}
        t = directory / "territories.csv"
        for n, r in _rows(t, ["id", "label", "type", "part_of", "note"]):
            if r["id"] in territories:
                raise ConfigError(f"duplicate territory id {r['id']!r}", t, n)
            if r["type"] not in ("epci", "commune", "qpv", "place", "departement", "region"):
                raise ConfigError(f"unknown territory type {r['type']!r}", t, n)
            territories[r["id"]] = Territory(
                **{k: r[k] for k in ("id", "label", "type", "part_of", "note")}, **_proposal(r, t, n)
            )
            origin[f"territory:{r['id']}"] = (str(t), n)

        people: dict[str, Person] = {}
        pp = directory / "people.csv"
        if pp.exists():
            for n, r in _rows(pp, ["id", "given", "family", "variants", "note"]):
                if r["id"] in people:
                    raise ConfigError(f"duplicate person id {r['id']!r}", pp, n)
                variants = tuple(v.strip() for v in r["variants"].split(";") if v.strip())
                people[r["id"]] = Person(r["id"], r["given"], r["family"], variants, r["note"])

        # references between rows
        for pid_, prt in partners.items():
            f, n = origin[f"org:{pid_}"]
            if prt.parent and prt.parent not in partners:
                raise ConfigError(f"parent {prt.parent!r} of {pid_!r} is not a partner id", f, n)
            if prt.jurisdiction and prt.jurisdiction not in territories:
                raise ConfigError(
                    f"jurisdiction {prt.jurisdiction!r} of {pid_!r} is not a territory id", f, n
                )
        for tid, ter in territories.items():
            f, n = origin[f"territory:{tid}"]
            if ter.part_of and ter.part_of not in territories:
                raise ConfigError(f"part_of {ter.part_of!r} of {tid!r} is not a territory id", f, n)

        partner_aliases = cls._aliases(
            directory / "aliases.csv", "partner", set(partners) | {NOBODY, SIGNATORIES}
        )
        territory_aliases = cls._aliases(directory / "territory-aliases.csv", "territory", set(territories))
        return cls(partners, territories, people, partner_aliases, territory_aliases, origin)

    @staticmethod
    def _aliases(path: Path, target_col: str, known: set[str]) -> AliasTable:
        aliases = []
        for n, r in _rows(path, ["alias", "protocol", target_col, "note"]):
            if not r["alias"]:
                raise ConfigError("empty alias", path, n)
            if r[target_col] not in known:
                raise ConfigError(f"{target_col} {r[target_col]!r} is not in the registry", path, n)
            aliases.append(Alias(r["alias"], r["protocol"], r[target_col], r["note"], str(path), n))
        return AliasTable(aliases)

    def person_for(self, given: str, family: str) -> tuple[str, Person | None]:
        """The person id for a name as written: a listed spelling variant maps to its person."""
        from perr_graph.text import slug

        f = fold(family).upper()
        for person in self.people.values():
            spellings = {fold(person.family).upper(), *(fold(v).upper() for v in person.variants)}
            if f in spellings and slug(given) == slug(person.given):
                return person.id, person
        return slug(f"{given} {family}"), None


def check_registry(
    registry: Registry,
    targets: dict[tuple[str, str, str], URIRef],
    text_of: Callable[[str], SourceText],
) -> None:
    """What the registry says beyond its own rows must hold: each ``parent_evidence`` quote stands at its line of
    the protocol's text (``data/registry/README.md``; a protocol the corpus does not hold, as when a new corpus
    starts from the bundled registry, cannot be checked and is left), and a territory is typed ``qpv`` only where the official
    list of the reference file names it (a ``qpv`` row of ``identifiers.csv`` mapped to it in
    ``reference-map.csv``); an entry ``perr add`` proposed, not reviewed yet, keeps the type its text gives. A
    failure is an error at the registry row."""
    for pid_, prt in registry.partners.items():
        path, n = registry.origin[f"org:{pid_}"]
        try:
            quotes = prt.parent_quotes()
        except ValueError as exc:
            raise ConfigError(str(exc), path, n) from None
        if quotes and not prt.parent:
            raise ConfigError(f"{pid_!r} has parent_evidence but no parent", path, n)
        for protocol, line, quote in quotes:
            try:
                text = text_of(protocol)
            except KeyError:
                continue  # a protocol of another corpus (the bundled registry in a new corpus): not checked here
            try:
                text.require(quote, line)
            except PerrError as exc:
                raise ConfigError(f"parent_evidence of {pid_!r}: {exc.message}", path, n) from None
    official = {node for (kind, _, _), node in targets.items() if kind == "qpv"}
    for tid, ter in registry.territories.items():
        if ter.type == "qpv" and not ter.proposed and ns.territory(tid) not in official:
            path, n = registry.origin[f"territory:{tid}"]
            raise ConfigError(
                f"territory {tid!r} is typed qpv but the official list (a qpv row of identifiers.csv mapped "
                "to it in reference-map.csv) does not name it: type it 'place'",
                path,
                n,
            )


def _partner(r: dict[str, str], path: Path, n: int) -> Partner:
    """A row of ``partners.csv``, with the optional proposal columns (:data:`PROPOSAL_COLUMNS`)."""
    base: dict[str, Any] = {
        k: r[k] for k in ("id", "label", "category", "kind", "parent", "jurisdiction", "scope", "note")
    }
    base.update({k: r.get(k, "") for k in ("parent_evidence", "unverified")})
    return Partner(**base, **_proposal(r, path, n))


def _proposal(r: dict[str, str], path: Path, n: int) -> dict[str, Any]:
    """The optional proposal columns of a registry row (:data:`PROPOSAL_COLUMNS`), checked."""
    status = r.get("status", "")
    if status not in ("", PROPOSED):
        raise ConfigError(f"status {status!r}: must be empty or {PROPOSED!r}", path, n)
    line = r.get("line", "")
    if line and not line.isdigit():
        raise ConfigError(f"line {line!r} is not a line number", path, n)
    if status == PROPOSED and not (r.get("source") and line):
        raise ConfigError("a proposed entry names its source protocol and line", path, n)
    return {
        "status": status,
        "source": r.get("source", ""),
        "line": int(line) if line else None,
        "quote": r.get("quote", ""),
    }


def reference_targets(registry: Registry, path: Path) -> dict[tuple[str, str, str], URIRef]:
    """``registry/reference-map.csv``: which node each row of the reference file identifies, by the row's
    (kind, name, scheme)."""
    targets = {}
    for n, row in _rows(path, ["kind", "name", "scheme", "target"]):
        kind, _, ident = row["target"].partition(":")
        if kind == "org" and ident in registry.partners:
            node = ns.org(ident)
        elif kind == "territory" and ident in registry.territories:
            node = ns.territory(ident)
        elif kind == "contract":
            node = ns.contract(ident)
        else:
            raise ConfigError(
                f"target {row['target']!r} is not a known org:, territory: or contract: id", path, n
            )
        targets[(row["kind"], row["name"], row["scheme"])] = node
    return targets
