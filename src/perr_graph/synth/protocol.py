"""One synthetic protocol, written in the layout of its template, line by line, each fact citing its own line:
the protocol's own facts (title, period, contract, places, populations, references, governance bodies,
statistics, amounts, signatories, signing) here, its commitments in :mod:`perr_graph.synth.commitments`."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from perr_graph.inputs.registry import Partner, Territory
from perr_graph.model import (
    Amount,
    GovernanceBody,
    Observation,
    PopulationFigure,
    Protocol,
    ReferencedDocument,
    Signatory,
    Span,
    StatRow,
    StatTable,
)
from perr_graph.synth.basis import Basis
from perr_graph.synth.commitments import commitments
from perr_graph.synth.draft import Draft
from perr_graph.synth.names import FAMILY, GIVEN, MONTHS, number
from perr_graph.synth.territory import Geography
from perr_graph.text import slug


@dataclass
class SynthProtocol:
    """One generated protocol: its facts, its source text, and the registry rows it needs."""

    protocol: Protocol
    template: str
    lines: list[str]
    partners: dict[str, Partner]
    territories: dict[str, Territory]
    #: official identifiers of the protocol's own places and bodies, as rows of ``data/reference/identifiers.csv``
    #: (``name`` holds the synthetic id the row identifies)
    identifiers: list[dict[str, str]] = field(default_factory=list)

    @property
    def source_file(self) -> str:
        return f"{self.protocol.pid}.txt"

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def span_text(self, start: int, end: int) -> str:
        """Lines ``start``..``end`` joined by newlines, as :meth:`perr_graph.inputs.catalogue.SourceText.span` gives them."""
        return "\n".join(self.lines[start - 1 : end])


def generate_one(basis: Basis, seed: int, i: int, n: int) -> SynthProtocol:
    """Protocol number ``i`` (from 1) of a synthetic France of ``n`` protocols."""
    return build(Draft(basis, seed, i, n, Geography.for_size(n)))


def generate(basis: Basis, n: int, seed: int) -> Iterator[SynthProtocol]:
    """The ``n`` protocols, in order, in this process (see :func:`perr_graph.synth.write.write` for the
    parallel, streaming path)."""
    for i in range(1, n + 1):
        yield generate_one(basis, seed, i, n)


def build(draft: Draft) -> SynthProtocol:
    """The protocol, in the order its text is written (the order of the random draws: never change it, or
    every synthetic protocol changes)."""
    t = draft.template
    p = Protocol(pid=draft.pid)
    p.epci = draft.partner(t.epci) if t.epci else None
    p.territory = draft.territory(t.territory) if t.territory else None
    _heading(draft, p)
    _places(draft, p)
    _bodies(draft, p)
    commitments(draft, p)
    _statistics(draft, p)
    _amounts(draft, p)
    _signatories(draft, p)
    _signing(draft, p)
    return SynthProtocol(
        p, t.pid, draft.text.lines, draft.partners.minted, draft.places.minted, _identifiers(draft, p)
    )


def _heading(draft: Draft, p: Protocol) -> None:
    """Title, lead reading note, period and the contrat de ville renewed, as the template has them."""
    t, rng = draft.template, draft.rng
    p.title = f"Protocole d'engagements renforcés et réciproques du contrat de ville de {draft.epci_name}"
    p.title_span = draft.cite(p.title)
    p.lead_note = (
        f"Synthetic protocol made by 'perr synth' (seed {draft.seed}) in the layout of the real "
        f"protocol '{t.pid}': its leads follow that protocol's reading rules, applied to a "
        "synthetic text."
    )
    if t.period:
        start, end, _ = t.period
        quote = f"pour la période {start}-{end}" if start else f"jusqu'en {end}"
        p.period = (start, end, draft.span(draft.line(f"Le présent protocole vaut {quote}."), quote))
    if t.contract:
        _, date, _ = t.contract
        title = f"Contrat de ville de {draft.epci_name} 2015-2020"
        sdate = f"2015-{rng.randint(3, 12):02d}-{rng.randint(1, 28):02d}" if date else None
        p.contract = (title, sdate, draft.span(draft.line(f"Il prolonge le {title}."), title))


def _places(draft: Draft, p: Protocol) -> None:
    """QPV and territoires de veille active (one line each), population figures, referenced documents."""
    t = draft.template
    for kind, items in (("qpv", t.qpv), ("watch", t.watch)):
        if not items:
            continue
        ids = [draft.territory(tid) for tid, _ in items]
        names = [draft.tlabel(x) for x in ids]
        head = "Quartiers prioritaires : " if kind == "qpv" else "Territoires de veille active : "
        n = draft.line(head + ", ".join(names) + ".")
        mentions = [(x, draft.span(n, draft.tlabel(x))) for x in dict.fromkeys(ids)]
        setattr(p, kind, mentions)
    for f in t.populations:
        tid = draft.territory(f.territory)
        value = max(100, int(round(f.value * draft.rng.uniform(0.5, 2.0), -2)))
        quote = f"{'près de ' if f.approximate else ''}{number(value)} habitants"
        n = draft.line(f"{draft.tlabel(tid)} compte {quote}" + (f" en {f.year}." if f.year else "."))
        p.populations.append(PopulationFigure(tid, value, f.year, f.approximate, draft.span(n, quote)))
    for ref in t.references:
        title = (
            ref.title
            if ref.doctype in ("loi", "circulaire")
            else f"{draft.basis.label('doctype', ref.doctype)} de {draft.epci_name}"
        )
        span = draft.cite(title)
        p.references.append(ReferencedDocument(f"L{span.start}", title, ref.doctype, ref.date, span))


def _identifiers(draft: Draft, p: Protocol) -> list[dict[str, str]]:
    """Synthetic official identifiers, as the real registry has them: INSEE codes of communes, SIREN of
    communes and EPCI, the QPV codes and the ANCT code of the contrat de ville (codes are unique per id)."""
    i = int(draft.pid.rsplit("-", 1)[1])
    source = f"synthetic (perr synth, seed {draft.seed})"
    rows = []

    def row(kind: str, name: str, scheme: str, code: str) -> None:
        rows.append(
            {
                "kind": kind,
                "name": name,
                "scheme": scheme,
                "code": code,
                "valid": "",
                "note": "",
                "source": source,
            }
        )

    own = draft.pid + "-"
    own_places = [
        x for x in draft.places.minted.values() if x.id.startswith(own) and x.type in ("commune", "qpv")
    ]
    for k, t in enumerate(sorted(own_places, key=lambda x: x.id), start=1):
        if t.type == "commune":
            row("commune", t.id, "INSEE COG commune code", f"X{i:06d}{k:02d}")
        else:
            row("qpv", t.id, "official QPV name 2015", f"QP{draft.d:03d}{i:06d}{k:02d}")
    own_bodies = [
        x
        for x in draft.partners.minted.values()
        if x.id.startswith(own) and x.category in ("commune", "epci")
    ]
    for k, prt in enumerate(sorted(own_bodies, key=lambda x: x.id), start=1):
        row(prt.category, prt.id, "SIREN", f"9{i:06d}{k:02d}")
    if p.contract:
        row("contract", p.pid, "ANCT contrat de ville code", f"CV{draft.d:03d}{i:06d}")
    return rows


def _bodies(draft: Draft, p: Protocol) -> None:
    """The template's governance bodies, with their chairs and members mapped onto synthetic partners."""
    names = {
        "comite-de-pilotage": "Le comité de pilotage",
        "comite-technique": "Le comité technique",
        "equipe-projet": "L'équipe projet",
        "groupe-de-travail": "Le groupe de travail",
        "conseil-citoyen": f"Le conseil citoyen de {draft.epci_name}",
    }
    slugs: Counter[str] = Counter()
    for b in draft.template.bodies:
        label = names.get(b.body_type, b.label)
        base = slug(label)
        slugs[base] += 1
        key = base if slugs[base] == 1 else f"{base}-{slugs[base]}"
        span = draft.cite(label)
        chairs = [draft.partner(x) for x, _ in b.chairs]
        members = [draft.partner(x) for x, _ in b.members]
        body = GovernanceBody(key, label, b.body_type, span)
        if chairs:
            n = draft.line("Présidé par " + " et ".join(draft.plabel(x) for x in chairs) + ".")
            body.chairs = [(x, draft.span(n, draft.plabel(x))) for x in chairs]
        if members:
            n = draft.line("Membres : " + ", ".join(draft.plabel(x) for x in members) + ".")
            body.members = [(x, draft.span(n, draft.plabel(x))) for x in members]
        p.bodies.append(body)


