"""``index.html``: how many protocols, where they are (grouped by région and département, as far as the data
say), their figures, who carries their commitments (each commitment under its strongest role), the shares of
leads and indicators."""

from __future__ import annotations

from collections import defaultdict

from markupsafe import Markup

from perr_graph.report.data import ReportData, period
from perr_graph.report.downloads import Downloads, Link
from perr_graph.report.links import Links
from perr_graph.report.pages.common import lead_split
from perr_graph.report.svg import shares_svg

TEMPLATE = "index.html.j2"
#: up to this many protocols, every group is open and the shares are drawn; beyond, groups are collapsed
OPEN = 24


def _row(data: ReportData, links: Links, pid: str) -> dict:
    info, st, sh = data.info[pid], data.stats.get(pid, {}), data.shares.get(pid, {})
    return {
        "pid": pid,
        "href": links.protocol(pid),
        "source": links.source(pid),
        "name": data.pname(pid),
        "title": data.title(pid),
        "epci": info.get("epci_label") or "",
        "period": period(info, data.lang),
        "commitments": st.get("commitments"),
        "partners": st.get("partners"),
        "signatories": st.get("signatories"),
        "qpv": len(data.places.get(pid).qpv),
        "lead": sh.get("lead_share"),
        "indicator": sh.get("indicator_share"),
    }


def _groups(data: ReportData, links: Links) -> tuple[list[dict], int, int]:
    """Régions → départements → protocols, by label; how many protocols lack a région, a département."""
    m = data.m
    tree: dict[tuple, dict[tuple, list[str]]] = defaultdict(lambda: defaultdict(list))
    no_region = no_dept = 0
    for pid in data.pids:
        where = data.places.get(pid)
        region = where.region or ("", m._("Région not stated"))
        dept = where.departement or ("", m._("Département not stated"))
        no_region += where.region is None
        no_dept += where.departement is None
        tree[region][dept].append(pid)
    groups = []
    for region in sorted(tree, key=lambda r: (not r[0], r[1].casefold(), r[0])):
        depts = []
        for dept in sorted(tree[region], key=lambda d: (not d[0], d[1].casefold(), d[0])):
            pids = sorted(tree[region][dept], key=lambda p: (data.pname(p).casefold(), p))
            depts.append({"label": dept[1], "rows": [_row(data, links, p) for p in pids]})
        groups.append(
            {"label": region[1], "count": sum(len(d["rows"]) for d in depts), "departements": depts}
        )
    return groups, no_region, no_dept


def context(data: ReportData, links: Links, dl: Downloads) -> dict:
    m = data.m
    groups, no_region, no_dept = _groups(data, links)
    rows = [_row(data, links, p) for p in data.pids]
    headers = [
        m._("territory"),
        m._("région"),
        m._("département"),
        m._("title"),
        m._("period"),
        m._("commitments"),
        m._("partners"),
        m._("signatories"),
        m._("QPV named"),
        m._("%% with a known lead"),
        m._("%% with an indicator"),
    ]
    protocols = dl.table(
        "protocols",
        m._("Protocols"),
        headers,
        [
            [
                Link(r["name"], r["href"]),
                (data.places.get(r["pid"]).region or ("", ""))[1],
                (data.places.get(r["pid"]).departement or ("", ""))[1],
                r["title"],
                r["period"],
                r["commitments"],
                r["partners"],
                r["signatories"],
                r["qpv"],
                r["lead"],
                r["indicator"],
            ]
            for r in rows
        ],
        numeric=(5, 6, 7, 8, 9, 10),
    )
    pairs = data.tables["matches"].rows
    shares = [data.shares[p] for p in data.pids if p in data.shares]
    small = len(data.pids) <= OPEN
    return {
        "count": len(data.pids),
        "groups": groups,
        "open": small,
        "no_region": no_region,
        "no_dept": no_dept,
        "protocols": protocols,
        "lead_split": lead_split(data, links, dl, data.pids),
        "commitments": sum(len(v) for v in data.commitments.values()),
        "partners": data.graphs["all"].number_of_nodes(),
        "pairs": len(pairs),
        "exact": sum(1 for r in pairs if r[1] == "exact"),
        "shares_svg": Markup(shares_svg(shares, data.names, data.lang)) if small and shares else None,
    }
