"""RDF: records into triples, and triples into files.

:mod:`.emit` turns the records of a protocol, the registry and the reference identifiers into named graphs
(the model of ``docs/model.md``), one emitter per kind of fact; :mod:`.dataset` describes the dataset itself
(DCAT/VoID); :mod:`.terms` writes one RDF term as text and shortens IRIs with the project prefixes;
:mod:`.serialize` writes datasets as deterministic N-Quads and TriG, atomically.
"""