def _statistics(draft: Draft, p: Protocol) -> None:
    """The template's statistics tables over synthetic territories, each value within ±30 % of the real one."""
    rng, text = draft.rng, draft.text
    for table in draft.template.statistics:
        areas = list(dict.fromkeys(o.territory for row in table.rows for o in row.observations))
        mapped = {a: draft.territory(a) for a in areas}
        head = "\t".join(draft.tlabel(mapped[a]) for a in areas)
        start = draft.line(head)
        rows = []
        for row in table.rows:
            values = []
            for o in row.observations:
                v = o.value * rng.uniform(0.7, 1.3)
                v = round(v, 1) if isinstance(o.value, float) else round(v)
                values.append((o, v, f"{number(v)}{' ' + o.unit if o.unit else ''}"))
            n = draft.line("\t".join([row.statistic, *(x for _, _, x in values)]))
            obs = [Observation(mapped[o.territory], v, o.unit, draft.span(n, vt)) for o, v, vt in values]
            rows.append(StatRow(row.statistic, n, obs))
        end = len(text.lines)
        span = Span(start, end, "\n".join(text.lines[start - 1 : end]))
        p.statistics.append(StatTable(f"L{start}", head.replace("\t", " / "), span, rows))


def _amounts(draft: Draft, p: Protocol) -> None:
    """The template's amounts outside commitments, each between half and twice the real one."""
    for a in draft.template.amounts:
        if a.commitment:
            continue
        value = max(100, int(round(a.value * draft.rng.uniform(0.5, 2.0), -2)))
        text = f"{number(value)} €"
        purpose = (
            f"Une enveloppe de {text} est consacrée aux actions du contrat de ville de {draft.epci_name}."
        )
        n = draft.line(purpose)
        p.amounts.append(Amount(f"L{n}", value, text, purpose, draft.span(n, text)))


