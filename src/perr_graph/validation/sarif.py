"""The validation report in SARIF 2.1.0 (OASIS Static Analysis Results Interchange Format), for code-scanning
tools: one run of the tool ``perr validate``, a rule per shape that fired (its message, its IRI), a result per
finding with its level (error for a Violation, warning, note for an Info), its message and detail, its physical
location (the source text, line and column: SARIF §3.28-3.30) and its logical location (the focus node's IRI).
"""

from __future__ import annotations

import json
from typing import Any

from rdflib import URIRef
from rdflib.namespace import SH

from perr_graph import __version__
from perr_graph.validation.model import Report
from perr_graph.validation.render import record

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {SH.Violation: "error", SH.Warning: "warning", SH.Info: "note"}


def sarif(report: Report, lang: str = "fr") -> str:
    rules: dict[str, dict[str, Any]] = {}
    results = []
    for unit in report.units:
        for r in unit.sorted():
            rec = record(report, unit, r, lang)
            rule_id = rec["shape"]
            if rule_id not in rules:
                rule: dict[str, Any] = {
                    "id": rule_id,
                    "name": rule_id.replace("/", "_"),
                    "shortDescription": {"text": rec["message"] or rule_id},
                    "defaultConfiguration": {"level": _LEVEL.get(r.severity, "error")},  # type: ignore[call-overload]
                }
                if isinstance(r.shape, URIRef):
                    rule["helpUri"] = str(r.shape)
                rules[rule_id] = rule
            text = rec["message"] + (
                f" — {rec['detail']}" if rec["detail"] and rec["detail"] != rec["message"] else ""
            )
            result: dict[str, Any] = {
                "ruleId": rule_id,
                "level": _LEVEL.get(r.severity, "error"),  # type: ignore[call-overload]
                "message": {"text": text or rule_id},
                "locations": [_location(rec, unit.name)],
                "properties": {
                    "protocol": unit.name,
                    "constraint": rec["constraint"],
                    "severity": rec["severity"],
                    **({"path": rec["path"]} if rec["path"] else {}),
                    **({"value": rec["value"]} if rec["value"] is not None else {}),
                },
            }
            results.append(result)
    ordered = sorted(rules)
    for result in results:
        result["ruleIndex"] = ordered.index(result["ruleId"])
    doc = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "perr validate",
                        "version": __version__,
                        "informationUri": "https://w3id.org/perr-graph/",
                        "rules": [rules[k] for k in ordered],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _location(rec: dict[str, Any], unit: str) -> dict[str, Any]:
    location: dict[str, Any] = {
        "logicalLocations": [{"fullyQualifiedName": rec["focus"], "name": rec["label"], "kind": "resource"}]
    }
    if rec["file"]:
        region: dict[str, Any] = {"startLine": rec["line"]}
        if rec["column"]:
            region["startColumn"] = rec["column"]
        location["physicalLocation"] = {"artifactLocation": {"uri": rec["file"]}, "region": region}
    return location
