"""``validation.html``: the SHACL findings (:mod:`perr_graph.report.validation`): counts per protocol, results
grouped by protocol, severity and shape, each result linked to its commitment and source line."""

from __future__ import annotations

import re
from collections import defaultdict

from perr_graph.report.data import ReportData

TEMPLATE = "validation.html.j2"

_SEVERITY = {"Violation": 0, "Warning": 1, "Info": 2}


def _result(data: ReportData, unit: str, r: dict) -> dict:
    """One result: its source line and commitment (when its unit is a protocol), its label and value."""
    protocol = unit in data.info
    key = re.search(r"/commitment/([^/]+)", r["focus"])
    return {
        "line": r["line"] if protocol and r.get("line") else None,
        "label": r["label"],
        "commitment": key.group(1) if protocol and key else None,
        "value": (r["value_label"] or r["value"]) if r.get("value") else None,
    }


def context(data: ReportData) -> dict:
    v = data.validation
    if v is None:
        return {"validation": None}
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for r in v["results"]:
        groups[(r["protocol"], r["severity"], r["shape"])].append(r)
    ordered = sorted(
        groups.items(),
        key=lambda kv: (kv[0][0] not in data.info, kv[0][0], _SEVERITY.get(kv[0][1], 9), kv[0][2]),
    )
    return {
        "validation": v,
        "units": [
            [data.pname(u["name"]), u["violations"], u["warnings"], u["infos"], "; ".join(u["notes"])]
            for u in v["units"]
        ],
        "groups": [
            {
                "unit": unit,
                "name": data.pname(unit),
                "severity": severity,
                "shape": shape,
                "path": rs[0]["path"] or "",
                "message": rs[0]["message"],
                "results": [_result(data, unit, r) for r in rs],
            }
            for (unit, severity, shape), rs in ordered
        ],
    }
