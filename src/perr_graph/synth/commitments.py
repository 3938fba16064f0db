"""The commitments of a synthetic protocol: runs of consecutive commitments copied from the template (3 to 12 at
a time, from a random start), with their sections, enjeux, objectives, involvements, indicators, amounts and
places, until the protocol has as many commitments as drawn from the real counts.

Each involvement keeps its template's role and reading rule, and its evidence stands where the template's did:
a cell of the commitment's table row (a mark, a code, a name), the commitment's own words ("X s'engage à …",
"portée par X"), or a line before it ("X s'engage à :", an annex heading)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from perr_graph.model import (
    Amount,
    Challenge,
    Commitment,
    Indicator,
    Involvement,
    Objective,
    Protocol,
    Section,
    Target,
)
from perr_graph.synth.draft import Draft
from perr_graph.synth.names import INDICATORS, acronym, number

#: run of consecutive template commitments copied at a time
RUN_MIN, RUN_MAX = 3, 12

#: involvement rules whose evidence is a cell of a table row (the mark, a code or a name in a column)
CELL_RULES = {
    "matrix-uppercase-lead",
    "matrix-lowercase-associated",
    "matrix-mark-without-convention",
    "matrix-unmarked-code",
    "matrix-legend-column",
    "annex-table-structure",
}

_LOST_HEADING = (
    "Synthetic: the heading is missing from the text, as in the template; the generator supplies the label."
)


@dataclass
class _Template:
    """The template's facts by key, for the commitments that point at them."""

    sections: dict[str, Section]
    challenges: dict[str, Challenge]
    objectives: dict[str, Objective]
    by_commitment: dict[str, list[Indicator]]
    by_objective: dict[str, list[Indicator]]
    amounts: dict[str, list[Amount]]

    @classmethod
    def of(cls, t: Protocol) -> _Template:
        by_commitment: dict[str, list[Indicator]] = defaultdict(list)
        by_objective: dict[str, list[Indicator]] = defaultdict(list)
        for ind in t.indicators:
            for k in ind.of_commitments:
                by_commitment[k].append(ind)
            if ind.of_objective:
                by_objective[ind.of_objective].append(ind)
        amounts: dict[str, list[Amount]] = defaultdict(list)
        for a in t.amounts:
            if a.commitment:
                amounts[a.commitment].append(a)
        return cls(
            {s.key: s for s in t.sections},
            {c.key: c for c in t.challenges},
            {o.key: o for o in t.objectives},
            by_commitment,
            by_objective,
            amounts,
        )


@dataclass
class _Run:
    """Template keys already given a synthetic counterpart within one run of commitments."""

    sections: dict[str, str] = field(default_factory=dict)
    challenges: dict[str, str] = field(default_factory=dict)
    objectives: dict[str, str] = field(default_factory=dict)
    intros: dict[int, int] = field(default_factory=dict)  # template line -> synthetic line
    indicators: dict[int, Indicator] = field(default_factory=dict)  # id(template indicator) -> synthetic


@dataclass
class _Planned:
    """One involvement of the template's commitment, its synthetic partner, and where its evidence stands:
    ``"cell"`` (a cell of the row), ``"text"`` (the commitment's words) or ``"intro"`` (a line before)."""

    inv: Involvement
    sid: str
    where: str


def commitments(draft: Draft, p: Protocol) -> None:
    """Runs of the template's commitments until the count drawn from the real counts' normal law (at least 3)."""
    basis, rng, t = draft.basis, draft.rng, draft.template
    target = max(3, round(rng.gauss(basis.commitment_mean, basis.commitment_sd)))
    tpl = _Template.of(t)
    produced = 0
    while produced < target:
        start = rng.randrange(len(t.commitments))
        run = t.commitments[start : start + rng.randint(RUN_MIN, RUN_MAX)][: target - produced]
        state = _Run()
        for tc in run:
            _commitment(draft, p, tc, tpl, state)
        produced += len(run)


def _section(draft: Draft, p: Protocol, key: str | None, tpl: _Template, state: _Run) -> str | None:
    """The synthetic section standing for the template's section ``key`` in this run (its parents first): a
    heading "<n>. <themes>", or no heading where the template's was lost."""
    if key is None or key not in tpl.sections:
        return None
    if key in state.sections:
        return state.sections[key]
    ts = tpl.sections[key]
    parent = _section(draft, p, ts.parent, tpl, state) if ts.parent else None
    themes = [draft.basis.label("theme", x) for x in ts.themes] or ["Politique de la ville"]
    n = len(p.sections) + 1
    if ts.span is None:
        draft.sections_lost += 1
        sid = "L0" if draft.sections_lost == 1 else f"L0-{draft.sections_lost}"
        sec = Section(sid, f"Engagement n°{n}", None, ts.pillar, list(ts.themes), parent, _LOST_HEADING)
    else:
        label = f"{n}. " + " et ".join(themes).capitalize()
        span = draft.cite(label)
        sid = f"L{span.start}"
        sec = Section(sid, label, span, ts.pillar, list(ts.themes), parent)
    p.sections.append(sec)
    state.sections[key] = sid
    return sid


