"""RDF: records into triples, and triples into files.

:mod:`.emit` turns the records of a protocol, the registry and the reference identifiers into named graphs
(the model of ``docs/model.md``); :mod:`.serialize` writes datasets as deterministic N-Quads and TriG, atomically.
"""
