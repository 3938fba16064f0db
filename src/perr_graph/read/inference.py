"""Readings a document does not state, applied apart: the ``[[hypothesis]]`` tables of a configuration.

What a protocol states stays in its own graph. A hypothesis (a ``hypothesis:`` concept of the ontology, with its
justification and the lines it rests on) reads some of the stated involvements another way, and what it reads
is recorded as inferred involvements, which the build writes into ``graph:inferences/<pid>`` only
(``docs/model.md``, "Stated and inferred readings").

The Val de Drôme tables carry the header "CHEFS DE FILE / PARTENAIRES ASSOCIES" (lines 99-100, 109-110, 126) and
X/x marks, but the text never says how the marks are read: its marks are stated with role not stated (rule
``matrix-mark-without-convention``). The hypothesis ``convention-de-montelimar`` reads them as the Montélimar
legend says (line 87: "Chaque mesure d'accompagnement aura un chef de file qui apparaît en gras"; line 89:
"Autres = Partenaires associés"): an uppercase X is the chef de file, a lowercase x and a name in the "autre"
column an associated partner.

Each inferred involvement keeps the partner, the column's partner and the evidence of the stated involvement(s)
it reads, which it is ``prov:wasDerivedFrom``; the same partner read twice with the same role in one commitment is
one inferred involvement derived from both.
"""

from __future__ import annotations

from perr_graph.model import InferredInvolvement
from perr_graph.read.base import Context


def apply(ctx: Context) -> None:
    """Every hypothesis of the configuration on every commitment (module docstring)."""
    for inference, h in zip(ctx.protocol.inferences, ctx.config.hypothesis, strict=True):
        for c in ctx.protocol.commitments:
            made: list[InferredInvolvement] = []
            for inv in c.involvements:
                entry = h.marks.get(inv.mark or "") if inv.rule == h.rule else None
                if entry is None:
                    continue
                same = next((m for m in made if m.partner == inv.partner and m.role == entry.role), None)
                if same is not None:
                    same.derived_from.append(inv.key)
                    if inv.evidence not in same.evidence.split(" | "):
                        same.evidence += " | " + inv.evidence
                    continue
                made.append(
                    InferredInvolvement(
                        c.key,
                        inv.partner,
                        entry.role,
                        inv.evidence,
                        entry.rule,
                        inv.span,
                        h.id,
                        [inv.key],
                        inv.column,
                    )
                )
            seen: dict[str, int] = {}
            for m in made:
                seen[m.partner] = seen.get(m.partner, 0) + 1
                m.key = m.partner if seen[m.partner] == 1 else f"{m.partner}-{seen[m.partner]}"
            inference.involvements.extend(made)