def _commitment(draft: Draft, p: Protocol, tc: Commitment, tpl: _Template, state: _Run) -> None:
    """One commitment in the layout of the template's ``tc``: its place in the structure, the lines before it,
    its row, its involvements, amounts, description and indicators (in this order: the order of the draws)."""
    section = _section(draft, p, tc.section, tpl, state)
    challenge, objective = _challenge_and_objective(draft, p, tc, tpl, state, section)
    plan = [_Planned(inv, draft.partner(inv.partner), _where(inv, tc)) for inv in tc.involvements]
    intro_lines = {}
    for x in plan:
        if x.where == "intro":
            if x.inv.span.start not in state.intros:
                state.intros[x.inv.span.start] = draft.line(_intro(draft, x.inv, x.sid, tc))
            intro_lines[id(x.inv)] = state.intros[x.inv.span.start]
    inline = [x.sid for x in plan if x.where == "text" and x.inv.rule == "inline-commitment"]
    lead_in = ""
    if inline:
        names = " et ".join(dict.fromkeys(draft.plabel(x) for x in inline))
        plural = len(set(inline)) > 1 or names.startswith("Les ")
        lead_in = f"{names} s'engage{'nt' if plural else ''} à "
    length = max(30, int(len(tc.text) * draft.rng.uniform(0.8, 1.2)))
    text = draft.sentence(length, tc.themes, lead_in)
    places = [draft.territory(x) for x in tc.places]
    if places:
        text = text[:-1] + ", à " + ", ".join(draft.tlabel(x) for x in places) + "."
    explicit = {x.sid: f"portée par {draft.plabel(x.sid)}" for x in plan if x.inv.rule == "explicit-words"}
    if explicit:
        text = text[:-1] + " (" + ", ".join(explicit.values()) + ")."
    cells = [
        x.inv.span.quote if x.inv.span.quote in ("X", "x") else acronym(draft.plabel(x.sid))
        for x in plan
        if x.where == "cell"
    ]
    amount_texts = []
    for a in tpl.amounts.get(tc.key, []):
        value = max(100, int(round(a.value * draft.rng.uniform(0.5, 2.0), -2)))
        amount_texts.append((value, f"{number(value)} €"))
    n = draft.line("\t".join([text, *cells, *(x for _, x in amount_texts)]))
    key = f"L{n}"
    c = Commitment(
        key,
        text,
        draft.span(n, text),
        section,
        tc.pillar,
        list(tc.themes),
        challenge,
        objective,
        places=places,
    )
    row = _Row(c, n, lead_in, explicit, iter(cells), intro_lines)
    c.involvements = [_involvement(draft, x, row) for x in plan]
    for k, (value, atext) in enumerate(amount_texts, start=1):
        p.amounts.append(
            Amount(key if k == 1 else f"{key}-{k}", value, atext, text, draft.span(n, atext), key)
        )
    for _ in tc.description:
        c.description.append(draft.text.lines[draft.line(draft.sentence(120, tc.themes)) - 1])
    p.commitments.append(c)
    for ind in tpl.by_commitment.get(tc.key, []):
        if id(ind) in state.indicators:
            state.indicators[id(ind)].of_commitments.append(key)
        else:
            state.indicators[id(ind)] = _indicator(draft, p, ind, of_commitment=key)


def _challenge_and_objective(
    draft: Draft, p: Protocol, tc: Commitment, tpl: _Template, state: _Run, section: str | None
) -> tuple[str | None, str | None]:
    """The synthetic enjeu and objective standing for the template commitment's in this run, each written
    (one sentence on a line) the first time the run meets it; an objective's indicators follow it."""
    challenge = objective = None
    if tc.challenge and tc.challenge in tpl.challenges:
        challenge = state.challenges.get(tc.challenge)
        if challenge is None:
            tch = tpl.challenges[tc.challenge]
            span = draft.cite(draft.sentence(40, tc.themes).rstrip("."))
            challenge = f"L{span.start}"
            within = _section(draft, p, tch.section, tpl, state) or section
            p.challenges.append(Challenge(challenge, span.quote, span, within))
            state.challenges[tc.challenge] = challenge
    if tc.objective and tc.objective in tpl.objectives:
        objective = state.objectives.get(tc.objective)
        if objective is None:
            tob = tpl.objectives[tc.objective]
            span = draft.cite(draft.sentence(60, tc.themes).rstrip("."))
            objective = f"L{span.start}"
            within = _section(draft, p, tob.section, tpl, state) or section
            serves = state.challenges.get(tob.challenge) if tob.challenge else None
            p.objectives.append(Objective(objective, span.quote, span, within, serves))
            state.objectives[tc.objective] = objective
            for ind in tpl.by_objective.get(tc.objective, []):
                _indicator(draft, p, ind, of_objective=objective)
    return challenge, objective


