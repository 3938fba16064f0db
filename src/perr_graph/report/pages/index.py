"""``index.html``: the protocols side by side, with their figures and the shares of leads and indicators."""

from __future__ import annotations

from markupsafe import Markup

from perr_graph.report.data import ReportData, period
from perr_graph.report.svg import shares_svg

TEMPLATE = "index.html.j2"


def context(data: ReportData) -> dict:
    cards = []
    for pid in data.pids:
        info, st, sh = data.info[pid], data.stats.get(pid, {}), data.shares.get(pid, {})
        cards.append(
            {
                "pid": pid,
                "name": data.pname(pid),
                "title": data.titles[pid],
                "epci": info.get("epci_label"),
                "period": period(info),
                "commitments": st.get("commitments"),
                "partners": st.get("partners"),
                "signatories": st.get("signatories"),
                "matched": sum(1 for c in data.commitments.get(pid, []) if c.matches),
                "lead": float(sh.get("lead_share") or 0),
                "indicator": float(sh.get("indicator_share") or 0),
            }
        )
    pairs = data.tables["matches"].rows
    shares = [data.shares[p] for p in data.pids if p in data.shares]
    return {
        "cards": cards,
        "commitments": sum(len(v) for v in data.commitments.values()),
        "partners": data.graphs["all"].number_of_nodes(),
        "pairs": len(pairs),
        "exact": sum(1 for r in pairs if r[1] == "exact"),
        "shares_svg": Markup(shares_svg(shares, data.names)),
    }
