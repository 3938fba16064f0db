"""A validation report for people and for CI: plain words (text), JSON, CSV and GitHub Actions workflow
commands. SARIF is :mod:`.sarif`, the SHACL report in Turtle :mod:`.turtle`.

Every format lists the same findings in the same order (units as read, then by severity, shape, focus node,
path and value), each with the file and line it points at in the source texts (``data/sources/<file>:<line>``,
the column where known), the shape, the constraint component, the severity, the shape's message (what is
wrong) and the detail of this finding. The same report gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from typing import Any

from rdflib.namespace import SH

from perr_graph.validation import paths
from perr_graph.validation.model import SHARED, Report, Result, UnitReport, rank
from perr_graph.validation.terms import compact, local_name
from perr_graph.validation.wording import counts_text, severity_word, tr

FORMATS = ("text", "json", "turtle", "csv", "github", "sarif")
CSV_COLUMNS = (
    "protocol", "severity", "shape", "constraint", "path", "file", "line", "column", "focus", "label", "value",
    "message", "detail",
)  # fmt: skip


def message(report: Report, r: Result, lang: str) -> str:
    """What is wrong: the shape's message (SHACL §2.1.5, ``sh:message``), else the finding's detail."""
    return report.shapes.message(r.shape, lang) or _detail(report, r, lang)


def _detail(report: Report, r: Result, lang: str) -> str:
    for unit in report.units:
        d = unit.details.get(r.key)
        if d:
            return d.get(lang, "")
    return f"{local_name(r.component)}"


def record(report: Report, unit: UnitReport, r: Result, lang: str) -> dict[str, Any]:
    """One finding as plain values (the JSON and CSV rows, the report's validation page)."""
    loc = unit.location(r)
    return {
        "protocol": unit.name,
        "severity": local_name(r.severity),
        "shape": report.shapes.name(r.shape),
        "constraint": local_name(r.component),
        "path": paths.text(r.path),
        "file": loc.file if loc else None,
        "line": loc.line if loc else None,
        "column": loc.column if loc else None,
        "focus": str(r.focus),
        "label": unit.labels.get(r.focus) or compact(r.focus),
        "value": None if r.value is None else str(r.value),
        "value_label": unit.labels.get(r.value) if r.value is not None else None,
        "message": report.shapes.message(r.shape, lang) or unit.details.get(r.key, {}).get(lang, ""),
        "detail": unit.details.get(r.key, {}).get(lang, ""),
    }


def records(report: Report, lang: str = "fr") -> list[dict[str, Any]]:
    return [record(report, u, r, lang) for u in report.units for r in u.sorted()]


def summary(report: Report) -> dict[str, Any]:
    """Conformance and counts, overall and per unit."""
    c = report.counts()
    units = []
    for u in report.units:
        uc = report.counts(u)
        units.append(
            {
                "name": u.name,
                "graph": u.graph,
                "conforms": report.unit_conforms(u),
                "violations": uc[SH.Violation],
                "warnings": uc[SH.Warning],
                "infos": uc[SH.Info],
                "notes": u.notes,
            }
        )
    return {
        "conforms": report.conforms,
        "fail_on": report.fail_on,
        "engine": report.engine,
        "violations": c[SH.Violation],
        "warnings": c[SH.Warning],
        "infos": c[SH.Info],
        "units": units,
    }


def json_text(report: Report, lang: str = "fr") -> str:
    return (
        json.dumps({**summary(report), "results": records(report, lang)}, ensure_ascii=False, indent=2) + "\n"
    )


def csv_text(report: Report, lang: str = "fr") -> str:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for row in records(report, lang):
        w.writerow({k: "" if row.get(k) is None else row[k] for k in CSV_COLUMNS})
    return out.getvalue()


def _clip(s: str, n: int = 90) -> str:
    s = " ".join(str(s).split())
    return s if len(s) <= n else s[: n - 1] + "…"


def text(report: Report, lang: str = "fr", summary_only: bool = False) -> str:
    """Plain words: per unit, its counts, then each shape that fired with its message and, unless
    ``summary_only``, every finding with its source line and detail."""
    lines: list[str] = []
    for unit in report.units:
        head = unit.name + (f"  <{unit.graph}>" if unit.graph else "")
        lines.append(f"{head}\n  {counts_text(lang, report.counts(unit))}")
        lines += [f"  {tr(lang, 'note: %(note)s', note=n)}" for n in unit.notes]
        groups: dict[tuple[Any, Any], list[Result]] = defaultdict(list)
        for r in unit.results:
            groups[(r.severity, r.shape)].append(r)
        for (severity, shape), results in sorted(
            groups.items(), key=lambda kv: (-rank(kv[0][0]), report.shapes.name(kv[0][1]))
        ):
            lines.append(
                f"  {severity_word(lang, severity).capitalize()}: {report.shapes.name(shape)} ({len(results)})"
            )
            lines.append(f"    {message(report, results[0], lang)}")
            if summary_only:
                continue
            for r in sorted(results, key=Result.sort_key):
                loc = unit.location(r)
                where = str(loc) if loc else tr(lang, "(no source line)")
                label = unit.labels.get(r.focus) or compact(r.focus)
                detail = unit.details.get(r.key, {}).get(lang, "")
                lines.append(
                    f"      {where}  {_clip(label)}" + (f"  — {_clip(detail, 120)}" if detail else "")
                )
        lines.append("")
    n = sum(1 for u in report.units if u.name != SHARED)
    verdict = tr(lang, "conforms" if report.conforms else "does not conform")
    threshold = tr(lang, "threshold: %(level)s", level=report.fail_on)
    units = tr(lang, "%(n)s protocol" if n == 1 else "%(n)s protocols", n=n)
    counts = counts_text(lang, report.counts())
    lines.append(tr(lang, "%(verdict)s (%(threshold)s): %(counts)s in %(units)s", verdict=verdict,
                    threshold=threshold, counts=counts, units=units))  # fmt: skip
    return "\n".join(lines) + "\n"


_GITHUB_LEVEL = {SH.Violation: "error", SH.Warning: "warning", SH.Info: "notice"}


def _escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


def github(report: Report, lang: str = "fr") -> str:
    """GitHub Actions workflow commands (``::error file=…,line=…,col=…,title=…::message``), one per finding:
    the findings appear as annotations on the lines of the source texts."""
    out = []
    for unit in report.units:
        for r in unit.sorted():
            rec = record(report, unit, r, lang)
            props = []
            if rec["file"]:
                props.append(f"file={_escape_property(rec['file'])}")
                props.append(f"line={rec['line']}")
                if rec["column"]:
                    props.append(f"col={rec['column']}")
            props.append(f"title={_escape_property(unit.name + ' ' + rec['shape'])}")
            what = rec["message"] + (
                f" — {rec['detail']}" if rec["detail"] and rec["detail"] != rec["message"] else ""
            )
            what += f" ({_clip(rec['label'], 80)})"
            level = _GITHUB_LEVEL.get(r.severity, "error")  # type: ignore[call-overload]
            out.append(f"::{level} {','.join(props)}::{_escape_data(what)}")
    return "\n".join(out) + ("\n" if out else "")


__all__ = ["FORMATS", "csv_text", "github", "json_text", "records", "summary", "text"]