def _where(inv: Involvement, tc: Commitment) -> str:
    """Where the template's evidence of ``inv`` stands: on a line before the commitment (``"intro"``), in a cell
    of its row (a table rule, or a short quote that is not the commitment's text: ``"cell"``), or in its words."""
    if inv.span.start != tc.span.start:
        return "intro"
    if inv.rule in CELL_RULES or (len(inv.span.quote) < 12 and inv.span.quote != tc.span.quote):
        return "cell"
    return "text"


def _intro(draft: Draft, inv: Involvement, sid: str, tc: Commitment) -> str:
    """The line before the commitment that names the committing party, as the template's reading rule reads it:
    an annex heading "Theme (SERVICE)", a partner's contribution, a partner's section, the signatories together,
    or "X s'engage à :"."""
    label = draft.plabel(sid)
    if inv.rule == "annex-followup-service":
        themes = [draft.basis.label("theme", x) for x in tc.themes] or ["Suivi"]
        return f"{themes[0].capitalize()} ({acronym(label)})"
    if inv.rule == "annex-author":
        return f"Contribution de {label} en annexe du présent protocole"
    if inv.rule == "partner-section":
        return label
    if inv.rule == "collective-signatories":
        return "Les signataires s'engagent à mettre en œuvre les mesures ci-après :"
    return f"{label} s'engage{'nt' if label.startswith('Les ') else ''} à :"


@dataclass
class _Row:
    """A commitment as written, with what its involvements' evidence points at: the lead-in of its words,
    its "portée par X" words by partner, its cells (in the order of the plan), the intro lines by involvement."""

    commitment: Commitment
    line: int
    lead_in: str
    explicit: dict[str, str]
    cells: Iterator[str]
    intro_lines: dict[int, int]


def _involvement(draft: Draft, x: _Planned, row: _Row) -> Involvement:
    """The synthetic involvement: the template's role and rule, its evidence and span where the plan says."""
    inv, sid = x.inv, x.sid
    if x.where == "intro":
        m = row.intro_lines[id(inv)]
        quote = draft.text.lines[m - 1]
        code = f"({acronym(draft.plabel(sid))})"
        evidence = code if inv.rule == "annex-followup-service" and code in quote else quote
        span = draft.span(m, quote)
    elif x.where == "cell":
        cell = next(row.cells)
        span = draft.span(row.line, cell)
        evidence = f"{cell} | {row.explicit[sid]}" if sid in row.explicit else cell
    else:
        span = row.commitment.span
        if inv.evidence == "@signatories" or inv.rule == "collective-signatories":
            evidence = inv.evidence
        elif inv.rule == "inline-commitment":
            evidence = row.lead_in.rstrip().removesuffix(" à")
        elif sid in row.explicit:
            evidence = row.explicit[sid]
        else:
            evidence = row.commitment.text[:60]
    return Involvement(sid, inv.role, evidence, inv.rule, span)


def _indicator(
    draft: Draft,
    p: Protocol,
    tind: Indicator,
    of_commitment: str | None = None,
    of_objective: str | None = None,
) -> Indicator:
    """An indicator with the template's targets, each value between half and 1.5 times the real one, on its own
    line: "<label> : <target>, <target>"."""
    rng = draft.rng
    label = rng.choice(INDICATORS)
    targets = []
    for tt in tind.targets:
        value = tt.value
        if isinstance(value, (int, float)):
            value = max(1, round(value * rng.uniform(0.5, 1.5)))
        unit = "%" if tt.unit == "%" else " " + tt.unit if tt.unit else ""
        text = (f"{number(value)}{unit}" if value is not None else "") + (f" en {tt.year}" if tt.year else "")
        targets.append(Target(value, tt.unit, tt.year, text.strip() or "d'ici la fin du contrat"))
    n = draft.line(label + (" : " + ", ".join(x.text for x in targets) if targets else ""))
    ind = Indicator(
        f"L{n}", label, draft.span(n, label), targets, [of_commitment] if of_commitment else [], of_objective
    )
    p.indicators.append(ind)
    return ind
