"""Reading: source texts into records (:mod:`perr_graph.model`), one reader per layout.

:mod:`.table` is the one list of readers (name → block model, function); :mod:`.blocks` holds the keys each
reader's ``[[read]]`` blocks may have; :mod:`.protocol` runs the readers a protocol's configuration names over its
text and applies the rules every commitment shares; :mod:`.base` holds what readers share (the reading context,
quotes checked against the text); each other module reads one family of layouts (matrix of marks, objectives
tables, prose, signatures, statistics and amounts tables, anchored facts). Readers know the registry but not RDF.
"""
