"""``protocol-<pid>.html``, the page of a territory's protocol: where it is (région, département, QPV), who signed
it, who carries its commitments and who leads what, its commitments by pillar and theme, what is measured, then
every commitment under its section, linked to its source line; and ``source-<pid>.html``, the source text, an
anchor per line, read lines linked back (only when the source texts are given)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path

from perr_graph.analysis.concepts import role_rank
from perr_graph.errors import InputError
from perr_graph.report.data import ReportData, period
from perr_graph.report.downloads import Downloads, Link
from perr_graph.report.links import Links, partner_key
from perr_graph.report.pages.common import commitment, lead_split, network_picture

TEMPLATE = "protocol.html.j2"
SOURCE_TEMPLATE = "source.html.j2"
#: what a source file's name must look like to be read
SOURCE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,200}")


def _signatories(data: ReportData, links: Links, dl: Downloads, pid: str):
    m = data.m
    rows = []
    for r in data.signatories.get(pid, []):
        first_line = str(r["lines"] or "").replace(",", " ").split()
        href = links.line(pid, first_line[0]) if first_line else None
        rows.append(
            [
                Link(r["organisation_label"] or r["organisation"], links.partner(r["organisation"])),
                r["names"] or r["name_as_written"] or "",
                r["posts"] or "",
                Link(str(r["lines"]), href) if href else (r["lines"] or ""),
            ]
        )
    return dl.table(
        "signatories",
        m._("Signatories"),
        [m._("organisation"), m._("person"), m._("post"), m._("lines")],
        rows,
    )


def _who_leads(data: ReportData, links: Links, dl: Downloads, pid: str, roles: list[str]):
    """Per partner of the protocol: how many commitments it holds in each role (each a link to them)."""
    m = data.m
    counts: dict[str, Counter] = defaultdict(Counter)
    labels: dict[str, str] = {}
    for c in data.commitments.get(pid, []):
        for i in c.involvements:
            counts[i["partner"]][i["role"]] += 1
            labels[i["partner"]] = i["partner_label"] or i["partner"]
    used = [r for r in roles if any(counts[p][r] for p in counts)]
    order = sorted(counts, key=lambda p: (*(-counts[p][r] for r in used), labels[p].casefold(), p))
    rows = []
    for p in order:
        cat = (data.organisations.get(p) or {}).get("category")
        row: list = [Link(labels[p], links.partner(p)), data.label("category", cat) if cat else ""]
        for r in used:
            n = counts[p][r]
            row.append(
                Link(m.number(n), links.search(territory=pid, partner=partner_key(p), role=r)) if n else 0
            )
        rows.append(row)
    return dl.table(
        "who-leads",
        m._("Partners by role"),
        [m._("partner"), m._("category"), *(data.label("role", r) for r in used)],
        rows,
        numeric=tuple(range(2, 2 + len(used))),
    )


def _by_concept(data: ReportData, links: Links, dl: Downloads, pid: str, scheme: str):
    m = data.m
    counts: Counter = Counter()
    for c in data.commitments.get(pid, []):
        values = ([c.pillar] if c.pillar else [""]) if scheme == "pillar" else (c.themes or [""])
        for v in set(values):
            counts[v] += 1
    rows = []
    for v in sorted(counts, key=lambda v: (v == "", data.label(scheme, v).casefold() if v else "", v)):
        label = data.label(scheme, v) if v else m._("(none)")
        href = links.search(territory=pid, **{scheme: v or "none"})
        rows.append([label, Link(m.number(counts[v]), href)])
    title = m._("Commitments by pillar") if scheme == "pillar" else m._("Commitments by theme")
    head = m._("pillar") if scheme == "pillar" else m._("theme")
    return dl.table(f"by-{scheme}", title, [head, m._("commitments")], rows, numeric=(1,))


def _indicators(data: ReportData, links: Links, dl: Downloads, pid: str):
    m = data.m
    keys = {c.iri: c.key for c in data.commitments.get(pid, [])}
    rows = []
    for r in data.indicators.get(pid, []):
        measured = r["measures_label"] or ""
        if r["measures"] in keys:
            measured = Link(measured or keys[r["measures"]], links.commitment(pid, keys[r["measures"]]))
        target = " ".join(
            str(x) for x in (r["target_value"], r["target_unit"], r["target_year"]) if x not in (None, "")
        )
        line = links.line(pid, r["line"])
        rows.append(
            [
                r["label"],
                measured,
                target or (r["target_text"] or ""),
                Link(str(r["line"]), line) if line else r["line"],
            ]
        )
    return dl.table(
        "indicators",
        m._("Indicators and targets"),
        [m._("indicator"), m._("what it measures"), m._("target"), m._("line")],
        rows,
    )


def context(data: ReportData, links: Links, dl: Downloads, pid: str) -> dict:
    info, st, sh = data.info[pid], data.stats.get(pid, {}), data.shares.get(pid, {})
    cs = data.commitments.get(pid, [])
    roles = data.roles()
    sections: list[tuple[str, list[dict]]] = []
    for c in cs:
        if not sections or sections[-1][0] != c.section:
            sections.append((c.section, []))
        sections[-1][1].append(commitment(data, links, c, roles))
    where = data.places.get(pid)
    used_roles = sorted(
        {i["role"] for c in cs for i in c.involvements}, key=lambda r: (role_rank(roles, r), r)
    )
    return {
        "pid": pid,
        "name": data.pname(pid),
        "title": data.title(pid),
        "info": info,
        "region": where.region[1] if where.region else "",
        "departement": where.departement[1] if where.departement else "",
        "qpv": [q[1] for q in where.qpv],
        "period": period(info, data.lang),
        "source_href": links.source(pid),
        "commitments": len(cs),
        "lead_share": sh.get("lead_share"),
        "indicator_share": sh.get("indicator_share"),
        "partners": st.get("partners"),
        "matched": sum(1 for c in cs if c.matches),
        "search": links.search(territory=pid),
        "roles": [(r, data.label("role", r)) for r in used_roles],
        "signatories": _signatories(data, links, dl, pid),
        "lead_split": lead_split(data, links, dl, [pid]),
        "who_leads": _who_leads(data, links, dl, pid, roles),
        "by_pillar": _by_concept(data, links, dl, pid, "pillar"),
        "by_theme": _by_concept(data, links, dl, pid, "theme"),
        "indicators": _indicators(data, links, dl, pid),
        "sections": sections,
        "picture": network_picture(data, pid),
    }


def _source_file(sources: Path, name: str) -> Path | None:
    """The source text ``name`` in ``sources``, if the name is a plain file name (a name from the data never
    leaves the sources folder) and the file is there."""
    if not SOURCE_NAME.fullmatch(name or ""):
        return None
    path = Path(sources) / name
    return path if path.is_file() else None


def readable_sources(data: ReportData, sources: Path | None) -> dict[str, Path]:
    """The protocols whose source text is found in ``sources`` (by the file name the dataset gives)."""
    if sources is None:
        return {}
    out = {}
    for pid in data.pids:
        path = _source_file(sources, str(data.info[pid].get("source_file") or ""))
        if path is not None:
            out[pid] = path
    return out


def source_context(data: ReportData, links: Links, pid: str, path: Path) -> dict:
    info = data.info[pid]
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the source text: {exc}", path) from None
    if lines and lines[-1] == "":
        lines.pop()
    starts: dict[int, list[str]] = defaultdict(list)
    read: set[int] = set()
    for c in data.commitments.get(pid, []):
        starts[c.line_start].append(c.key)
        read.update(range(c.line_start, c.line_end + 1))
    return {
        "pid": pid,
        "protocol_href": links.protocol(pid),
        "name": data.pname(pid),
        "source_file": info["source_file"],
        "lines": [(n, text, n in read, starts.get(n, [])) for n, text in enumerate(lines, start=1)],
    }
