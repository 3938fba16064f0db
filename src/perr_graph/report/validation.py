"""The SHACL findings for the report, from :mod:`perr_graph.validate` (its ``validate_dataset`` and the
:class:`~perr_graph.validate.Report` it returns): conformance, counts per protocol, and every result in plain words
with the source file and line it points at, in the report's language."""

from __future__ import annotations

from pathlib import Path


def findings(
    validate_module,
    files: list[Path] | None = None,
    lang: str = "fr",
    *,
    sources=None,
    dataset=None,
    shapes=None,
) -> dict:
    """``{"conforms", "units": [{name, violations, warnings, infos, notes}], "results": [records]}``, the
    messages in ``lang``."""
    from rdflib.namespace import SH

    report = validate_module.validate_dataset(files or None, sources=sources, dataset=dataset, shapes=shapes)
    units = []
    for u in report.units:
        c = report.counts(u)
        units.append(
            {
                "name": u.name,
                "violations": c[SH.Violation],
                "warnings": c[SH.Warning],
                "infos": c[SH.Info],
                "notes": list(u.notes),
            }
        )
    return {
        "conforms": report.conforms,
        "fail_on": report.fail_on,
        "units": units,
        "results": report.records(lang),
    }
