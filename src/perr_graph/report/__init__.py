"""``perr report``: a static HTML report of the dataset that opens from disk, without internet.

Pages (all in one folder, linked relatively): ``index.html`` (the five protocols), ``compare.html`` (the comparison
tables as heat maps), ``matches.html`` (commitments that say the same thing), ``network.html`` (the partner
network as a picture, its measures and the GraphML/GEXF files), ``protocol-<pid>.html`` (every commitment with its
partners and roles, linked to its source lines), ``source-<pid>.html`` (the source text, an anchor per line:
``#L<line>``), ``validation.html`` (the SHACL findings) and ``ontology.html`` (classes, properties and concept
schemes, read from the ontology graph).

Every figure comes from the query library (``queries/``) run on the store, or from :mod:`perr_graph.analysis.compare` and
:mod:`perr_graph.analysis.network`, which use it. Styles are inline, pictures are SVG written by :mod:`.svg`; no script,
font or stylesheet is fetched. Every file is written atomically and the same dataset gives the same bytes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from perr_graph import __version__
from perr_graph.analysis.compare import ROLES, compare, run
from perr_graph.inputs import paths
from perr_graph.rdf.serialize import write_atomic
from perr_graph.report.html import e, heat, num, page, table

ROLE_TITLES = {
    "chef-de-file": ("Leads (chef de file)", "the organisation the text marks as lead"),
    "partie-qui-s-engage": ("Committing party", "the organisation whose own 's'engage à' the commitment is"),
    "partenaire-associe": ("Associated partners", "partners the text associates with the commitment"),
    "signataires-collectivement": (
        "Signatories collectively",
        "commitments the text gives to all its signatories together",
    ),
    "role-non-determine": (
        "Marked, role not determined",
        "a mark in a table whose document does not say how the lead is told apart",
    ),
    "service-de-suivi": ("Follow-up service", "the service that follows the measure (Le Puy's annex)"),
}


@dataclass
class Commitment:
    iri: str
    key: str
    protocol: str
    ordinal: int
    line_start: int
    line_end: int
    section: str
    pillar: str
    text: str
    involvements: list[dict] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    matches: list[tuple[str, str, int, float, str]] = field(
        default_factory=list
    )  # (pid, key, line, score, rel)

    @property
    def has_lead(self) -> bool:
        return any(i["role"] in ("chef-de-file", "partie-qui-s-engage") for i in self.involvements)


def _period(info: dict) -> str:
    start, end = info.get("period_start"), info.get("period_end")
    if start and end:
        return f"{start}–{end}"
    if end:
        return f"until {end}"
    return f"from {start}" if start else "period not stated"


class Report:
    """Everything the pages show, read once from the store."""

    def __init__(self, store, validation=None):
        self.store = store
        _, self.protocols = run(store, "protocols")
        self.pids = [p["protocol"] for p in self.protocols]
        self.info = {p["protocol"]: p for p in self.protocols}
        self.names = {p["protocol"]: p["territory_label"] or p["protocol"] for p in self.protocols}
        from perr_graph.inputs.catalogue import read_catalogue

        try:
            catalogue = read_catalogue()
        except Exception:  # a dataset given without this checkout's catalogue: titles as written
            catalogue = {}
        self.titles = {
            pid: (catalogue[pid].title if pid in catalogue else self.info[pid]["title"]) for pid in self.pids
        }
        _, stats = run(store, "protocol-stats")
        self.stats = {r["protocol"]: r for r in stats}
        _, shares = run(store, "lead-and-indicator-share")
        self.shares = {r["protocol"]: r for r in shares}
        self.tables = {t.name: t for t in compare(store)}
        self.commitments = self._commitments()
        _, self.terms = run(store, "ontology-terms")
        _, self.concepts = run(store, "concepts")
        from perr_graph.analysis.network import partner_graphs

        self.graphs = partner_graphs(store)
        self.validation = validation

    def _commitments(self) -> dict[str, list[Commitment]]:
        _, rows = run(self.store, "commitment-involvements")
        by_iri: dict[str, Commitment] = {}
        for r in rows:
            c = by_iri.get(r["commitment"])
            if c is None:
                c = by_iri[r["commitment"]] = Commitment(
                    r["commitment"],
                    r["commitment"].rsplit("/", 1)[-1],
                    r["protocol"],
                    r["ordinal"],
                    r["line_start"],
                    r["line_end"],
                    r["section"] or "",
                    r["pillar"] or "",
                    r["text"],
                )
            if r["partner"]:
                c.involvements.append(r)
        _, themes = run(self.store, "commitment-themes")
        for r in themes:
            if r["commitment"] in by_iri:
                by_iri[r["commitment"]].themes.append(r["theme_label"])
        for r in self.tables["matches"].records():
            a, b = by_iri.get(r["commitment_a"]), by_iri.get(r["commitment_b"])
            if a and b:
                a.matches.append((b.protocol, b.key, b.line_start, r["score"], r["relation"]))
                b.matches.append((a.protocol, a.key, a.line_start, r["score"], r["relation"]))
        out: dict[str, list[Commitment]] = defaultdict(list)
        for c in sorted(by_iri.values(), key=lambda c: (c.protocol, c.ordinal, c.iri)):
            c.matches.sort(key=lambda m: (-m[3], m[0], m[2]))
            out[c.protocol].append(c)
        return out

    # --- shared bits ----------------------------------------------------------------------------------------

    def nav(self) -> list[tuple[str, str]]:
        items = [
            ("index.html", "Overview"),
            ("compare.html", "Compare"),
            ("matches.html", "Matches"),
            ("network.html", "Network"),
            ("validation.html", "Validation"),
            ("ontology.html", "Ontology"),
            ("|", ""),
        ]
        items += [(f"protocol-{pid}.html", self.names[pid]) for pid in self.pids]
        return items

    def footer(self) -> str:
        return (
            f"Generated by perr-graph {e(__version__)} from the built dataset (dist/perr.nq). Every figure is "
            "the answer of a query in <code>queries/</code>; every commitment links to the line of the source "
            "text it was read from. This report opens from disk and fetches nothing."
        )

    def write(self, out: Path, name: str, title: str, body: str) -> Path:
        path = out / name
        write_atomic(path, [page(title, body, self.nav(), name, self.footer())])
        return path

    def pname(self, pid: str) -> str:
        return self.names.get(pid, pid)

    def concept_label(self, scheme: str, notation: str) -> str:
        """The French label of a concept of a scheme (``pillar``, ``role`` …) from query 41, else the notation."""
        for r in self.concepts:
            if r["notation"] == notation and r["scheme"].rstrip("/").endswith("/" + scheme):
                return r["label_fr"] or notation
        return notation

    # --- pages ----------------------------------------------------------------------------------------------

    def index(self) -> str:
        total_c = sum(len(v) for v in self.commitments.values())
        partners = self.graphs["all"].number_of_nodes()
        matches = self.tables["matches"].rows
        exact = sum(1 for r in matches if r[1] == "exact")
        body = [
            "<h1>Five urban-policy protocols, side by side</h1>",
            '<p class="lead">The "protocoles d\'engagements renforcés et réciproques" (PERR, 2019–2022) of five '
            "French territories, read into a knowledge graph: who commits to what, who leads, who is associated, "
            "for which pillar and theme — each commitment traced to the line of its source text.</p>",
            '<div class="kpis">',
            f'<div class="kpi"><b>{len(self.pids)}</b><span>protocols</span></div>',
            f'<div class="kpi"><b>{total_c}</b><span>commitments</span></div>',
            f'<div class="kpi"><b>{partners}</b><span>organisations involved</span></div>',
            f'<div class="kpi"><b>{len(matches)}</b><span>matched pairs across protocols '
            f"({exact} word for word)</span></div>",
            "</div>",
            '<h2 id="protocols">The protocols</h2>',
            '<div class="cards">',
        ]
        for pid in self.pids:
            info, st, sh = self.info[pid], self.stats.get(pid, {}), self.shares.get(pid, {})
            period = _period(info)
            n_match = sum(1 for c in self.commitments.get(pid, []) if c.matches)
            lead = float(sh.get("lead_share") or 0)
            ind = float(sh.get("indicator_share") or 0)
            body.append(
                f'<div class="card protocol" id="p-{e(pid)}">'
                f'<h3><a href="protocol-{e(pid)}.html">{e(self.pname(pid))}</a></h3>'
                f'<div class="sub">{e(self.titles[pid])}</div>'
                f'<div class="where">{e(info.get("epci_label"))} · {e(period)}</div>'
                f'<div class="nums"><div><b>{num(st.get("commitments"))}</b><span>commitments</span></div>'
                f"<div><b>{num(st.get('partners'))}</b><span>partners involved</span></div>"
                f"<div><b>{num(st.get('signatories'))}</b><span>signatories</span></div>"
                f"<div><b>{n_match}</b><span>matched elsewhere</span></div></div>"
                f'<div class="small">Known lead: {lead:g}%</div>'
                f'<div class="bar"><span style="width:{lead:.1f}%"></span></div>'
                f'<div class="small">With an indicator: {ind:g}%</div>'
                f'<div class="bar ind"><span style="width:{ind:.1f}%"></span></div>'
                f'<div class="links"><a href="protocol-{e(pid)}.html">Commitments →</a>'
                f'<a href="source-{e(pid)}.html">Source text</a></div></div>'
            )
        body.append("</div>")
        from perr_graph.report.svg import shares_svg

        body.append("<h2>Who leads, and what is measured</h2>")
        body.append(
            f"<figure>{shares_svg([self.shares[p] for p in self.pids if p in self.shares], self.names)}"
            "<figcaption>Share of each protocol's commitments with a known lead (perr:lead: chef de file or "
            "committing party) and with an indicator (on the commitment or its objective). Query "
            "<code>33-lead-and-indicator-share.rq</code>.</figcaption></figure>"
        )
        body.append(
            '<h2>In this report</h2><ul class="toc">'
            '<li><a href="compare.html">Compare</a> — partner categories by role, pillars, themes, partners '
            "present everywhere or once, as heat maps</li>"
            '<li><a href="matches.html">Matches</a> — commitments that say the same thing in two protocols</li>'
            '<li><a href="network.html">Network</a> — partners linked by shared commitments; GraphML and GEXF '
            "for Gephi</li>"
            '<li><a href="validation.html">Validation</a> — what the SHACL shapes report</li>'
            '<li><a href="ontology.html">Ontology</a> — classes, properties and concept schemes</li>'
            + "".join(
                f'<li><a href="protocol-{e(p)}.html">{e(self.pname(p))}</a> — commitments, partners '
                f'and roles; <a href="source-{e(p)}.html">source text</a></li>'
                for p in self.pids
            )
            + "</ul>"
        )
        return "\n".join(body)

    def compare_page(self) -> str:
        names = self.names
        cols = [(p, names[p]) for p in self.pids]
        body = [
            "<h1>Compare the territories</h1>",
            '<p class="lead">How the territories share the work: which kinds of partners take which role, '
            "which pillars and themes the commitments address, and which partners appear everywhere or only "
            "once. Darker cells hold more commitments; the last column adds the protocols up.</p>",
            '<ul class="toc"><li><a href="#roles">Partner categories by role</a></li>'
            '<li><a href="#organisations">Organisations by category</a></li>'
            '<li><a href="#pillars">Pillars</a></li><li><a href="#themes">Themes</a></li>'
            '<li><a href="#shares">Leads and indicators</a></li>'
            '<li><a href="#everywhere">Partners everywhere</a></li><li><a href="#once">Partners once</a></li></ul>',
        ]
        t = self.tables["category-roles"]
        body.append('<h2 id="roles">Partner categories by role</h2>')
        body.append(
            f'<p class="note">Number of commitments that involve at least one organisation of the category in '
            f'the role. Query <code>{e(t.query)}</code>.</p><div class="grid2">'
        )
        for role in ROLES:
            recs = [r for r in t.records() if r["role"] == role]
            if not recs:
                continue
            title, what = ROLE_TITLES[role]
            body.append(
                f'<div><h3>{e(title)} <span class="muted small">role:{e(role)}</span></h3>'
                f'<p class="note">{e(what)}.</p>'
                + heat([("category_label", "category")], cols, recs, ("all", "all"))
                + "</div>"
            )
        body.append("</div>")
        t = self.tables["category-partners"]
        body.append(
            '<h2 id="organisations">Organisations involved, by category</h2>'
            f'<p class="note">{e(t.note)} Query <code>{e(t.query)}</code>.</p>'
        )
        body.append(heat([("category_label", "category")], cols, t.records(), ("all", "all"), hue="green"))
        body.append('<div class="grid2">')
        for name, anchor, label in (("pillars", "pillars", "pillar"), ("themes", "themes", "theme")):
            t = self.tables[name]
            recs = [dict(r, **{f"{label}_label": r[f"{label}_label"] or "(none)"}) for r in t.records()]
            body.append(
                f'<div><h2 id="{anchor}">{e(t.title)}</h2>'
                f'<p class="note">{e(t.note)} Query <code>{e(t.query)}</code>.</p>'
                + heat([(f"{label}_label", label)], cols, recs, ("all", "all"))
                + "</div>"
            )
        body.append("</div>")
        t = self.tables["lead-indicator"]
        recs = [dict(r, territory=names[r["protocol"]]) for r in t.records()]
        body.append(
            f'<h2 id="shares">{e(t.title)}</h2>'
            f'<p class="note">{e(t.note)} Query <code>{e(t.query)}</code>.</p>'
        )
        body.append(
            heat(
                [("territory", "territory")],
                [("commitments", "commitments"), ("with_lead", "with a lead")],
                recs,
                hue="blue",
            )
        )
        body.append(
            heat(
                [("territory", "territory")],
                [("lead_share", "% with a lead"), ("indicator_share", "% with an indicator")],
                recs,
                hue="green",
                top=100,
            )
        )
        t = self.tables["partners-everywhere"]
        body.append(
            f'<h2 id="everywhere">{e(t.title)}</h2><p class="note">Organisations involved (any role) in '
            f"at least one commitment of each of the {len(self.pids)} protocols. Query <code>{e(t.query)}</code>.</p>"
        )
        body.append(
            table(
                ["partner", "category", "protocols", "commitments", "leads"],
                [
                    [r["partner_label"], r["category"], r["protocols"], r["commitments"], r["leads"]]
                    for r in t.records()
                ],
                numeric={"protocols", "commitments", "leads"},
            )
        )
        t = self.tables["partners-once"]
        body.append(
            f'<h2 id="once">{e(t.title)}</h2><p class="note">Organisations involved in the commitments of '
            f"a single protocol. Query <code>{e(t.query)}</code>.</p>"
        )
        body.append(
            table(
                ["territory", "partner", "category", "commitments", "leads"],
                [
                    [names[r["protocol"]], r["partner_label"], r["category"], r["commitments"], r["leads"]]
                    for r in t.records()
                ],
                numeric={"commitments", "leads"},
            )
        )
        return "\n".join(body)

    def matches_page(self) -> str:
        from perr_graph.analysis.matching import MIN_SHARED, THRESHOLD

        t = self.tables["matches"]
        recs = t.records()
        exact = [r for r in recs if r["relation"] == "exact"]
        close = [r for r in recs if r["relation"] == "close"]
        pairs = defaultdict(int)
        for r in recs:
            a, b = r["a"].split(" ")[0], r["b"].split(" ")[0]
            pairs[tuple(sorted((a, b)))] += 1
        body = [
            "<h1>Commitments that say the same thing</h1>",
            f'<p class="lead">{len(recs)} pairs of commitments from two different protocols: {len(exact)} with '
            f"the same text word for word, {len(close)} close in wording. Each pair is recorded in the named "
            "graph <code>graph:matches</code> with its score and method, and listed by query "
            f"<code>{e(t.query)}</code>.</p>",
            '<p class="note">Method: accent-folded lower-case words, French stop words removed, light suffix '
            "stemming, TF-IDF over all the commitment texts, cosine similarity; identical normalised texts are "
            f"exact matches (score 1); other pairs are close matches when the cosine is at least {THRESHOLD} "
            f"and they share at least {MIN_SHARED} stems. The threshold and the precision measured on a "
            'hand-checked sample are in <code>docs/compare.md</code>. "Shared terms" are the stems that weigh '
            "most in the score — the explanation of each match.</p>",
            "<h2>Pairs by protocols</h2>",
            table(
                ["protocols", "pairs"],
                [[f"{self.pname(a)} — {self.pname(b)}", n] for (a, b), n in sorted(pairs.items())],
                numeric={"pairs"},
                cls="compact",
            ),
        ]
        for title, group in (("Close matches", close), ("Word-for-word copies", exact)):
            body.append(f"<h2>{e(title)} <span class='muted small'>({len(group)})</span></h2>")
            rows = []
            for r in group:
                cells = []
                for side in ("a", "b"):
                    p, line = r[side].split(" L")
                    key = r[f"commitment_{side}"].rsplit("/", 1)[-1]
                    cells.append(
                        f'<a href="protocol-{e(p)}.html#c-{e(key)}">{e(self.pname(p))}</a><br>'
                        f'<a class="small" href="source-{e(p)}.html#L{e(line)}">line {e(line)}</a>'
                    )
                    cells.append(e(r[f"text_{side}"]))
                rows.append(
                    [
                        f'<span class="score">{r["score"]:.2f}</span><br>'
                        f'<span class="badge {e(r["relation"])}">{e(r["relation"])}</span>',
                        cells[0],
                        cells[1],
                        cells[2],
                        cells[3],
                        e(r["shared_terms"]),
                    ]
                )
            body.append(
                table(
                    ["score", "commitment A", "text A", "commitment B", "text B", "shared terms"],
                    rows,
                    raw={"score", "commitment A", "text A", "commitment B", "text B", "shared terms"},
                    cls="data pairs",
                )
            )
        return "\n".join(body)

    def network_page(self, exports: list[str]) -> str:
        from perr_graph.analysis.network import CATEGORY_COLOURS, communities
        from perr_graph.report.svg import connected_part, network_svg

        g = self.graphs["all"]
        drawn, alone = connected_part(g)
        t = self.tables["network"]
        cats = sorted({g.nodes[n]["category"] for n in g})
        legend = "".join(
            f'<span><span class="sw" style="background:{CATEGORY_COLOURS.get(c, "#999")}"></span>'
            f"{e(c)}</span>"
            for c in cats
        )
        body = [
            "<h1>The partner network</h1>",
            f'<p class="lead">{g.number_of_nodes()} organisations; two are linked when they are involved in the '
            f"same commitment ({g.number_of_edges()} links). A larger dot takes part in more commitments; a "
            "thicker line shares more. Hover a dot or a line for details.</p>",
            f'<div class="legend">{legend}</div>',
            "<figure>"
            + network_svg(drawn, "Partner network, all protocols", width=1190, height=720, labels=30)
            + "<figcaption>All protocols. Layout: "
            "Fruchterman–Reingold spring layout with a fixed seed (the same picture on every run). Queries "
            "<code>37-partner-pairs.rq</code> and <code>38-partner-activity.rq</code>. Not drawn: "
            f"{len(alone)} organisations that share no commitment with another — "
            + e("; ".join(sorted(g.nodes[n]["label"] for n in alone)))
            + ".</figcaption></figure>",
            "<h2>Download for Gephi</h2><p>"
            + " · ".join(f'<a href="network/{e(x)}">{e(x)}</a>' for x in exports)
            + "</p>",
            '<p class="note">Nodes carry label, category, commitments, leads, degree, weighted degree, '
            "betweenness and community; links carry <code>weight</code> (commitments shared) and "
            "<code>named</code> (the same without involvements as the signatories collectively).</p>",
            "<h2>Centrality</h2>",
            f'<p class="note">{e(t.note)}</p>',
            table(
                ["partner", "category", "protocols", "degree", "weighted degree", "betweenness", "community"],
                [r[:7] for r in t.rows],
                numeric={"degree", "weighted degree", "betweenness", "community"},
            ),
            "<h2>Communities</h2>",
            '<p class="note">Groups of partners more linked among themselves than with the others (networkx greedy '
            "modularity on the weights). Partners that never share a commitment are left alone.</p>",
        ]
        rows = []
        for i, members in enumerate(communities(g), start=1):
            if len(members) < 2:
                continue
            rows.append([i, len(members), "; ".join(sorted(g.nodes[m]["label"] for m in members))])
        body.append(table(["community", "partners", "members"], rows, numeric={"community", "partners"}))
        body.append("<h2>Per protocol</h2><div class='grid2'>")
        for pid in self.pids:
            h = self.graphs.get(pid)
            if h is None:
                continue
            part, alone = connected_part(h)
            picture = (
                network_svg(part, "Partner network, " + self.pname(pid), width=600, height=420, labels=14)
                if part.number_of_nodes()
                else ""
            )
            body.append(
                f'<div><h3><a href="protocol-{e(pid)}.html">{e(self.pname(pid))}</a></h3><figure>'
                f"{picture}<figcaption>{h.number_of_nodes()} organisations, {h.number_of_edges()} links"
                + (f"; alone: {e('; '.join(sorted(h.nodes[n]['label'] for n in alone)))}" if alone else "")
                + ".</figcaption></figure></div>"
            )
        body.append("</div>")
        return "\n".join(body)

    def protocol_page(self, pid: str) -> str:
        info, st, sh = self.info[pid], self.stats.get(pid, {}), self.shares.get(pid, {})
        cs = self.commitments.get(pid, [])
        period = _period(info)
        body = [
            f"<h1>{e(self.pname(pid))}</h1>",
            f'<p class="lead">{e(self.titles[pid])}</p>',
            '<div class="kpis">',
            f'<div class="kpi"><b>{len(cs)}</b><span>commitments</span></div>',
            f'<div class="kpi"><b>{num(sh.get("lead_share"))}%</b><span>with a known lead</span></div>',
            f'<div class="kpi"><b>{num(sh.get("indicator_share"))}%</b><span>with an indicator</span></div>',
            f'<div class="kpi"><b>{num(st.get("partners"))}</b><span>partners involved</span></div>',
            f'<div class="kpi"><b>{sum(1 for c in cs if c.matches)}</b><span>matched in another protocol</span></div>',
            "</div>",
            f'<p class="small muted">Intercommunality: {e(info.get("epci_label"))} · period {e(period)}'
            + (f" · signed {e(info.get('signed'))}" if info.get("signed") else "")
            + f' · source <a href="source-{e(pid)}.html">{e(info.get("source_file"))}</a> '
            f"({num(info.get('line_count'))} lines)</p>",
        ]
        if info.get("lead_note"):
            body.append(
                f"<details open><summary><b>How leads are read in this document</b></summary>"
                f'<p class="note">{e(info["lead_note"])}</p></details>'
            )
        legend = "".join(f'<span class="chip role-{e(r)}">{e(ROLE_TITLES[r][0])}</span>' for r in ROLES)
        body.append(f'<div class="legend">Roles: {legend}</div>')
        body.append(
            '<h2>Commitments</h2><p class="note">In document order, grouped by the document\'s own sections. '
            "The line link opens the source text at the line read; a grey left border means no known "
            "lead.</p>"
        )
        sections: list[tuple[str, list[Commitment]]] = []
        for c in cs:
            if not sections or sections[-1][0] != c.section:
                sections.append((c.section, []))
            sections[-1][1].append(c)
        for title, group in sections:
            body.append(
                f'<section class="sec"><h3>{e(title or "(no section)")} '
                f'<span class="muted small">{len(group)}</span></h3>'
            )
            for c in group:
                body.append(self._commitment(c))
            body.append("</section>")
        h = self.graphs.get(pid)
        if h is not None and h.number_of_edges():
            from perr_graph.report.svg import connected_part, network_svg

            part, alone = connected_part(h)
            body.append(
                "<h2>Partners of this protocol</h2><figure>"
                f"{network_svg(part, 'Partner network, ' + self.pname(pid), width=820, height=520, labels=20)}"
                "<figcaption>Organisations linked by the commitments they share in this protocol"
                + (
                    f"; not drawn (no shared commitment): {e('; '.join(sorted(h.nodes[n]['label'] for n in alone)))}"
                    if alone
                    else ""
                )
                + '. See <a href="network.html">the network page</a>.</figcaption></figure>'
            )
        return "\n".join(body)

    def _commitment(self, c: Commitment) -> str:
        lines = f"L{c.line_start}" + (f"–{c.line_end}" if c.line_end != c.line_start else "")
        cls = "c" if c.has_lead else "c nolead"
        tags = ""
        if c.pillar:
            tags += f'<span class="pill">{e(self.concept_label("pillar", c.pillar))}</span>'
        tags += "".join(f'<span class="tag">{e(t)}</span>' for t in c.themes)
        collective = [i for i in c.involvements if i["role"] == "signataires-collectivement"]
        chips = []
        if collective:
            names = "; ".join(sorted(i["partner_label"] or "" for i in collective))
            chips.append(
                f'<span class="chip role-signataires-collectivement" title="{e(names)}">'
                f"all {len(collective)} signatories together</span>"
            )
        for i in sorted(
            (i for i in c.involvements if i["role"] != "signataires-collectivement"),
            key=lambda i: (ROLES.index(i["role"]) if i["role"] in ROLES else 9, i["partner_label"] or ""),
        ):
            tip = f"{ROLE_TITLES.get(i['role'], (i['role'],))[0]} — as written: {i['evidence']}"
            chips.append(
                f'<span class="chip role-{e(i["role"])}" title="{e(tip)}">{e(i["partner_label"])}</span>'
            )
        matches = ""
        if c.matches:
            links = ", ".join(
                f'<a href="protocol-{e(p)}.html#c-{e(k)}">{e(self.pname(p))} L{line}</a> ({rel}, {score:.2f})'
                for p, k, line, score, rel in c.matches
            )
            matches = f'<div class="matches">Also in: {links}</div>'
        return (
            f'<article class="{cls}" id="c-{e(c.key)}">'
            f'<a class="line" href="source-{e(c.protocol)}.html#L{c.line_start}" '
            f'title="open the source text at this line">{e(lines)}</a><p>{e(c.text)}</p>'
            f"<div>{tags}</div><div>{''.join(chips) or '<span class=muted small>no partner named</span>'}</div>"
            f"{matches}</article>"
        )

    def source_page(self, pid: str) -> str:
        info = self.info[pid]
        path = paths.SOURCES / str(info["source_file"])
        lines = path.read_text(encoding="utf-8").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        starts: dict[int, list[Commitment]] = defaultdict(list)
        read: set[int] = set()
        for c in self.commitments.get(pid, []):
            starts[c.line_start].append(c)
            read.update(range(c.line_start, c.line_end + 1))
        body = [
            f"<h1>Source text — {e(self.pname(pid))}</h1>",
            f'<p class="lead">{e(info["source_file"])}: the text converted from the published PDF, byte for '
            f"byte as catalogued ({len(lines)} lines; HTML fragments left by the conversion shown as they are). "
            "Lines read as a commitment are tinted; ↩ goes back to the commitment.</p>",
            f'<p><a href="protocol-{e(pid)}.html">← the commitments of this protocol</a></p><div class="src">',
        ]
        for n, text in enumerate(lines, start=1):
            back = "".join(
                f'<a class="back" href="protocol-{e(pid)}.html#c-{e(c.key)}">↩ {e(c.key)}</a> '
                for c in starts.get(n, [])
            )
            cls = "ln read" if n in read else "ln"
            body.append(
                f'<div class="{cls}" id="L{n}"><a class="n" href="#L{n}">{n}</a>'
                f'<span class="t">{e(text)}</span><span>{back}</span></div>'
            )
        body.append("</div>")
        return "\n".join(body)

    def validation_page(self) -> str:
        v = self.validation
        body = ["<h1>Validation</h1>"]
        if v is None:
            body.append(
                '<p class="lead">No validation findings: the report was written with --no-validation, or '
                "the SHACL validation module (<code>perr_graph.validate</code>) is not available.</p>"
            )
            return "\n".join(body)
        results = v["results"]
        verdict = "conforms" if v["conforms"] else "does not conform"
        body.append(
            f'<p class="lead">The dataset <b>{e(verdict)}</b> to the SHACL shapes in '
            f"<code>ontology/shapes/</code> (failing at: {e(v['fail_on'])}). Violations are errors; warnings "
            "and infos say where a text is silent or incomplete — a commitment without a known lead, a "
            "protocol without indicators — and point at the source line. Computed by "
            "<code>perr_graph.validate</code> (the same as <code>perr validate</code>).</p>"
        )
        body.append(
            table(
                ["unit", "violations", "warnings", "infos", "notes"],
                [
                    [
                        self.pname(u["name"]) if u["name"] in self.info else u["name"],
                        u["violations"],
                        u["warnings"],
                        u["infos"],
                        "; ".join(u["notes"]),
                    ]
                    for u in v["units"]
                ],
                numeric={"violations", "warnings", "infos"},
            )
        )
        order = {"Violation": 0, "Warning": 1, "Info": 2}
        groups: dict[tuple, list[dict]] = defaultdict(list)
        for r in results:
            groups[(r["protocol"], r["severity"], r["shape"])].append(r)
        body.append("<h2>By protocol and shape</h2>")
        rows = []
        for (unit, severity, shape), rs in sorted(
            groups.items(),
            key=lambda kv: (kv[0][0] not in self.info, kv[0][0], order.get(kv[0][1], 9), kv[0][2]),
        ):
            rows.append(
                [
                    e(self.pname(unit) if unit in self.info else unit),
                    f'<span class="badge {e(severity)}">{e(severity)}</span>',
                    f"<code>{e(shape)}</code>",
                    e(rs[0]["path"] or ""),
                    len(rs),
                    e(rs[0]["message"]),
                ]
            )
        body.append(
            table(
                ["unit", "severity", "shape", "path", "results", "message"],
                rows,
                numeric={"results"},
                raw={"unit", "severity", "shape", "path", "message"},
            )
        )
        body.append(
            '<h2>Every result</h2><p class="note">Each result with the node it is about and the line '
            "of the source text that node was read from.</p>"
        )
        for (unit, severity, shape), rs in sorted(
            groups.items(),
            key=lambda kv: (kv[0][0] not in self.info, kv[0][0], order.get(kv[0][1], 9), kv[0][2]),
        ):
            items = []
            for r in rs:
                where = ""
                if unit in self.info and r.get("line"):
                    where = f'<a href="source-{e(unit)}.html#L{e(r["line"])}">line {e(r["line"])}</a>'
                label = e(r["label"])
                focus = r["focus"]
                key = re.search(r"/commitment/([^/]+)", focus)
                if unit in self.info and key:
                    label = f'<a href="protocol-{e(unit)}.html#c-{e(key.group(1))}">{label}</a>'
                value = f" — value: {e(r['value_label'] or r['value'])}" if r.get("value") else ""
                items.append(f"<li>{where} {label}{value}</li>")
            name = self.pname(unit) if unit in self.info else unit
            body.append(
                f'<details><summary><span class="badge {e(severity)}">{e(severity)}</span> '
                f"{e(name)} · <code>{e(shape)}</code> ({len(rs)})</summary>"
                f'<p class="note">{e(rs[0]["message"])}</p><ul class="small">{"".join(items)}</ul></details>'
            )
        return "\n".join(body)

    def ontology_page(self) -> str:
        from perr_graph.sparql.output import compact

        body = [
            "<h1>The ontology</h1>",
            '<p class="lead">The project\'s own classes and properties (<code>ontology/perr.ttl</code>) and its '
            "concept schemes (<code>ontology/vocabularies.ttl</code>), read from the graph "
            "<code>graph:ontology</code> by queries <code>40-ontology-terms.rq</code> and "
            "<code>41-concepts.rq</code>. Standard terms (ORG, PROV, SKOS, DCTERMS, Web Annotation, Data Cube…) "
            "are used as they are and documented by their own specifications.</p>",
            '<ul class="toc"><li><a href="#classes">Classes</a></li><li><a href="#object-properties">Object '
            'properties</a></li><li><a href="#datatype-properties">Datatype properties</a></li>'
            '<li><a href="#schemes">Concept schemes</a></li></ul>',
        ]
        for kind, anchor, title in (
            ("class", "classes", "Classes"),
            ("object property", "object-properties", "Object properties"),
            ("datatype property", "datatype-properties", "Datatype properties"),
        ):
            rows = []
            for r in (x for x in self.terms if x["kind"] == kind):
                extra = []
                if r.get("parent"):
                    extra.append(f"⊑ {e(compact(r['parent']))}")
                if r.get("domain"):
                    extra.append(f"domain {e(compact(r['domain']))}")
                if r.get("range"):
                    extra.append(f"range {e(compact(r['range']))}")
                rows.append(
                    [
                        f'<code id="{e(compact(r["term"]))}">{e(compact(r["term"]))}</code>'
                        + (f'<br><span class="small muted">{"<br>".join(extra)}</span>' if extra else ""),
                        f'{e(r["label_fr"])}<br><span class="muted">{e(r["label_en"])}</span>',
                        f'{e(r["definition_en"])}<details><summary class="small">en français</summary>'
                        f'<span class="small">{e(r["definition_fr"])}</span></details>',
                    ]
                )
            body.append(f'<h2 id="{anchor}">{e(title)} <span class="muted small">({len(rows)})</span></h2>')
            body.append(
                table(
                    ["term", "label (fr / en)", "definition"],
                    rows,
                    raw={"term", "label (fr / en)", "definition"},
                )
            )
        body.append('<h2 id="schemes">Concept schemes</h2>')
        schemes: dict[str, list[dict]] = defaultdict(list)
        labels = {}
        for r in self.concepts:
            schemes[r["scheme"]].append(r)
            labels[r["scheme"]] = r["scheme_label"]
        for s in sorted(schemes, key=lambda s: labels[s]):
            rows = [
                [
                    f"<code>{e(r['notation'])}</code>",
                    f'{e(r["label_fr"])}<br><span class="muted">{e(r["label_en"])}</span>',
                    e(r["definition_en"]),
                ]
                for r in schemes[s]
            ]
            body.append(
                f'<h3>{e(labels[s])} <span class="muted small"><code>{e(compact(s))}</code> · '
                f"{len(rows)} concepts</span></h3>"
            )
            body.append(
                table(
                    ["notation", "label (fr / en)", "definition"],
                    rows,
                    raw={"notation", "label (fr / en)", "definition"},
                )
            )
        return "\n".join(body)


def validation_findings(store_files: list[Path] | None = None):
    """``(conforms, results)`` from :mod:`perr_graph.validate`, or None when that module is not there."""
    import importlib

    try:
        v = importlib.import_module("perr_graph.validate")
    except ModuleNotFoundError as exc:
        if exc.name == "perr_graph.validate":
            return None
        raise
    from perr_graph.report.validation import findings

    return findings(v, store_files)


def build_report(store, out: Path, validation=None) -> list[Path]:
    """Write every page of the report into ``out`` (and the network files into ``out/network``)."""
    from perr_graph.analysis.network import write_exports

    out = Path(out)
    r = Report(store, validation)
    written = [
        r.write(out, "index.html", "Overview", r.index()),
        r.write(out, "compare.html", "Compare", r.compare_page()),
        r.write(out, "matches.html", "Matches", r.matches_page()),
    ]
    exports = write_exports(r.graphs, out / "network")
    written += exports
    written.append(r.write(out, "network.html", "Network", r.network_page([p.name for p in exports])))
    for pid in r.pids:
        written.append(r.write(out, f"protocol-{pid}.html", r.pname(pid), r.protocol_page(pid)))
        written.append(r.write(out, f"source-{pid}.html", f"Source — {r.pname(pid)}", r.source_page(pid)))
    written.append(r.write(out, "validation.html", "Validation", r.validation_page()))
    written.append(r.write(out, "ontology.html", "Ontology", r.ontology_page()))
    return written
