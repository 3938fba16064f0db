"""How long validating the five protocols takes, against pySHACL on the whole merged graph, in the same run.

    .venv/bin/python benchmarks/bench_validate.py            # perr engine, then pySHACL (several minutes)
    .venv/bin/python benchmarks/bench_validate.py --quick    # pySHACL on the core constraints only

Measured, each best of --repeat runs:
  1. `perr validate` as the command does it: load dist/perr.nq into the store, validate each protocol graph on its
     own with the shared graphs (ontology, registry, reference), the shared graphs once, compare every quote with its
     source text, and name each result's node and line;
  2. pySHACL on the whole merged graph (every graph of the dataset in one rdflib graph), the same shapes, no
     inference; and, for the record, with inference="rdfs" and the ontology as ont_graph (core constraints only,
     one run: the SPARQL constraints are what makes pySHACL slow, not the inference).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def best(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3, help="runs of the perr engine (best is kept; default 3)")
    ap.add_argument("--quick", action="store_true", help="pySHACL on core constraints only (skip SPARQL)")
    args = ap.parse_args()

    from rdflib import Dataset, Graph
    from rdflib.namespace import SH

    from perr_graph import namespaces as ns
    from perr_graph.build import ensure_dataset
    from perr_graph.inputs.corpus import find_corpus
    from perr_graph.validate import Shapes, validate_dataset

    corpus = find_corpus()
    nq = ensure_dataset(corpus)
    shapes = Shapes.load(corpus.shapes)
    print(
        f"dataset {nq} ({nq.stat().st_size // 1024} KiB); {len(shapes.graph)} shape triples, "
        f"{len(shapes.node_shapes())} node shapes, {len(shapes.checks)} compiled checks"
    )

    perr_time, report = best(
        lambda: validate_dataset([nq], shapes=shapes, sources=corpus.sources), args.repeat
    )
    c = report.counts()
    print(
        f"perr engine, 5 protocols + shared, per protocol graph:  {perr_time:7.2f} s  "
        f"({c[SH.Violation]} violations, {c[SH.Warning]} warnings, {c[SH.Info]} infos)"
    )

    from pyshacl import validate as pyshacl_validate

    t = time.perf_counter()
    ds = Dataset()
    ds.parse(nq, format="nquads")
    merged = Graph()
    for g in ds.graphs():
        for triple in g:
            merged.add(triple)
    load = time.perf_counter() - t
    shapes_graph = shapes.graph
    label = "pySHACL, whole merged graph"
    if args.quick:
        shapes_graph = Graph()
        for triple in shapes.graph:
            if triple[1] != SH.sparql:
                shapes_graph.add(triple)
        label += " (core constraints only)"
    t = time.perf_counter()
    _, report_graph, _ = pyshacl_validate(merged, shacl_graph=shapes_graph, inplace=True, allow_warnings=True)
    py_time = time.perf_counter() - t
    n = len(list(report_graph.subjects(SH.resultSeverity, None)))
    print(f"{label}:  {py_time:7.2f} s  (+ {load:.2f} s to load {len(merged)} triples; {n} results)")
    print(f"ratio pySHACL / perr:  {py_time / perr_time:.1f}×")

    core = Graph()
    for triple in shapes.graph:
        if triple[1] != SH.sparql:
            core.add(triple)
    onto = ds.graph(ns.ONTOLOGY_GRAPH)
    t = time.perf_counter()
    pyshacl_validate(merged, shacl_graph=core, inplace=False)
    plain = time.perf_counter() - t
    t = time.perf_counter()
    pyshacl_validate(merged, shacl_graph=core, ont_graph=onto, inference="rdfs", inplace=False)
    rdfs = time.perf_counter() - t
    print(
        f"pySHACL core constraints, merged graph: {plain:.2f} s without inference, {rdfs:.2f} s with "
        f"inference='rdfs' + ont_graph (+{rdfs - plain:.2f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
