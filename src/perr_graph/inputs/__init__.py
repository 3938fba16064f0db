"""Inputs: what a build reads before any text is interpreted, and where it is.

Owns the corpus (:mod:`.corpus`: which folders a command reads and writes, found from ``--corpus``, ``PERR_HOME``,
the nearest ``perr.toml`` or the bundled example corpus; :mod:`.create` makes a new one), the source catalogue and
the source texts (:mod:`.catalogue`), the typed per-protocol configuration (:mod:`.config`, with
:mod:`.tomllines` to name the line of a mistake), the partner and territory registry and the reference map
(:mod:`.registry`), and the ontology as an input (:mod:`.ontology`: its graph and the concept slugs the
configurations may use). Nothing here knows how a layout is read; the readers' own block models are given to
:func:`.config.load_config` by the reader table (:mod:`perr_graph.read.table`).
"""
