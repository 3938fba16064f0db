"""The synthetic registry: the partners, territories and official identifiers the synthetic protocols name,
gathered as the protocols come, for ``graph:registry`` and ``graph:reference``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from rdflib import URIRef

from perr_graph import namespaces as ns
from perr_graph.inputs.registry import AliasTable, Partner, Registry, Territory
from perr_graph.rdf import emit
from perr_graph.rdf.emit import Triples
from perr_graph.synth.basis import SynthError

V = TypeVar("V", Partner, Territory)


class RegistryBuilder:
    """The partners and territories the protocols name, gathered as they come; a clash (one id, two different
    partners or territories) is a generator bug."""

    def __init__(self) -> None:
        self.partners: dict[str, Partner] = {}
        self.territories: dict[str, Territory] = {}
        self.identifiers: list[dict[str, str]] = []

    def add(
        self,
        partners: dict[str, Partner],
        territories: dict[str, Territory],
        identifiers: Iterable[dict[str, str]] = (),
    ) -> None:
        _merge(self.partners, partners)
        _merge(self.territories, territories)
        self.identifiers.extend(identifiers)

    def reference_graph(self) -> Triples:
        """``graph:reference`` for the synthetic identifiers, by the emitter of the real reference file
        (:func:`perr_graph.rdf.emit.identifiers`)."""
        targets: dict[tuple[str, str, str], URIRef] = {}
        for r in self.identifiers:
            if r["scheme"] == "SIREN":
                node = ns.org(r["name"])
            elif r["kind"] == "contract":
                node = ns.contract(r["name"])
            else:  # a commune or a QPV
                node = {"commune": ns.territory, "qpv": ns.territory}[r["kind"]](r["name"])
            targets[(r["kind"], r["name"], r["scheme"])] = node
        g = Triples()
        emit.identifiers(g, self.identifiers, targets, "synthetic identifiers")
        return g

    def registry(self) -> Registry:
        """The gathered partners and territories as a registry, sorted by id, without aliases or people."""
        return Registry(
            dict(sorted(self.partners.items())),
            dict(sorted(self.territories.items())),
            {},
            AliasTable([]),
            AliasTable([]),
        )


def _merge(store: dict[str, V], items: dict[str, V]) -> None:
    for key, value in items.items():
        known = store.setdefault(key, value)
        if known != value:
            raise SynthError(f"synthetic registry clash on {key!r}: {known} vs {value}")
