"""The sixth protocol's expected facts (``tests/fixtures/sixth/expected.toml``) against what a build read from it.

Commitments are matched by their first line; an expected organisation key is the registry partner its name (or
one of its aliases) means in the protocol — the registry's own, or the one ``perr add`` proposed. Each figure is
(right, expected, wrong): what the graph has that the text says, what the text says, and what the graph says that
the text does not.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from perr_graph.inputs.registry import SIGNATORIES, Registry
from perr_graph.model import Protocol
from perr_graph.text import clean, fold

SIXTH = Path(__file__).resolve().parents[1] / "fixtures" / "sixth"
LEAD_ROLES = {"chef-de-file"}
COMMITTING_ROLES = {"partie-qui-s-engage"}
ASSOCIATED_ROLES = {"partenaire-associe"}


def expected() -> dict:
    return tomllib.loads((SIXTH / "expected.toml").read_text(encoding="utf-8"))


@dataclass
class Figure:
    right: int = 0
    expected: int = 0
    wrong: int = 0
    missed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.right / self.expected if self.expected else 1.0

    def __str__(self) -> str:
        return f"{self.right}/{self.expected} ({100 * self.share:.1f} %), {self.wrong} wrong"


def organisations(exp: dict, registry: Registry, pid: str) -> dict[str, str]:
    """Expected organisation key → the partner id the protocol's registry gives its name or an alias."""
    out = {"signataires": SIGNATORIES}
    for org in exp["organisation"]:
        if org["key"] == "signataires":
            continue
        for name in [org["name"], *org.get("aliases", []), org.get("quote", "")]:
            hit = registry.partner_aliases.lookup(name, pid) if name else None
            if hit is None and name:
                hits = registry.partner_aliases.search(name, pid)
                hit = hits[0][0] if len(hits) == 1 else None
            if hit is not None:
                out[org["key"]] = hit.target
                break
    return out


def _partners(c, roles: set[str]) -> set[str]:
    """The organisations a commitment involves in ``roles``: each involvement's partner and, for a mark that names
    a service within a column ("P EN" under État), the column's organisation the graph keeps beside it
    (``perr:columnPartner``): the State acting through the Éducation nationale."""
    found = [i for i in c.involvements if i.role in roles]
    return {i.partner for i in found} | {i.column for i in found if i.column}


def compare(exp: dict, protocol: Protocol, registry: Registry) -> dict[str, Figure]:
    """The figures of the issue's "Done when": commitments, leads, associated partners, committing parties,
    signatories (person and post), indicators and targets."""
    ids = organisations(exp, registry, protocol.pid)
    by_line = {}
    for c in protocol.commitments:
        by_line.setdefault(c.span.start, c)
    figures = {
        k: Figure()
        for k in ("commitments", "leads", "associated", "committing", "signatories", "indicators", "targets")
    }
    for e in exp["commitment"]:
        got = by_line.get(e["line"])
        figures["commitments"].expected += 1
        if got is not None:
            figures["commitments"].right += 1
        else:
            figures["commitments"].missed.append(f"l.{e['line']}")
        for name, key, roles in (
            ("leads", "leads", LEAD_ROLES),
            ("associated", "associated", ASSOCIATED_ROLES),
            ("committing", "committing", COMMITTING_ROLES),
        ):
            want = {ids.get(k, f"?{k}") for k in e[key] if k != "signataires"}
            have = _partners(got, roles) if got is not None else set()
            if name == "committing" and "signataires" in e[key]:
                figures[name].expected += 1
                collective = got is not None and any(
                    i.role == "signataires-collectivement" for i in got.involvements
                )
                figures[name].right += int(collective)
            f = figures[name]
            f.expected += len(want)
            f.right += len(want & have)
            f.wrong += len(have - want)
            f.missed += [f"l.{e['line']} {p}" for p in sorted(want - have)]
            f.extra += [f"l.{e['line']} {p}" for p in sorted(have - want)]
    expected_lines = {e["line"] for e in exp["commitment"]}
    for c in protocol.commitments:  # a commitment the text does not state, with a lead: a wrong lead
        if c.span.start not in expected_lines and _partners(c, LEAD_ROLES):
            figures["leads"].wrong += len(_partners(c, LEAD_ROLES))
            figures["leads"].extra += [f"l.{c.span.start} {p}" for p in sorted(_partners(c, LEAD_ROLES))]
    _signatories(exp, protocol, ids, figures["signatories"])
    _indicators(exp, protocol, figures["indicators"], figures["targets"])
    return figures


def _signatories(exp: dict, protocol: Protocol, ids: dict[str, str], f: Figure) -> None:
    signed = {s.partner: s for s in protocol.signatories}
    for e in exp["signatory"]:
        for key in e["organisations"]:
            f.expected += 1
            s = signed.get(ids.get(key, ""))
            given, family = e["person"].rsplit(" ", 1)
            mentions = [s, *s.also] if s is not None else []
            ok = any(
                m.family
                and fold(m.family) == fold(family)
                and fold(m.given or "") == fold(given)
                and m.post
                and fold(e["post"]).lower().rstrip(",") in fold(m.post).lower()
                and not fold(m.post).lower().startswith("pour ")
                for m in mentions
            )
            f.right += int(ok)
            if not ok:
                f.missed.append(f"{key}: {e['person']}, {e['post']}")
    f.wrong = max(0, len(signed) - f.right)


def _indicators(exp: dict, protocol: Protocol, f: Figure, t: Figure) -> None:
    read = {(i.span.start, clean(i.label)): i for i in protocol.indicators}
    for e in exp["indicator"]:
        f.expected += 1
        got = read.get((e["line"], clean(e["text"])))
        f.right += int(got is not None)
        if got is None:
            f.missed.append(f"l.{e['line']} {e['text']}")
        for target in e["targets"]:
            t.expected += 1
            ok = got is not None and any(
                (x.value == target.get("value"))
                and x.unit == target.get("unit", "")
                and x.year == target.get("year")
                and (x.per or None) == target.get("per")
                for x in got.targets
            )
            t.right += int(ok)
            if not ok:
                t.missed.append(f"l.{e['line']} {target['quote']}")
    f.wrong = max(0, len(protocol.indicators) - f.right)
