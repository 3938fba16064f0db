"""The SHACL findings for the report, from :mod:`perr_graph.validation` (the same engine and the same records as
``perr validate``): conformance, counts per protocol, and every result in plain words with the source file and
line it points at, in the report's language."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any


def findings(
    files: list[Path] | None = None,
    lang: str = "fr",
    *,
    sources: Path | None = None,
    roots: tuple[Path, ...] = (),
    dataset: Path | Callable[[], Path] | None = None,
    shapes: Any = None,
    jobs: int | None = 1,
) -> dict:
    """``{"conforms", "fail_on", "engine", "units": [{name, violations, warnings, infos, notes}], "results":
    [records]}`` (:func:`perr_graph.validation.render.summary` and ``records``), the messages in ``lang``."""
    from perr_graph.validation import Locator, validate_dataset
    from perr_graph.validation.render import records, summary

    report = validate_dataset(
        files or None, shapes=shapes, dataset=dataset, locator=Locator(sources, roots), jobs=jobs
    )
    return {**summary(report), "results": records(report, lang)}
