"""The check SHACL cannot make: every quote stands in its lines of the source text (docs/model.md, "Provenance":
``oa:exact`` is "a substring of those lines", lines ``perr:lineStart..perr:lineEnd`` joined by line feeds, of
the file named by ``oa:hasSource`` / ``dcterms:identifier``). Reported like a SHACL result of the deactivated
shape ``perrsh:QuoteMatchesSource`` on the fact, with the path ``prov:wasDerivedFrom/oa:hasSelector/oa:exact``.

Also where findings point: :class:`Locator` names a source file as the corpus gives it (``data/sources/<file>``
in the project's checkout) and finds the column where a quote starts in its first line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import URIRef
from rdflib.namespace import SH

from perr_graph import namespaces as ns
from perr_graph.errors import PerrError
from perr_graph.validation.model import Result
from perr_graph.validation.shapes import PERRSH
from perr_graph.validation.terms import from_ox

QUOTE_SHAPE = URIRef(PERRSH + "QuoteMatchesSource")
QUOTE_COMPONENT = URIRef(PERRSH + "QuoteConstraintComponent")
QUOTE_PATH = ("seq", ns.PROV.wasDerivedFrom, ns.OA.hasSelector, ns.OA.exact)

_QUOTES = """
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX perr: <https://w3id.org/perr-graph/ontology#>
SELECT ?fact ?file ?start ?end ?exact WHERE {
    ?fact prov:wasDerivedFrom ?evidence .
    ?evidence oa:hasSource ?source ; perr:lineStart ?start ; perr:lineEnd ?end ; oa:hasSelector ?selector .
    ?selector a oa:TextQuoteSelector ; oa:exact ?exact .
    ?source dcterms:identifier ?file .
}"""


@dataclass
class Locator:
    """Where the source texts are (``sources``: None when not known) and the folders their paths are given
    from (the corpus folder, then the folder holding its data), with the texts read so far."""

    sources: Path | None = None
    roots: tuple[Path, ...] = ()
    _texts: dict[str, Any] = field(default_factory=dict, repr=False)

    def path(self, file: str) -> str:
        """A source file as people find it: relative to the first root that holds it, else as found."""
        if self.sources is None:
            return file
        full = Path(self.sources) / file
        for root in self.roots:
            try:
                return full.resolve().relative_to(Path(root).resolve()).as_posix()
            except ValueError:
                continue
        return full.as_posix()

    def text(self, file: str) -> Any:
        """The source text (:class:`~perr_graph.inputs.catalogue.SourceText`), or None when it is not under
        ``sources`` (or not a plain file name)."""
        from perr_graph.inputs.catalogue import SourceText

        if file not in self._texts:
            text = None
            if (
                self.sources is not None
                and "/" not in file
                and "\\" not in file
                and file not in ("", ".", "..")
            ):
                path = Path(self.sources) / file
                try:
                    text = SourceText.load(path) if path.is_file() else None
                except PerrError:
                    text = None
            self._texts[file] = text
        return self._texts[file]

    def column(self, file: str, line: int, exact: str) -> int | None:
        """The 1-based column where ``exact`` starts in ``line`` of ``file``, when it stands there."""
        text = self.text(file)
        if text is None or not 1 <= line <= len(text.lines):
            return None
        at = text.lines[line - 1].find(exact.split("\n", 1)[0])
        return at + 1 if at >= 0 else None


def check_quotes(store: Any, locator: Locator) -> tuple[list[Result], list[str]]:
    """``perrsh:QuoteMatchesSource`` on the unit's store: the results, and notes on files not compared."""
    results: dict[tuple[Any, ...], Result] = {}
    missing: set[str] = set()
    if locator.sources is None:
        return [], ["quotes not compared with the source texts (no sources folder)"]
    for row in store.query(_QUOTES):
        file = row["file"].value
        text = locator.text(file)
        if text is None:
            missing.add(file)
            continue
        start, end, exact = int(row["start"].value), int(row["end"].value), row["exact"].value
        if 1 <= start <= end <= len(text.lines) and exact in "\n".join(text.lines[start - 1 : end]):
            continue
        r = Result(
            from_ox(row["fact"]),
            QUOTE_SHAPE,
            QUOTE_COMPONENT,
            SH.Violation,
            QUOTE_PATH,
            from_ox(row["exact"]),
            line=start,
        )
        results[(*r.key, r.line)] = r
    notes = [
        f"quotes citing {f!r} not compared: the file is not under {locator.sources}" for f in sorted(missing)
    ]
    return list(results.values()), notes
