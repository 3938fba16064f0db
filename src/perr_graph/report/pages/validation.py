"""``validation.html``: the SHACL findings (:mod:`perr_graph.report.validation`): counts per protocol, results
grouped by protocol, severity and shape, each result linked to its commitment and source line."""

from __future__ import annotations

import re
from collections import defaultdict

from perr_graph.report.data import ReportData
from perr_graph.report.downloads import Downloads, Link
from perr_graph.report.links import Links

TEMPLATE = "validation.html.j2"

_SEVERITY = {"Violation": 0, "Warning": 1, "Info": 2}


def _result(data: ReportData, links: Links, unit: str, r: dict) -> dict:
    """One result: its source line and commitment (when its unit is a protocol), its label and value."""
    protocol = unit in data.info
    key = re.search(r"/commitment/([^/]+)", r["focus"])
    return {
        "line": r["line"] if protocol and r.get("line") else None,
        "line_href": links.line(unit, r.get("line")) if protocol else None,
        "label": r["label"],
        "href": links.commitment(unit, key.group(1)) if protocol and key else None,
        "value": (r["value_label"] or r["value"]) if r.get("value") else None,
    }


def context(data: ReportData, links: Links, dl: Downloads) -> dict:
    v = data.validation
    if v is None:
        return {"validation": None}
    m = data.m
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for r in v["results"]:
        groups[(r["protocol"], r["severity"], r["shape"])].append(r)
    ordered = sorted(
        groups.items(),
        key=lambda kv: (kv[0][0] not in data.info, kv[0][0], _SEVERITY.get(kv[0][1], 9), kv[0][2]),
    )
    units = dl.table(
        "units",
        m._("Findings per protocol"),
        [m._("unit"), m._("violations"), m._("warnings"), m._("infos"), m._("notes")],
        [
            [
                Link(data.pname(u["name"]), links.protocol(u["name"]))
                if u["name"] in data.info
                else u["name"],
                u["violations"],
                u["warnings"],
                u["infos"],
                "; ".join(u["notes"]),
            ]
            for u in v["units"]
        ],
        numeric=(1, 2, 3),
    )
    shapes = [
        {
            "unit": unit,
            "name": data.pname(unit),
            "severity": severity,
            "shape": shape,
            "path": rs[0]["path"] or "",
            "message": rs[0]["message"],
            "results": [_result(data, links, unit, r) for r in rs],
        }
        for (unit, severity, shape), rs in ordered
    ]
    by_shape = dl.table(
        "shapes",
        m._("Findings by protocol and shape"),
        [m._("unit"), m._("severity"), m._("shape"), m._("path"), m._("results"), m._("message")],
        [[g["name"], g["severity"], g["shape"], g["path"], len(g["results"]), g["message"]] for g in shapes],
        numeric=(4,),
    )
    return {"validation": v, "units": units, "by_shape": by_shape, "groups": shapes}
