"""The organisations a new text names: those the registry knows (found by their aliases, and reused), and those
the drafter proposes, each with the line it comes from.

Where names come from: the list of parties ("- La Ville de X, représentée par …"), the signature page ("Pour X"),
a glossary of codes ("DDT : Direction départementale des territoires"), the intros "X s'engage(nt) à", the
columns and cells of tables. A name the registry knows, in this protocol or in every one, is reused; one it does
not know is proposed (an id made from its words, a category from its words, ``status = proposed``).

Generic names: "le Département", "la CAF", "la Région", "EPCI", "la Mission locale" mean, in a text, the party of
that kind the text names. Where the registry would read such a name otherwise (or not at all), the draft proposes
an alias scoped to this protocol for the one party of that kind; a commune's own name ("Montbrévin") is an alias
of its Ville. A name spelt slightly differently from a known one ("Baillieurs sociaux") or abbreviated ("St-Orlan"
for "Saint-Orlan-sur-Aubrelle") is proposed as an alias of that one, saying so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from perr_graph.draft.draft import Draft, ProposedAlias, ProposedPartner, ProposedTerritory
from perr_graph.inputs.registry import NOBODY, SIGNATORIES, Alias, AliasTable, Registry
from perr_graph.text import clean, fold, slug

#: words of a name → (category, kind, parent): the first that matches decides
CATEGORIES: list[tuple[str, str, str, str]] = [
    (r"\bcentre communal d'action sociale\b|\bccas\b", "autre", "FormalOrganization", ""),
    (r"^(?:la |l')?(?:ville|commune|mairie) d", "commune", "FormalOrganization", ""),
    (
        r"communaute d'agglomeration|communaute de communes|metropole|\bagglo",
        "epci",
        "FormalOrganization",
        "",
    ),
    (r"\bdepartement\b|conseil departemental\b", "departement", "FormalOrganization", ""),
    (r"^(?:la |le )?(?:region\b|conseil regional\b)", "region", "FormalOrganization", ""),
    (r"caisse d'allocations? familiales?|\bcaf\b", "caf", "FormalOrganization", ""),
    (r"agence regionale de sante|\bars\b", "ars", "FormalOrganization", ""),
    (r"caisse primaire|assurance maladie|\bcpam\b", "assurance-maladie", "FormalOrganization", ""),
    (r"pole emploi", "service-public-emploi", "FormalOrganization", ""),
    (r"mission locale", "mission-locale", "FormalOrganization", ""),
    (r"caisse des depots|banque des territoires", "caisse-des-depots", "FormalOrganization", ""),
    (
        r"direction (?:departementale|regionale)|prefecture|sous-prefecture|education nationale|inspection "
        r"academique|\bdsden\b|\bddt\b|\bddcs\b|\bdrac\b|\bdireccte\b",
        "service-etat",
        "OrganizationalUnit",
        "etat",
    ),
    (r"\bprefet|\betat\b", "etat", "FormalOrganization", ""),
    (
        r"habitat|logement|bailleur|\btoits?\b|\bopac|\bsdh\b|\besh\b",
        "bailleur-social",
        "FormalOrganization",
        "",
    ),
    (r"conseils? citoyens?", "conseil-citoyen", "FormalOrganization", ""),
    (r"justice|procureur|tribunal|parquet", "justice", "FormalOrganization", ""),
    (r"chambre (?:de commerce|des metiers|d'agriculture)", "chambre-consulaire", "FormalOrganization", ""),
    (r"association|centre social|mediation|\bmaison d", "association", "FormalOrganization", ""),
]
#: plural group names: a collective party of one protocol ("les bailleurs sociaux", "les partenaires")
COLLECTIVE = re.compile(
    r"^(?:les\s+)?(?:bailleurs|baillieurs|partenaires|communes|conseils|associations|acteurs)\b",
    re.IGNORECASE,
)
#: generic names of a party, by category (searched in the text; proposed only where the registry reads them
#: otherwise in this protocol)
GENERIC = {
    "departement": [
        "Département",
        "le Département",
        "Conseil départemental",
        "le Conseil départemental",
        "CD",
    ],
    "region": ["Région", "la Région", "Conseil régional", "le Conseil régional", "CR"],
    "caf": ["CAF", "Caf", "la CAF", "Caisse d'allocations familiales"],
    "epci": [
        "EPCI",
        "Communauté d'agglomération",
        "la Communauté d'agglomération",
        "Communauté de communes",
        "l'Agglo",
        "Agglo",
        "l'agglomération",
    ],
    "mission-locale": ["Mission locale", "la Mission locale", "ML"],
    "service-public-emploi": ["Pôle emploi", "PE"],
}
_ARTICLE = re.compile(r"^(?:le |la |les |l'|l’)", re.IGNORECASE)
ORG_WORDS = re.compile(
    r"\b(?:direction|agence|caisse|mission|pole|communaute|ville|commune|education|banque|office|conseil|"
    r"departement|region|association|prefecture|prefet|service|centre|chambre|etat|habitat|bailleur|maison|"
    r"federation|union|syndicat|inspection|delegation)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Guess:
    category: str
    kind: str
    parent: str


def guess(name: str, context: str = "") -> Guess:
    """Category, kind and parent of an organisation from its words (then from the words that describe it)."""
    for words in (fold(name).lower(), fold(context).lower()):
        for pattern, category, kind, parent in CATEGORIES:
            if words and re.search(pattern, words):
                return Guess(category, kind, parent)
    return Guess("autre", "FormalOrganization", "")


def bare(name: str) -> str:
    """A name without its article, its apposition after a comma, and the "(CODE)" after it."""
    t = clean(name).strip(" ,;:.")
    t = _ARTICLE.sub("", t).strip()
    t = re.sub(r"\s*\([^)]*\)\s*$", "", t)
    return t.split(", ")[0].strip()


class Parties:
    """The registry as one protocol sees it, and what the draft proposes (see the module docstring)."""

    def __init__(self, registry: Registry, draft: Draft, text: str):
        self.registry = registry
        self.draft = draft
        self.pid = draft.pid
        self.text = text
        self.folded = fold(text)
        self._table: AliasTable | None = None
        self._territories: AliasTable | None = None
        #: the parties the text names (list of parties, signatures), in order, by id
        self.named: list[str] = []

    # --- looking names up ---------------------------------------------------------------------------------

    @property
    def table(self) -> AliasTable:
        """The registry's aliases and the draft's, this protocol's first."""
        if self._table is None:
            extra = [Alias(a.alias, self.pid, a.partner, a.note, "(draft)", 0) for a in self.draft.aliases]
            self._table = AliasTable([*self.registry.partner_aliases.aliases, *extra])
        return self._table

    @property
    def territories(self) -> AliasTable:
        """The registry's territory aliases and the draft's."""
        if self._territories is None:
            extra = [
                Alias(a.alias, self.pid, a.partner, a.note, "(draft)", 0)
                for a in self.draft.territory_aliases
            ]
            self._territories = AliasTable([*self.registry.territory_aliases.aliases, *extra])
        return self._territories

    def territory_type(self, tid: str) -> str:
        if tid in self.registry.territories:
            return self.registry.territories[tid].type
        return next((t.type for t in self.draft.territories if t.id == tid), "")

    def territory_alias(self, alias: str, tid: str, line: int) -> None:
        alias = clean(alias).strip(" ,;:.")
        hit = self.territories.lookup(alias, self.pid) if alias else None
        if not alias or (hit is not None and hit.target == tid):
            return
        self.draft.territory_aliases.append(ProposedAlias(alias, tid, line))
        self._territories = None

    def propose_territory(self, label: str, kind: str, line: int, quote: str, part_of: str = "") -> str:
        """A new territory (or the one the draft already proposed under that label), with its label as alias."""
        for t in self.draft.territories:
            if t.label == label and t.type == kind:
                return t.id
        base = slug(label) or "territoire"
        tid, n = base, 2
        while tid in self.registry.territories or any(t.id == tid for t in self.draft.territories):
            tid, n = f"{base}-{n}", n + 1
        self.draft.territories.append(
            ProposedTerritory(
                tid, label, kind, line, quote, f"proposed by perr add: named at line {line}", part_of
            )
        )
        self.territory_alias(label, tid, line)
        return tid

    def category(self, pid: str) -> str:
        if pid in self.registry.partners:
            return self.registry.partners[pid].category
        return next((p.category for p in self.draft.partners if p.id == pid), "")

    def known_ids(self) -> set[str]:
        return set(self.registry.partners) | {p.id for p in self.draft.partners}

    def lookup(self, name: str) -> str | None:
        """The partner a name means exactly, in this protocol."""
        hit = self.table.lookup(clean(name), self.pid)
        return hit.target if hit is not None else None

    def find(self, name: str) -> str | None:
        """The one partner a name means: exactly, without its article or apposition, or one alias covering most
        of its words (several aliases of one organisation count once)."""
        for candidate in (clean(name), bare(name)):
            hit = self.lookup(candidate)
            if hit is not None:
                return hit
        words = bare(name)
        hits = self.table.search(words, self.pid)
        targets = {a.target for a, _, _ in hits if a.target not in (NOBODY,)}
        covered = sum(e - s for _, s, e in hits)
        if len(targets) == 1 and covered >= 0.6 * len(fold(words)):
            return targets.pop()
        return None

    # --- proposing -----------------------------------------------------------------------------------------

    def alias(self, alias: str, partner: str, line: int, note: str = "") -> None:
        """Propose ``alias`` for ``partner`` in this protocol, unless it already means that partner here."""
        alias = clean(alias).strip(" ,;:")
        if not alias or self.lookup(alias) == partner:
            return
        if any(fold(a.alias) == fold(alias) for a in self.draft.aliases):
            return
        self.draft.aliases.append(ProposedAlias(alias, partner, line, note))
        self._table = None

    def propose(self, name: str, line: int, quote: str, context: str = "", parent: str = "") -> str:
        """A new partner for ``name`` (as written at ``line``, ``quote`` verbatim there), with its name and its
        bare name as aliases in this protocol."""
        label = bare(name)
        g = guess(label, context)
        collective = bool(COLLECTIVE.match(clean(name)))
        base = slug(label) or "organisation"
        pid = base if not collective else f"{base}-{self.pid}"
        n = 2
        while pid in self.known_ids():
            pid, n = f"{base}-{n}", n + 1
        self.draft.partners.append(
            ProposedPartner(
                id=pid,
                label=label[:1].upper() + label[1:],
                category="collectif" if collective and g.category == "autre" else g.category,
                kind="CollectiveParty" if collective else g.kind,
                line=line,
                quote=quote,
                parent=parent or g.parent,
                scope=self.pid if collective else "",
                note=f"proposed by perr add: named at line {line}",
            )
        )
        for alias in (clean(name).strip(" ,;:"), label):
            self.alias(alias, pid, line)
        return pid

    def covered(self, name: str) -> list[str]:
        """The partners whose aliases cover most of a name naming several ("État – DIRECCTE", "Les services de
        l'Etat et de la CAPeV"), in order."""
        for words in (clean(name), bare(name)):
            hits = self.table.search(words, self.pid)
            if hits and sum(e - s for _, s, e in hits) >= 0.6 * len(fold(words)):
                return [a.target for a, _, _ in hits if a.target != NOBODY]
        return []

    def party(self, name: str, line: int, quote: str, context: str = "") -> str | None:
        """The partner a party name means, found or proposed (the first, when the name joins several known
        ones); ``@signatories`` for "les signataires"; None when the words name no organisation."""
        if re.match(r"^(?:les |l')?(?:parties )?signataires\b", fold(clean(name)).lower()):
            if self.lookup(name) != SIGNATORIES:
                self.alias(
                    bare(name) if bare(name) != clean(name) else name, SIGNATORIES, line, "the signatories"
                )
                self.alias(clean(name), SIGNATORIES, line, "the signatories")
            return SIGNATORIES
        found = self.find(name)
        if found is None and self.covered(name):
            return self.covered(name)[0]
        if found is None:
            found = self.near(name, line)
        if found is None and (ORG_WORDS.search(fold(name)) or COLLECTIVE.match(clean(name)) or _proper(name)):
            found = self.propose(name, line, quote, context)
        if found is not None and found not in (NOBODY, SIGNATORIES) and found not in self.named:
            self.named.append(found)
        return found

    def near(self, name: str, line: int) -> str | None:
        """A known partner the name spells slightly differently ("Baillieurs sociaux") or abbreviates
        ("St-Orlan"), proposed as its alias."""
        want = fold(bare(name)).lower()
        if len(want) < 5:
            return None
        expanded = re.sub(r"^st-", "saint-", want)
        for alias in self.table.aliases:
            if alias.protocol not in ("", self.pid) or alias.target in (NOBODY, SIGNATORIES):
                continue
            have = fold(bare(alias.alias)).lower()
            if _close(want, have) or (expanded != want and have.startswith(expanded) and len(expanded) >= 6):
                self.alias(clean(name), alias.target, line, f"'{clean(name)}' as written for '{alias.alias}'")
                return alias.target
        return None

    def generic(self) -> None:
        """Generic names of the parties ("le Département", "EPCI", a commune's name): see the module
        docstring."""
        by_category: dict[str, list[str]] = {}
        for pid in self.named:
            by_category.setdefault(self.category(pid), []).append(pid)
        for category, forms in GENERIC.items():
            parties = by_category.get(category, [])
            if len(parties) != 1:
                continue
            for form in forms:
                line = self.line_of(form)
                if line is not None and self.lookup(form) != parties[0]:
                    self.alias(form, parties[0], line, f"the {category} of this protocol")
        for pid in by_category.get("commune", []):
            label = self.label(pid)
            m = re.match(r"^(?:Commune|Ville|Mairie) d(?:e |u |es |')(.+)$", label, re.IGNORECASE)
            if m:
                for form in (m.group(1), f"Ville de {m.group(1)}", f"Maire de {m.group(1)}"):
                    line = self.line_of(form)
                    if line is not None:
                        self.alias(form, pid, line, "the commune's name")

    def label(self, pid: str) -> str:
        if pid in self.registry.partners:
            return self.registry.partners[pid].label
        return next((p.label for p in self.draft.partners if p.id == pid), pid)

    def line_of(self, words: str) -> int | None:
        """The first line where ``words`` stand as whole words (case kept for codes of three letters or fewer)."""
        flags = 0 if len(words) <= 3 else re.IGNORECASE
        pattern = re.compile(r"(?<![\w'])" + re.escape(fold(words)) + r"(?![\w])", flags)
        for n, raw in enumerate(self.text.split("\n"), start=1):
            if pattern.search(fold(raw)):
                return n
        return None


def _proper(name: str) -> bool:
    """A short proper name ("Aubrelle Médiation", "Les Toits de l'Aubrelle"): a few words, the first with a
    capital, none a verb."""
    words = bare(name).split()
    return 1 <= len(words) <= 6 and words[0][:1].isupper() and not re.search(r"\bs'engag", fold(name))


def _close(a: str, b: str) -> bool:
    """Two names one or two letters apart (a typo), both long enough for that to mean the same name."""
    if a == b or min(len(a), len(b)) < 8 or abs(len(a) - len(b)) > 2:
        return False
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        cur = [i]
        for j, cb in enumerate(b, start=1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1] <= 2