def _signatories(draft: Draft, p: Protocol) -> None:
    """The template's signatories mapped onto synthetic partners, with a name and a post where the template has
    them, named again on the signature page where the template names them twice."""
    rng = draft.rng
    posts = {
        "etat": "Le Préfet",
        "epci": "Le Président",
        "commune": "Le Maire",
        "region": "Le Président",
        "departement": "Le Président",
    }
    later: list[Signatory] = []
    for s in draft.template.signatories:
        sid = draft.partner(s.partner)
        label = draft.plabel(sid)
        given = family = written = post = None
        if s.family:
            given, family = rng.choice(GIVEN), rng.choice(FAMILY)
            written = f"{given} {family}"
        if s.post:
            category = draft.partners.minted[sid].category
            post = posts.get(category, rng.choice(["Le Directeur", "La Directrice"]))
        text = f"Pour {label}" + (f", {post}" if post else "") + (f", {written}" if written else "")
        sig = Signatory(sid, draft.cite(text), given, family, written, post)
        later.extend(sig for _ in s.also)
        p.signatories.append(sig)
    for sig in later:  # the signature page names them again
        text = f"{sig.post or 'Pour ' + draft.plabel(sig.partner)} {sig.name_as_written or ''}".strip()
        sig.also.append(
            Signatory(sig.partner, draft.cite(text), sig.given, sig.family, sig.name_as_written, sig.post)
        )


def _signing(draft: Draft, p: Protocol) -> None:
    """ "Fait à …, le …": the place is the EPCI's, the date a random day of the template's year."""
    if not draft.template.signing:
        return
    date, place, _ = draft.template.signing
    place = draft.epci_name if place else None
    sdate, quote = None, f"Fait à {draft.epci_name}, le :"
    if date:
        year = int(date[:4])
        month, day = draft.rng.randint(1, 12), draft.rng.randint(1, 28)
        sdate = f"{year}-{month:02d}-{day:02d}"
        quote = f"Fait à {draft.epci_name}, le {day} {MONTHS[month - 1]} {year}"
    p.signing = (sdate, place, draft.cite(quote))
