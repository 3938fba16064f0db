"""Inputs: what a build reads before any text is interpreted.

Owns the source catalogue and the source texts (:mod:`.catalogue`), the per-protocol configuration
(:mod:`.config`), the partner and territory registry (:mod:`.registry`) and where these files live
(:mod:`.paths`). Nothing here knows RDF or how a layout is read.
"""
